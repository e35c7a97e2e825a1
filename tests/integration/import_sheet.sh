#!/bin/sh
# import_sheet: one flat sales sheet (order, date, customer, segment, product,
# category, sales ... on each line) loads accounts, products, orders and lines with
# one `import order_lines --create-missing` (io/import_related.c); dotted --map
# names a related record's field; a related field whose values disagree within one
# key is left out (found by header) or refuses the import (named by --map) unless
# --last-wins; --value-map reads a lookup file. Values checked by hand.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_NOW=2026-03-01T10:00:00Z
q() { sqlite3 -separator '|' "$db" "$1" | paste -sd';' -; }
fresh() { db="$TMP/$1.db"; rm -f "$db"*; "$EMBUDO" --db "$db" init --name T --currency USD --timezone UTC >/dev/null; }

cat >"$TMP/sheet.csv" <<'CSV'
Row ID,Order ID,Order Date,Customer ID,Customer Name,Segment,City,Product ID,Product Name,Category,Sales,Quantity,Discount,Profit,Sales Rep
1,O-1,1/15/2024,C1,Ana Ruiz,Consumer,Madrid,P1,Silla,Furniture,100.00,2,0,20.00,Rep Uno
2,O-1,1/15/2024,C1,Ana Ruiz,Consumer,Madrid,P2,Mesa,Furniture,250.50,1,0.1,-5.25,Rep Uno
3,O-2,2/20/2024,C2,Beto Gil,Corporate,Sevilla,P1,Silla,Furniture,50.00,1,0,10.00,Rep Dos
4,O-3,3/15/2024,C1,Ana Ruiz,,Bilbao,P3,Boli,Office Supplies,3.20,4,0,1.10,Rep Uno
CSV

fresh one
expect_status 0 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing
cp "$TMP/out" "$TMP/summary"
expect_eq "accounts with name and segment (the empty cell of row 5 takes nothing)" \
    "C1|Ana Ruiz|Consumer|;C2|Beto Gil|Corporate|" "$(q "select ext_id, name, segment, coalesce(city, '') from accounts order by 1")"
expect_eq "products with name and category" "P1|Silla|Furniture;P2|Mesa|Furniture;P3|Boli|Office Supplies" \
    "$(q "select ext_id, name, category from products order by 1")"
expect_eq "orders with date, account and rep" \
    "O-1|C1|2024-01-15|Rep Uno;O-2|C2|2024-02-20|Rep Dos;O-3|C1|2024-03-15|Rep Uno" \
    "$(q "select o.ext_id, a.ext_id, date(o.ordered, 'unixepoch'), u.name from orders o join accounts a on a.id = o.account_id
          join users u on u.id = o.owner_id order by 1")"
expect_eq "lines keyed by the row id: quantity, net amount, cost (amount - profit), discount" \
    "1|O-1|P1|2|10000|8000|0;2|O-1|P2|1|25050|25575|1000;3|O-2|P1|1|5000|4000|0;4|O-3|P3|4|320|210|0" \
    "$(q "select l.ext_id, o.ext_id, p.ext_id, l.quantity, l.net_amount, l.cost_amount, l.discount_bp from order_lines l
          join orders o on o.id = l.order_id join products p on p.id = l.product_id order by l.ext_id + 0")"
expect_eq "nothing else was created" "2|2|3|3|4" \
    "$(q "select (select count(*) from users where name like 'Rep %'), (select count(*) from accounts),
          (select count(*) from products), (select count(*) from orders), (select count(*) from order_lines)")"
grep -q "order.date <- Order Date" "$TMP/summary"; check "the summary names order.date's column"
grep -q "order.account.name <- Customer Name" "$TMP/summary"; check "the summary names the account's name column"
grep -q "product.name <- Product Name" "$TMP/summary"; check "Product Name names the product that Product ID keys"
grep -q "City (order.account.city: rows 2 and 5 give account 'C1' two values of city: 'Madrid' and 'Bilbao'" \
    "$TMP/summary"; check "City is left out, with the rows that disagree"
expect_eq "revenue of the sheet (100 + 250.50 + 50 + 3.20)" "403.70" \
    "$("$EMBUDO" --db "$db" kpi revenue --period all --format csv | tail -1 | tr -d '\r')"

# Undone, the import takes away what it created: lines, orders, accounts, products, reps.
fresh undo
"$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing >/dev/null
expect_status 0 "$EMBUDO" --db "$db" import undo
expect_eq "nothing left after the undo" "0|0|0|0|0" \
    "$(q "select (select count(*) from accounts), (select count(*) from products), (select count(*) from orders),
          (select count(*) from order_lines), (select count(*) from users where name like 'Rep %')")"
fresh one
"$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing >/dev/null

# Importing the sheet again creates nothing.
expect_status 0 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing
expect_eq "re-import creates nothing" "2|3|3|4" \
    "$(q "select (select count(*) from accounts), (select count(*) from products), (select count(*) from orders),
          (select count(*) from order_lines)")"

# A dotted --map that disagrees within one key: refused, naming both rows, nothing written.
fresh two
expect_status 1 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing --map "account.city=City"
grep -q "rows 2 and 5 give account 'C1' two values of city: 'Madrid' and 'Bilbao'" "$TMP/err"
check "the refusal names both rows and values"
grep -q -- "--last-wins" "$TMP/err"; check "the refusal offers --last-wins"
expect_eq "nothing written" "0|0|0" "$(q "select (select count(*) from accounts), (select count(*) from orders),
          (select count(*) from order_lines)")"
expect_status 0 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing --map "account.city=City" \
    --last-wins
expect_eq "with --last-wins the account takes the last row's city" "C1|Bilbao;C2|Sevilla" \
    "$(q "select ext_id, city from accounts order by 1")"

# Dotted maps: full path, a field left out, unknown reference or field, no --create-missing.
fresh three
expect_status 0 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing \
    --map "order.account.name=Customer ID,product.category="
expect_eq "an account named by another column; a category left out" "C1|C1;C2|C2" \
    "$(q "select ext_id, name from accounts order by 1")"
expect_eq "no category" "0" "$(q "select count(*) from products where category is not null")"
fresh four
expect_status 2 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --create-missing --map "customer.name=Customer Name"
expect_stderr_contains "'customer' is not a reference" "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" \
    --create-missing --map "customer.name=Customer Name"
expect_stderr_contains "have no field 'colour'" "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" \
    --create-missing --map "product.colour=Category"
expect_stderr_contains "add --create-missing" "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" \
    --map "product=Product ID,product.name=Product Name"
expect_eq "nothing written by the refused imports" "0" "$(q "select count(*) from products")"

# Without --create-missing, an order that does not exist is an error, as before.
expect_status 1 "$EMBUDO" --db "$db" import order_lines "$TMP/sheet.csv" --map "product=Product ID"
expect_eq "no order created without --create-missing" "0" "$(q "select count(*) from orders")"

# A sheet of reps, managers and offices (Maven's sales_teams.csv): one team per
# manager, named after them, in the manager's office, with its reps as members.
fresh teams
expect_status 0 "$EMBUDO" --db "$db" import teams "$DATASETS/maven-crm/sales_teams.csv" --create-missing
expected=$(tail -n +2 "$DATASETS/maven-crm/sales_teams.csv" | tr -d '\r' |
    awk -F, '{ n[$2]++; o[$2] = $3 } END { for (m in n) print m "|" m "|" o[m] "|" n[m] }' | sort | paste -sd';' -)
expect_eq "teams named after their managers, in their offices, with their reps" "$expected" \
    "$(q "select t.name, u.name, r.name, (select count(*) from users m where m.team_id = t.id) from teams t
          join users u on u.id = t.manager_id join regions r on r.id = t.region_id order by 1")"
expect_eq "managers and reps" "manager|6;rep|35" "$(q "select role, count(*) from users where role <> 'admin' group by 1 order by 1")"
expect_eq "Anna Snelling is in Dustin Brinkmann's team" "Dustin Brinkmann" \
    "$(q "select t.name from users u join teams t on t.id = u.team_id where u.name = 'Anna Snelling'")"
printf 'sales_agent,manager,regional_office\nAnna Snelling,Cara Losch,East\n' >"$TMP/moved.csv"
expect_status 0 "$EMBUDO" --db "$db" import teams "$TMP/moved.csv"
expect_eq "a rep named under another manager moves to that team" "Cara Losch" \
    "$(q "select t.name from users u join teams t on t.id = u.team_id where u.name = 'Anna Snelling'")"
expect_status 0 "$EMBUDO" --db "$db" import undo
expect_eq "the undo puts the rep back in the first team" "Dustin Brinkmann" \
    "$(q "select t.name from users u join teams t on t.id = u.team_id where u.name = 'Anna Snelling'")"
printf 'sales_agent,manager,regional_office\nNadie Nuevo,Cara Losch,East\n' >"$TMP/newrep.csv"
expect_status 1 "$EMBUDO" --db "$db" import teams "$TMP/newrep.csv"
expect_stderr_contains "no user 'Nadie Nuevo'" "$EMBUDO" --db "$db" import teams "$TMP/newrep.csv"
expect_eq "no user created without --create-missing" "41" "$(q "select count(*) from users where role <> 'admin'")"
expect_stderr_contains "teams need field 'name'" "$EMBUDO" --db "$db" import teams "$TMP/moved.csv" --map manager=

# --value-map FIELD=FILE:KEY:VALUE reads a lookup file.
printf 'cat_id,cat_name\n1,Beverages\n2, Condiments \n' >"$TMP/categories.csv"
printf 'id,name,category\nA,Tea,1\nB,Salt,2\nC,Other,3\n' >"$TMP/products.csv"
fresh five
expect_status 0 "$EMBUDO" --db "$db" import products "$TMP/products.csv" \
    --value-map "category=$TMP/categories.csv:cat_id:cat_name"
expect_eq "categories read from the lookup file (unknown keys kept)" "A|Beverages;B|Condiments;C|3" \
    "$(q "select ext_id, category from products order by 1")"
printf 'cat_id,cat_name\n1,Beverages\n1,Drinks\n' >"$TMP/twice.csv"
expect_stderr_contains "'1' is 'Drinks' here and 'Beverages' above" "$EMBUDO" --db "$db" import products \
    "$TMP/products.csv" --value-map "category=$TMP/twice.csv:cat_id:cat_name"
expect_stderr_contains "has no column 'nombre'" "$EMBUDO" --db "$db" import products "$TMP/products.csv" \
    --value-map "category=$TMP/categories.csv:cat_id:nombre"
expect_status 1 "$EMBUDO" --db "$db" import products "$TMP/products.csv" --value-map "category=$TMP/none.csv:a:b"
finish
