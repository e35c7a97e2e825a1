/* fx.c - exchange-rate lookup; see fx.h. Rates are kept per currency sorted by day. */
#include "metrics/fx.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "core/search.h"
#include "core/tz.h"
#include "core/value.h"

typedef struct {
    char code[4];
    int exponent;
    size_t n;
    int64_t *day;  /* ascending */
    int64_t *rate; /* rate_e9 from that day on */
} fx_currency;

struct fx_table {
    char reporting[4];
    int reporting_exponent;
    tz *zone;
    size_t n;
    fx_currency *cur;
};

int64_t fx_div_round(__int128 n, __int128 d)
{
    __int128 q = n / d, r = n % d;
    if (r < 0)
        r = -r;
    if (2 * r >= d)
        q += n < 0 ? -1 : 1;
    return (int64_t)q;
}

void fx_free(fx_table *fx)
{
    if (!fx)
        return;
    for (size_t i = 0; i < fx->n; i++) {
        free(fx->cur[i].day);
        free(fx->cur[i].rate);
    }
    free(fx->cur);
    tz_close(fx->zone);
    free(fx);
}

emb_code fx_load(store *st, const char *reporting_currency, const char *timezone, fx_table **out, emb_err *err)
{
    *out = NULL;
    fx_table *fx = calloc(1, sizeof *fx);
    if (!fx)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    snprintf(fx->reporting, sizeof fx->reporting, "%s", reporting_currency);
    fx->reporting_exponent = value_currency_exponent(reporting_currency);
    emb_code rc = tz_open(timezone, &fx->zone, err);
    if (rc) {
        fx_free(fx);
        return rc;
    }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), "SELECT currency, date, rate_e9 FROM exchange_rates ORDER BY currency, date",
                           -1, &s, NULL) != SQLITE_OK) {
        fx_free(fx);
        return store_sql_error(st, _("reading exchange rates"), err);
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(s, 0);
        int64_t day;
        if (!code || date_parse_iso((const char *)sqlite3_column_text(s, 1), &day) != 0)
            continue;
        if (fx->n == 0 || strcmp(fx->cur[fx->n - 1].code, code) != 0) {
            fx_currency *c = realloc(fx->cur, (fx->n + 1) * sizeof *c);
            if (!c)
                goto nomem;
            fx->cur = c;
            memset(&c[fx->n], 0, sizeof *c);
            snprintf(c[fx->n].code, sizeof c[fx->n].code, "%s", code);
            c[fx->n].exponent = value_currency_exponent(code);
            fx->n++;
        }
        fx_currency *c = &fx->cur[fx->n - 1];
        if ((c->n & (c->n - 1)) == 0) {
            size_t cap = c->n ? c->n * 2 : 8;
            int64_t *d = realloc(c->day, cap * sizeof *d);
            if (d)
                c->day = d;
            int64_t *r = realloc(c->rate, cap * sizeof *r);
            if (r)
                c->rate = r;
            if (!d || !r)
                goto nomem;
        }
        c->day[c->n] = day;
        c->rate[c->n] = sqlite3_column_int64(s, 2);
        c->n++;
    }
    sqlite3_finalize(s);
    *out = fx;
    return EMB_OK;
nomem:
    sqlite3_finalize(s);
    fx_free(fx);
    return emb_err_set(err, EMB_NOMEM, _("out of memory"));
}

static const fx_currency *find(const fx_table *fx, const char *code)
{
    for (size_t i = 0; i < fx->n; i++)
        if (!strcmp(fx->cur[i].code, code))
            return &fx->cur[i];
    return NULL;
}

int fx_convert(const fx_table *fx, const char *currency, int64_t amount, int64_t at, int64_t *out)
{
    if (!currency || !strcmp(currency, fx->reporting)) {
        *out = amount;
        return 0;
    }
    const fx_currency *c = find(fx, currency);
    if (!c || c->n == 0)
        return -1;
    size_t k;
    if (at == INT64_MAX) {
        k = c->n - 1;
    } else {
        int64_t day = tz_local_day(fx->zone, at);
        size_t lo = search_upper_i64(c->day, 0, c->n, day);
        if (lo == 0)
            return -1;
        k = lo - 1;
    }
    __int128 num = (__int128)amount * c->rate[k];
    __int128 den = 1000000000;
    int over = 0;
    for (int e = c->exponent; e < fx->reporting_exponent; e++)
        over |= __builtin_mul_overflow(num, 10, &num);
    for (int e = fx->reporting_exponent; e < c->exponent; e++)
        den *= 10;
    /* A result beyond int64 is held at its bound, never wrapped: the snapshot's
     * check of its sums (snapshot.h) then refuses the totals that include it. */
    __int128 q = num / den;
    if (over || q >= INT64_MAX || q <= -INT64_MAX)
        *out = (amount < 0) != (c->rate[k] < 0) ? -INT64_MAX : INT64_MAX;
    else
        *out = fx_div_round(num, den);
    return 0;
}
