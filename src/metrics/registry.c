/*
 * registry.c - the catalogue of metrics (keep in agreement with docs/metrics.md,
 * whose definitions it follows).
 */
#include "metrics/registry.h"

#include "core/i18n.h"

#include <string.h>

#define DEAL_DIMS                                                                                                \
    ((1u << DIM_REP) | (1u << DIM_TEAM) | (1u << DIM_ACCOUNT) | (1u << DIM_SEGMENT) | (1u << DIM_INDUSTRY) |  \
     (1u << DIM_REGION) | (1u << DIM_SOURCE) | (1u << DIM_STAGE) | (1u << DIM_PIPELINE) | (1u << DIM_PRODUCT) | \
     (1u << DIM_CATEGORY) | (1u << DIM_LOST_REASON) | (1u << DIM_DAY) | (1u << DIM_WEEK) | (1u << DIM_MONTH) |  \
     (1u << DIM_QUARTER) | (1u << DIM_YEAR))

#define LINE_DIMS                                                                                               \
    ((1u << DIM_REP) | (1u << DIM_TEAM) | (1u << DIM_ACCOUNT) | (1u << DIM_SEGMENT) | (1u << DIM_INDUSTRY) |  \
     (1u << DIM_REGION) | (1u << DIM_PRODUCT) | (1u << DIM_CATEGORY) | (1u << DIM_DAY) | (1u << DIM_WEEK) |    \
     (1u << DIM_MONTH) | (1u << DIM_QUARTER) | (1u << DIM_YEAR))

#define OPEN_DIMS                                                                                               \
    ((1u << DIM_REP) | (1u << DIM_TEAM) | (1u << DIM_ACCOUNT) | (1u << DIM_SEGMENT) | (1u << DIM_INDUSTRY) |  \
     (1u << DIM_REGION) | (1u << DIM_SOURCE) | (1u << DIM_STAGE) | (1u << DIM_PIPELINE) | (1u << DIM_PRODUCT) | \
     (1u << DIM_CATEGORY))
#define WATERFALL_DIMS                                                                                          \
    ((1u << DIM_ACCOUNT) | (1u << DIM_SEGMENT) | (1u << DIM_INDUSTRY) | (1u << DIM_SOURCE) |                   \
     (1u << DIM_PIPELINE) | (1u << DIM_PRODUCT) | (1u << DIM_CATEGORY))

/* Converts a history amount like the snapshot does: at the deal's close date, or
 * the latest rate while open. */
#define HIST_AMOUNT                                                                                             \
    "CASE WHEN h.amount IS NULL THEN 0 WHEN h.currency = (SELECT currency FROM organisation WHERE id = 1) "    \
    "THEN h.amount ELSE (SELECT CASE WHEN h.amount >= 0 THEN (h.amount * r.rate_e9 + 500000000) / 1000000000 " \
    "ELSE -((-h.amount * r.rate_e9 + 500000000) / 1000000000) END FROM exchange_rates r "                     \
    "WHERE r.currency = h.currency AND r.date <= emb_local_date(coalesce(d.closed, 253402300799)) "            \
    "ORDER BY r.date DESC LIMIT 1) END"

/* Deals open as of ?3, with their state then. */
#define OPEN_AT_FROM                                                                                            \
    "(SELECT d.id, h.owner_id AS rep, u.team_id AS team, h.stage_id AS stage, st.pipeline_id AS pipeline, "    \
    "rd.account, rd.segment, rd.industry, coalesce(u.region_id, a.region_id) AS region, rd.source, "           \
    "rd.product, rd.category, h.expected_close AS expected_close, " HIST_AMOUNT " AS amount_rc, "                                                   \
    "coalesce(d.probability_bp, st.probability_bp) AS prob "                                                    \
    "FROM deals d JOIN deal_history h ON h.id = (SELECT h2.id FROM deal_history h2 WHERE h2.deal_id = d.id "   \
    "AND h2.at <= ?3 ORDER BY h2.at DESC, h2.id DESC LIMIT 1) "                                                 \
    "JOIN stages st ON st.id = h.stage_id LEFT JOIN users u ON u.id = h.owner_id "                             \
    "LEFT JOIN accounts a ON a.id = d.account_id JOIN ref_deals rd ON rd.id = d.id "                           \
    "WHERE h.status = 'open') AS ref_open"

/* Every history row with the state before it (pstatus, pamt) and the time of the next. */
#define WATERFALL_FROM                                                                                          \
    "(SELECT x.*, rd.account, rd.segment, rd.industry, rd.source, rd.pipeline, rd.product, rd.category "       \
    "FROM (SELECT h.deal_id, h.at, h.status, " HIST_AMOUNT " AS amt, "                                          \
    "LAG(h.status) OVER w AS pstatus, LAG(" HIST_AMOUNT ") OVER w AS pamt, LEAD(h.at) OVER w AS next_at "      \
    "FROM deal_history h JOIN deals d ON d.id = h.deal_id "                                                     \
    "WINDOW w AS (PARTITION BY h.deal_id ORDER BY h.at, h.id)) x JOIN ref_deals rd ON rd.id = x.deal_id) AS ref_wf"
#define IN_WINDOW "at >= ?1 AND at < ?2"
#define LAST_BEFORE(t) "at < " t " AND (next_at IS NULL OR next_at >= " t ")"

/* Each deal created, once per funnel stage it reached (column stage = that stage). */
#define FUNNEL_FROM                                                                                             \
    "(SELECT rd.id, rd.created, rd.rep, rd.team, rd.account, rd.segment, rd.industry, rd.region, rd.source, "  \
    "rd.pipeline, rd.product, rd.category, rd.lost_reason, st.id AS stage "                                    \
    "FROM ref_deals rd JOIN (SELECT h.deal_id, s2.position, s2.id FROM deal_history h "                        \
    "  JOIN stages s2 ON s2.id = h.stage_id JOIN deals d2 ON d2.id = h.deal_id "                               \
    "  WHERE s2.kind <> 'lost' AND s2.pipeline_id = d2.pipeline_id) m "                                        \
    "  ON m.deal_id = rd.id AND NOT EXISTS (SELECT 1 FROM deal_history h3 JOIN stages s3 ON s3.id = h3.stage_id " \
    "    WHERE h3.deal_id = rd.id AND s3.kind <> 'lost' AND s3.pipeline_id = rd.pipeline "                      \
    "    AND (s3.position > m.position OR (s3.position = m.position AND s3.id > m.id))) "                       \
    "JOIN stages st ON st.pipeline_id = rd.pipeline AND st.kind <> 'lost' "                                     \
    "  AND (st.position < m.position OR (st.position = m.position AND st.id <= m.id)) "                         \
    "GROUP BY rd.id, st.id) AS ref_funnel"

/* Runs of a deal in one stage: entered at the first row of the run, exited at the next run's. */
#define RUNS_FROM                                                                                               \
    "(SELECT rd.id, rd.rep, rd.team, rd.account, rd.segment, rd.industry, rd.region, rd.source, rd.pipeline, " \
    "rd.product, rd.category, rd.lost_reason, runs.stage_id AS stage, runs.entered, runs.exited "               \
    "FROM (SELECT deal_id, stage_id, at AS entered, "                                                           \
    "        LEAD(at) OVER (PARTITION BY deal_id ORDER BY at, id) AS exited "                                   \
    "      FROM (SELECT h.deal_id, h.stage_id, h.at, h.id, "                                                    \
    "              LAG(h.stage_id) OVER (PARTITION BY h.deal_id ORDER BY h.at, h.id) AS pstage "                \
    "            FROM deal_history h) WHERE pstage IS NULL OR pstage <> stage_id) runs "                        \
    "JOIN ref_deals rd ON rd.id = runs.deal_id) AS ref_runs"

#define LEAD_DIMS                                                                                               \
    ((1u << DIM_REP) | (1u << DIM_TEAM) | (1u << DIM_REGION) | (1u << DIM_SOURCE) | (1u << DIM_DAY) |          \
     (1u << DIM_WEEK) | (1u << DIM_MONTH) | (1u << DIM_QUARTER) | (1u << DIM_YEAR))

#define ACT_DIMS_NO_TIME                                                                                        \
    ((1u << DIM_REP) | (1u << DIM_TEAM) | (1u << DIM_REGION) | (1u << DIM_ACTIVITY_TYPE) | (1u << DIM_OUTCOME))
#define ACT_DIMS                                                                                                \
    (ACT_DIMS_NO_TIME | (1u << DIM_DAY) | (1u << DIM_WEEK) | (1u << DIM_MONTH) | (1u << DIM_QUARTER) |         \
     (1u << DIM_YEAR))
#define IS_CALL "activity_type = 'call'"
#define IS_EMAIL "activity_type = 'email'"
#define ACT_TIME "coalesce(done, due)"

static const char *const meeting_parts[] = {"scheduled", "held", "cancelled", "rejected", NULL};
static const kpi_unit four_counts[] = {UNIT_COUNT, UNIT_COUNT, UNIT_COUNT, UNIT_COUNT};

#define GOAL_DIMS ((1u << DIM_REP) | (1u << DIM_TEAM))
/* Expenses with the days they share with [?1, ?2), prorated (rounded half away from
 * zero per expense), converted at the rate of their first day. */
#define SPEND_FROM                                                                                              \
    "(SELECT category, channel AS source, amount_rc, days, "                                                    \
    "  max(0, CAST(julianday(min(period_to, emb_local_date(?2))) - "                                           \
    "              julianday(max(period_from, emb_local_date(?1))) AS INTEGER)) AS overlap "                    \
    " FROM (SELECT e.*, CAST(julianday(e.period_to) - julianday(e.period_from) AS INTEGER) AS days, "           \
    "  CASE WHEN e.currency = (SELECT currency FROM organisation WHERE id = 1) THEN e.amount "                  \
    "  ELSE (SELECT CASE WHEN e.amount >= 0 THEN (e.amount * r.rate_e9 + 500000000) / 1000000000 "             \
    "               ELSE -((-e.amount * r.rate_e9 + 500000000) / 1000000000) END FROM exchange_rates r "        \
    "        WHERE r.currency = e.currency AND r.date <= e.period_from ORDER BY r.date DESC LIMIT 1) END "      \
    "  AS amount_rc FROM expenses e)) AS ref_spend"
#define PRORATED                                                                                                \
    "CASE WHEN amount_rc >= 0 THEN (2 * amount_rc * overlap + days) / (2 * days) "                             \
    "ELSE -((-2 * amount_rc * overlap + days) / (2 * days)) END"
#define NEW_CUSTOMERS_FROM                                                                                      \
    "(SELECT a.id AS account, a.segment, a.industry, a.region_id AS region, "                                   \
    "  (SELECT min(d.closed) FROM deals d WHERE d.account_id = a.id AND d.status = 'won') AS first_won "        \
    " FROM accounts a) AS ref_new"

#define ACCOUNTS_FROM                                                                                           \
    "(SELECT a.id, a.owner_id AS rep, u.team_id AS team, u.region_id AS region, a.segment, a.industry, "       \
    "  (EXISTS (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.account_id = a.id "     \
    "           AND o.ordered <= ?3 AND o.ordered > ?3 - 7776000) "                                             \
    "   OR EXISTS (SELECT 1 FROM deals d WHERE d.account_id = a.id AND d.status = 'won' "                       \
    "           AND d.closed <= ?3 AND d.closed > ?3 - 7776000)) AS active "                                    \
    " FROM accounts a LEFT JOIN users u ON u.id = a.owner_id) AS ref_accounts"
#define TOUCH_FROM                                                                                              \
    "(SELECT a.id AS account, "                                                                                 \
    "  (SELECT max(x.done) FROM activities x LEFT JOIN deals d ON d.id = x.deal_id "                            \
    "   WHERE (x.account_id = a.id OR d.account_id = a.id) AND x.done IS NOT NULL AND x.done <= ?3) AS last_done, " \
    "  (SELECT min(x.due) FROM activities x LEFT JOIN deals d ON d.id = x.deal_id "                             \
    "   WHERE (x.account_id = a.id OR d.account_id = a.id) AND x.due >= ?3 "                                    \
    "   AND (x.done IS NULL OR x.done > ?3)) AS next_due FROM accounts a) AS ref_touch"
static const char *const touch_parts[] = {"days_since_last", "days_to_next", NULL};
static const kpi_unit two_days[] = {UNIT_DAYS, UNIT_DAYS};
static const char *const accounts_parts[] = {"accounts", "active", NULL};
static const kpi_unit two_counts[] = {UNIT_COUNT, UNIT_COUNT};

static const char *const pacing_parts[] = {"target", "actual", "elapsed_share", "pacing", "projected",
                                           "needed_per_day", NULL};
static const kpi_unit pacing_units[] = {UNIT_MONEY, UNIT_MONEY, UNIT_RATE, UNIT_RATE, UNIT_MONEY, UNIT_MONEY};

static const char *const qualification_parts[] = {"mql", "sql", NULL};
static const char *const conversion_parts[] = {"opportunity", "customer", NULL};
static const kpi_unit two_rates[] = {UNIT_RATE, UNIT_RATE};
static const char *const response_parts[] = {"median_hours", "p90_hours", "within_sla", NULL};
static const kpi_unit response_units[] = {UNIT_HOURS, UNIT_HOURS, UNIT_RATE};

static const char *const lost_parts[] = {"deals", "amount", NULL};
static const kpi_unit lost_units[] = {UNIT_COUNT, UNIT_MONEY};

static const char *const open_parts[] = {"count", "amount", NULL};
static const kpi_unit open_units[] = {UNIT_COUNT, UNIT_MONEY};
static const char *const waterfall_parts[] = {"open_start", "created", "reopened", "increased", "decreased",
                                              "won",        "lost",    "open_end", NULL};
static const kpi_unit waterfall_units[] = {UNIT_MONEY, UNIT_MONEY, UNIT_MONEY, UNIT_MONEY,
                                           UNIT_MONEY, UNIT_MONEY, UNIT_MONEY, UNIT_MONEY};

#define CLOSED_ROWS "status IN ('won', 'lost')"
#define WON_COUNT "count(*) FILTER (WHERE status = 'won')"
#define WON_SUM "coalesce(sum(amount_rc) FILTER (WHERE status = 'won'), 0)"

static const struct kpi_metric metrics[] = {
    {.id = M_DEALS_CREATED, .name = "deals_created", .unit = UNIT_COUNT, .family = FAM_CREATED, .dims = DEAL_DIMS,
     .description_en = N_("deals whose creation time is in the period"),
     .description_es = "oportunidades creadas en el periodo",
     .sql_from = "ref_deals", .sql_event = "created", .sql_rows = "1", .sql_agg = "count(*)"},
    {.id = M_DEALS_WON, .name = "deals_won", .unit = UNIT_COUNT, .family = FAM_CLOSED, .dims = DEAL_DIMS,
     .description_en = N_("deals won in the period (by close date)"),
     .description_es = "oportunidades ganadas en el periodo (por fecha de cierre)",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS, .sql_agg = WON_COUNT},
    {.id = M_DEALS_LOST, .name = "deals_lost", .lower_better = 1, .unit = UNIT_COUNT, .family = FAM_CLOSED, .dims = DEAL_DIMS,
     .description_en = N_("deals lost in the period (by close date)"),
     .description_es = "oportunidades perdidas en el periodo (por fecha de cierre)",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS, .sql_agg = "count(*) FILTER (WHERE status = 'lost')"},
    {.id = M_REVENUE_WON, .name = "revenue_won", .unit = UNIT_MONEY, .family = FAM_CLOSED, .dims = DEAL_DIMS,
     .description_en = N_("sum of the amounts of deals won in the period, in the reporting currency"),
     .description_es = "suma de los importes de las oportunidades ganadas en el periodo, en la moneda de informes",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS, .sql_agg = WON_SUM},
    {.id = M_WIN_RATE, .name = "win_rate", .unit = UNIT_RATE, .family = FAM_CLOSED, .dims = DEAL_DIMS,
     .description_en = N_("won / (won + lost) over deals closed in the period; open deals are not counted"),
     .description_es = "ganadas / (ganadas + perdidas) de las cerradas en el periodo; las abiertas no cuentan",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS,
     .sql_agg = "CAST(" WON_COUNT " AS REAL) / nullif(count(*), 0)"},
    {.id = M_AVG_DEAL_SIZE, .name = "avg_deal_size", .average = 1, .unit = UNIT_MONEY, .family = FAM_CLOSED, .dims = DEAL_DIMS,
     .description_en = N_("revenue_won / deals_won, rounded half away from zero to the minor unit"),
     .description_es = "ingresos ganados / oportunidades ganadas, redondeado a céntimos",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS,
     .sql_agg = "CASE WHEN " WON_COUNT " = 0 THEN NULL WHEN " WON_SUM " >= 0 THEN (2 * " WON_SUM " + " WON_COUNT
                ") / (2 * " WON_COUNT ") ELSE -((-2 * " WON_SUM " + " WON_COUNT ") / (2 * " WON_COUNT ")) END"},
    {.id = M_SALES_CYCLE_DAYS, .name = "sales_cycle_days", .lower_better = 1, .unit = UNIT_DAYS, .family = FAM_CLOSED,
     .dims = DEAL_DIMS,
     .description_en = N_("days from creation to close of deals won in the period: median (headline) and mean"),
     .description_es = "días desde la creación hasta el cierre de las ganadas en el periodo: mediana y media",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS, .sql_value = "closed - created",
     .sql_value_rows = "status = 'won'"},
    {.id = M_LOST_CYCLE_DAYS, .name = "lost_cycle_days", .lower_better = 1, .unit = UNIT_DAYS, .family = FAM_CLOSED,
     .dims = DEAL_DIMS,
     .description_en = N_("days from creation to close of deals lost in the period: median and mean"),
     .description_es = "días desde la creación hasta el cierre de las perdidas en el periodo: mediana y media",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS, .sql_value = "closed - created",
     .sql_value_rows = "status = 'lost'"},
    {.id = M_REVENUE, .name = "revenue", .unit = UNIT_MONEY, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("order lines of orders dated in the period: quantity x unit price x (1 - discount), each line "
                       "rounded to the minor unit"),
     .description_es = "líneas de pedidos con fecha en el periodo: cantidad x precio x (1 - descuento), cada línea "
                       "redondeada al céntimo",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1", .sql_agg = "coalesce(sum(net_rc), 0)"},
    {.id = M_COGS, .name = "cogs", .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("cost of the goods sold: quantity x unit cost as recorded on each line (lines without a "
                       "cost are left out; null when none has one)"),
     .description_es = "coste de lo vendido: cantidad x coste unitario registrado en cada línea",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_agg = "sum(cost_rc) FILTER (WHERE cost_rc IS NOT NULL)"},
    {.id = M_GROSS_PROFIT, .name = "gross_profit", .unit = UNIT_MONEY, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("revenue - cogs, over the lines with a recorded cost"),
     .description_es = "ingresos - coste, sobre las líneas con coste registrado",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_agg = "sum(net_rc - cost_rc) FILTER (WHERE cost_rc IS NOT NULL)"},
    {.id = M_GROSS_MARGIN, .name = "gross_margin", .unit = UNIT_RATE, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("gross_profit / revenue, over the lines with a recorded cost"),
     .description_es = "beneficio bruto / ingresos, sobre las líneas con coste registrado",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_agg = "CAST(sum(net_rc - cost_rc) FILTER (WHERE cost_rc IS NOT NULL) AS REAL) / "
                "nullif(sum(net_rc) FILTER (WHERE cost_rc IS NOT NULL), 0)"},
    {.id = M_ORDERS, .name = "orders", .unit = UNIT_COUNT, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("orders dated in the period (with at least one line); by product: orders containing it"),
     .description_es = "pedidos con fecha en el periodo (con al menos una línea)",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1", .sql_agg = "count(DISTINCT order_id)"},
    {.id = M_AVG_ORDER_VALUE, .name = "avg_order_value", .average = 1, .unit = UNIT_MONEY, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("revenue / orders, rounded half away from zero to the minor unit"),
     .description_es = "ingresos / pedidos, redondeado al céntimo",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_agg = "CASE WHEN sum(net_rc) >= 0 THEN (2 * sum(net_rc) + count(DISTINCT order_id)) / "
                "(2 * count(DISTINCT order_id)) ELSE -((-2 * sum(net_rc) + count(DISTINCT order_id)) / "
                "(2 * count(DISTINCT order_id))) END"},
    {.id = M_OPEN_PIPELINE, .name = "open_pipeline", .main_part = 1, .unit = UNIT_MONEY, .family = FAM_OPEN_AT, .dims = OPEN_DIMS,
     .instant = 1, .parts = open_parts, .part_units = open_units,
     .description_en = N_("deals open at the instant (--as-of, default the end of the period or now): count and sum "
                       "of amounts, each with the stage, amount and owner it had then"),
     .description_es = "oportunidades abiertas en el instante (--as-of): número e importe, con la etapa, el importe "
                       "y el propietario que tenían entonces",
     .sql_from = OPEN_AT_FROM, .sql_rows = "1", .sql_agg = "count(*), coalesce(sum(amount_rc), 0)"},
    {.id = M_WEIGHTED_PIPELINE, .name = "weighted_pipeline", .unit = UNIT_MONEY, .family = FAM_OPEN_AT,
     .dims = OPEN_DIMS, .instant = 1,
     .description_en = N_("at the instant: sum of amount x probability (the deal's own, else its stage's then), "
                       "rounded once at the end"),
     .description_es = "en el instante: suma de importe x probabilidad (la propia, si no la de su etapa)",
     .sql_from = OPEN_AT_FROM, .sql_rows = "1",
     .sql_agg = "CASE WHEN count(*) = 0 THEN 0 WHEN sum(amount_rc * prob) >= 0 THEN (sum(amount_rc * prob) + 5000) / 10000 "
                "ELSE -((-sum(amount_rc * prob) + 5000) / 10000) END"},
    {.id = M_PIPELINE_WATERFALL, .name = "pipeline_waterfall", .main_part = 7, .unit = UNIT_MONEY, .family = FAM_WATERFALL,
     .dims = WATERFALL_DIMS, .parts = waterfall_parts, .part_units = waterfall_units,
     .description_en = N_("open pipeline at the start of the period + created + reopened + increases - decreases - won "
                       "- lost = open pipeline at its end, to the cent"),
     .description_es = "cartera abierta al inicio + creadas + reabiertas + aumentos - reducciones - ganadas - "
                       "perdidas = cartera abierta al final, al céntimo",
     .sql_from = WATERFALL_FROM, .sql_rows = "1",
     .sql_agg = "coalesce(sum(amt) FILTER (WHERE status = 'open' AND " LAST_BEFORE("?1") "), 0), "
                "coalesce(sum(amt) FILTER (WHERE " IN_WINDOW " AND pstatus IS NULL AND status = 'open'), 0), "
                "coalesce(sum(amt) FILTER (WHERE " IN_WINDOW " AND pstatus IN ('won', 'lost') AND status = 'open'), 0), "
                "coalesce(sum(amt - pamt) FILTER (WHERE " IN_WINDOW " AND pstatus = 'open' AND amt > pamt), 0), "
                "coalesce(sum(pamt - amt) FILTER (WHERE " IN_WINDOW " AND pstatus = 'open' AND amt < pamt), 0), "
                "coalesce(sum(amt) FILTER (WHERE " IN_WINDOW " AND pstatus = 'open' AND status = 'won'), 0), "
                "coalesce(sum(amt) FILTER (WHERE " IN_WINDOW " AND pstatus = 'open' AND status = 'lost'), 0), "
                "coalesce(sum(amt) FILTER (WHERE status = 'open' AND " LAST_BEFORE("?2") "), 0)"},
    {.id = M_STAGE_REACHED, .name = "stage_reached", .unit = UNIT_COUNT, .family = FAM_FUNNEL, .dims = DEAL_DIMS,
     .by_stage = 1,
     .description_en = N_("of the deals created in the period, those that reached each stage or a later one "
                       "(by stage; a skipped stage counts as passed)"),
     .description_es = "de las oportunidades creadas en el periodo, las que alcanzaron cada etapa o una posterior",
     .sql_from = FUNNEL_FROM, .sql_event = "created", .sql_rows = "1", .sql_agg = "count(*)"},
    {.id = M_STAGE_CONVERSION, .name = "stage_conversion", .unit = UNIT_RATE, .family = FAM_FUNNEL,
     .dims = DEAL_DIMS, .by_stage = 1,
     .description_en = N_("reached(next stage) / reached(stage) for the deals created in the period; leakage is 1 - "
                       "conversion; null for the last stage"),
     .description_es = "alcanzadas(etapa siguiente) / alcanzadas(etapa); la fuga es 1 - conversión",
     .sql_from = FUNNEL_FROM, .sql_event = "created", .sql_rows = "1", .sql_agg = "count(*)"},
    {.id = M_TIME_IN_STAGE, .name = "time_in_stage", .lower_better = 1, .unit = UNIT_DAYS, .family = FAM_STAGE_EXITS,
     .dims = DEAL_DIMS,
     .description_en = N_("for the stage exits in the period: days spent in the stage, median and mean"),
     .description_es = "para las salidas de etapa del periodo: días en la etapa, mediana y media",
     .sql_from = RUNS_FROM, .sql_event = "exited", .sql_rows = "1", .sql_value = "exited - entered",
     .sql_value_rows = "1"},
    {.id = M_LEADS_CREATED, .name = "leads_created", .unit = UNIT_COUNT, .family = FAM_LEADS, .dims = LEAD_DIMS,
     .description_en = N_("leads created in the period, by source (channel) or owner"),
     .description_es = "leads creados en el periodo, por origen (canal) o propietario",
     .sql_from = "ref_leads", .sql_event = "created", .sql_rows = "1", .sql_agg = "count(*)"},
    {.id = M_LEAD_QUALIFICATION_RATE, .name = "lead_qualification_rate", .unit = UNIT_RATE, .family = FAM_LEADS,
     .dims = LEAD_DIMS, .parts = qualification_parts, .part_units = two_rates,
     .description_en = N_("of the leads created in the period, the share that reached MQL, and SQL"),
     .description_es = "de los leads creados en el periodo, la parte que llegó a MQL, y a SQL",
     .sql_from = "ref_leads", .sql_event = "created", .sql_rows = "1",
     .sql_agg = "CAST(count(mql_at) AS REAL) / count(*), CAST(count(sql_at) AS REAL) / count(*)"},
    {.id = M_LEAD_CONVERSION_RATE, .name = "lead_conversion_rate", .unit = UNIT_RATE, .family = FAM_LEADS,
     .dims = LEAD_DIMS, .parts = conversion_parts, .part_units = two_rates,
     .description_en = N_("of the leads created in the period, the share converted to an opportunity, and the share "
                       "that became a won deal (lead-to-customer)"),
     .description_es = "de los leads creados en el periodo, la parte convertida en oportunidad y la que acabó en "
                       "venta ganada",
     .sql_from = "ref_leads", .sql_event = "created", .sql_rows = "1",
     .sql_agg = "avg(converted), avg(won)"},
    {.id = M_LEAD_RESPONSE_TIME, .name = "lead_response_time", .lower_better = 1, .unit = UNIT_HOURS, .family = FAM_LEADS,
     .dims = LEAD_DIMS, .parts = response_parts, .part_units = response_units,
     .description_en = N_("first completed call, email or meeting minus lead creation: median and 90th percentile "
                       "(hours) of the leads touched, and the share of all leads answered within 1 h"),
     .description_es = "primer contacto (llamada, correo o reunión) menos creación del lead: mediana y percentil "
                       "90 (horas), y la parte de los leads atendidos en menos de 1 h",
     .sql_from = "ref_leads", .sql_event = "created", .sql_rows = "1",
     .sql_custom = "WITH base AS (SELECT $DIMS_IN first_touch - created AS x FROM $FROM WHERE $WHERE), "
                   "c AS (SELECT *, row_number() OVER (PARTITION BY x IS NOT NULL $PARTITION ORDER BY x) AS rn, "
                   "count(x) OVER (PARTITION BY 1 $PARTITION) AS nt FROM base) "
                   "SELECT $DIMS_OUT avg(x) FILTER (WHERE x IS NOT NULL AND rn IN ((nt + 1) / 2, (nt + 2) / 2)) "
                   "/ 3600.0, max(x) FILTER (WHERE x IS NOT NULL AND rn = (9 * nt + 9) / 10) / 3600.0, "
                   "CAST(count(*) FILTER (WHERE x <= 3600) AS REAL) / count(*) FROM c $GROUP_BY"},
    {.id = M_ACTIVITIES, .name = "activities", .unit = UNIT_COUNT, .family = FAM_ACT_TIME, .dims = ACT_DIMS,
     .description_en = N_("activities (calls, emails, meetings, tasks, notes), completed ones by completion time, "
                       "scheduled ones by due time; by activity_type and outcome"),
     .description_es = "actividades (llamadas, correos, reuniones, tareas, notas), las hechas por su fecha de "
                       "realización, las pendientes por su vencimiento",
     .sql_from = "ref_acts", .sql_event = ACT_TIME, .sql_rows = "1", .sql_agg = "count(*)"},
    {.id = M_MEETINGS, .name = "meetings", .main_part = 1, .unit = UNIT_COUNT, .family = FAM_ACT_TIME, .dims = ACT_DIMS,
     .parts = meeting_parts, .part_units = four_counts,
     .description_en = N_("meetings in the period by outcome: scheduled, held, cancelled by the customer, rejected"),
     .description_es = "reuniones del periodo por resultado: programadas, celebradas, canceladas, rechazadas",
     .sql_from = "ref_acts", .sql_event = ACT_TIME, .sql_rows = "1",
     .sql_agg = "count(*) FILTER (WHERE activity_type = 'meeting' AND outcome = 'scheduled'), "
                "count(*) FILTER (WHERE activity_type = 'meeting' AND outcome = 'held'), "
                "count(*) FILTER (WHERE activity_type = 'meeting' AND outcome = 'cancelled'), "
                "count(*) FILTER (WHERE activity_type = 'meeting' AND outcome = 'rejected')"},
    {.id = M_MEETING_HELD_RATE, .name = "meeting_held_rate", .unit = UNIT_RATE, .family = FAM_ACT_TIME,
     .dims = ACT_DIMS, .description_en = N_("held / (held + cancelled + rejected) meetings"),
     .description_es = "celebradas / (celebradas + canceladas + rechazadas)",
     .sql_from = "ref_acts", .sql_event = ACT_TIME, .sql_rows = "1",
     .sql_agg = "CAST(count(*) FILTER (WHERE activity_type = 'meeting' AND outcome = 'held') AS REAL) / "
                "nullif(count(*) FILTER (WHERE activity_type = 'meeting' AND outcome IN ('held', 'cancelled', "
                "'rejected')), 0)"},
    {.id = M_CALLS, .name = "calls", .unit = UNIT_COUNT, .family = FAM_ACT_DONE, .dims = ACT_DIMS,
     .description_en = N_("calls made (completed) in the period"), .description_es = "llamadas hechas en el periodo",
     .sql_from = "ref_acts", .sql_event = "done", .sql_rows = "1", .sql_agg = "count(*) FILTER (WHERE " IS_CALL ")"},
    {.id = M_CALL_CONNECT_RATE, .name = "call_connect_rate", .unit = UNIT_RATE, .family = FAM_ACT_DONE,
     .dims = ACT_DIMS, .description_en = N_("connected calls / calls made"),
     .description_es = "llamadas conectadas / llamadas hechas",
     .sql_from = "ref_acts", .sql_event = "done", .sql_rows = "1",
     .sql_agg = "CAST(count(*) FILTER (WHERE " IS_CALL " AND outcome = 'connected') AS REAL) / "
                "nullif(count(*) FILTER (WHERE " IS_CALL "), 0)"},
    {.id = M_AVG_CALL_DURATION, .name = "avg_call_duration", .unit = UNIT_MINUTES, .family = FAM_ACT_DONE,
     .dims = ACT_DIMS, .description_en = N_("mean duration of connected calls, in minutes"),
     .description_es = "duración media de las llamadas conectadas, en minutos",
     .sql_from = "ref_acts", .sql_event = "done", .sql_rows = "1",
     .sql_agg = "avg(duration_s) FILTER (WHERE " IS_CALL " AND outcome = 'connected' AND duration_s IS NOT NULL) "
                "/ 60.0"},
    {.id = M_COLD_CALLS, .name = "cold_calls", .unit = UNIT_COUNT, .family = FAM_ACT_DONE, .dims = ACT_DIMS,
     .description_en = N_("calls made that were flagged cold, or to an account with no deal won before, or to a lead "
                       "without account"),
     .description_es = "llamadas en frío: marcadas, o a una cuenta sin ventas ganadas antes, o a un lead sin cuenta",
     .sql_from = "ref_acts", .sql_event = "done", .sql_rows = "1",
     .sql_agg = "count(*) FILTER (WHERE " IS_CALL " AND (cold = 1 OR (account_id IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM deals dw WHERE dw.account_id = ref_acts.account_id AND dw.status = 'won' "
                "AND dw.closed < ref_acts.done)) OR (account_id IS NULL AND lead_id IS NOT NULL)))"},
    {.id = M_EMAIL_OPEN_RATE, .name = "email_open_rate", .unit = UNIT_RATE, .family = FAM_ACT_DONE,
     .dims = ACT_DIMS, .description_en = N_("emails opened (or replied) / emails sent in the period"),
     .description_es = "correos abiertos (o respondidos) / correos enviados",
     .sql_from = "ref_acts", .sql_event = "done", .sql_rows = "1",
     .sql_agg = "CAST(count(*) FILTER (WHERE " IS_EMAIL " AND outcome IN ('opened', 'replied')) AS REAL) / "
                "nullif(count(*) FILTER (WHERE " IS_EMAIL "), 0)"},
    {.id = M_EMAIL_REPLY_RATE, .name = "email_reply_rate", .unit = UNIT_RATE, .family = FAM_ACT_DONE,
     .dims = ACT_DIMS, .description_en = N_("emails replied / emails sent in the period"),
     .description_es = "correos respondidos / correos enviados",
     .sql_from = "ref_acts", .sql_event = "done", .sql_rows = "1",
     .sql_agg = "CAST(count(*) FILTER (WHERE " IS_EMAIL " AND outcome = 'replied') AS REAL) / "
                "nullif(count(*) FILTER (WHERE " IS_EMAIL "), 0)"},
    {.id = M_TASK_COMPLETION, .name = "task_completion", .unit = UNIT_RATE, .family = FAM_ACT_DUE,
     .dims = ACT_DIMS, .description_en = N_("tasks due in the period completed on time / tasks due"),
     .description_es = "tareas con vencimiento en el periodo hechas a tiempo / tareas que vencían",
     .sql_from = "ref_acts", .sql_event = "due", .sql_rows = "activity_type = 'task'",
     .sql_agg = "CAST(count(*) FILTER (WHERE done IS NOT NULL AND done <= due) AS REAL) / count(*)"},
    {.id = M_OVERDUE_TASKS, .name = "overdue_tasks", .lower_better = 1, .unit = UNIT_COUNT, .family = FAM_ACT_OVERDUE,
     .dims = ACT_DIMS_NO_TIME, .instant = 1,
     .description_en = N_("tasks still open and past their due time at the instant (--as-of)"),
     .description_es = "tareas abiertas y vencidas en el instante (--as-of)",
     .sql_from = "ref_acts", .sql_rows = "activity_type = 'task' AND done IS NULL AND due < ?3",
     .sql_agg = "count(*)"},
    {.id = M_ACTIVITIES_PER_DEAL_WON, .name = "activities_per_deal_won", .unit = UNIT_RATIO, .family = FAM_TOUCHES,
     .dims = DEAL_DIMS,
     .description_en = N_("completed activities on the deals won in the period, per deal won (mean)"),
     .description_es = "actividades hechas sobre las oportunidades ganadas en el periodo, por oportunidad (media)",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = "status = 'won'",
     .sql_agg = "CAST(sum((SELECT count(*) FROM activities x WHERE x.deal_id = ref_deals.id "
                "AND x.done IS NOT NULL)) AS REAL) / count(*)"},
    {.id = M_GOAL_ATTAINMENT, .name = "goal_attainment", .unit = UNIT_RATE, .family = FAM_GOALS,
     .dims = GOAL_DIMS,
     .description_en = N_("actual / target of the goals of --goal-metric (default revenue_won) for exactly this period, "
                       "per organisation, rep (--by rep) or team (--by team)"),
     .description_es = "real / objetivo de los objetivos de --goal-metric (por defecto revenue_won) del periodo"},
    {.id = M_GOAL_PACING, .name = "goal_pacing", .main_part = 3, .unit = UNIT_RATE, .family = FAM_GOALS, .dims = GOAL_DIMS,
     .parts = pacing_parts, .part_units = pacing_units,
     .description_en = N_("goal progress on business days: target, actual so far, elapsed share, pacing = actual / "
                       "(target x elapsed share), projected end, needed per remaining business day"),
     .description_es = "avance del objetivo en días laborables: objetivo, real, parte transcurrida, ritmo, "
                       "proyección al final y necesario por día laborable restante"},
    {.id = M_LOST_REASONS, .name = "lost_reasons", .main_part = 1, .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_CLOSED, .dims = DEAL_DIMS,
     .parts = lost_parts, .part_units = lost_units,
     .description_en = N_("deals lost in the period and their amounts; use --by lost_reason"),
     .description_es = "oportunidades perdidas en el periodo y sus importes; con --by lost_reason",
     .sql_from = "ref_deals", .sql_event = "closed", .sql_rows = CLOSED_ROWS,
     .sql_agg = "count(*) FILTER (WHERE status = 'lost'), "
                "coalesce(sum(amount_rc) FILTER (WHERE status = 'lost'), 0)"},
    {.id = M_STALE_DEALS, .name = "stale_deals", .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_STALE, .dims = OPEN_DIMS,
     .instant = 1, .parts = lost_parts, .part_units = lost_units,
     .description_en = N_("deals open at the instant with no activity completed in the 14 days before it, or none "
                       "scheduled from it on: count and amount"),
     .description_es = "oportunidades abiertas sin actividad hecha en los 14 días anteriores o sin ninguna "
                       "programada: número e importe",
     .sql_from = OPEN_AT_FROM,
     .sql_rows = "NOT EXISTS (SELECT 1 FROM activities x WHERE x.deal_id = ref_open.id AND x.done IS NOT NULL "
                 "AND x.done <= ?3 AND x.done > ?3 - 1209600) OR NOT EXISTS (SELECT 1 FROM activities x "
                 "WHERE x.deal_id = ref_open.id AND x.due >= ?3 AND (x.done IS NULL OR x.done > ?3))",
     .sql_agg = "count(*), coalesce(sum(amount_rc), 0)"},
    {.id = M_SLIPPED_DEALS, .name = "slipped_deals", .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_SLIPPED,
     .dims = DEAL_DIMS & ~((1u << DIM_DAY) | (1u << DIM_WEEK) | (1u << DIM_MONTH) | (1u << DIM_QUARTER) |
                           (1u << DIM_YEAR)),
     .parts = lost_parts, .part_units = lost_units,
     .description_en = N_("deals whose expected close date was moved from inside the period to after it: count and "
                       "current amount"),
     .description_es = "oportunidades cuya fecha prevista de cierre pasó de dentro del periodo a después",
     .sql_from = "ref_deals",
     .sql_rows = "EXISTS (SELECT 1 FROM (SELECT h.expected_close AS ec, LAG(h.expected_close) OVER "
                 "(ORDER BY h.at, h.id) AS pec FROM deal_history h WHERE h.deal_id = ref_deals.id) x "
                 "WHERE x.pec >= emb_local_date(?1) AND x.pec < emb_local_date(?2) AND x.ec >= emb_local_date(?2))",
     .sql_agg = "count(*), coalesce(sum(amount_rc), 0)"},
    {.id = M_PIPELINE_EXPECTED, .name = "pipeline_expected", .main_part = 1, .unit = UNIT_MONEY, .family = FAM_OPEN_AT,
     .dims = OPEN_DIMS, .instant = 1, .parts = open_parts, .part_units = open_units,
     .description_en = N_("deals open at the instant whose expected close date (as it was then) falls in the period: "
                       "count and amount"),
     .description_es = "oportunidades abiertas en el instante con fecha prevista de cierre dentro del periodo",
     .sql_from = OPEN_AT_FROM,
     .sql_rows = "expected_close >= emb_local_date(?1) AND expected_close < emb_local_date(?2)",
     .sql_agg = "count(*), coalesce(sum(amount_rc), 0)"},
    {.id = M_SALES_VELOCITY, .name = "sales_velocity", .unit = UNIT_MONEY, .family = FAM_DERIVED,
     .dims = OPEN_DIMS & ~(1u << DIM_STAGE),
     .description_en = N_("open deals (at the instant) x win_rate x avg_deal_size / median sales_cycle_days: money per "
                       "day"),
     .description_es = "oportunidades abiertas x tasa de éxito x importe medio / mediana del ciclo: dinero por día"},
    {.id = M_PIPELINE_COVERAGE, .name = "pipeline_coverage", .unit = UNIT_RATIO, .family = FAM_DERIVED,
     .dims = GOAL_DIMS,
     .description_en = N_("open pipeline expected to close in the period / (goal of revenue_won for the period - revenue "
                       "won so far); null without a goal or once it is reached"),
     .description_es = "cartera abierta con cierre previsto en el periodo / (objetivo de ingresos - ingresos ganados)"},
    {.id = M_MARKETING_SPEND, .name = "marketing_spend", .unit = UNIT_MONEY, .family = FAM_SPEND,
     .dims = 1u << DIM_SOURCE,
     .description_en = N_("marketing expenses in the period (an expense counts for the days it shares with the "
                       "period); by source = the expense's channel"),
     .description_es = "gasto de marketing del periodo (cada gasto por los días que comparte con él)",
     .sql_from = SPEND_FROM, .sql_rows = "overlap > 0 AND days > 0 AND category IN ('marketing', 'sales')",
     .sql_agg = "coalesce(sum(" PRORATED ") FILTER (WHERE category = 'marketing'), 0)"},
    {.id = M_SALES_SPEND, .name = "sales_spend", .unit = UNIT_MONEY, .family = FAM_SPEND, .dims = 1u << DIM_SOURCE,
     .description_en = N_("sales expenses (salaries, travel, tools) in the period, prorated by days"),
     .description_es = "gasto comercial del periodo (sueldos, viajes, herramientas), prorrateado por días",
     .sql_from = SPEND_FROM, .sql_rows = "overlap > 0 AND days > 0 AND category IN ('marketing', 'sales')",
     .sql_agg = "coalesce(sum(" PRORATED ") FILTER (WHERE category = 'sales'), 0)"},
    {.id = M_NEW_CUSTOMERS, .name = "new_customers", .unit = UNIT_COUNT, .family = FAM_NEW_CUSTOMERS,
     .dims = (1u << DIM_ACCOUNT) | (1u << DIM_SEGMENT) | (1u << DIM_INDUSTRY) | (1u << DIM_REGION),
     .description_en = N_("accounts whose first won deal closes in the period"),
     .description_es = "cuentas cuya primera venta ganada se cierra en el periodo",
     .sql_from = NEW_CUSTOMERS_FROM, .sql_event = "first_won", .sql_rows = "1", .sql_agg = "count(*)"},
    {.id = M_COST_PER_LEAD, .name = "cost_per_lead", .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_DERIVED,
     .dims = 1u << DIM_SOURCE,
     .description_en = N_("marketing_spend / leads_created; by source, the spend of that channel per lead from it"),
     .description_es = "gasto de marketing / leads creados; por origen, el gasto de ese canal por lead"},
    {.id = M_CAC, .name = "cac", .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_DERIVED,
     .description_en = N_("customer acquisition cost: (marketing_spend + sales_spend) / new_customers"),
     .description_es = "coste de adquisición de clientes: (gasto de marketing + comercial) / clientes nuevos"},
    {.id = M_COST_PER_SALE, .name = "cost_per_sale", .lower_better = 1, .unit = UNIT_MONEY, .family = FAM_DERIVED,
     .description_en = N_("sales_spend / deals_won"), .description_es = "gasto comercial / oportunidades ganadas"},
    {.id = M_SALES_ROI, .name = "sales_roi", .unit = UNIT_RATE, .family = FAM_DERIVED,
     .description_en = N_("(gross_profit - sales_spend) / sales_spend"), .description_es =
     "(beneficio bruto - gasto comercial) / gasto comercial"},
    {.id = M_UNITS, .name = "units", .unit = UNIT_COUNT, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("units sold on the order lines of the period"), .description_es = "unidades vendidas",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1", .sql_agg = "coalesce(sum(quantity), 0)"},
    {.id = M_AVG_SELLING_PRICE, .name = "avg_selling_price", .average = 1, .unit = UNIT_MONEY, .family = FAM_LINES,
     .dims = LINE_DIMS, .description_en = N_("revenue / units, rounded half away from zero to the cent"),
     .description_es = "ingresos / unidades",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_agg = "CASE WHEN sum(quantity) = 0 THEN NULL WHEN sum(net_rc) >= 0 THEN (2 * sum(net_rc) + sum(quantity)) "
                "/ (2 * sum(quantity)) ELSE -((-2 * sum(net_rc) + sum(quantity)) / (2 * sum(quantity))) END"},
    {.id = M_AVG_DISCOUNT, .name = "avg_discount", .lower_better = 1, .unit = UNIT_RATE, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("1 - net / (quantity x unit price) over the lines with a unit price: the discount weighted "
                       "by value"),
     .description_es = "1 - neto / (cantidad x precio) en las líneas con precio: descuento ponderado por valor",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_agg = "1.0 - CAST(sum(net_rc) FILTER (WHERE gross_rc) AS REAL) / nullif(sum(gross_rc), 0)"},
    {.id = M_REVENUE_SHARE, .name = "revenue_share", .unit = UNIT_RATE, .family = FAM_LINES, .dims = LINE_DIMS,
     .description_en = N_("the group's share of the revenue of the whole query (use --by product or category)"),
     .description_es = "parte de los ingresos del total de la consulta",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_custom = "SELECT $DIMS_IN CAST(sum(net_rc) AS REAL) / nullif((SELECT sum(net_rc) FROM $FROM "
                   "WHERE $WHERE), 0) FROM $FROM WHERE $WHERE $GROUP_BY"},
    {.id = M_ACCOUNTS_PER_REP, .name = "accounts_per_rep", .unit = UNIT_COUNT, .family = FAM_ACCOUNTS,
     .dims = (1u << DIM_REP) | (1u << DIM_TEAM) | (1u << DIM_REGION) | (1u << DIM_SEGMENT) | (1u << DIM_INDUSTRY),
     .instant = 1, .parts = accounts_parts, .part_units = two_counts,
     .description_en = N_("accounts owned, and those active (an order or a won deal in the 90 days up to the "
                       "instant); use --by rep"),
     .description_es = "cuentas asignadas, y las activas (un pedido o una venta ganada en los 90 días previos)",
     .sql_from = ACCOUNTS_FROM, .sql_rows = "1", .sql_agg = "count(*), count(*) FILTER (WHERE active)"},
    {.id = M_ABC_CLASS, .name = "abc_class", .unit = UNIT_CLASS, .family = FAM_LINES, .dims = LINE_DIMS,
     /* xgettext:no-c-format */
     .description_en = N_("ABC class of each group by revenue (use --by product): A while the groups earning more "
                       "make less than 80 % of the revenue, B below 95 %, else C"),
     .description_es = "clase ABC de cada grupo por ingresos (con --by product): A hasta el 80 %, B hasta el 95 %, C",
     .sql_from = "ref_lines", .sql_event = "ordered", .sql_rows = "1",
     .sql_custom = "WITH g AS (SELECT $DIMS_IN sum(net_rc) AS rev FROM $FROM WHERE $WHERE $GROUP_BY), "
                   "t AS (SELECT sum(rev) AS total FROM g) "
                   "SELECT $DIMS_OUT CASE WHEN t.total IS NULL OR t.total <= 0 OR g.rev IS NULL THEN NULL "
                   "WHEN 100 * (SELECT coalesce(sum(g2.rev), 0) FROM g g2 WHERE g2.rev > g.rev) < 80 * t.total THEN 1 "
                   "WHEN 100 * (SELECT coalesce(sum(g2.rev), 0) FROM g g2 WHERE g2.rev > g.rev) < 95 * t.total THEN 2 "
                   "ELSE 3 END FROM g, t"},
    {.id = M_LAST_TOUCH, .name = "last_touch", .unit = UNIT_DAYS, .family = FAM_TOUCH, .dims = 1u << DIM_ACCOUNT,
     .instant = 1, .by_account = 1, .parts = touch_parts, .part_units = two_days,
     .description_en = N_("per account at the instant: days since its last completed activity and days to its next "
                       "scheduled one (activities on the account or its deals); needs --by account"),
     .description_es = "por cuenta: días desde la última actividad hecha y hasta la próxima programada",
     .sql_from = TOUCH_FROM, .sql_rows = "1",
     .sql_agg = "(?3 - max(last_done)) / 86400.0, (min(next_due) - ?3) / 86400.0"},
};

_Static_assert(sizeof metrics / sizeof *metrics == M__COUNT, "every metric_id has an entry");

static const kpi_metric *const metric_list[] = {
    &metrics[0], &metrics[1], &metrics[2],  &metrics[3],  &metrics[4],  &metrics[5],  &metrics[6],
    &metrics[7], &metrics[8], &metrics[9], &metrics[10], &metrics[11], &metrics[12], &metrics[13],
    &metrics[14], &metrics[15], &metrics[16], &metrics[17], &metrics[18], &metrics[19], &metrics[20],
    &metrics[21], &metrics[22], &metrics[23], &metrics[24], &metrics[25], &metrics[26], &metrics[27],
    &metrics[28], &metrics[29], &metrics[30], &metrics[31], &metrics[32], &metrics[33], &metrics[34],
    &metrics[35], &metrics[36], &metrics[37], &metrics[38], &metrics[39], &metrics[40], &metrics[41],
    &metrics[42], &metrics[43], &metrics[44], &metrics[45], &metrics[46], &metrics[47], &metrics[48],
    &metrics[49], &metrics[50], &metrics[51], &metrics[52], &metrics[53], &metrics[54], &metrics[55], &metrics[56], &metrics[57], NULL,
};

const kpi_metric *const *kpi_metrics(void) { return metric_list; }

const kpi_metric *kpi_metric_find(const char *name)
{
    for (size_t i = 0; i < M__COUNT; i++)
        if (!strcmp(metrics[i].name, name))
            return &metrics[i];
    return NULL;
}

const char *kpi_metric_name(const kpi_metric *m) { return m->name; }
const char *kpi_metric_description(const kpi_metric *m, const char *lang)
{
    return lang && !strcmp(lang, "es") ? m->description_es : m->description_en;
}
kpi_unit kpi_metric_unit(const kpi_metric *m) { return m->unit; }
int kpi_metric_has_dim(const kpi_metric *m, kpi_dim d) { return (m->dims >> d) & 1u; }
const char *const *kpi_metric_parts(const kpi_metric *m) { return m->parts; }
kpi_unit kpi_metric_part_unit(const kpi_metric *m, int part) { return m->part_units ? m->part_units[part] : m->unit; }
int kpi_metric_has_reference(const kpi_metric *m) { return m->sql_from != NULL; }
int kpi_metric_is_derived(const kpi_metric *m) { return m->family == FAM_DERIVED; }
int kpi_metric_is_instant(const kpi_metric *m) { return m->instant; }
int kpi_metric_lower_is_better(const kpi_metric *m) { return m->lower_better; }
int kpi_metric_is_additive(const kpi_metric *m)
{
    return (m->unit == UNIT_COUNT || m->unit == UNIT_MONEY) && !m->average && m->family != FAM_DERIVED &&
           m->family != FAM_GOALS;
}
int kpi_metric_main_part(const kpi_metric *m) { return m->parts ? m->main_part : 0; }

kpi_value kpi_value_main(const kpi_metric *m, const kpi_value *v)
{
    switch (v->kind) {
    case KV_PAIR:
        return (kpi_value){.kind = KV_REAL, .x = v->median};
    case KV_PARTS: {
        int k = kpi_metric_main_part(m);
        if (!m->parts || (v->part_null >> k & 1))
            return (kpi_value){.kind = KV_NULL};
        kpi_unit u = v->has_part_units ? v->part_unit[k] : kpi_metric_part_unit(m, k);
        if (kpi_unit_is_real(u))
            return (kpi_value){.kind = KV_REAL, .x = v->xpart[k]};
        return (kpi_value){.kind = u == UNIT_MONEY ? KV_MONEY : KV_INT, .i = v->part[k]};
    }
    default:
        return *v;
    }
}

int kpi_value_cmp_best(const kpi_metric *m, const kpi_value *a, const kpi_value *b)
{
    kpi_value x = kpi_value_main(m, a), y = kpi_value_main(m, b);
    int xn = x.kind == KV_NULL, yn = y.kind == KV_NULL;
    if (xn || yn)
        return xn - yn;
    int order;
    if (x.kind == KV_REAL || y.kind == KV_REAL) {
        double dx = x.kind == KV_REAL ? x.x : (double)x.i, dy = y.kind == KV_REAL ? y.x : (double)y.i;
        order = (dx > dy) - (dx < dy);
    } else {
        order = (x.i > y.i) - (x.i < y.i);
    }
    return m->lower_better ? order : -order;
}
int kpi_metric_required_dim(const kpi_metric *m)
{
    return m->by_stage ? DIM_STAGE : m->by_account ? DIM_ACCOUNT : -1;
}
const char *kpi_metric_sql(const kpi_metric *m) { return m->sql_agg ? m->sql_agg : m->sql_value; }
eng_family eng_metric_family(const kpi_metric *m) { return m->family; }
