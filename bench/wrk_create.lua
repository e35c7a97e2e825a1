-- wrk script of bench/http_bench: each request creates a deal (POST /api/v1/deals).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Bench deal","stage":"Proposal","amount":1250.5}'
