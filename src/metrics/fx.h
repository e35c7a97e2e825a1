/*
 * fx.h - conversion of amounts into the reporting currency with the
 * exchange_rates table (METRICS.md: at the rate of the deal's close date; open
 * deals: the latest rate; a missing rate is an error naming currency and date).
 *
 * A rate row (currency, date, rate_e9) applies from its date (in the
 * organisation's zone) until the next row of the same currency.
 * Ownership: fx_load() allocates the table, fx_free() releases it; read-only after.
 */
#ifndef EMB_FX_H
#define EMB_FX_H

#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

typedef struct fx_table fx_table;

emb_code fx_load(store *st, const char *reporting_currency, const char *timezone, fx_table **out, emb_err *err);
void fx_free(fx_table *fx);

/* Converts amount (minor units of currency) at instant `at` (INT64_MAX: the
 * latest rate) into minor units of the reporting currency, rounding half away
 * from zero: amount x rate_e9 / 10^9, adjusted by the difference of the two
 * currencies' minor-unit exponents; a result beyond int64 is held at +-INT64_MAX.
 * Returns 0, or -1 when no rate applies. */
int fx_convert(const fx_table *fx, const char *currency, int64_t amount, int64_t at, int64_t *out);

/* Rounds n / d half away from zero (d > 0). */
int64_t fx_div_round(__int128 n, __int128 d);

#endif
