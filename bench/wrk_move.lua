-- wrk script of bench/http_bench: each request moves a random deal of the first
-- BENCH_DEALS_MAX to another stage (PATCH /api/v1/deals/%23ID), which appends a
-- history row.
local max = tonumber(os.getenv("BENCH_DEALS_MAX") or "1000")
local stages = {"Qualification", "Proposal", "Negotiation"}
local n = 0
wrk.headers["Content-Type"] = "application/json"
request = function()
    n = n + 1
    local body = '{"stage":"' .. stages[n % 3 + 1] .. '"}'
    return wrk.format("PATCH", "/api/v1/deals/%23" .. math.random(1, max), nil, body)
end
