/* arena.c - chunked bump allocator; see arena.h for the ownership rules. */
#include "core/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    arena_chunk *next; /* older chunk */
    size_t size;       /* usable bytes in data */
    size_t used;       /* bytes handed out, including alignment padding */
    alignas(max_align_t) unsigned char data[];
};

void arena_init(arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 16 * 1024;
}

void arena_release(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

void arena_reset(arena *a)
{
    if (!a->head)
        return;
    arena_chunk *keep = a->head;
    while (keep->next) {
        arena_chunk *older = keep->next;
        keep->next = older->next;
        if (older->size > keep->size) { /* keep the largest chunk */
            arena_chunk *t = keep;
            older->next = t->next;
            t->next = NULL;
            free(t);
            keep = older;
        } else {
            free(older);
        }
    }
    keep->used = 0;
    keep->next = NULL;
    a->head = keep;
}

void *arena_alloc(arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX / 2)
        return NULL;
    arena_chunk *c = a->head;
    if (c) {
        size_t start = (c->used + align - 1) & ~(align - 1);
        if (start <= c->size && size <= c->size - start) {
            c->used = start + size;
            return c->data + start;
        }
    }
    size_t want = size > a->chunk_size ? size : a->chunk_size;
    arena_chunk *n = malloc(sizeof *n + want);
    if (!n)
        return NULL;
    n->size = want;
    n->used = size;
    n->next = a->head;
    a->head = n;
    return n->data;
}

void *arena_calloc(arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
