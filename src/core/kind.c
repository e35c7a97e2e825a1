/* kind.c - the kind and field tables; see kind.h. Keep in agreement with
 * the migrations in store/migrations/ (tests/unit/test_kind.c checks every column exists). */
#include "core/kind.h"

#include "core/i18n.h"

#include <string.h>
#include <strings.h>

#include "core/i18n.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define EXT_ID_OR(more) {.name = "id", .column = "ext_id", .type = FT_TEXT, .flags = FF_EXT_ID | FF_LIST, \
                .synonyms = "external_id|ext_id|código|codigo|identificador" more, \
                .help = N_("the source system's identifier; re-importing it updates")}
#define EXT_ID EXT_ID_OR("")

static const char *const roles[] = {"admin", "manager", "rep", "viewer", NULL};
static const char *const lead_statuses[] = {"new", "contacted", "mql", "sql", "converted", "disqualified", NULL};
static const char *const stage_kinds[] = {"open", "won", "lost", NULL};
static const char *const forecast_categories[] = {"commit", "best_case", "pipeline", "omitted", NULL};
static const char *const activity_types[] = {"call", "email", "meeting", "task", "note", NULL};
static const char *const outcomes[] = {"connected", "no_answer", "sent", "opened", "replied", "bounced",
                                       "scheduled", "held", "cancelled", "rejected", NULL};
static const char *const scopes[] = {"org", "team", "rep", NULL};
static const char *const expense_categories[] = {"marketing", "sales", "other", NULL};

static const field_def region_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "region|región|nombre|zona|regional_office|region_description", .help = N_("region name")},
};

static const field_def user_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "full_name|nombre|sales_agent|agent|rep|sales_rep|vendedor|comercial|employee|empleado|agente",
     .help = N_("full name")},
    {.name = "email", .column = "email", .type = FT_TEXT, .flags = FF_MATCH | FF_LIST,
     .synonyms = "e-mail|mail|correo|correo electrónico", .help = N_("email address, unique")},
    {.name = "role", .column = "role", .type = FT_ENUM, .flags = FF_LIST, .values = roles,
     .synonyms = "rol|perfil", .help = N_("admin, manager, rep (default) or viewer")},
    {.name = "team", .column = "team_id", .type = FT_REF, .flags = FF_LIST, .ref = "teams",
     .synonyms = "equipo|sales_team", .help = N_("team the user belongs to")},
    {.name = "manager", .column = "manager_id", .type = FT_REF, .ref = "users",
     .synonyms = "gerente|jefe|supervisor|reports_to|responsable", .help = N_("the user's manager")},
    {.name = "region", .column = "region_id", .type = FT_REF, .ref = "regions",
     .synonyms = "región|regional_office|office|oficina|zona|territory|territorio", .help = N_("region or office")},
    {.name = "title", .column = "title", .type = FT_TEXT, .synonyms = "job_title|cargo|puesto|position",
     .help = N_("job title")},
    {.name = "active", .column = "active", .type = FT_BOOL, .synonyms = "activo|enabled",
     .help = N_("1 while the user works here")},
    {.name = "password_hash", .column = "password_hash", .type = FT_TEXT, .flags = FF_SECRET | FF_DERIVED,
     .help = N_("argon2id hash; set with `embudo user passwd`")},
    {.name = "created", .column = "created", .type = FT_INSTANT, .flags = FF_REQUIRED,
     .synonyms = "hire_date|created_at|fecha de alta|alta", .help = N_("when the user was added (default: now)")},
};

static const field_def team_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "team|equipo|nombre|team_name", .help = N_("team name")},
    {.name = "manager", .column = "manager_id", .type = FT_REF, .flags = FF_LIST, .ref = "users",
     .synonyms = "gerente|jefe|responsable|team_manager", .help = N_("the team's manager")},
    {.name = "region", .column = "region_id", .type = FT_REF, .ref = "regions",
     .synonyms = "región|regional_office|office|oficina|zona", .help = N_("region")},
    {.name = "member", .column = NULL, .type = FT_REF, .flags = FF_VIRTUAL, .ref = "users",
     .synonyms = "members|sales_agent|agent|sales_rep|rep|miembro|miembros|vendedor|comercial|agente",
     .help = N_("a user of the team (joins the user to it; one row per member)")},
};

static const field_def account_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "account|company|company_name|customer|customer_name|cuenta|empresa|cliente|razón social|nombre",
     .help = N_("company name")},
    {.name = "industry", .column = "industry", .type = FT_TEXT, .flags = FF_LIST,
     .synonyms = "sector|industria|vertical", .help = N_("industry")},
    {.name = "segment", .column = "segment", .type = FT_TEXT, .flags = FF_LIST,
     .synonyms = "segmento|business_segment|tier", .help = N_("customer segment")},
    {.name = "region", .column = "region_id", .type = FT_REF, .ref = "regions",
     .synonyms = "región|zona|territory|territorio", .help = N_("region")},
    {.name = "owner", .column = "owner_id", .type = FT_REF, .ref = "users",
     .synonyms = "propietario|account_owner|responsable|vendedor", .help = N_("account owner")},
    {.name = "parent", .column = "parent_id", .type = FT_REF, .ref = "accounts",
     .synonyms = "subsidiary_of|parent_account|matriz|empresa matriz", .help = N_("parent company")},
    {.name = "country", .column = "country", .type = FT_TEXT,
     .synonyms = "país|pais|office_location", .help = N_("country")},
    {.name = "city", .column = "city", .type = FT_TEXT, .synonyms = "ciudad|localidad", .help = N_("city")},
    {.name = "employees", .column = "employees", .type = FT_INT, .synonyms = "empleados|headcount",
     .help = N_("number of employees")},
    {.name = "created", .column = "created", .type = FT_INSTANT, .flags = FF_REQUIRED,
     .synonyms = "created_at|fecha de alta|alta", .help = N_("when the account was added (default: now)")},
};

static const field_def contact_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "contact|contact_name|contacto|nombre|full_name", .help = N_("full name")},
    {.name = "email", .column = "email", .type = FT_TEXT, .flags = FF_MATCH | FF_LIST,
     .synonyms = "e-mail|mail|correo|correo electrónico", .help = N_("email address")},
    {.name = "phone", .column = "phone", .type = FT_TEXT, .synonyms = "teléfono|telefono|tel|móvil|movil",
     .help = N_("phone")},
    {.name = "title", .column = "title", .type = FT_TEXT, .synonyms = "contact_title|job_title|cargo|puesto",
     .help = N_("job title")},
    {.name = "account", .column = "account_id", .type = FT_REF, .flags = FF_LIST, .ref = "accounts",
     .synonyms = "company|company_name|cuenta|empresa|cliente|customer", .help = N_("the contact's company")},
    {.name = "owner", .column = "owner_id", .type = FT_REF, .ref = "users",
     .synonyms = "propietario|responsable|vendedor", .help = N_("owner")},
    {.name = "created", .column = "created", .type = FT_INSTANT, .flags = FF_REQUIRED,
     .synonyms = "created_at|fecha de alta", .help = N_("when the contact was added (default: now)")},
};

static const field_def lead_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_MATCH | FF_LIST,
     .synonyms = "lead|lead_name|nombre|full_name|contact_name", .help = N_("person or company name")},
    {.name = "company", .column = "company", .type = FT_TEXT,
     .synonyms = "company_name|empresa|organización|organizacion", .help = N_("company")},
    {.name = "email", .column = "email", .type = FT_TEXT, .flags = FF_MATCH,
     .synonyms = "e-mail|mail|correo", .help = N_("email")},
    {.name = "phone", .column = "phone", .type = FT_TEXT, .synonyms = "teléfono|telefono|tel", .help = N_("phone")},
    {.name = "source", .column = "source", .type = FT_TEXT, .flags = FF_LIST,
     .synonyms = "origin|origen|fuente|channel|canal|lead_source", .help = N_("source or channel")},
    {.name = "status", .column = "status", .type = FT_ENUM, .flags = FF_LIST, .values = lead_statuses,
     .synonyms = "estado|lead_status", .help = N_("new, contacted, mql, sql, converted or disqualified")},
    {.name = "score", .column = "score", .type = FT_INT, .synonyms = "puntuación|puntuacion|lead_score",
     .help = N_("lead score")},
    {.name = "owner", .column = "owner_id", .type = FT_REF, .flags = FF_LIST, .ref = "users",
     .synonyms = "propietario|responsable|vendedor|sdr|sdr_id", .help = N_("owner")},
    {.name = "account", .column = "account_id", .type = FT_REF, .ref = "accounts",
     .synonyms = "cuenta|cliente", .help = N_("account, once known")},
    {.name = "created", .column = "created", .type = FT_INSTANT, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "first_contact_date|created_at|creation_date|fecha de creación|fecha de creacion|fecha|date",
     .help = N_("when the lead arrived")},
    {.name = "mql_at", .column = "mql_at", .type = FT_INSTANT, .synonyms = "mql_date",
     .help = N_("when it became marketing-qualified (default: created, if its status is past mql)")},
    {.name = "sql_at", .column = "sql_at", .type = FT_INSTANT, .synonyms = "sql_date",
     .help = N_("when it became sales-qualified")},
    {.name = "converted_at", .column = "converted_at", .type = FT_INSTANT,
     .synonyms = "converted_date|won_date|fecha de conversión", .help = N_("when it became an opportunity")},
    {.name = "disqualified_at", .column = "disqualified_at", .type = FT_INSTANT,
     .synonyms = "disqualified_date", .help = N_("when it was disqualified")},
};

static const field_def pipeline_fields[] = {
    EXT_ID,
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "pipeline|embudo|nombre", .help = N_("pipeline name")},
    {.name = "default", .column = "is_default", .type = FT_BOOL, .flags = FF_LIST,
     .help = N_("1 for the pipeline new deals go to")},
};

static const field_def stage_fields[] = {
    {.name = "pipeline", .column = "pipeline_id", .type = FT_REF, .flags = FF_REQUIRED | FF_LIST,
     .ref = "pipelines", .synonyms = "embudo", .help = N_("pipeline (default: the default pipeline)")},
    {.name = "position", .column = "position", .type = FT_INT, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "order|orden|posición", .help = N_("order within the pipeline")},
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "stage|etapa|fase|nombre", .help = N_("name in English")},
    {.name = "name_es", .column = "name_es", .type = FT_TEXT, .flags = FF_MATCH | FF_LIST,
     .synonyms = "nombre_es|etapa_es", .help = N_("name in Spanish")},
    {.name = "probability", .column = "probability_bp", .type = FT_BP, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "probabilidad", .help = N_("win probability of deals in this stage")},
    {.name = "kind", .column = "kind", .type = FT_ENUM, .flags = FF_REQUIRED | FF_LIST, .values = stage_kinds,
     .synonyms = "tipo", .help = N_("open, won or lost")},
};

static const field_def product_fields[] = {
    EXT_ID,
    {.name = "sku", .column = "sku", .type = FT_TEXT, .flags = FF_MATCH | FF_LIST,
     .synonyms = "code|product_code|referencia|ref|código de producto", .help = N_("stock keeping unit, unique")},
    {.name = "name", .column = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "product|product_name|producto|nombre|artículo|articulo", .help = N_("product name")},
    {.name = "category", .column = "category", .type = FT_TEXT, .flags = FF_LIST,
     .synonyms = "categoría|categoria|series|family|familia|line|línea", .help = N_("category")},
    {.name = "price", .column = "price", .type = FT_MONEY, .flags = FF_LIST,
     .synonyms = "unit_price|sales_price|list_price|precio|precio unitario|pvp", .help = N_("list price")},
    {.name = "cost", .column = "cost", .type = FT_MONEY, .flags = FF_LIST,
     .synonyms = "unit_cost|coste|costo|coste unitario", .help = N_("unit cost")},
    {.name = "currency", .column = "currency", .type = FT_CURRENCY, .flags = FF_REQUIRED,
     .synonyms = "moneda|divisa", .help = N_("currency of price and cost (default: the organisation's)")},
    {.name = "active", .column = "active", .type = FT_BOOL, .synonyms = "activo",
     .help = N_("0 once discontinued")},
};

static const field_def deal_fields[] = {
    EXT_ID,
    {.name = "title", .column = "title", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MATCH | FF_LIST,
     .synonyms = "name|deal|deal_name|opportunity|opportunity_name|oportunidad|título|titulo|nombre|asunto",
     .help = N_("short description (default: account and product)")},
    {.name = "account", .column = "account_id", .type = FT_REF, .flags = FF_LIST, .ref = "accounts",
     .synonyms = "company|company_name|customer|cuenta|empresa|cliente", .help = N_("customer account")},
    {.name = "contact", .column = "contact_id", .type = FT_REF, .ref = "contacts",
     .synonyms = "contacto|contact_name", .help = N_("main contact")},
    {.name = "owner", .column = "owner_id", .type = FT_REF, .flags = FF_LIST, .ref = "users",
     .synonyms = "sales_agent|agent|rep|sales_rep|salesperson|seller|vendedor|comercial|propietario|responsable|sr_id",
     .help = N_("sales rep who owns the deal")},
    {.name = "pipeline", .column = "pipeline_id", .type = FT_REF, .flags = FF_REQUIRED, .ref = "pipelines",
     .synonyms = "embudo", .help = N_("pipeline (default: the default pipeline)")},
    {.name = "stage", .column = "stage_id", .type = FT_REF, .flags = FF_REQUIRED | FF_LIST, .ref = "stages",
     .synonyms = "deal_stage|etapa|fase|estado|status|state", .help = N_("stage within the pipeline")},
    {.name = "status", .column = "status", .type = FT_ENUM, .flags = FF_DERIVED | FF_LIST, .values = stage_kinds,
     .help = N_("open, won or lost: the kind of its stage")},
    {.name = "amount", .column = "amount", .type = FT_MONEY, .flags = FF_LIST,
     .synonyms = "value|close_value|deal_value|revenue|importe|valor|monto|cantidad|total",
     .help = N_("deal value")},
    {.name = "currency", .column = "currency", .type = FT_CURRENCY, .flags = FF_REQUIRED,
     .synonyms = "moneda|divisa", .help = N_("currency of amount (default: the organisation's)")},
    {.name = "expected_close", .column = "expected_close", .type = FT_DATE,
     .synonyms = "expected_close_date|close_date_expected|fecha prevista|fecha de cierre prevista|cierre previsto",
     .help = N_("date the deal is expected to close")},
    {.name = "probability", .column = "probability_bp", .type = FT_BP,
     .synonyms = "probabilidad", .help = N_("the deal's own win probability (default: its stage's)")},
    {.name = "forecast_category", .column = "forecast_category", .type = FT_ENUM, .values = forecast_categories,
     .synonyms = "forecast|categoría de previsión", .help = N_("commit, best_case, pipeline or omitted")},
    {.name = "lost_reason", .column = "lost_reason", .type = FT_TEXT,
     .synonyms = "loss_reason|reason|motivo|motivo de pérdida|razón", .help = N_("why the deal was lost")},
    {.name = "source", .column = "source", .type = FT_TEXT,
     .synonyms = "origin|origen|fuente|lead_source|channel|canal", .help = N_("where the deal came from")},
    {.name = "lead", .column = "lead_id", .type = FT_REF, .ref = "leads",
     .synonyms = "source_lead|lead_id|mql_id|prospecto", .help = N_("the lead it was converted from")},
    {.name = "created", .column = "created", .type = FT_INSTANT, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "engage_date|created_at|create_date|creation_date|open_date|fecha de creación|fecha de creacion|fecha de alta|creado",
     .help = N_("when the deal was created")},
    {.name = "closed", .column = "closed", .type = FT_INSTANT, .flags = FF_LIST,
     .synonyms = "close_date|closed_at|won_date|fecha de cierre|cierre|cerrado",
     .help = N_("when it was won or lost; empty while open")},
    {.name = "product", .column = NULL, .type = FT_REF, .flags = FF_VIRTUAL, .ref = "products",
     .synonyms = "producto|product_name|artículo", .help = N_("a product sold in the deal (adds it to the deal)")},
};

static const field_def activity_fields[] = {
    EXT_ID,
    {.name = "type", .column = "type", .type = FT_ENUM, .flags = FF_REQUIRED | FF_LIST, .values = activity_types,
     .synonyms = "tipo|activity_type", .help = N_("call, email, meeting, task or note")},
    {.name = "subject", .column = "subject", .type = FT_TEXT, .flags = FF_LIST,
     .synonyms = "asunto|title|título|description|descripción", .help = N_("subject")},
    {.name = "owner", .column = "owner_id", .type = FT_REF, .flags = FF_LIST, .ref = "users",
     .synonyms = "rep|sales_agent|vendedor|comercial|responsable|user|usuario", .help = N_("who does it")},
    {.name = "deal", .column = "deal_id", .type = FT_REF, .ref = "deals",
     .synonyms = "opportunity|oportunidad|negocio", .help = N_("related deal")},
    {.name = "lead", .column = "lead_id", .type = FT_REF, .ref = "leads", .synonyms = "prospecto",
     .help = N_("related lead")},
    {.name = "account", .column = "account_id", .type = FT_REF, .ref = "accounts",
     .synonyms = "cuenta|cliente|empresa|company", .help = N_("related account")},
    {.name = "contact", .column = "contact_id", .type = FT_REF, .ref = "contacts", .synonyms = "contacto",
     .help = N_("related contact")},
    {.name = "due", .column = "due", .type = FT_INSTANT, .flags = FF_LIST,
     .synonyms = "due_date|scheduled|vencimiento|fecha prevista|fecha límite", .help = N_("when it is due")},
    {.name = "done", .column = "done", .type = FT_INSTANT, .flags = FF_LIST,
     .synonyms = "completed|completed_at|done_at|realizada|completada|fecha de realización",
     .help = N_("when it was completed; empty while open")},
    {.name = "duration", .column = "duration_s", .type = FT_INT, .synonyms = "duration_s|duración|duracion",
     .help = N_("duration in seconds")},
    {.name = "outcome", .column = "outcome", .type = FT_ENUM, .flags = FF_LIST, .values = outcomes,
     .synonyms = "result|resultado",
     .help = N_("connected, no_answer, sent, opened, replied, bounced, scheduled, held, cancelled, rejected")},
    {.name = "cold", .column = "cold", .type = FT_BOOL, .synonyms = "cold_call|en frío|en frio",
     .help = N_("1 for a cold call")},
    {.name = "created", .column = "created", .type = FT_INSTANT, .flags = FF_REQUIRED,
     .synonyms = "created_at|fecha de alta", .help = N_("when it was logged (default: now)")},
};

static const field_def order_fields[] = {
    EXT_ID,
    {.name = "account", .column = "account_id", .type = FT_REF, .flags = FF_LIST, .ref = "accounts",
     .synonyms = "customer|customer_id|customer_name|company|cliente|cuenta|empresa", .help = N_("customer")},
    {.name = "owner", .column = "owner_id", .type = FT_REF, .flags = FF_LIST, .ref = "users",
     .synonyms = "employee|employee_id|sales_rep|salesperson|rep|vendedor|comercial|empleado",
     .help = N_("sales rep credited")},
    {.name = "deal", .column = "deal_id", .type = FT_REF, .ref = "deals",
     .synonyms = "opportunity|oportunidad", .help = N_("the deal it came from")},
    {.name = "region", .column = "region_id", .type = FT_REF, .ref = "regions",
     .synonyms = "región|zona|ship_region", .help = N_("sales region")},
    {.name = "date", .column = "ordered", .type = FT_INSTANT, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "order_date|ordered|fecha|fecha de pedido|fecha del pedido", .help = N_("when it was ordered")},
    {.name = "shipped", .column = "shipped", .type = FT_INSTANT,
     .synonyms = "ship_date|shipped_date|fecha de envío|fecha de envio", .help = N_("when it was shipped")},
    {.name = "currency", .column = "currency", .type = FT_CURRENCY, .flags = FF_REQUIRED,
     .synonyms = "moneda|divisa", .help = N_("currency (default: the organisation's)")},
};

static const field_def order_line_fields[] = {
    EXT_ID_OR("|row_id|line_id|línea|linea"),
    {.name = "order", .column = "order_id", .type = FT_REF, .flags = FF_REQUIRED | FF_LIST, .ref = "orders",
     .synonyms = "order_id|pedido|número de pedido|numero de pedido", .help = N_("the order")},
    {.name = "product", .column = "product_id", .type = FT_REF, .flags = FF_LIST, .ref = "products",
     .synonyms = "product_id|product_name|producto|artículo|articulo", .help = N_("product sold")},
    {.name = "quantity", .column = "quantity", .type = FT_INT, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "qty|units|cantidad|unidades|uds", .help = N_("units")},
    {.name = "unit_price", .column = "unit_price", .type = FT_MONEY, .flags = FF_LIST,
     .synonyms = "price|precio|precio unitario", .help = N_("price per unit, rounded to the minor unit")},
    {.name = "discount", .column = "discount_bp", .type = FT_BP, .flags = FF_LIST,
     .synonyms = "descuento|dto", .help = N_("discount, to 0.01 %")},
    {.name = "cost", .column = "unit_cost", .type = FT_MONEY,
     .synonyms = "unit_cost|coste|costo|coste unitario", .help = N_("unit cost as recorded on the line")},
    {.name = "amount", .column = "net_amount", .type = FT_MONEY, .flags = FF_LIST,
     .synonyms = "sales|net_amount|line_total|importe|ventas|total|subtotal",
     .help = N_("net amount; computed from quantity, unit price and discount when those are given")},
    {.name = "total_cost", .column = "cost_amount", .type = FT_MONEY,
     .synonyms = "cogs|cost_amount|coste total", .help = N_("cost of the line; quantity x cost, or amount - profit")},
    {.name = "profit", .column = NULL, .type = FT_MONEY, .flags = FF_VIRTUAL,
     .synonyms = "beneficio|margen|ganancia|gross_profit", .help = N_("gross profit of the line (sets total_cost)")},
};

static const field_def goal_fields[] = {
    EXT_ID,
    {.name = "metric", .column = "metric", .type = FT_TEXT, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "métrica|metrica|kpi", .help = N_("metric name, e.g. revenue_won")},
    {.name = "scope", .column = "scope", .type = FT_ENUM, .flags = FF_REQUIRED | FF_LIST, .values = scopes,
     .synonyms = "ámbito|ambito|alcance", .help = N_("org, team or rep (default: from team/rep)")},
    {.name = "team", .column = "team_id", .type = FT_REF, .flags = FF_LIST, .ref = "teams",
     .synonyms = "equipo", .help = N_("team, for scope team")},
    {.name = "rep", .column = "user_id", .type = FT_REF, .flags = FF_LIST, .ref = "users",
     .synonyms = "owner|user|sales_agent|vendedor|comercial", .help = N_("rep, for scope rep")},
    {.name = "period", .column = "period", .type = FT_PERIOD, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "periodo|período", .help = N_("2026, 2026-Q3, 2026-07, 2026-W27, FY2026, FY2026-Q1")},
    {.name = "from", .column = "period_from", .type = FT_DATE, .flags = FF_DERIVED | FF_REQUIRED,
     .help = N_("first day of the period")},
    {.name = "to", .column = "period_to", .type = FT_DATE, .flags = FF_DERIVED | FF_REQUIRED | FF_LAST_DAY,
     .help = N_("last day of the period")},
    {.name = "target", .column = "target", .type = FT_TARGET, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "objetivo|meta|cuota|quota", .help = N_("target in the metric's unit")},
};

static const field_def expense_fields[] = {
    EXT_ID,
    {.name = "category", .column = "category", .type = FT_ENUM, .flags = FF_REQUIRED | FF_LIST,
     .values = expense_categories, .synonyms = "categoría|categoria|tipo", .help = N_("marketing, sales or other")},
    {.name = "channel", .column = "channel", .type = FT_TEXT, .flags = FF_LIST,
     .synonyms = "canal|source|origen", .help = N_("channel, matched with lead sources")},
    {.name = "period", .column = NULL, .type = FT_PERIOD, .flags = FF_VIRTUAL,
     .synonyms = "periodo|período|month|mes", .help = N_("period the spend covers (sets from and to)")},
    {.name = "from", .column = "period_from", .type = FT_DATE, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "desde|start|inicio", .help = N_("first day covered")},
    {.name = "to", .column = "period_to", .type = FT_DATE, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "hasta|end|fin", .help = N_("day after the last day covered")},
    {.name = "amount", .column = "amount", .type = FT_MONEY, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "importe|gasto|coste|cost|spend", .help = N_("amount spent")},
    {.name = "currency", .column = "currency", .type = FT_CURRENCY, .flags = FF_REQUIRED,
     .synonyms = "moneda|divisa", .help = N_("currency (default: the organisation's)")},
    {.name = "note", .column = "note", .type = FT_TEXT, .synonyms = "nota|description|descripción",
     .help = N_("note")},
};

static const field_def rate_fields[] = {
    EXT_ID,
    {.name = "currency", .column = "currency", .type = FT_CURRENCY, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "moneda|divisa|from", .help = N_("currency converted from")},
    {.name = "date", .column = "date", .type = FT_DATE, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "fecha|day|día", .help = N_("date the rate applies from")},
    {.name = "rate", .column = "rate_e9", .type = FT_RATE, .flags = FF_REQUIRED | FF_LIST,
     .synonyms = "tipo|tipo de cambio|cambio|exchange_rate", .help = N_("value of one unit in the reporting currency")},
};

#define KIND(pl, sg, tbl, flds, lbl, cur, hlp) \
    {.name = pl, .singular = sg, .table = tbl, .fields = flds, .nfields = N(flds), .label = lbl, \
     .currency_field = cur, .help = hlp}

static const kind_def kinds[] = {
    KIND("regions", "region", "regions", region_fields, "name", NULL, N_("sales regions")),
    KIND("users", "user", "users", user_fields, "name", NULL, N_("sales reps, managers and other users")),
    KIND("teams", "team", "teams", team_fields, "name", NULL, N_("sales teams")),
    KIND("accounts", "account", "accounts", account_fields, "name", NULL, N_("customer companies")),
    KIND("contacts", "contact", "contacts", contact_fields, "name", NULL, N_("people at accounts")),
    KIND("leads", "lead", "leads", lead_fields, "name", NULL, N_("prospects not yet qualified into deals")),
    KIND("pipelines", "pipeline", "pipelines", pipeline_fields, "name", NULL, N_("sales pipelines")),
    KIND("stages", "stage", "stages", stage_fields, "name", NULL, N_("stages of a pipeline")),
    KIND("products", "product", "products", product_fields, "name", "currency", N_("products and services sold")),
    KIND("deals", "deal", "deals", deal_fields, "title", "currency",
         N_("opportunities moving through the pipeline")),
    KIND("activities", "activity", "activities", activity_fields, "subject", NULL,
         N_("calls, emails, meetings, tasks and notes")),
    KIND("orders", "order", "orders", order_fields, "id", "currency", N_("customer orders")),
    KIND("order_lines", "order_line", "order_lines", order_line_fields, "id", NULL, N_("lines of orders")),
    KIND("goals", "goal", "goals", goal_fields, "metric", NULL, N_("targets per rep, team or organisation")),
    KIND("expenses", "expense", "expenses", expense_fields, "category", "currency",
         N_("marketing and sales spend")),
    KIND("rates", "rate", "exchange_rates", rate_fields, "currency", NULL, N_("exchange rates")),
};

static const kind_def *const kind_list[] = {
    &kinds[0], &kinds[1], &kinds[2], &kinds[3], &kinds[4], &kinds[5], &kinds[6], &kinds[7],
    &kinds[8], &kinds[9], &kinds[10], &kinds[11], &kinds[12], &kinds[13], &kinds[14], &kinds[15],
    NULL,
};
_Static_assert(N(kind_list) == N(kinds) + 1, "kind_list must list every kind");

const kind_def *const *kind_all(void) { return kind_list; }

const kind_def *kind_find(const char *name)
{
    for (size_t i = 0; i < N(kinds); i++)
        if (!strcasecmp(kinds[i].name, name) || !strcasecmp(kinds[i].singular, name))
            return &kinds[i];
    return NULL;
}

int kind_field_index(const kind_def *kind, const char *name)
{
    for (size_t i = 0; i < kind->nfields; i++) /* first letters first: called per row */
        if (kind->fields[i].name[0] == name[0] && !strcmp(kind->fields[i].name, name))
            return (int)i;
    return -1;
}

const field_def *kind_field(const kind_def *kind, const char *name)
{
    int i = kind_field_index(kind, name);
    return i < 0 ? NULL : &kind->fields[i];
}

int field_enum_valid(const field_def *field, const char *value)
{
    if (!field->values)
        return 0;
    for (const char *const *v = field->values; *v; v++)
        if (!strcmp(*v, value))
            return 1;
    return 0;
}

const char *field_type_name(field_type type)
{
    static const char *const names[] = {
        [FT_TEXT] = N_("text"), [FT_INT] = N_("integer"), [FT_BOOL] = N_("boolean"), [FT_ENUM] = N_("choice"),
        [FT_MONEY] = N_("money"), [FT_BP] = N_("percentage"), [FT_INSTANT] = N_("date-time"), [FT_DATE] = N_("date"),
        [FT_REF] = N_("reference"), [FT_CURRENCY] = N_("currency"), [FT_RATE] = N_("rate"), [FT_PERIOD] = N_("period"),
        [FT_TARGET] = N_("target"),
    };
    return (unsigned)type < N(names) && names[type] ? names[type] : "unknown";
}
