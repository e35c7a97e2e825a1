#!/bin/sh
# import_encodings: files that are not UTF-8 (windows-1252 and latin1 bytes written
# with printf, UTF-16 from Excel's "Unicode text" written with iconv), encodings
# that cannot be told (refused, nothing written), NUL bytes in cells and headers,
# and duplicate headers (refused, then picked with --map FIELD=#N). Every import
# is checked by the records stored, read with sqlite3.
. "$SRCDIR/tests/integration/lib.sh"

db="$TMP/enc.db"
export EMBUDO_NOW=2026-01-05T09:00:00Z
"$EMBUDO" --db "$db" init --name "Enc" --currency EUR --timezone Europe/Madrid >/dev/null
q() { sqlite3 "$db" "$1"; }
count() { q "SELECT count(*) FROM accounts"; }

# windows-1252, detected: ñ í Á á € (0x80, only in windows-1252) and CRLF.
printf 'id,name,city\r\nA1,Compa\361\355a Ca\361as \200,A Coru\361a\r\nA2,Pe\361a \301lvarez,M\341laga\r\n' >"$TMP/w1252.csv"
expect_output_contains "encoding: windows-1252 (detected" "$EMBUDO" --db "$db" import accounts "$TMP/w1252.csv"
expect_eq "names and cities read as windows-1252" "A1|Compañía Cañas €|A Coruña A2|Peña Álvarez|Málaga" \
    "$(q "SELECT ext_id, name, city FROM accounts ORDER BY ext_id" | paste -sd' ')"

# "Café": ICU ranks ISO-8859-2 first, but it reads these bytes as the same text as
# windows-1252 does, so the file is taken.
printf 'id,name\nA4,Caf\351\n' >"$TMP/cafe.csv"
expect_output_contains "encoding: windows-1252 (detected" "$EMBUDO" --db "$db" import accounts "$TMP/cafe.csv"
expect_eq "Café" "Café" "$(q "SELECT name FROM accounts WHERE ext_id = 'A4'")"

# latin1 given, a file too short for detection to matter.
printf 'id,name\nA3,Caf\351 Ol\351\n' >"$TMP/latin1.csv"
"$EMBUDO" --db "$db" import accounts "$TMP/latin1.csv" --encoding latin1 >"$TMP/out" 2>&1; check "import --encoding latin1"
expect_eq "latin1 name" "Café Olé" "$(q "SELECT name FROM accounts WHERE ext_id = 'A3'")"
if grep -q "encoding:" "$TMP/out"; then not_ok "a given encoding is not reported as detected"; else ok "a given encoding is not reported as detected"; fi

# Excel's "Unicode text": UTF-16LE with a BOM, tab separated, CRLF.
printf 'id\tname\tcity\temployees\r\nU1\tÑandú S.L.\tLeón\t12\r\nU2\tGroße Öl\tZürich\t7\r\n' | iconv -f UTF-8 -t UTF-16LE >"$TMP/body16"
{ printf '\377\376'; cat "$TMP/body16"; } >"$TMP/excel.txt"
"$EMBUDO" --db "$db" import accounts "$TMP/excel.txt" >"$TMP/out" 2>&1; check "import of Excel's Unicode text (UTF-16LE, BOM, tabs)"
expect_eq "UTF-16 records" "U1|Ñandú S.L.|León|12 U2|Große Öl|Zürich|7" \
    "$(q "SELECT ext_id, name, city, employees FROM accounts WHERE ext_id LIKE 'U%' ORDER BY ext_id" | paste -sd' ')"
# The same without its BOM: detected; and big-endian with a BOM.
printf 'id,name\r\nU3,Señal\r\n' | iconv -f UTF-8 -t UTF-16LE >"$TMP/nobom16.csv"
expect_output_contains "encoding: UTF-16LE (detected" "$EMBUDO" --db "$db" import accounts "$TMP/nobom16.csv"
{ printf '\376\377'; printf 'id,name\nU4,Añil\n' | iconv -f UTF-8 -t UTF-16BE; } >"$TMP/be16.csv"
"$EMBUDO" --db "$db" import accounts "$TMP/be16.csv" >/dev/null 2>&1; check "import of UTF-16BE with a BOM"
expect_eq "UTF-16 without BOM and big-endian" "U3|Señal U4|Añil" \
    "$(q "SELECT ext_id, name FROM accounts WHERE ext_id IN ('U3', 'U4') ORDER BY ext_id" | paste -sd' ')"

# An encoding detection cannot tell (windows-1251 Cyrillic): refused, nothing written.
before=$(count)
printf 'id,name\nR1,\317\360\350\342\345\362 \354\350\360\n' >"$TMP/cyr.csv"
expect_status 1 "$EMBUDO" --db "$db" import accounts "$TMP/cyr.csv"
expect_stderr_contains "not UTF-8 text (line 2 has the bytes CF F0 E8 after \"R1,\"), and its encoding cannot be told with confidence" \
    "$EMBUDO" --db "$db" import accounts "$TMP/cyr.csv"
expect_stderr_contains "give --encoding utf-8, windows-1252, latin1 or utf-16" "$EMBUDO" --db "$db" import accounts "$TMP/cyr.csv"
expect_eq "nothing written after a refused encoding" "$before" "$(count)"
# A BOM that contradicts --encoding; an unknown --encoding.
expect_stderr_contains "starts with a UTF-16LE byte-order mark, but --encoding windows-1252 was given" \
    "$EMBUDO" --db "$db" import accounts "$TMP/excel.txt" --encoding windows-1252
expect_status 2 "$EMBUDO" --db "$db" import accounts "$TMP/latin1.csv" --encoding ebcdic
# --encoding utf-8 keeps the old reading: the row that is not UTF-8 is the error.
expect_stderr_contains "row 2, column 'name': is not valid UTF-8 text; give the file's --encoding" \
    "$EMBUDO" --db "$db" import accounts "$TMP/latin1.csv" --encoding utf-8
# The start decides: 70,000 bytes of ASCII, then a latin1 byte, is UTF-8 with a bad row.
awk 'BEGIN { print "id,name"; for (i = 0; i < 5000; i++) printf "L%d,plain ascii name %d\n", i, i; printf "LX,caf\351\n" }' \
    >"$TMP/late.csv"
expect_stderr_contains "row 5002, column 'name': is not valid UTF-8" "$EMBUDO" --db "$db" import accounts "$TMP/late.csv"
expect_eq "nothing written after the late bad row" "$before" "$(count)"

# NUL bytes: refused with row, column and header; nothing written.
printf 'id,name,city\nN1,ab\000cd,Lugo\n' >"$TMP/nul.csv"
expect_status 1 "$EMBUDO" --db "$db" import accounts "$TMP/nul.csv"
expect_stderr_contains "file '$TMP/nul.csv': row 2, column 2 ('name'): the cell holds a NUL byte after 'ab'" \
    "$EMBUDO" --db "$db" import accounts "$TMP/nul.csv"
printf 'id,na\000me\nN1,x\n' >"$TMP/nulhdr.csv"
expect_stderr_contains "the header, column 2: the cell holds a NUL byte after 'na'" \
    "$EMBUDO" --db "$db" import accounts "$TMP/nulhdr.csv"
expect_eq "nothing written after NUL bytes" "$before" "$(count)"

# Duplicate headers: refused while they would feed a field, then chosen by number.
printf 'id,name,employees,employees\nD1,Dup,10,20\n' >"$TMP/dup.csv"
expect_status 2 "$EMBUDO" --db "$db" import accounts "$TMP/dup.csv"
expect_stderr_contains "columns 3 and 4 have the same header 'employees'; choose the one that is field 'employees' with --map employees=#3 or --map employees=#4" \
    "$EMBUDO" --db "$db" import accounts "$TMP/dup.csv"
printf 'id,Name,NAME\nD1,Dup,10\n' >"$TMP/dupnorm.csv"
expect_stderr_contains "columns 2 and 3 have the same header 'NAME'" "$EMBUDO" --db "$db" import accounts "$TMP/dupnorm.csv"
expect_eq "nothing written after duplicate headers" "$before" "$(count)"
"$EMBUDO" --db "$db" import accounts "$TMP/dup.csv" --map employees=#4 >/dev/null 2>&1; check "--map employees=#4"
expect_eq "the fourth column was taken" "20" "$(q "SELECT employees FROM accounts WHERE ext_id = 'D1'")"
# A repeated header that no field uses is only an ignored column.
printf 'id,name,note,note\nD2,Dos,a,b\n' >"$TMP/dupfree.csv"
expect_output_contains "ignored columns: note, note" "$EMBUDO" --db "$db" import accounts "$TMP/dupfree.csv"
finish
