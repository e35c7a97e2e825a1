#!/bin/sh
# datasets_superstore: imports Tableau's Superstore (data/superstore; UTF-8
# with a byte-order mark, CRLF, m/d/Y dates) with the documented commands
# (tests/datasets/superstore.commands) into a fresh database, checks sales and profit
# overall and per segment, region and category, orders per year, against
# tests/datasets/expected.py; re-import changes nothing.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/datasets/lib.sh"
ds_require superstore
ds_expected superstore

db="$TMP/superstore.db"
ds_import superstore "$db"
ds_compare superstore "$db"

ds_snapshot "$db" "$TMP/before.sql"
ds_import superstore "$db"
ds_snapshot "$db" "$TMP/after.sql"
if cmp -s "$TMP/before.sql" "$TMP/after.sql"; then ok "re-import leaves every row as it was"
else not_ok "re-import changed rows"; diff "$TMP/before.sql" "$TMP/after.sql" | head -10 | sed 's/^/#   /'; fi
# The KPI engine on real data (issue 4), against figures derived from the raw files
# (kpi_check in tests/datasets/lib.sh).
DS=superstore KPI="revenue,gross_profit,gross_margin --period all --by segment" kpi_check per_segment segment \
    revenue=sales.segment/100 gross_profit=profit.segment/100 gross_margin=profit.segment/sales.segment
DS=superstore KPI="revenue,gross_profit --period all --by category" kpi_check per_category category \
    revenue=sales.category/100 gross_profit=profit.category/100

ds_compare superstore "$db" "after re-import: "
finish
