/*
 * value_field.c - value_parse_field / value_format_field: the storage form of each
 * field type (kind.h), with the tables of words people write for booleans and
 * enumerations in English and Spanish, and goal targets and periods.
 *
 * Enumerations are compared after folding: ASCII lower case, ' ' and '-' read as
 * '_' (runs collapsed), Latin accents dropped, so "Sin respuesta", "sin-respuesta"
 * and "SIN_RESPUESTA" are the same word. The synonym table is written folded.
 */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/value_internal.h"

#define FOLD_MAX 64

/* Folds s[0..len) into out; returns 0 when it is too long to be any word. */
static int fold(const char *s, size_t len, char out[FOLD_MAX + 1])
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c;
        unsigned char b = p[i];
        if (b == 0xc3 && i + 1 < len) {
            /* Latin-1 letters U+00C0..U+00FF, upper and lower case share the low 5 bits */
            static const char latin[] = "aaaaaaaceeeeiiii" "dnooooo*ouuuuy*s";
            unsigned char t = p[++i];
            c = t >= 0x80 && t <= 0xbf ? latin[(t - 0x80) & 0x1f] : '\x01';
        } else if (b >= 'A' && b <= 'Z') {
            c = (char)(b + 32);
        } else if (b == ' ' || b == '-' || b == '_' || b == '\t') {
            if (o > 0 && out[o - 1] == '_')
                continue;
            c = '_';
        } else if (b < 0x80) {
            c = (char)b;
        } else {
            c = '\x01'; /* matches nothing */
        }
        if (o == FOLD_MAX)
            return 0;
        out[o++] = c;
    }
    while (o > 0 && out[o - 1] == '_')
        o--;
    out[o] = '\0';
    return 1;
}

/* Whether word is one of the '|'-separated words of list. */
static int in_list(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, '|');
        size_t k = end ? (size_t)(end - p) : strlen(p);
        if (k == n && !memcmp(p, word, n))
            return 1;
        p += k + (end != NULL);
    }
    return 0;
}

/* Words for enumeration values, folded; an entry applies to the fields whose
 * values include it. */
static const struct {
    const char *value;
    const char *words;
} enum_words[] = {
    /* users.role */
    {"admin", "administrator|administrador|administradora"},
    {"manager", "gerente|jefe|jefa|director|directora|supervisor|supervisora|sales_manager"},
    {"rep", "sales_rep|representative|representante|vendedor|vendedora|comercial|agent|agente|seller|"
            "salesperson|user|usuario|usuaria"},
    {"viewer", "read_only|readonly|lector|lectora|observador|observadora|solo_lectura"},
    /* leads.status */
    {"new", "nuevo|nueva"},
    {"contacted", "contactado|contactada|working|en_contacto"},
    {"mql", "marketing_qualified|marketing_qualified_lead"},
    {"sql", "sales_qualified|sales_qualified_lead|qualified|cualificado|cualificada"},
    {"converted", "convertido|convertida"},
    {"disqualified", "descalificado|descalificada|unqualified|no_cualificado|no_cualificada|descartado|"
                     "descartada|junk"},
    /* stages.kind, deals.status */
    {"open", "abierto|abierta|active|activo|activa|in_progress|en_curso"},
    {"won", "ganado|ganada|closed_won|cerrado_ganado|cerrada_ganada|win"},
    {"lost", "perdido|perdida|closed_lost|cerrado_perdido|cerrada_perdida|loss"},
    /* deals.forecast_category */
    {"commit", "committed|compromiso|comprometido|comprometida"},
    {"best_case", "bestcase|best|mejor_caso"},
    {"pipeline", "embudo"},
    {"omitted", "omit|omitido|omitida|excluded|excluido|excluida"},
    /* activities.type */
    {"call", "llamada|phone|phone_call|telefono|llamada_telefonica"},
    {"email", "e_mail|mail|correo|correo_electronico"},
    {"meeting", "reunion|meet|visita|visit|cita"},
    {"task", "tarea|to_do|todo"},
    {"note", "nota|comment|comentario"},
    /* activities.outcome */
    {"connected", "conectada|conectado|contestada|contestado|answered|atendida|atendido"},
    {"no_answer", "noanswer|sin_respuesta|no_contesta|no_contestada|no_contestado|no_response|voicemail|"
                  "buzon|buzon_de_voz"},
    {"sent", "enviado|enviada"},
    {"opened", "open|abierto|abierta|read|leido|leida"},
    {"replied", "reply|respondido|respondida|respuesta"},
    {"bounced", "bounce|rebotado|rebotada|rebote|devuelto|devuelta"},
    {"scheduled", "programada|programado|agendada|agendado|planned|planificada|planificado"},
    {"held", "realizada|realizado|celebrada|celebrado|done|completed|completada|completado|attended"},
    {"cancelled", "canceled|cancelada|cancelado|anulada|anulado"},
    {"rejected", "rechazada|rechazado|declined|declinada|declinado"},
    /* goals.scope */
    {"org", "organisation|organization|organizacion|company|empresa|global"},
    {"team", "equipo"},
    /* expenses.category */
    {"marketing", "mercadotecnia|publicidad|advertising"},
    {"sales", "ventas|venta|comercial"},
    {"other", "otro|otros|otra|otras|others|misc|varios"},
};

/* The value of f->values that text names, or NULL. */
static const char *enum_match(const field_def *f, const char *text, size_t len)
{
    char w[FOLD_MAX + 1];
    if (!f->values || !fold(text, len, w))
        return NULL;
    for (const char *const *v = f->values; *v; v++)
        if (!strcmp(*v, w))
            return *v;
    for (size_t i = 0; i < sizeof enum_words / sizeof enum_words[0]; i++) {
        if (!in_list(w, enum_words[i].words))
            continue;
        for (const char *const *v = f->values; *v; v++)
            if (!strcmp(*v, enum_words[i].value))
                return *v;
    }
    return NULL;
}

static emb_code parse_enum(const field_def *f, const char *t, size_t len, field_value *out, emb_err *err)
{
    const char *v = enum_match(f, t, len);
    if (v) {
        *out = (field_value){FV_SET, 0, v};
        return EMB_OK;
    }
    char shown[VALUE__SHOWN_MAX], list[512] = "";
    value__shown(t, len, shown);
    size_t n = 0;
    for (const char *const *p = f->values; p && *p && n + strlen(*p) + 3 < sizeof list; p++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *p);
    return emb_err_set_why(err, EMB_INVALID, EMB_WHY_CHOICE, _("unknown value \"%s\": use one of %s"), shown, list);
}

static emb_code parse_bool(const char *t, size_t len, field_value *out, emb_err *err)
{
    char w[FOLD_MAX + 1];
    if (fold(t, len, w)) {
        if (in_list(w, "1|yes|y|true|t|si|verdadero|x|on")) {
            *out = (field_value){FV_SET, 1, NULL};
            return EMB_OK;
        }
        if (in_list(w, "0|no|n|false|f|falso|off")) {
            *out = (field_value){FV_SET, 0, NULL};
            return EMB_OK;
        }
    }
    char shown[VALUE__SHOWN_MAX];
    value__shown(t, len, shown);
    return emb_err_set_why(err, EMB_INVALID, EMB_WHY_CHOICE,
                           _("\"%s\" is not yes or no: use 1/0, yes/no, true/false or sí/no"), shown);
}

static emb_code parse_text(const char *t, size_t len, arena *a, field_value *out, emb_err *err)
{
    const unsigned char *p = (const unsigned char *)t;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = value__utf8(p + i, len - i, &cp);
        char shown[VALUE__SHOWN_MAX];
        if (k == 0) {
            value__shown(t, len, shown);
            return emb_err_set(err, EMB_INVALID, _("\"%s\" is not valid UTF-8 (byte %zu): save the file as UTF-8"),
                               shown, i + 1);
        }
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            value__shown(t, len, shown);
            return emb_err_set(err, EMB_INVALID, _("\"%s\" contains the control character U+%04X: remove it"), shown,
                               (unsigned)cp);
        }
        i += k;
    }
    const char *s = arena_strndup(a, t, len);
    if (!s)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    *out = (field_value){FV_SET, 0, s};
    return EMB_OK;
}

static emb_code parse_currency(const char *t, size_t len, arena *a, field_value *out, emb_err *err)
{
    static const struct {
        const char *symbol, *code;
    } symbols[] = {{"€", "EUR"}, {"$", "USD"}, {"US$", "USD"}, {"£", "GBP"}, {"R$", "BRL"}};
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        if (strlen(symbols[i].symbol) == len && !memcmp(t, symbols[i].symbol, len)) {
            *out = (field_value){FV_SET, 0, symbols[i].code};
            return EMB_OK;
        }
    }
    int ok = len == 3;
    for (size_t i = 0; ok && i < 3; i++)
        ok = (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z');
    if (!ok) {
        char shown[VALUE__SHOWN_MAX];
        value__shown(t, len, shown);
        return emb_err_set(err, EMB_INVALID,
                           _("\"%s\" is not a currency: use a three-letter code such as EUR, USD or MXN"), shown);
    }
    char *code = arena_strndup(a, t, 3);
    if (!code)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (int i = 0; i < 3; i++)
        if (code[i] >= 'a')
            code[i] = (char)(code[i] - 32);
    *out = (field_value){FV_SET, 0, code};
    return EMB_OK;
}

/* A plain number (no currency, no percent) at scale; whole: refuse fractions. */
static emb_code parse_scaled(const char *t, size_t len, number_style style, int scale, int whole, int64_t *v,
                             emb_err *err)
{
    value__number n;
    emb_code rc = value__scan_number(t, len, style, 0, &n, err);
    if (rc != EMB_OK)
        return rc;
    char shown[VALUE__SHOWN_MAX];
    if (whole && !value__number_whole(&n)) {
        value__shown(t, len, shown);
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_NUMBER, _("\"%s\" is not a whole number"), shown);
    }
    if (value__number_scaled(&n, scale, v) != 0) {
        value__shown(t, len, shown);
        return emb_err_set(err, EMB_INVALID, _("\"%s\" is too large"), shown);
    }
    return EMB_OK;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

emb_code value_parse_period(const char *text, const parse_opts *opts, arena *a, const char **canon,
                            period_range *range, emb_err *err)
{
    int64_t today = PERIOD_NO_TODAY;
    if (opts && opts->now)
        today = floor_div(opts->zone ? tz_utc_to_local(opts->zone, opts->now) : opts->now, 86400);
    char buf[PERIOD_TEXT_MAX];
    emb_code rc = period_parse_text(text, opts ? opts->calendar : NULL, today, range, buf, err);
    if (rc != EMB_OK)
        return rc;
    *canon = arena_strdup(a, buf);
    return *canon ? EMB_OK : emb_err_set(err, EMB_NOMEM, _("out of memory"));
}

target_unit value_target_unit(const char *metric)
{
    static const char *const money[] = {"revenue", "gross_profit", "avg_deal_size", "avg_order_value",
                                        "open_pipeline", "weighted_pipeline", "cogs", "cost", "cac", "clv",
                                        "mrr", "arr", "sales_velocity", NULL};
    static const char *const share[] = {"_rate", "margin", "attainment", NULL};
    if (!metric)
        return TARGET_COUNT;
    size_t n = strlen(metric);
    for (const char *const *p = money; *p; p++)
        if (!strncmp(metric, *p, strlen(*p)))
            return TARGET_MONEY;
    for (const char *const *p = share; *p; p++)
        if (n >= strlen(*p) && !strcmp(metric + n - strlen(*p), *p))
            return TARGET_BP;
    return TARGET_COUNT;
}

emb_code value_parse_target(const char *metric, const char *text, const parse_opts *opts, int64_t *target,
                            emb_err *err)
{
    number_style style = opts ? opts->numbers : NUM_AUTO;
    size_t len = SIZE_MAX;
    const char *t = value__trim(text ? text : "", &len);
    emb_code rc;
    switch (value_target_unit(metric)) {
    case TARGET_MONEY: rc = value_parse_money(t, style, opts ? opts->currency : NULL, target, err); break;
    case TARGET_BP: rc = value_parse_bp(t, style, target, err); break;
    default: rc = parse_scaled(t, len, style, 0, 1, target, err); break;
    }
    if (rc == EMB_OK && *target < 0) {
        char shown[VALUE__SHOWN_MAX];
        value__shown(t, len, shown);
        return emb_err_set(err, EMB_INVALID, _("target \"%s\" is negative"), shown);
    }
    return rc;
}

const char *value_format_target(const char *metric, int64_t target, const char *currency, arena *a)
{
    switch (value_target_unit(metric)) {
    case TARGET_MONEY: return value_format_money(target, currency, a);
    case TARGET_BP: return value_format_bp(target, a);
    default: return arena_printf(a, "%lld", (long long)target);
    }
}

emb_code value_parse_field(const field_def *f, const char *text, const parse_opts *opts, const char *currency,
                           arena *a, field_value *out, emb_err *err)
{
    static const parse_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    size_t len = SIZE_MAX;
    const char *t = value__trim(text ? text : "", &len);
    if (len == 0) {
        *out = (field_value){FV_NULL, 0, NULL};
        return EMB_OK;
    }
    *out = (field_value){FV_SET, 0, NULL};
    emb_code rc;
    switch (f->type) {
    case FT_TEXT: return parse_text(t, len, a, out, err);
    case FT_INT: return parse_scaled(t, len, opts->numbers, 0, 1, &out->i, err);
    case FT_BOOL: return parse_bool(t, len, out, err);
    case FT_ENUM: return parse_enum(f, t, len, out, err);
    case FT_CURRENCY: return parse_currency(t, len, a, out, err);
    case FT_MONEY:
        return value_parse_money(t, opts->numbers, currency ? currency : opts->currency, &out->i, err);
    case FT_BP: return value_parse_bp(t, opts->numbers, &out->i, err);
    case FT_INSTANT: return value_parse_instant(t, opts->dates, opts->date_format, opts->zone, &out->i, err);
    case FT_DATE: {
        char d[11];
        if ((rc = value_parse_date(t, opts->dates, opts->date_format, d, err)) != EMB_OK)
            return rc;
        out->s = arena_strdup(a, d);
        return out->s ? EMB_OK : emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    case FT_RATE:
        if ((rc = parse_scaled(t, len, opts->numbers, 9, 0, &out->i, err)) != EMB_OK)
            return rc;
        if (out->i <= 0) {
            char shown[VALUE__SHOWN_MAX];
            value__shown(t, len, shown);
            return emb_err_set(err, EMB_INVALID, _("rate \"%s\" must be above 0 (at most 9 decimals count)"), shown);
        }
        return EMB_OK;
    case FT_PERIOD: {
        period_range r;
        return value_parse_period(t, opts, a, &out->s, &r, err);
    }
    case FT_TARGET: {
        value__number n;
        if ((rc = value__scan_number(t, len, opts->numbers, VALUE__CURRENCY | VALUE__PERCENT, &n, err)) != EMB_OK)
            return rc;
        if (n.neg) {
            char shown[VALUE__SHOWN_MAX];
            value__shown(t, len, shown);
            return emb_err_set(err, EMB_INVALID, _("target \"%s\" is negative"), shown);
        }
        out->s = arena_strndup(a, t, len);
        return out->s ? EMB_OK : emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    case FT_REF:
    default:
        return emb_err_set(err, EMB_INTERNAL, _("field %s: references are resolved by the caller"), f->name);
    }
}

const char *value_format_field(const field_def *f, const field_value *v, const char *currency, const tz *zone,
                               arena *a)
{
    if (!v || v->state != FV_SET)
        return "";
    switch (f->type) {
    case FT_TEXT:
    case FT_ENUM:
    case FT_DATE:
    case FT_CURRENCY:
    case FT_PERIOD: return v->s ? v->s : "";
    case FT_BOOL: return v->i ? "1" : "0";
    case FT_MONEY: return value_format_money(v->i, currency, a);
    case FT_BP: return value_format_bp(v->i, a);
    case FT_INSTANT: return value_format_instant(v->i, zone, 1, a);
    case FT_RATE: return value_format_decimal(v->i, 9, a);
    case FT_INT:
    case FT_TARGET:
    case FT_REF:
    default: return arena_printf(a, "%lld", (long long)v->i);
    }
}
