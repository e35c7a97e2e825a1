#!/bin/sh
# datasets_olist: imports the Olist marketing funnel (data/olist-funnel)
# with the documented commands (tests/datasets/olist.commands) into a fresh database
# in America/Sao_Paulo, checks leads per origin, the 842 won deals linked to their
# leads and the conversions per origin against tests/datasets/expected.py;
# re-import changes nothing.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/datasets/lib.sh"
ds_require olist-funnel
ds_expected olist

db="$TMP/olist.db"
ds_import olist "$db"
ds_compare olist "$db"

ds_snapshot "$db" "$TMP/before.sql"
ds_import olist "$db"
ds_snapshot "$db" "$TMP/after.sql"
if cmp -s "$TMP/before.sql" "$TMP/after.sql"; then ok "re-import leaves every row as it was"
else not_ok "re-import changed rows"; diff "$TMP/before.sql" "$TMP/after.sql" | head -10 | sed 's/^/#   /'; fi
# The KPI engine on real data (issue 4), against figures derived from the raw files
# (kpi_check in tests/datasets/lib.sh).
DS=olist KPI="leads_created,lead_conversion_rate --period all --by source" kpi_check conversion_by_origin source \
    leads_created=leads.source lead_conversion_rate_opportunity=conversion.source/leads.source \
    lead_conversion_rate_customer=conversion.source/leads.source

ds_compare olist "$db" "after re-import: "
finish
