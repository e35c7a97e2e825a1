#!/bin/sh
# import_lines: order lines (net = quantity x unit price x (1 - discount), rounded half
# away from zero; cost from unit cost or from profit), keyed by (order, product).
. "$SRCDIR/tests/integration/lib.sh"
D="$SRCDIR/tests/data/import"
db="$TMP/o.db"
q() { sqlite3 "$db" "$1"; }
"$EMBUDO" --db "$db" init --currency EUR --timezone UTC >/dev/null
expect_status 0 "$EMBUDO" --db "$db" import orders "$D/orders.csv" --create-missing
expect_eq "orders" "O1|Acme|1736467200;O2|Beta|1736553600;O3|Acme|1736640000" \
    "$(q "select o.ext_id, a.name, o.ordered from orders o join accounts a on a.id=o.account_id order by o.id" | paste -sd';')"
expect_status 0 "$EMBUDO" --db "$db" import order_lines "$D/order_lines.csv" --create-missing
line() { q "select quantity, unit_price, discount_bp, ifnull(unit_cost,''), net_amount, ifnull(cost_amount,'')
            from order_lines l join orders o on o.id=l.order_id join products p on p.id=l.product_id
            where o.ext_id='$1' and p.name='$2'"; }
# 3 x 9.80 (9.80000019 rounded) x 0.85 = 24.99; cost 3 x 4.10
expect_eq "O1 Widget" "3|980|1500|410|2499|1230" "$(line O1 Widget)"
# 7 x 14.45 x 0.95 = 96.0925 -> 96.09
expect_eq "O1 Gadget" "7|1445|500||9609|" "$(line O1 Gadget)"
# 1 x 0.25 x 0.5 = 0.125 -> 0.13 (half away from zero)
expect_eq "O2 Widget" "1|25|5000|10|13|10" "$(line O2 Widget)"
expect_eq "O2 Gizmo" "2|1000|0||2000|" "$(line O2 Gizmo)"
expect_output_contains "created 0, updated 0, repeated 0, rejected 0, unchanged 4" "$EMBUDO" --db "$db" import order_lines "$D/order_lines.csv"
expect_eq "4 lines after re-import" "4" "$(q "select count(*) from order_lines")"
# Amount and profit, no unit price: cost = amount - profit.
expect_status 0 "$EMBUDO" --db "$db" import order_lines "$D/order_lines_profit.csv" --create-missing
expect_eq "O3 Widget 261.96 / 41.9136" "|26196|22005" "$(q "select ifnull(unit_price,''), net_amount, cost_amount from order_lines
    where order_id=(select id from orders where ext_id='O3') and product_id=(select id from products where name='Widget')")"
expect_eq "O3 Gizmo 22.368 / -2.5164" "2237|2489" "$(q "select net_amount, cost_amount from order_lines
    where order_id=(select id from orders where ext_id='O3') and product_id=(select id from products where name='Gizmo')")"
expect_eq "total net" "42554" "$(q "select sum(net_amount) from order_lines")"
finish
