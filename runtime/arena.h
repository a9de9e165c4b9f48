/* arena.h — the jemalloc arena that holds all of one heap's memory. */
#ifndef GROVE_ARENA_H
#define GROVE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Take an arena for a new heap: a released one if any, else a new one.
 * Returns false if jemalloc cannot make one. */
bool grove_arena_acquire(unsigned *arena);

/* Give the arena back when its heap is destroyed; every allocation in it
 * must have been freed (a debug build checks). Arenas are reset and kept
 * for the next heap: jemalloc never frees an arena's own metadata, so
 * creating one per heap would leak a little per heap created. */
void grove_arena_release(unsigned arena);

/* After a major GC: return the freed pages to the system now if the
 * arena's dirty pages exceed `live_bytes`, else let them decay. */
void grove_arena_trim(unsigned arena, size_t live_bytes);

#endif
