/*
 * snapshot_columns.h - internal to the snapshot (snapshot_*.c): the table of every
 * array of a snapshot, and who owns their memory.
 *
 * Blocks: the memory behind a snapshot's columns is held in reference-counted
 * blocks, so that snapshots may share columns. A snapshot built in memory owns one
 * block per column (its malloc'd array); a mapped one references the mapping's
 * block from every column; a patched one (snapshot_patch.c) shares the blocks of
 * the columns it did not change with the snapshot it was made from and owns the
 * new ones. A block is released (free or munmap) when its last referencing
 * snapshot is freed. Reference counts are atomic: snapshots sharing blocks may be
 * freed by different threads. A snapshot whose blocks is NULL (one assembled by
 * hand, or failed halfway) owns every non-NULL column directly (snapshot_free
 * frees each).
 */
#ifndef EMB_SNAPSHOT_COLUMNS_H
#define EMB_SNAPSHOT_COLUMNS_H

#include <stddef.h>

#include "metrics/snapshot.h"

typedef struct snap_block snap_block;

/* Every array of a snapshot: where its pointer and its length live. */
typedef struct {
    size_t ptr;   /* offsetof the pointer member */
    size_t count; /* offsetof the size_t holding its length */
    size_t extra; /* elements beyond that length (history.first has n + 1) */
    size_t elem;  /* element size */
} column_desc;


/* The columns, in file order (snapshot_file.c writes them in this order). */
#define SNAP_NCOLUMNS 149
extern const column_desc snap_columns[SNAP_NCOLUMNS];

static inline void **snap_col_ptr(snapshot *s, const column_desc *c) { return (void **)((char *)s + c->ptr); }
static inline size_t *snap_col_count(snapshot *s, const column_desc *c) { return (size_t *)((char *)s + c->count); }

/* The index in snap_columns of the column whose pointer member is at address
 * member of s; -1 when it is not a column. */
int snap_column_of(const snapshot *s, const void *member);

/* Gives s, built in memory, one block per non-NULL column. -1 when out of memory
 * (s unchanged: it still owns its columns directly). */
int snap_blocks_adopt(snapshot *s);

/* Gives s, whose columns point into the mapping [map, map + size), one block for
 * the mapping that every column references; munmap'd with the last of them. -1
 * when out of memory (s unchanged). */
int snap_blocks_map(snapshot *s, void *map, size_t size);

/* Releases s's references (its blocks, or its columns directly). */
void snap_blocks_release(snapshot *s);

/* A new snapshot equal to s, sharing every column's block, its time zone's and
 * its pool (s must have blocks: built, mapped or caught up by this module), with
 * its own copies of the strings and no map of its own. NULL when out of memory. */
snapshot *snap_clone(const snapshot *s);

/* Memory for a new column of s of at least bytes, from s's pool when it has one
 * (recycled memory is already mapped: no page faults to fill it), else from
 * malloc; NULL when out of memory. Released only through snap_set_column (which
 * takes it) or snap_column_free. */
void *snap_column_alloc(snapshot *s, size_t bytes);
void snap_column_free(snapshot *s, void *mem);

/* Appending in place. A column made by snap_set_column may say how many of its
 * bytes are read (snap_column_set_used; unknown otherwise). Then bytes beyond
 * them that its memory has room for may be given to a newer snapshot sharing it:
 * snap_column_room returns where add bytes after the first used go, when the
 * column's memory has room for them and nobody took bytes past used yet, and with
 * claim takes them (atomically: of two snapshots made from the same one, only
 * the first gets the room); NULL otherwise. Readers of the older snapshots never
 * read past their own length, so they do not see what is written there. */
int snap_column_set_used(snapshot *s, void *member, size_t bytes);
void *snap_column_room(snapshot *s, void *member, size_t used, size_t add, int claim);

/* Makes mem (from snap_column_alloc, taken; released even on failure) the column
 * of s at member, in a block of its own, releasing the one it replaces. The
 * caller sets the column's length. -1 when out of memory or member is not a
 * column (the column is then unchanged). */
int snap_set_column(snapshot *s, void *member, void *mem);

#endif
