/*
 * tz.c - IANA time zones backed by ICU's C calendar API (ucal_*).
 *
 * tz_open() asks ICU once for every offset change of the zone between 1900 and
 * 2200 and keeps them in a sorted table (at[i], off[i]): off[i] is the offset from
 * UTC in force from the UTC second at[i] until at[i + 1]. Conversions in that range
 * are a binary search in the table, with no ICU call and no allocation, so they
 * are fast enough for one call per imported row. Outside the range (rare) each
 * call opens its own short-lived UCalendar. The struct is never written after
 * tz_open returns: a tz may be shared by threads.
 */
#include "core/tz.h"

#include "core/i18n.h"
#include "core/period.h"
#include "core/search.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

#define NAME_MAX_LEN 64
#define DAY 86400
#define T_START (-2208988800LL) /* 1900-01-01T00:00:00Z */
#define T_END 7258118400LL      /* 2200-01-01T00:00:00Z */
#define MAX_TRANSITIONS 4096    /* far above any real zone (Europe/London: ~400 in range) */
#define FALLBACK_LIMIT 100000000000LL /* about year 5100: further instants use the table's edge */

struct tz {
    char name[NAME_MAX_LEN + 1]; /* as ICU spells it, e.g. "Europe/Madrid" */
    UChar id[NAME_MAX_LEN + 1];  /* the same for ICU */
    int32_t idlen;
    size_t n;      /* entries in at and off, >= 1 */
    int64_t *at;   /* at[0] = T_START; increasing */
    int32_t *off;  /* seconds east of UTC; off[i] != off[i + 1] */
};

/* Offset at a UTC instant computed by a fresh ICU calendar; 0 when ICU fails. */
static int32_t icu_offset(const tz *zone, int64_t utc)
{
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = ucal_open(zone->id, zone->idlen, "en_US_POSIX", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st))
        return 0;
    ucal_setMillis(cal, (UDate)utc * 1000.0, &st);
    int32_t ms = ucal_get(cal, UCAL_ZONE_OFFSET, &st);
    ms += ucal_get(cal, UCAL_DST_OFFSET, &st);
    ucal_close(cal);
    return U_FAILURE(st) ? 0 : ms / 1000;
}

/* Finds the zone's own spelling of name: exact when ICU knows it, else a
 * case-insensitive match among ICU's zone ids. 0 when unknown. */
static int find_zone(const char *name, char out[NAME_MAX_LEN + 1])
{
    size_t len = strlen(name);
    if (len == 0 || len > NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
            return 0;
    UChar id[NAME_MAX_LEN + 1], canon[128];
    u_charsToUChars(name, id, (int32_t)len);
    UBool system = 0;
    UErrorCode st = U_ZERO_ERROR;
    ucal_getCanonicalTimeZoneID(id, (int32_t)len, canon, 128, &system, &st);
    if (U_SUCCESS(st) && system) {
        memcpy(out, name, len + 1);
        return 1;
    }
    st = U_ZERO_ERROR;
    UEnumeration *e = ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_ANY, NULL, NULL, &st);
    if (U_FAILURE(st))
        return 0;
    int found = 0;
    const char *z;
    int32_t zlen;
    while (!found && (z = uenum_next(e, &zlen, &st)) != NULL && U_SUCCESS(st)) {
        if ((size_t)zlen == len && !strcasecmp(z, name)) {
            memcpy(out, z, len + 1);
            found = 1;
        }
    }
    uenum_close(e);
    return found;
}

/* Fills zone->at/off from ICU's transitions. */
static emb_code build_table(tz *zone, emb_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = ucal_open(zone->id, zone->idlen, "en_US_POSIX", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st))
        return emb_err_set(err, EMB_INTERNAL, _("cannot load time zone \"%s\": %s"), zone->name, u_errorName(st));
    size_t cap = 64;
    zone->at = malloc(cap * sizeof *zone->at);
    zone->off = malloc(cap * sizeof *zone->off);
    if (!zone->at || !zone->off) {
        ucal_close(cal);
        return emb_err_set(err, EMB_NOMEM, _("out of memory loading time zone \"%s\""), zone->name);
    }
    ucal_setMillis(cal, (UDate)T_START * 1000.0, &st);
    int32_t off = (ucal_get(cal, UCAL_ZONE_OFFSET, &st) + ucal_get(cal, UCAL_DST_OFFSET, &st)) / 1000;
    zone->at[0] = T_START;
    zone->off[0] = off;
    zone->n = 1;
    for (int steps = 0; U_SUCCESS(st) && zone->n < MAX_TRANSITIONS && steps < 4 * MAX_TRANSITIONS; steps++) {
        UDate next;
        if (!ucal_getTimeZoneTransitionDate(cal, UCAL_TZ_TRANSITION_NEXT, &next, &st) || U_FAILURE(st))
            break;
        if (next >= (UDate)T_END * 1000.0)
            break;
        ucal_setMillis(cal, next, &st);
        off = (ucal_get(cal, UCAL_ZONE_OFFSET, &st) + ucal_get(cal, UCAL_DST_OFFSET, &st)) / 1000;
        if (U_FAILURE(st) || off == zone->off[zone->n - 1])
            continue; /* a change of name or of the raw/DST split only */
        if (zone->n == cap) {
            cap *= 2;
            int64_t *at = realloc(zone->at, cap * sizeof *at);
            if (at)
                zone->at = at;
            int32_t *o = realloc(zone->off, cap * sizeof *o);
            if (o)
                zone->off = o;
            if (!at || !o) {
                ucal_close(cal);
                return emb_err_set(err, EMB_NOMEM, _("out of memory loading time zone \"%s\""), zone->name);
            }
        }
        int64_t at = (int64_t)(next / 1000.0);
        if (at <= zone->at[zone->n - 1])
            continue;
        zone->at[zone->n] = at;
        zone->off[zone->n] = off;
        zone->n++;
    }
    ucal_close(cal);
    if (U_FAILURE(st))
        return emb_err_set(err, EMB_INTERNAL, _("cannot load time zone \"%s\": %s"), zone->name, u_errorName(st));
    return EMB_OK;
}

emb_code tz_open(const char *name, tz **out, emb_err *err)
{
    *out = NULL;
    tz *zone = calloc(1, sizeof *zone);
    if (!zone)
        return emb_err_set(err, EMB_NOMEM, _("out of memory opening a time zone"));
    if (!name || !find_zone(name, zone->name)) {
        free(zone);
        char shown[NAME_MAX_LEN + 1];
        size_t n = 0;
        for (const char *c = name ? name : ""; *c && n < NAME_MAX_LEN; c++)
            shown[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
        shown[n] = '\0';
        return emb_err_set(err, EMB_INVALID,
                           _("unknown time zone \"%s\": use an IANA name such as Europe/Madrid, "
                             "America/New_York or UTC"),
                           shown);
    }
    zone->idlen = (int32_t)strlen(zone->name);
    u_charsToUChars(zone->name, zone->id, zone->idlen);
    zone->id[zone->idlen] = 0;
    emb_code rc = build_table(zone, err);
    if (rc != EMB_OK) {
        tz_close(zone);
        return rc;
    }
    *out = zone;
    return EMB_OK;
}

void tz_close(tz *zone)
{
    if (!zone)
        return;
    free(zone->at);
    free(zone->off);
    free(zone);
}

const char *tz_name(const tz *zone) { return zone->name; }

/* Index of the last entry with at[i] <= utc; utc >= at[0]. */
static size_t find(const tz *zone, int64_t utc)
{
    return search_upper_i64(zone->at, 1, zone->n, utc) - 1;
}

int32_t tz_offset_at(const tz *zone, int64_t utc)
{
    if (utc >= T_START && utc < T_END)
        return zone->off[find(zone, utc)];
    if (utc < -FALLBACK_LIMIT)
        return icu_offset(zone, -FALLBACK_LIMIT);
    if (utc > FALLBACK_LIMIT)
        return icu_offset(zone, FALLBACK_LIMIT);
    return icu_offset(zone, utc);
}

int32_t tz_offset_span(const tz *zone, int64_t utc, int64_t *from, int64_t *to)
{
    if (utc >= T_START && utc < T_END) {
        size_t i = find(zone, utc);
        *from = zone->at[i];
        *to = i + 1 < zone->n ? zone->at[i + 1] : T_END;
        return zone->off[i];
    }
    *from = utc;
    *to = utc == INT64_MAX ? utc : utc + 1;
    return tz_offset_at(zone, utc);
}

int64_t tz_utc_to_local(const tz *zone, int64_t utc)
{
    int64_t local;
    if (__builtin_add_overflow(utc, (int64_t)tz_offset_at(zone, utc), &local))
        return utc;
    return local;
}

int64_t tz_local_day(const tz *zone, int64_t utc) { return day_of_seconds(tz_utc_to_local(zone, utc)); }

int64_t tz_local_to_utc(const tz *zone, int64_t local)
{
    if (local < T_START + DAY || local >= T_END - DAY) {
        /* Outside the table: ICU's offset one step away, good enough so far off. */
        int64_t guess, u;
        if (__builtin_sub_overflow(local, (int64_t)tz_offset_at(zone, local), &guess) ||
            __builtin_sub_overflow(local, (int64_t)tz_offset_at(zone, guess), &u))
            return local;
        return u;
    }
    /* Offsets stay within a day of UTC, so the answer lies in an interval at or after
     * the one holding local - DAY. The first interval i with local - off[i] inside it
     * is the earliest instant (overlaps); when local - off[i] is past interval i but
     * local - off[i + 1] is before interval i + 1, local is in the gap at[i + 1]
     * opens: keep off[i], which moves the wall time forward by the gap. */
    size_t i = find(zone, local - DAY);
    for (;;) {
        int64_t u = local - zone->off[i];
        if (i + 1 == zone->n || u < zone->at[i + 1])
            return u;
        if (local - zone->off[i + 1] < zone->at[i + 1])
            return u;
        i++;
    }
}

struct tz_cache {
    pthread_mutex_t lock;
    size_t n, cap;
    tz **zones;   /* zones[i] was asked for by the name asked[i] */
    char **asked;
};

tz_cache *tz_cache_new(void)
{
    tz_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->lock, NULL);
    return c;
}

void tz_cache_free(tz_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        tz_close(c->zones[i]);
        free(c->asked[i]);
    }
    free(c->zones);
    free(c->asked);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

emb_code tz_cache_get(tz_cache *c, const char *name, const tz **out, emb_err *err)
{
    emb_code rc = EMB_OK;
    *out = NULL;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n && !*out; i++)
        if (!strcmp(c->asked[i], name))
            *out = c->zones[i];
    if (!*out) {
        tz *zone = NULL;
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 4;
            tz **zones = realloc(c->zones, cap * sizeof *zones);
            if (zones)
                c->zones = zones;
            char **asked = zones ? realloc(c->asked, cap * sizeof *asked) : NULL;
            if (asked) {
                c->asked = asked;
                c->cap = cap;
            }
        }
        char *copy = c->n < c->cap ? strdup(name) : NULL;
        if (!copy)
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        else if ((rc = tz_open(name, &zone, err)))
            free(copy);
        else {
            c->zones[c->n] = zone;
            c->asked[c->n++] = copy;
            *out = zone;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}
