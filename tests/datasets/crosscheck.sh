#!/bin/sh
# crosscheck.sh DATASET [DATASETS_DIR] - a second, separate derivation of the headline
# figures of expected.py, with the sqlite3 shell over the raw CSV files (loaded by
# `.import --csv` into a scratch database) and integer arithmetic on the decimal text,
# so a slip in expected.py is caught by a method that shares no code with it.
# Prints "key<TAB>value" lines with the same keys as expected.py (a subset of them).
set -eu
ds=$1
dir=${2:-${DATASETS:?set DATASETS}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/raw.db
load() { sqlite3 "$db" ".import --csv '$dir/$1' $2"; }
q() { sqlite3 -separator "$(printf '\t')" "$db" "$@"; }

# cents(X): the decimal text X rounded half away from zero to hundredths, exactly:
# the digits are scaled to 10^9 as an integer, then divided with rounding.
cents() {
    echo "(CASE WHEN substr($1,1,1)='-' THEN -1 ELSE 1 END) * (((CAST(
      CASE WHEN instr(ltrim($1,'-'),'.') = 0 THEN ltrim($1,'-')
           ELSE substr(ltrim($1,'-'), 1, instr(ltrim($1,'-'),'.') - 1) END AS INTEGER) * 1000000000
      + CAST(substr(CASE WHEN instr(ltrim($1,'-'),'.') = 0 THEN '' ELSE
           substr(ltrim($1,'-'), instr(ltrim($1,'-'),'.') + 1) END || '000000000', 1, 9) AS INTEGER))
      + 5000000) / 10000000)"
}

case $ds in
maven)
    load maven-crm/sales_pipeline.csv p
    q "SELECT 'deals.count', count(*) FROM p;
       SELECT 'deals.won.count', count(*) FROM p WHERE deal_stage = 'Won';
       SELECT 'deals.won.amount', sum($(cents close_value)) FROM p WHERE deal_stage = 'Won';
       SELECT 'deals.lost.count', count(*) FROM p WHERE deal_stage = 'Lost';
       SELECT 'deals.open.count', count(*) FROM p WHERE deal_stage NOT IN ('Won', 'Lost');
       SELECT 'deals.no_account', count(*) FROM p WHERE account = '';
       SELECT 'users.with_deals', count(DISTINCT sales_agent) FROM p;
       SELECT 'agent.won.amount[' || sales_agent || ']', sum($(cents close_value)) FROM p
        WHERE deal_stage = 'Won' GROUP BY sales_agent;"
    ;;
northwind)
    load northwind/order_details_exact.csv d
    load northwind/orders.csv o
    load northwind/employees.csv e
    # net in cents = round_half_away(qty x price_cents x (10000 - discount_bp) / 10000);
    # the discounts have at most 2 significant decimals, so round() on them is exact
    net="((CAST(quantity AS INTEGER) * $(cents unit_price) * (10000 - (CAST(round(discount * 10000) AS INTEGER)))
          + 5000) / 10000)"
    q "SELECT 'order_lines.count', count(*) FROM d;
       SELECT 'orders.count', count(*) FROM o;
       SELECT 'revenue.total', sum($net) FROM d;
       SELECT 'revenue.employee[' || e.first_name || ' ' || e.last_name || ']', sum($net)
         FROM d JOIN o USING (order_id) JOIN e USING (employee_id) GROUP BY e.employee_id;"
    ;;
superstore)
    load superstore/superstore.csv s
    q "SELECT 'order_lines.count', count(*) FROM s;
       SELECT 'orders.count', count(DISTINCT \"Order ID\") FROM s;
       SELECT 'accounts.count', count(DISTINCT \"Customer ID\") FROM s;
       SELECT 'products.count', count(DISTINCT \"Product ID\") FROM s;
       SELECT 'sales.total', sum($(cents '"Sales"')) FROM s;
       SELECT 'profit.total', sum($(cents '"Profit"')) FROM s;
       SELECT 'sales.segment[' || Segment || ']', sum($(cents '"Sales"')) FROM s GROUP BY Segment;
       SELECT 'profit.segment[' || Segment || ']', sum($(cents '"Profit"')) FROM s GROUP BY Segment;"
    ;;
olist)
    load olist-funnel/olist_marketing_qualified_leads_dataset.csv l
    load olist-funnel/olist_closed_deals_dataset.csv c
    q "SELECT 'leads.count', count(*) FROM l;
       SELECT 'deals.count', count(*) FROM c;
       SELECT 'conversion.source[' || CASE WHEN origin = '' THEN '(none)' ELSE origin END || ']', count(*)
         FROM c JOIN l USING (mql_id) GROUP BY origin;"
    ;;
*)
    echo "usage: crosscheck.sh maven|northwind|superstore|olist [DATASETS_DIR]" >&2
    exit 2
    ;;
esac
