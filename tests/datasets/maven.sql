-- maven.sql: the figures of an imported Maven CRM database, one "key<TAB>value" line
-- each, keys as in expected.py (run with sqlite3 -separator TAB). Money in cents,
-- instants in Unix seconds; the organisation's zone is UTC.
-- Users leave out the organisation's owner, the one admin, which `init` creates.
SELECT 'accounts.count', count(*) FROM accounts;
SELECT 'accounts.with_parent', count(*) FROM accounts WHERE parent_id IS NOT NULL;
SELECT 'account.parent[' || a.name || ']', p.name FROM accounts a JOIN accounts p ON p.id = a.parent_id;
SELECT 'account.industry[' || coalesce(industry, '(none)') || ']', count(*) FROM accounts GROUP BY industry;
SELECT 'products.count', count(*) FROM products;
SELECT 'product.price[' || name || ']', price FROM products;
SELECT 'product.category[' || name || ']', category FROM products;
SELECT 'product.deals[' || p.name || ']', count(*)
  FROM deal_products dp JOIN products p ON p.id = dp.product_id GROUP BY p.id;
SELECT 'users.count', count(*) FROM users WHERE role <> 'admin';
SELECT 'users.with_deals', count(DISTINCT owner_id) FROM deals;
SELECT 'user.manager[' || u.name || ']', m.name FROM users u JOIN users m ON m.id = u.manager_id;
SELECT 'user.region[' || u.name || ']', r.name FROM users u JOIN regions r ON r.id = u.region_id;
SELECT 'user.role[' || role || ']', count(*) FROM users WHERE role <> 'admin' GROUP BY role;
SELECT 'regions.count', count(*) FROM regions;
SELECT 'deals.count', count(*) FROM deals;
SELECT 'deals.won.count', count(*) FROM deals WHERE status = 'won';
SELECT 'deals.won.amount', sum(amount) FROM deals WHERE status = 'won';
SELECT 'deals.lost.count', count(*) FROM deals WHERE status = 'lost';
SELECT 'deals.lost.amount', sum(amount) FROM deals WHERE status = 'lost';
SELECT 'deals.open.count', count(*) FROM deals WHERE status = 'open';
SELECT 'deals.open.amount_null', count(*) FROM deals WHERE status = 'open' AND amount IS NULL;
SELECT 'deals.no_account', count(*) FROM deals WHERE account_id IS NULL;
SELECT 'deals.stage[' || s.name || ']', count(*) FROM deals d JOIN stages s ON s.id = d.stage_id GROUP BY s.id;
SELECT 'deals.created.sum', sum(created) FROM deals;
SELECT 'deals.created_default', count(*) FROM deals WHERE created = unixepoch('2017-12-31');
SELECT 'deals.closed.sum', sum(closed) FROM deals;
SELECT 'deal_history.count', count(*) FROM deal_history;
SELECT 'agent.won.count[' || u.name || ']', count(*)
  FROM deals d JOIN users u ON u.id = d.owner_id WHERE d.status = 'won' GROUP BY u.id;
SELECT 'agent.won.amount[' || u.name || ']', sum(d.amount)
  FROM deals d JOIN users u ON u.id = d.owner_id WHERE d.status = 'won' GROUP BY u.id;
SELECT 'agent.lost.count[' || u.name || ']', count(*)
  FROM deals d JOIN users u ON u.id = d.owner_id WHERE d.status = 'lost' GROUP BY u.id;
SELECT 'agent.open.count[' || u.name || ']', count(*)
  FROM deals d JOIN users u ON u.id = d.owner_id WHERE d.status = 'open' GROUP BY u.id;
