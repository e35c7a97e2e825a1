/* embedded.h - files compiled into the binary by scripts/embed.py (read-only, static). */
#ifndef EMB_EMBEDDED_H
#define EMB_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
    const char *name; /* base name, NULL in the sentinel that ends an array */
    const char *data; /* NUL-terminated contents */
    size_t size;      /* without the NUL */
};

/* Schema migrations in apply order, named NNNN_*.sql; see store/migrate.c. */
extern const struct embedded_file embedded_migrations[];
/* docs/openapi.json, served at /api/v1/openapi.json (libembudo_http only). */
extern const struct embedded_file embedded_openapi[];

#endif
