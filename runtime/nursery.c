/* nursery.c — the nursery region and its allocation slow path. */
#include "nursery.h"

#include <strings.h> /* ffs, used by jemalloc's MALLOCX_ALIGN */
#include <jemalloc/jemalloc.h>
#include <string.h>

#include "heap.h"
#include "poison.h"

bool grove_nursery_init(grove_heap *heap, size_t size)
{
    void *mem = mallocx(size, MALLOCX_ALIGN(4096) | heap->mallocx_flags);
    if (!mem)
        return false;
    grove_nursery *n = &heap->nursery;
    n->start = (uintptr_t)mem;
    n->end = n->start + size;
    n->zeroed_end = n->start;
    heap->fast.nursery_start = n->start;
    heap->fast.nursery_size = size;
    heap->fast.alloc_ptr = n->start;
    /* Untouched nursery memory is treated like evacuated memory: ASan must
     * see no access before the slow path zeroes it. */
    GROVE_ASAN_POISON(mem, size);
    grove_nursery_arm(heap);
    return true;
}

void grove_nursery_free(grove_heap *heap)
{
    grove_nursery *n = &heap->nursery;
    if (!n->start)
        return;
    GROVE_ASAN_UNPOISON((void *)n->start, n->end - n->start);
    dallocx((void *)n->start, heap->mallocx_flags);
    n->start = n->end = n->zeroed_end = 0;
}

void grove_nursery_arm(grove_heap *heap)
{
    /* In zeal mode and during a collection every allocation must reach the
     * slow path: there it is counted, or refused. */
    bool disarm = heap->in_gc || heap->config.zeal_minor || heap->config.zeal_major;
    heap->fast.alloc_limit = disarm ? heap->fast.alloc_ptr : heap->nursery.zeroed_end;
}

void *grove_nursery_alloc_slow(grove_heap *heap, size_t bytes)
{
    grove_nursery *n = &heap->nursery;
    uintptr_t p = heap->fast.alloc_ptr;
    if (n->end - p < bytes)
        return NULL;
    if (n->zeroed_end - p < bytes) {
        /* Zero whole chunks ahead so the fast path can run until the next. */
        uintptr_t want = p + bytes;
        uintptr_t to = n->zeroed_end + GROVE_NURSERY_CHUNK;
        if (to < want)
            to = (want + GROVE_NURSERY_CHUNK - 1) & ~(uintptr_t)(GROVE_NURSERY_CHUNK - 1);
        if (to > n->end)
            to = n->end;
        GROVE_ASAN_UNPOISON((void *)n->zeroed_end, to - n->zeroed_end);
        memset((void *)n->zeroed_end, 0, to - n->zeroed_end);
        n->zeroed_end = to;
    }
    heap->fast.alloc_ptr = p + bytes;
    grove_nursery_arm(heap);
    return (void *)p;
}

size_t grove_nursery_used(const grove_heap *heap)
{
    return heap->fast.alloc_ptr - heap->nursery.start;
}

void grove_nursery_reset(grove_heap *heap)
{
    grove_nursery *n = &heap->nursery;
    size_t used = n->zeroed_end - n->start;
    if (heap->config.debug & GROVE_DEBUG_POISON)
        grove_poison((void *)n->start, used);
    else
        GROVE_ASAN_POISON((void *)n->start, used);
    heap->fast.alloc_ptr = n->start;
    n->zeroed_end = n->start;
    grove_nursery_arm(heap);
}
