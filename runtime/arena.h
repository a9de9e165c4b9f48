/* arena.h — the jemalloc arena that holds all of one heap's memory. Every
 * call into jemalloc in the runtime is in arena.c: the spaces ask their
 * arena for memory and never see jemalloc's flags. */
#ifndef GROVE_ARENA_H
#define GROVE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct grove_arena {
    unsigned index; /* jemalloc's arena number */
    int flags;      /* MALLOCX_ARENA(index) | MALLOCX_TCACHE_NONE */
} grove_arena;

/* Take an arena for a new heap: a released one if any, else a new one.
 * Returns false if jemalloc cannot make one. */
bool grove_arena_acquire(grove_arena *arena);

/* Give the arena back when its heap is destroyed; every allocation in it
 * must have been freed (a debug build checks). Arenas are reset and kept
 * for the next heap: jemalloc never frees an arena's own metadata, so
 * creating one per heap would leak a little per heap created. */
void grove_arena_release(grove_arena *arena);

/* `bytes` from the arena aligned to `align` (a power of two, or 0 for the
 * natural alignment), zeroed if asked; NULL if memory is short. */
void *grove_arena_alloc(const grove_arena *arena, size_t bytes, size_t align, bool zeroed);
void grove_arena_free(const grove_arena *arena, void *p);

/* What an allocation of `bytes` really takes, as jemalloc rounds it;
 * SIZE_MAX if no allocation can be that large. */
size_t grove_arena_footprint(const grove_arena *arena, size_t bytes);

/* Return the arena's unused pages to the system now (purge), or let them
 * age out on jemalloc's decay schedule (decay). Both touch only this
 * arena: a collection's cost never depends on other heaps. */
void grove_arena_purge(const grove_arena *arena);
void grove_arena_decay(const grove_arena *arena);

#endif
