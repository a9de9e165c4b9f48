/* nursery.h — the young generation: one contiguous region, bump allocated.
 *
 * The region is zeroed lazily, one chunk ahead of the bump pointer, so
 * allocation returns zeroed memory without a per-object memset and a freshly
 * evacuated nursery can stay poisoned until it is reused. The bump pointer
 * and limit live in the heap's fast-path struct (grove.h), which the
 * nursery updates: the inline fast path allocates up to fast->alloc_limit,
 * the slow path zeroes the next chunk. grove_alloc_uninit allocates up to
 * fast->uninit_limit (the end) and may pass the zeroed end, which then
 * counts as the bump pointer. Objects in [start, alloc_ptr) are dense: a
 * heap walk can step from header to header.
 *
 * Survivor aging (grove_config::survivor_age) alternates two regions: a
 * minor GC copies the survivors that stay young to the start of the other
 * region (at most half of it, grove_nursery_survivor_limit) and allocation
 * resumes there after them. The young range is the region in use, so the
 * copies made during a minor GC are not young to it until the reset.
 *
 * In poison mode the nursery alternates between two regions too: each minor GC
 * poisons the region it evacuated and moves allocation to the other one, so
 * a young pointer kept across a collection (the classic unrooted-pointer
 * bug) lands on poison — and, under ASan, on poisoned memory — instead of
 * silently aliasing the next object allocated at the same address. Without
 * aging the spare region is debug-only memory and does not count against
 * max_heap_size.
 *
 * An adaptive nursery (grove_config::nursery_max_size) reserves its largest
 * size once and uses a prefix of it: resizing an empty nursery moves only
 * its end (and the young range the inline paths test). Shrinking gives the
 * tail's pages back to the system, so the heap holds what it counts. */
#ifndef GROVE_NURSERY_H
#define GROVE_NURSERY_H

#include <grove/grove.h>

#include "arena.h"

#define GROVE_NURSERY_CHUNK ((size_t)32 * 1024)

typedef struct grove_nursery {
    struct grove__heap_fast *fast; /* bump pointer, limit and range, for the inline paths */
    const grove_arena *arena;
    uintptr_t start;
    uintptr_t end;        /* start + the size in use */
    size_t capacity;      /* bytes reserved at start (and at spare): the largest size */
    uintptr_t zeroed_end; /* [alloc_ptr, zeroed_end) is zero and unpoisoned (if not past) */
    uintptr_t kept_end;   /* [start, kept_end): the survivors the last minor GC kept young */
    uintptr_t spare;      /* aging or poison mode: the other region; else 0 */
    size_t stop_at;       /* bytes used at which the inline paths stop (a slice is due); 0: none */
    bool aging;           /* survivors may be kept young in the spare region */
    bool slow_only;       /* every allocation must take the slow path (zeal, in GC) */
    bool poison;          /* fill evacuated memory with the poison pattern */
} grove_nursery;

/* A nursery of `size` bytes that may later grow up to `capacity`; with
 * `aging`, two regions. */
bool grove_nursery_init(grove_nursery *n, struct grove__heap_fast *fast,
                        const grove_arena *arena, size_t size, size_t capacity, bool aging,
                        bool poison);
void grove_nursery_free(grove_nursery *n);

/* Zeroed memory for `bytes` bytes, or NULL when the nursery is full. */
void *grove_nursery_alloc_slow(grove_nursery *n, size_t bytes);

/* Where a minor GC may copy the survivors it keeps young: [start, limit)
 * of the spare region (empty without aging). The destination is
 * ASan-poisoned: the copier unpoisons what it writes. */
void grove_nursery_survivor_space(const grove_nursery *n, uintptr_t *start, uintptr_t *limit);

/* Start again after an evacuation that kept `kept` bytes of survivors at
 * the start of the survivor space: allocation moves there, after them.
 * Poisons the evacuated contents in poison mode. */
void grove_nursery_reset(grove_nursery *n, size_t kept);

/* Make the inline allocation paths take the slow path once `used` bytes
 * are used (0: only when full), whatever is zeroed: an incremental slice is
 * due there. A reset clears it. */
void grove_nursery_stop_at(grove_nursery *n, size_t used);

/* Use `size` bytes (<= capacity) from now on; nothing was allocated since
 * the last reset, and what it kept takes at most half of `size`. */
void grove_nursery_resize(grove_nursery *n, size_t size);

static inline size_t grove_nursery_size(const grove_nursery *n)
{
    return n->end - n->start;
}

/* Bytes of young objects: those the last minor GC kept and those
 * allocated since. */
static inline size_t grove_nursery_used(const grove_nursery *n)
{
    return n->fast->alloc_ptr - n->start;
}

/* Bytes allocated in the nursery since the last reset. */
static inline size_t grove_nursery_allocated(const grove_nursery *n)
{
    return n->fast->alloc_ptr - n->kept_end;
}

/* Bytes the nursery holds against max_heap_size: both regions when aging. */
static inline size_t grove_nursery_held(const grove_nursery *n)
{
    return grove_nursery_size(n) * (n->aging ? 2 : 1);
}

/* Route every allocation through the slow path (true) or let the inline
 * path run up to the zeroed end again (false). */
void grove_nursery_set_slow_only(grove_nursery *n, bool slow_only);

#endif
