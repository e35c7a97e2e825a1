-- olist.sql: the figures of an imported Olist funnel database, one "key<TAB>value"
-- line each, keys as in expected.py. Instants in Unix seconds UTC (the organisation's
-- zone is America/Sao_Paulo; expected.py converts the local times with zoneinfo).
-- Users leave out the organisation's owner, the one admin, which `init` creates.
SELECT 'leads.count', count(*) FROM leads;
SELECT 'leads.source[' || coalesce(source, '(none)') || ']', count(*) FROM leads GROUP BY source;
SELECT 'leads.created.sum', sum(created) FROM leads;
SELECT 'leads.converted', count(*) FROM leads WHERE status = 'converted';
SELECT 'leads.converted_at.sum', sum(converted_at) FROM leads;
SELECT 'deals.count', count(*) FROM deals;
SELECT 'deals.won.count', count(*) FROM deals WHERE status = 'won';
SELECT 'deals.with_lead', count(*) FROM deals WHERE lead_id IS NOT NULL;
SELECT 'deals.closed.sum', sum(closed) FROM deals;
SELECT 'conversion.source[' || coalesce(l.source, '(none)') || ']', count(*)
  FROM deals d JOIN leads l ON l.id = d.lead_id GROUP BY l.source;
SELECT 'accounts.count', count(*) FROM accounts;
SELECT 'accounts.segment[' || coalesce(segment, '(none)') || ']', count(*) FROM accounts GROUP BY segment;
SELECT 'users.count', count(*) FROM users WHERE role <> 'admin';
SELECT 'users.with_deals', count(DISTINCT owner_id) FROM deals;
