-- superstore.sql: the figures of an imported Superstore database, one "key<TAB>value"
-- line each, keys as in expected.py. Money in cents (profit = net_amount - cost_amount,
-- as the importer stores a line's profit); the organisation's zone is UTC.
SELECT 'order_lines.count', count(*) FROM order_lines;
SELECT 'order_lines.id.sum', sum(CAST(ext_id AS INTEGER)) FROM order_lines;
SELECT 'orders.count', count(*) FROM orders;
SELECT 'accounts.count', count(*) FROM accounts;
SELECT 'accounts.segment[' || coalesce(segment, '(none)') || ']', count(*) FROM accounts GROUP BY segment;
SELECT 'products.count', count(*) FROM products;
SELECT 'regions.count', count(*) FROM regions;
SELECT 'orders.region[' || coalesce(r.name, '(none)') || ']', count(*)
  FROM orders o LEFT JOIN regions r ON r.id = o.region_id GROUP BY r.name;
SELECT 'orders.year[' || strftime('%Y', ordered, 'unixepoch') || ']', count(*) FROM orders GROUP BY 1;
SELECT 'orders.date.sum', sum(ordered) FROM orders;
SELECT 'orders.shipped.sum', sum(shipped) FROM orders;
SELECT 'order_lines.quantity.sum', sum(quantity) FROM order_lines;
SELECT 'order_lines.discount_bp.sum', sum(discount_bp) FROM order_lines;
SELECT 'sales.total', sum(net_amount) FROM order_lines;
SELECT 'profit.total', sum(net_amount - cost_amount) FROM order_lines;
SELECT 'sales.segment[' || coalesce(a.segment, '(none)') || ']', sum(l.net_amount)
  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN accounts a ON a.id = o.account_id GROUP BY a.segment;
SELECT 'profit.segment[' || coalesce(a.segment, '(none)') || ']', sum(l.net_amount - l.cost_amount)
  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN accounts a ON a.id = o.account_id GROUP BY a.segment;
SELECT 'sales.region[' || coalesce(r.name, '(none)') || ']', sum(l.net_amount)
  FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN regions r ON r.id = o.region_id GROUP BY r.name;
SELECT 'profit.region[' || coalesce(r.name, '(none)') || ']', sum(l.net_amount - l.cost_amount)
  FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN regions r ON r.id = o.region_id GROUP BY r.name;
SELECT 'sales.category[' || coalesce(p.category, '(none)') || ']', sum(l.net_amount)
  FROM order_lines l LEFT JOIN products p ON p.id = l.product_id GROUP BY p.category;
SELECT 'profit.category[' || coalesce(p.category, '(none)') || ']', sum(l.net_amount - l.cost_amount)
  FROM order_lines l LEFT JOIN products p ON p.id = l.product_id GROUP BY p.category;
