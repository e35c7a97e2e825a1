/*
 * kind.h - the record kinds of Embudo (deals, leads, ...) described as data.
 *
 * One table of kinds and fields drives the store's SQL, validation, import
 * header matching, export columns and the CLI's add/list/show/update/delete, so
 * every entry point applies the same rules. All descriptors are static and
 * immutable; callers never free them.
 */
#ifndef EMB_KIND_H
#define EMB_KIND_H

#include <stddef.h>

typedef enum {
    FT_TEXT,     /* free text, trimmed */
    FT_INT,      /* 64-bit integer */
    FT_BOOL,     /* 0 or 1; accepts yes/no/true/false/si/sí/1/0 */
    FT_ENUM,     /* one of field_def.values */
    FT_MONEY,    /* integer minor units of the record's currency */
    FT_BP,       /* basis points 0..10000 (probability, discount); 1 bp = 0.01 % */
    FT_INSTANT,  /* Unix seconds UTC; a date alone means its midnight in the org's zone */
    FT_DATE,     /* calendar date, stored 'YYYY-MM-DD' */
    FT_REF,      /* internal id of a record of kind field_def.ref */
    FT_CURRENCY, /* ISO 4217 code, upper case */
    FT_RATE,     /* exchange rate x 10^9 */
    FT_PERIOD,   /* a period as written (2026-Q3, 2026-07, FY2026); sets its [from, to) fields */
    FT_TARGET,   /* a goal target in its metric's unit (money, count or bp) */
} field_type;

enum field_flags {
    FF_REQUIRED = 1u << 0, /* needs a value on insert */
    FF_EXT_ID = 1u << 1,   /* the source's own identifier (public name "id"); import key */
    FF_MATCH = 1u << 2,    /* a reference may name the record by this field (name, email, sku) */
    FF_DERIVED = 1u << 3,  /* computed by the core or store; not accepted as input */
    FF_VIRTUAL = 1u << 4,  /* accepted as input only, has no column (e.g. profit) */
    FF_SECRET = 1u << 5,   /* never printed or exported */
    FF_LIST = 1u << 6,     /* shown by default by `list` */
    FF_LAST_DAY = 1u << 7, /* FT_DATE stored as the day after a range (half-open, as the engine
                              reads it), printed and exported as the range's last day */
};

typedef struct field_def {
    const char *name;          /* public name: CLI --name, import header, export column */
    const char *column;        /* SQL column, NULL when FF_VIRTUAL */
    field_type type;
    unsigned flags;            /* enum field_flags */
    const char *ref;           /* FT_REF: the referenced kind's plural name */
    const char *const *values; /* FT_ENUM: allowed values, NULL-terminated */
    const char *synonyms;      /* extra import headers, lower case, '|'-separated (en, es) */
    const char *help;          /* one line for --help and docs */
} field_def;

typedef struct kind_def {
    const char *name;           /* plural, as in `embudo import deals` */
    const char *singular;       /* as in `embudo deal add` */
    const char *table;          /* SQL table */
    const field_def *fields;
    size_t nfields;
    const char *label;          /* field naming the record for people (name, title) */
    const char *currency_field; /* field giving FT_MONEY's currency; NULL: the org's */
    const char *help;
} kind_def;

/* All kinds, NULL-terminated, in dependency order (a kind only references earlier
 * ones, except self and circular user/team references). */
const kind_def *const *kind_all(void);
/* A kind by plural or singular name (case-insensitive), or NULL. */
const kind_def *kind_find(const char *name);
/* A field by public name, or NULL; kind_field_index returns -1 when absent. */
const field_def *kind_field(const kind_def *kind, const char *name);
int kind_field_index(const kind_def *kind, const char *name);
/* True when value is one of field->values. */
int field_enum_valid(const field_def *field, const char *value);
const char *field_type_name(field_type type);

#endif
