#!/bin/sh
# datasets_maven: imports Maven CRM (../shared/datasets/maven-crm) with the documented
# commands (tests/datasets/maven.commands) into a fresh database, checks its figures
# against those tests/datasets/expected.py derives from the raw CSV files, then runs
# the import again and checks that nothing changed.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/datasets/lib.sh"
ds_require maven-crm
ds_expected maven

db="$TMP/maven.db"
ds_import maven "$db"
ds_compare maven "$db"

# Quirk: the pipeline's "GTXPro" is products.csv's "GTX Pro": names match ignoring
# case, spaces and punctuation, so no product is created (products.count above).
# A stage the pipeline lacks ("Engaging" without --stage-map) refuses the whole file,
# naming the value, and changes nothing (one transaction).
ds_snapshot "$db" "$TMP/before.sql"
cd "$DATASETS/maven-crm" || exit 1
expect_status 1 "$EMBUDO" --db "$db" import deals sales_pipeline.csv --map id=opportunity_id --set created=2017-12-31
grep -q "Engaging" "$TMP/err"; check "the refusal names the unknown stage 'Engaging'"
ds_snapshot "$db" "$TMP/after.sql"
cmp -s "$TMP/before.sql" "$TMP/after.sql"; check "a refused import leaves the database unchanged"

# Re-importing everything changes nothing: no duplicates, same figures.
ds_import maven "$db"
ds_snapshot "$db" "$TMP/after.sql"
if cmp -s "$TMP/before.sql" "$TMP/after.sql"; then ok "re-import leaves every row as it was"
else not_ok "re-import changed rows"; diff "$TMP/before.sql" "$TMP/after.sql" | head -10 | sed 's/^/#   /'; fi
ds_compare maven "$db" "after re-import: "
finish
