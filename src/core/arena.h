/*
 * arena.h - a bump allocator for memory that lives as long as one command,
 * one request or one imported row.
 *
 * Ownership: the arena owns every block it hands out; callers never free them.
 * arena_reset() drops every block at once but keeps the first chunk for reuse;
 * arena_release() frees everything. Allocation failure returns NULL (callers map
 * it to EMB_NOMEM). Not thread-safe: one arena per thread of work.
 */
#ifndef EMB_ARENA_H
#define EMB_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct {
    arena_chunk *head;  /* most recent chunk, NULL when empty */
    size_t chunk_size;  /* default size of new chunks */
} arena;

/* Prepares an empty arena; chunk_size 0 picks 16 KiB. Allocates nothing yet. */
void arena_init(arena *a, size_t chunk_size);
/* Frees every chunk; the arena may be reused after arena_init. */
void arena_release(arena *a);
/* Forgets every allocation, keeping one chunk to avoid malloc churn per row. */
void arena_reset(arena *a);

/* size bytes aligned for any type, or NULL. */
void *arena_alloc(arena *a, size_t size);
/* Like arena_alloc, zero-filled. */
void *arena_calloc(arena *a, size_t count, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL. */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);
/* printf into arena memory, or NULL. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
