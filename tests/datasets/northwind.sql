-- northwind.sql: the figures of an imported Northwind database, one "key<TAB>value"
-- line each, keys as in expected.py. Money in cents; the organisation's zone is UTC.
-- Users leave out the organisation's owner, the one admin, which `init` creates.
SELECT 'users.count', count(*) FROM users WHERE role <> 'admin';
SELECT 'user.manager[' || u.name || ']', m.name FROM users u JOIN users m ON m.id = u.manager_id;
SELECT 'user.title[' || name || ']', title FROM users WHERE role <> 'admin';
SELECT 'accounts.count', count(*) FROM accounts;
SELECT 'account.country[' || coalesce(country, '(none)') || ']', count(*) FROM accounts GROUP BY country;
SELECT 'products.count', count(*) FROM products;
SELECT 'products.category[' || coalesce(category, '(none)') || ']', count(*) FROM products GROUP BY category;
SELECT 'products.price.sum', sum(price) FROM products;
SELECT 'orders.count', count(*) FROM orders;
SELECT 'orders.unshipped', count(*) FROM orders WHERE shipped IS NULL;
SELECT 'orders.date.sum', sum(ordered) FROM orders;
SELECT 'orders.employee[' || u.name || ']', count(*) FROM orders o JOIN users u ON u.id = o.owner_id GROUP BY u.id;
SELECT 'order_lines.count', count(*) FROM order_lines;
SELECT 'order_lines.quantity.sum', sum(quantity) FROM order_lines;
SELECT 'order_lines.unit_price.sum', sum(unit_price) FROM order_lines;
SELECT 'order_lines.discount_bp.sum', sum(discount_bp) FROM order_lines;
SELECT 'revenue.total', sum(net_amount) FROM order_lines;
SELECT 'revenue.employee[' || u.name || ']', sum(l.net_amount)
  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN users u ON u.id = o.owner_id GROUP BY u.id;
SELECT 'revenue.category[' || coalesce(p.category, '(none)') || ']', sum(l.net_amount)
  FROM order_lines l JOIN products p ON p.id = l.product_id GROUP BY p.category;
