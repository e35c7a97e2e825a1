#!/bin/sh
# datasets_docs: the field reference of docs/import.md and docs/importar.md is what
# `embudo import --fields KIND` says now (regenerate with tests/datasets/fields_doc.py),
# and every dataset command in tests/datasets/*.commands appears in both guides.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/datasets/lib.sh"
for doc in docs/import.md docs/importar.md; do
    python3 "$DS_DIR/fields_doc.py" --check "$EMBUDO" "$SRCDIR/$doc" 2>"$TMP/err"
    check "$doc: the field reference matches embudo import --fields"
    sed 's/^/#   /' "$TMP/err"
done
for name in maven northwind superstore olist; do
    ds_documented "$name"
done
finish
