/* nursery.h — the young generation: one contiguous region, bump allocated.
 *
 * The region is zeroed lazily, one chunk ahead of the bump pointer, so
 * allocation returns zeroed memory without a per-object memset and a freshly
 * evacuated nursery can stay poisoned until it is reused. The inline fast
 * path in grove.h allocates up to heap->fast.alloc_limit; the slow path
 * zeroes the next chunk. Objects in [start, alloc_ptr) are dense: a heap
 * walk can step from header to header. */
#ifndef GROVE_NURSERY_H
#define GROVE_NURSERY_H

#include <grove/grove.h>

#define GROVE_NURSERY_CHUNK ((size_t)32 * 1024)

typedef struct grove_nursery {
    uintptr_t start;
    uintptr_t end;
    uintptr_t zeroed_end; /* [alloc_ptr, zeroed_end) is zero and unpoisoned */
} grove_nursery;

bool grove_nursery_init(grove_heap *heap, size_t size);
void grove_nursery_free(grove_heap *heap);

/* Zeroed memory for `bytes` bytes, or NULL when the nursery is full. */
void *grove_nursery_alloc_slow(grove_heap *heap, size_t bytes);

/* Start again from empty after an evacuation; poisons the old contents in
 * poison mode. */
void grove_nursery_reset(grove_heap *heap);

/* Bytes allocated in the nursery since the last reset. */
size_t grove_nursery_used(const grove_heap *heap);

/* Re-arm the inline fast path (or keep it disarmed in zeal mode / in GC). */
void grove_nursery_arm(grove_heap *heap);

static inline bool grove_in_nursery(const grove_heap *heap, const void *p)
{
    const struct grove__heap_fast *f = (const struct grove__heap_fast *)(const void *)heap;
    return (uintptr_t)p - f->nursery_start < f->nursery_size;
}

#endif
