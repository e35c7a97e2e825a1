#!/bin/sh
# repo_standalone: the repository stands alone. The public datasets under data/ are
# byte for byte those of data/SHA256SUMS (nobody edits them), and no test, script, doc
# or source reaches outside the checkout for them.
. "$SRCDIR/tests/integration/lib.sh"
cd "$SRCDIR/data" || exit 1
if sha256sum --quiet -c SHA256SUMS >"$TMP/sums" 2>&1; then ok "data/ matches data/SHA256SUMS"
else not_ok "data/ differs from data/SHA256SUMS"; sed 's/^/#   /' "$TMP/sums"; fi
listed=$(awk '{ print $2 }' SHA256SUMS | sort)
present=$(find . -type f ! -name SHA256SUMS ! -name README.md | sed 's#^\./##' | sort)
expect_eq "every data file is listed in SHA256SUMS" "$listed" "$present"
cd "$SRCDIR" || exit 1
outside='\.\./''shared'
hits=$(grep -rlE "$outside" README.md Makefile meson.build .ci scripts src tests docs bench 2>/dev/null || true)
[ -z "$hits" ]; check "nothing reads the sibling folder of the checkout"
[ -z "$hits" ] || echo "$hits" | sed 's/^/#   /'
finish
