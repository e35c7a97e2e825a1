/*
 * tz.h - IANA time zones (backed by ICU): conversions between UTC instants and the
 * local wall-clock time of a zone, for period boundaries and dates without a time.
 *
 * Ownership: tz_open() allocates; tz_close() frees. A tz is immutable after open
 * and may be shared by threads for reading.
 */
#ifndef EMB_TZ_H
#define EMB_TZ_H

#include <stdint.h>

#include "core/error.h"

typedef struct tz tz;

/* Opens a zone by IANA name ("Europe/Madrid", "UTC"); EMB_INVALID naming the zone
 * when unknown. */
emb_code tz_open(const char *name, tz **out, emb_err *err);
void tz_close(tz *zone);
const char *tz_name(const tz *zone);

/* Offset from UTC, in seconds, in force at the UTC instant. */
int32_t tz_offset_at(const tz *zone, int64_t utc);
/* The offset in force at utc, and the instants [*from, *to) over which it stays
 * the same (outside the zone's table, 1900-2200, only [utc, utc + 1)). */
int32_t tz_offset_span(const tz *zone, int64_t utc, int64_t *from, int64_t *to);
/* Local wall-clock seconds (as if the local time were UTC) of a UTC instant. */
int64_t tz_utc_to_local(const tz *zone, int64_t utc);
/* The local day (period.h day number) of a UTC instant. */
int64_t tz_local_day(const tz *zone, int64_t utc);
/* The UTC instant of a local wall-clock time. In a gap (spring forward) the time
 * is moved forward by the gap; in an overlap (fall back) the earlier instant wins. */
int64_t tz_local_to_utc(const tz *zone, int64_t local);

/* A cache of opened zones, for a process that would otherwise open the same zone
 * for every request (opening one asks ICU for three centuries of transitions). The
 * caller owns the cache; the zones it gives out are shared, immutable and live
 * until tz_cache_free(). tz_cache_get() is safe from any thread. */
typedef struct tz_cache tz_cache;
tz_cache *tz_cache_new(void); /* NULL when out of memory */
void tz_cache_free(tz_cache *c);
/* The zone named (as tz_open() takes it), opened on its first request. */
emb_code tz_cache_get(tz_cache *c, const char *name, const tz **out, emb_err *err);

#endif
