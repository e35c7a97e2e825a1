#!/bin/sh
# datasets_northwind: imports Northwind (data/northwind) with the
# documented commands (tests/datasets/northwind.commands) into a fresh database and
# checks its figures (revenue with exact decimals, per employee and category) against
# tests/datasets/expected.py; then the float-noise file order_details.csv, into a fresh
# database and over the first one, must give the same figures, since prices are
# rounded to the cent on entry (METRICS.md); re-import changes nothing.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/datasets/lib.sh"
ds_require northwind
ds_expected northwind
python3 "$DS_DIR/expected.py" northwind-float "$DATASETS" >"$TMP/float.expected"
python3 "$DS_DIR/expected.py" northwind "$DATASETS" >"$TMP/exact.expected"
cmp -s "$TMP/float.expected" "$TMP/exact.expected"
check "expected.py: order_details.csv (float noise) gives the figures of order_details_exact.csv"

db="$TMP/northwind.db"
ds_import northwind "$db"
ds_compare northwind "$db"
ds_snapshot "$db" "$TMP/before.sql"

# The float file into a fresh database: the same figures.
ds_import northwind "$TMP/float.db" 's/order_details_exact\.csv/order_details.csv/'
ds_compare northwind "$TMP/float.db" "order_details.csv: "

# Re-import, and the float file over the exact one: nothing changes.
ds_import northwind "$db"
ds_import northwind "$db" 's/order_details_exact\.csv/order_details.csv/'
ds_snapshot "$db" "$TMP/after.sql"
if cmp -s "$TMP/before.sql" "$TMP/after.sql"; then ok "re-import (exact, then float file) leaves every row as it was"
else not_ok "re-import changed rows"; diff "$TMP/before.sql" "$TMP/after.sql" | head -10 | sed 's/^/#   /'; fi
# The KPI engine on real data (issue 4), against figures derived from the raw files
# (kpi_check in tests/datasets/lib.sh).
DS=northwind KPI="revenue,orders --period all --by rep" kpi_check sales_per_employee rep \
    revenue=revenue.employee/100 orders=orders.employee
DS=northwind KPI="revenue --period all --by category" kpi_check sales_per_category category \
    revenue=revenue.category/100

ds_compare northwind "$db" "after re-import: "
finish
