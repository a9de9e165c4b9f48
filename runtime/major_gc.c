/* major_gc.c — mark-sweep of the whole heap, in place.
 *
 * Marking starts from the roots and goes through every object, young or
 * old, with heap->gray as an explicit stack; marked nursery objects are
 * counted by size class (a census) and unmarked afterwards. Dead old objects
 * leave the remembered set before the sweep frees their cells. The sweep
 * clears the marks it finds, so between collections no object is marked.
 *
 * Then the nursery is evacuated if the census says its survivors fit under
 * the heap limit. Otherwise it is left as it is — consistent, with its
 * remembered set — and the caller reports GROVE_E_OOM: a collection never
 * takes the heap past max_heap_size. */
#include "arena.h"
#include "heap.h"
#include "trace.h"

static void mark(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    if (*hdr & GROVE__HDR_MARK)
        return;
    *hdr |= GROVE__HDR_MARK;
    grove_vec_push(&t->heap->gray, *slot);
    if (grove_in_nursery(t->heap, *slot))
        grove_young_census_note(t->heap, t->data, *slot);
}

/* Keep only live objects in the remembered set: the sweep is about to free
 * the dead ones' cells. */
static void prune_remembered(grove_heap *heap)
{
    grove_vec *log = &heap->remembered.objects;
    size_t kept = 0;
    for (size_t i = 0; i < log->len; i++)
        if (*grove__header(log->items[i]) & GROVE__HDR_MARK)
            log->items[kept++] = log->items[i];
    log->len = kept;
}

grove_error grove_major_gc(grove_heap *heap)
{
    heap->in_gc = true;
    grove_nursery_arm(heap);
    uint64_t start = grove_now_ns();

    grove_young_census census = {{0}};
    grove_tracer t;
    grove_tracer_init(&t, heap, mark, false);
    t.data = &census;
    heap->stats.counters.roots_scanned += grove_visit_roots(heap, &t);
    while (heap->gray.len)
        grove_trace_object(&t, grove_vec_pop(&heap->gray), mark);

    prune_remembered(heap);
    uint64_t freed = grove_old_sweep(heap) + grove_large_sweep(heap);
    grove_young_census_clear(heap);
    heap->stats.counters.bytes_freed += freed;
    heap->stats.counters.major_collections++;

    /* Next major GC when old space has grown by the growth factor. */
    double next = (double)(grove_old_space_bytes(&heap->old) + heap->large.bytes) *
                  heap->config.growth_factor;
    heap->major_threshold =
        next > (double)heap->config.major_min_bytes ? (size_t)next : heap->config.major_min_bytes;
    /* Give freed pages back to the system now when they outweigh what is
     * live: after a peak dies, the process shrinks with the heap. */
    grove_arena_trim(heap->arena, grove_heap_bytes(heap));
    grove_pause_record(&heap->stats.major, grove_now_ns() - start);
    heap->in_gc = false;
    grove_nursery_arm(heap);

    if (grove_young_census_fits(heap, &census)) {
        grove_minor_gc(heap); /* verifies after, in verify mode */
        return GROVE_OK;
    }
    if (heap->config.debug & GROVE_DEBUG_VERIFY) {
        heap->in_gc = true;
        grove_verify_heap(heap, "after major GC");
        heap->in_gc = false;
        grove_nursery_arm(heap);
    }
    return GROVE_E_OOM;
}
