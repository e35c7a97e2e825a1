/*
 * kpi_request.h - a KPI question as text (the options of `embudo kpi`, the query
 * parameters of GET /api/v1/kpi) read into a kpi_query with its comparison, sort
 * and limit, and answered as the report both front-ends print. The CLI and the
 * server call these; neither calls the other.
 *
 * Reading happens in two steps: kpi_params_check() needs nothing but the texts
 * (so the CLI can refuse bad options before it opens the database);
 * kpi_request_build() resolves names (metrics, dimensions, filter values, the
 * period) against a snapshot. Errors are EMB_USAGE with a message that names the
 * key and the value and lists what is accepted; keys are written as options
 * (--as-of) or as parameters (as_of) as kpi_params.options says, and
 * kpi_params.bad_key names the key at fault ("" when the fault is in the metric
 * names). Any other code is the engine's.
 *
 * Ownership: kpi_params points to the caller's strings (never modified);
 * everything else a request holds is in the arena given to kpi_request_build()
 * and lives as long as it. The snapshot must stay acquired while the request is
 * built and run.
 */
#ifndef EMB_KPI_REQUEST_H
#define EMB_KPI_REQUEST_H

#include "core/arena.h"
#include "core/exec.h"
#include "core/period.h"
#include "metrics/compare.h"
#include "metrics/engine.h"
#include "metrics/kpi_report.h"
#include "metrics/snapshot.h"

typedef struct {
    /* the texts, NULL when not given */
    const char *metrics, *period, *from, *to, *as_of, *by, *where, *series, *compare, *sort, *goal_metric, *limit;
    int cumulative; /* 1: running totals along the series */
    int records;    /* 1: the records behind the number (the CLI's --records) */
    int options;    /* 1: keys are named as options in messages (--as-of), else as parameters (as_of) */
    const char *bad_key; /* set on an error: the key at fault, by its canonical name (as_of) */
} kpi_params;

/* Sets the text of key (a canonical name: metrics, period, from, to, as_of, by,
 * where, series, cumulative, compare, goal_metric, sort, limit) to value.
 * EMB_USAGE for an unknown key (listing the accepted ones), a key given twice,
 * or a cumulative that is not true or false. */
emb_code kpi_params_set(kpi_params *p, const char *key, const char *value, emb_err *err);

/* The name of key as p's messages write it: "--as-of" or "as_of". */
const char *kpi_params_key(const kpi_params *p, const char *key, arena *a);

/* Checks what needs no snapshot: limit (a whole number from 1), compare
 * (previous, year or goal), period against from/to, from with to, records and
 * cumulative with what they exclude or need. EMB_OK or EMB_USAGE. */
emb_code kpi_params_check(kpi_params *p, arena *a, emb_err *err);

typedef struct {
    kpi_query q;
    kpi_compare compare; /* KPI_COMPARE_NONE when not asked */
    period_range days;   /* the period as days ([from, to)); {0, 0} for all time */
    char from[11], to[11]; /* its bounds as text, "" for all time */
    long long limit;     /* 0: every row */
    int cumulative;
    int sort_column, sort_desc; /* sort_column -1: rows by their labels */
} kpi_request;

/* Reads p (checked) against s at instant now (the default period and as-of).
 * Metrics are required. */
emb_code kpi_request_build(const snapshot *s, int64_t now, kpi_params *p, kpi_request *out, arena *a, emb_err *err);

/* The period of a query: sets q->t0, q->t1 and q->as_of from period (default
 * this-month; "all" for all time) or from/to (days, [from, to)) and as_of (a date
 * means its end; default: the end of a past period, else now), *days and the texts
 * of its bounds ("" for all time). Keys named as p says (p->bad_key set on error). */
emb_code kpi_request_period(const snapshot *s, int64_t now, kpi_params *p, const char *period, const char *from,
                            const char *to, const char *as_of, kpi_query *q, period_range *days, char from_text[11],
                            char to_text[11], arena *a, emb_err *err);

/* Adds a filter dim=VALUE[|VALUE...] (values resolved in s) to q; key names the
 * key the text came from (for bad_key). */
emb_code kpi_request_filter(const snapshot *s, kpi_params *p, const char *key, kpi_dim dim, const char *text,
                            kpi_query *q, arena *a, emb_err *err);

/* Runs r on s with executor ex: the metrics, the comparison, rows ordered by their
 * labels (time in order, stages in pipeline order, none last) or by the sort
 * metric, running totals, the limit. Fills *res and *rep (whose strings and values
 * live in a). */
emb_code kpi_request_run(const snapshot *s, const kpi_request *r, const exec *ex, arena *a, kpi_result *res,
                         kpi_report *rep, emb_err *err);

#endif
