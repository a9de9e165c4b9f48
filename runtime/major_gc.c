/* major_gc.c — mark-sweep of the whole heap.
 *
 * A major GC first evacuates the nursery (a minor GC), so that marking sees
 * only old and large objects and the remembered set is empty: no dead old
 * object can be left in it when the sweep frees its cell. Marking uses
 * heap->gray as an explicit stack; the sweep clears the marks it finds, so
 * between collections no object is marked. */
#include <jemalloc/jemalloc.h>
#include <stdio.h>

#include "errors.h"
#include "heap.h"
#include "trace.h"

static void mark(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    if (*hdr & GROVE__HDR_MARK)
        return;
    *hdr |= GROVE__HDR_MARK;
    grove_vec_push(&t->heap->gray, *slot);
}

/* Let jemalloc return the pages of freed blocks and large objects to the
 * system at its decay pace, rather than holding them until exit. */
static void release_free_pages(grove_heap *heap)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "arena.%u.decay", heap->arena);
    mallctl(cmd, NULL, NULL, NULL, 0);
}

void grove_major_gc(grove_heap *heap)
{
    grove_minor_gc(heap);

    uint64_t start = grove_now_ns();
    heap->in_gc = true;
    grove_nursery_arm(heap);

    grove_tracer t;
    grove_tracer_init(&t, heap, mark, false);
    heap->stats.counters.roots_scanned += grove_visit_roots(heap, &t);
    while (heap->gray.len)
        grove_trace_object(&t, grove_vec_pop(&heap->gray), mark);

    uint64_t freed = grove_old_sweep(heap) + grove_large_sweep(heap);
    grove_stats *c = &heap->stats.counters;
    c->bytes_freed += freed;
    c->major_collections++;

    /* Next major GC when old space has grown by the growth factor. */
    double next = (double)(grove_old_space_bytes(&heap->old) + heap->large.bytes) *
                  heap->config.growth_factor;
    heap->major_threshold =
        next > (double)heap->config.major_min_bytes ? (size_t)next : heap->config.major_min_bytes;
    release_free_pages(heap);

    heap->in_gc = false;
    grove_nursery_arm(heap);
    grove_pause_record(&heap->stats.major, grove_now_ns() - start);

    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_verify_heap(heap, "after major GC");
}
