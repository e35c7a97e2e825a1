/*
 * record_text.h - text typed by a person to records and filters, for every front
 * end (the CLI's record commands, the server's record routes): field values parsed
 * in the organisation's zone, currency, date order and decimal separator,
 * references resolved, periods expanded to from/to; `--where` text to query
 * conditions; records named by a key.
 *
 * Numbers follow the organisation's locale: a value that reads only one way is
 * read that way (1.234,5 or 1,234.5), and one that reads two ways in the locale's
 * convention (a Spanish organisation's `120.000` is 120000 and `1,500` is 1.5; an
 * English one's 1.500 is 1.5 and 1,500 is 1500).
 *
 * Ownership: an rtext_org is filled by rtext_org_open() (which opens the zone) or
 * rtext_org_init() (which borrows one) and closed by rtext_org_close(); its popts.calendar points at its own cal, so it must
 * not be copied or moved while in use. An rtext borrows everything it points to
 * (store, organisation conventions, arena, error) from its caller; what the calls
 * allocate (values, messages' lists) lives in *a.
 */
#ifndef EMB_RECORD_TEXT_H
#define EMB_RECORD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "core/period.h"
#include "core/tz.h"
#include "core/value.h"
#include "store/query.h"
#include "store/records.h"
#include "store/store.h"

/* The organisation's conventions for reading text. */
typedef struct {
    const tz *zone;      /* the organisation's zone */
    tz *owned;           /* zone when rtext_org_open opened it (closed by rtext_org_close), else NULL */
    period_calendar cal; /* fiscal year and week start */
    parse_opts popts;    /* zone, currency, date order, automatic numbers, now; calendar = &cal */
    char decimal;        /* the decimal separator: ',' (locale es) or '.' */
} rtext_org;

/* Fills o from the organisation's settings at instant now (UTC seconds). EMB_* with
 * err set when the zone cannot be opened (o->zone is then NULL). */
emb_code rtext_org_open(rtext_org *o, const org_settings *org, int64_t now, emb_err *err);
/* Fills o as rtext_org_open() does, with a zone the caller opened for org->timezone
 * (a server's shared one, tz_cache_get): borrowed, it must outlive o. */
void rtext_org_init(rtext_org *o, const org_settings *org, const tz *zone, int64_t now);
void rtext_org_close(rtext_org *o);

/* Messages of failed lookups end with a hint naming a CLI command
 * ("see `embudo deal list`"). */
#define RTEXT_CLI_HINTS 1u

/* The context of the calls below: which kind, in which store and organisation. */
typedef struct {
    store *st;
    const kind_def *kind;
    const rtext_org *org;
    arena *a;
    emb_err *err;
    unsigned flags; /* RTEXT_* */
    int *failed;    /* may be NULL; rtext_fill sets it to the index of the field its
                       error is about, or -1 (none, or not one field) */
} rtext;

/* The text is a number written with a decimal point whatever the organisation's
 * separator (a JSON number). */
#define RTEXT_ARG_POINT 1u

/* One field's value as typed. */
typedef struct {
    int field;        /* index in kind->fields */
    const char *text; /* as typed, NUL-terminated */
    unsigned flags;   /* RTEXT_ARG_* */
} rtext_arg;

/* The field of kind named by name (len bytes; "expected-close" and
 * "expected_close" both work), or -1. */
int rtext_field_by_name(const kind_def *kind, const char *name, size_t len);
/* True for fields accepted as input (add, update): neither derived nor secret. */
int rtext_field_settable(const field_def *f);
/* "id, title, account, ..." of the settable fields (stored == 0) or of the stored,
 * not secret fields lists can filter and sort on (stored == 1), in *a ("" when out
 * of memory). */
const char *rtext_field_list(const kind_def *kind, int stored, arena *a);

/* Resolves the record named by key (ext id, "#id", name/title/email/sku; a bare
 * number no record is named by is an id, as "#N": the name wins); EMB_NOT_FOUND /
 * EMB_CONFLICT with a message saying how to name it otherwise. References in
 * field values are not read this way. */
emb_code rtext_resolve(const rtext *t, const char *key, int64_t *id);

/* Fills r (a new record, or the changes to `before`, the stored record) from the
 * values typed: parsed, references resolved, periods expanded to from/to, an order
 * line's amount and total cost computed. Messages name the field and quote the
 * value. */
emb_code rtext_fill(const rtext *t, const rtext_arg *args, size_t nargs, const record *before, record *r);

/* Parses `--where` text ("owner=ana@x.com,status=open,amount>=1.000,50") into
 * conditions appended to conds (capacity max; *n of them). EMB_USAGE and the
 * others with a message quoting the condition. */
emb_code rtext_parse_where(const rtext *t, const char *text, query_cond *conds, size_t max, size_t *n);

#endif
