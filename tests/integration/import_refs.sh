#!/bin/sh
# import_refs: references and keys through the real binary: --create-missing, new
# stages, loose name matches, self-references further down the file, joined columns,
# --map FIELD=, --value-map, ambiguous headers, "#N" ids, natural keys.
. "$SRCDIR/tests/integration/lib.sh"
D="$SRCDIR/tests/data/import"
db="$TMP/r.db"
q() { sqlite3 "$db" "$1"; }
export EMBUDO_NOW=2026-01-15T12:00:00Z
"$EMBUDO" --db "$db" init --currency EUR --timezone UTC >/dev/null

expect_status 0 "$EMBUDO" --db "$db" import products "$D/products.csv"
expect_eq "products by name" "GTX Pro|GTX|482100;GTX Basic|GTX|55000;MG Special|MG|5500" \
    "$(q "select name, category, price from products order by id" | paste -sd';')"
# Without --create-missing unknown accounts, users and stages are errors naming them.
expect_status 1 "$EMBUDO" --db "$db" import deals "$D/deals_stages.csv"
grep -qF "3 rows (rows 2, 4, 5), column 'deal_stage': unknown stage 'Engaging'" "$TMP/err"; check "unknown stages reported with rows and column, grouped"
grep -qF "no user 'Moses Frase'; import users first or add --create-missing" "$TMP/err"; check "unknown user reported"
expect_eq "nothing written" "0|3|6" "$(q "select (select count(*) from deals), (select count(*) from products), (select count(*) from stages)")"

# --create-missing never creates stages: the refusal lists them and the option that fixes it.
expect_status 1 "$EMBUDO" --db "$db" import deals "$D/deals_stages.csv" --create-missing --default created=2017-12-31
grep -qF "unknown stage 'Engaging'; the pipeline's stages are Prospecting, Qualification, Proposal, Negotiation, Won, Lost; read it as one of them with --stage-map 'Engaging=STAGE', or add the file's new stages after one of them with --create-stages STAGE" "$TMP/err"
check "unknown stage with --create-missing: the stages and the fixes"
expect_eq "nothing written (users: the owner init made)" "0|6|1" "$(q "select (select count(*) from deals), (select count(*) from stages), (select count(*) from users)")"
expect_status 2 "$EMBUDO" --db "$db" import deals "$D/deals_stages.csv" --create-missing --create-stages Won
grep -qF -- "--create-stages Won: 'Won' is a won stage; new stages go after an open stage" "$TMP/err"; check "--create-stages after a closed stage refused"
expect_status 0 "$EMBUDO" --db "$db" import deals "$D/deals_stages.csv" --create-missing --create-stages Negotiation --default created=2017-12-31
grep -qF "created by --create-missing: 2 users, 2 accounts" "$TMP/out"; check "created references counted"
grep -qF "created by --create-stages: 2 stages" "$TMP/out"; check "created stages counted"
expect_eq "GTXPro is the product GTX Pro" "3" "$(q "select count(*) from products")"
expect_eq "new stages after Negotiation, with its probability" "Prospecting|1;Qualification|2;Proposal|3;Negotiation|4;Engaging|5|7500;In Review|6|7500;Won|7;Lost|8" \
    "$(q "select name, position, case when name in ('Engaging','In Review') then probability_bp end from stages order by position" | sed 's/|$//' | paste -sd';')"
expect_eq "titles: account – product as written, else the product" "X1|Cancity – GTXPro;X2|GTX Basic;X3|Isdom – GTXPro;X4|Isdom – MG Special" \
    "$(q "select ext_id, title from deals order by ext_id" | paste -sd';')"
expect_eq "--default fills the empty created cell" "1514678400" "$(q "select created from deals where ext_id='X4'")"
expect_eq "--default leaves the other cells" "1476921600" "$(q "select created from deals where ext_id='X1'")"
expect_eq "deal products" "GTX Pro|2;GTX Basic|1;MG Special|1" \
    "$(q "select p.name, count(*) from deal_products dp join products p on p.id=dp.product_id group by p.id order by p.id" | paste -sd';')"

# Users from the teams file: managers are created with role manager in the second pass.
expect_status 0 "$EMBUDO" --db "$db" import users "$D/sales_teams.csv" --create-missing
expect_eq "agents and managers" "Moses Frase|rep|Dustin Brinkmann|Central;Zane Levy|rep|Summer Sewald|West;Anna Snelling|rep|Dustin Brinkmann|Central;Dustin Brinkmann|manager||;Summer Sewald|manager||" \
    "$(q "select u.name, u.role, ifnull(m.name,''), ifnull(r.name,'') from users u left join users m on m.id=u.manager_id
          left join regions r on r.id=u.region_id where u.role <> 'admin' order by u.id" | paste -sd';')"
# --map FIELD= leaves a field out; the repeated manager row merges into the first.
expect_status 0 "$EMBUDO" --db "$db" import users "$D/sales_teams.csv" --map name=manager,manager= --set role=manager
grep -qF "created 0, updated 2, repeated 1" "$TMP/out"; check "managers updated once, the repeated row merged"
expect_eq "managers get an office, no manager of their own" "Dustin Brinkmann|Central|;Summer Sewald|West|" \
    "$(q "select u.name, r.name, ifnull(u.manager_id,'') from users u join regions r on r.id=u.region_id where role='manager' order by u.id" | paste -sd';')"

# Self-references further down the file, without --create-missing.
expect_status 0 "$EMBUDO" --db "$db" import accounts "$D/accounts_parent.csv"
expect_eq "parents" "Child Co|Parent Co;Parent Co|Grand Co;Grand Co|" \
    "$(q "select a.name, ifnull(p.name,'') from accounts a left join accounts p on p.id=a.parent_id where a.industry is not null order by a.id" | paste -sd';')"
# Joined names, ids from employee_id, reports_to naming a later row.
expect_status 0 "$EMBUDO" --db "$db" import users "$D/employees.csv" --map name=first_name+last_name
expect_eq "employees" "1|Nancy Davolio|Andrew Fuller;2|Andrew Fuller|;3|Janet Leverling|Andrew Fuller" \
    "$(q "select u.ext_id, u.name, ifnull(m.name,'') from users u left join users m on m.id=u.manager_id where u.ext_id is not null order by u.ext_id" | paste -sd';')"
expect_output_contains "created 0, updated 0, repeated 0, rejected 0, unchanged 3" "$EMBUDO" --db "$db" import users "$D/employees.csv" --map name=first_name+last_name

# --value-map turns codes into names before parsing.
expect_status 0 "$EMBUDO" --db "$db" import products "$D/categories_products.csv" --map category=category_id \
    --value-map category:1=Beverages,category:2=Condiments
expect_eq "categories" "1|Chai|Beverages|1800;2|Aniseed Syrup|Condiments|1000" \
    "$(q "select ext_id, name, category, price from products where ext_id is not null order by ext_id" | paste -sd';')"

# "Customer ID" is the accounts' id; two columns matching one field are refused.
expect_status 0 "$EMBUDO" --db "$db" import accounts "$D/customers.csv"
expect_eq "accounts keyed by Customer ID" "C1|Acme|Consumer;C2|Beta|Corporate" \
    "$(q "select ext_id, name, segment from accounts where ext_id like 'C%' order by ext_id" | paste -sd';')"
expect_status 2 "$EMBUDO" --db "$db" import orders "$D/customers.csv"
grep -qF "columns 'Customer ID' and 'Customer Name' both match field 'account'" "$TMP/err"; check "ambiguous headers refused"

# Leads: name falls back to the company, then the id.
expect_status 0 "$EMBUDO" --db "$db" import leads "$D/leads.csv" --map id=mql_id
expect_eq "leads" "L1|L1|social|1517443200;L2|Shop Two|paid_search|1520208000" \
    "$(q "select ext_id, name, source, created from leads order by ext_id" | paste -sd';')"

# Stages are keyed by (pipeline, name); "#1" names pipeline 1 itself.
expect_status 0 "$EMBUDO" --db "$db" import stages "$D/stages.csv"
expect_eq "stage updated in place" "8|2500" "$(q "select count(*), (select probability_bp from stages where name='Qualification') from stages")"
printf 'id,name,default\n#1,Sales,1\n' > "$TMP/p.csv"
expect_output_contains "created 0, updated 0, repeated 0, rejected 0, unchanged 1" "$EMBUDO" --db "$db" import pipelines "$TMP/p.csv"
expect_eq "pipeline 1 keeps no external id" "1|" "$(q "select count(*), ifnull(ext_id,'') from pipelines")"
finish
