/* minor_gc.c — evacuating the nursery into old space.
 *
 * Cheney-style: every young object reachable from the roots or from a
 * remembered old object is copied to an old-space cell, its nursery header
 * replaced by a forwarding pointer, and the copy queued on heap->gray; the
 * queue is drained by tracing each copy's slots the same way. The queue is
 * an explicit array, so object depth never touches the C stack.
 *
 * Invariants: on exit the nursery is empty, every slot that pointed into it
 * points to the copy, and the remembered set is empty (every survivor is
 * old, so no old object points into the nursery). Dead young objects cost
 * nothing: they are never visited. */
#include <string.h>

#include "errors.h"
#include "heap.h"
#include "trace.h"

/* A young pointer in *slot: forward it, copying the object if first seen. */
static void evacuate(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    uint64_t word = *hdr;
    if (grove_hdr_is_forward(word)) {
        *slot = (void *)(uintptr_t)word;
        return;
    }
    size_t bytes = grove_hdr_words(word) * 8;
    uint64_t *cell = grove_old_alloc(&t->heap->old, t->heap, bytes);
    memcpy(cell, hdr, bytes);
    void *copy = cell + 1;
    *hdr = (uint64_t)(uintptr_t)copy;
    *slot = copy;
    grove_vec_push(&t->heap->gray, copy);
    t->heap->stats.counters.bytes_promoted += bytes;
}

static void scan_remembered(grove_heap *heap, grove_tracer *t)
{
    grove_vec *log = &heap->remembered.objects;
    for (size_t i = 0; i < log->len; i++) {
        void *object = log->items[i];
        *grove__header(object) &= ~GROVE__HDR_LOGGED;
        grove_trace_object(t, object, evacuate);
    }
    heap->stats.counters.remembered_objects_scanned += log->len;
    log->len = 0;
}

void grove_minor_gc(grove_heap *heap)
{
    /* in_gc also covers verify: it runs trace callbacks and root visitors,
     * which must not allocate there either. */
    heap->in_gc = true;
    grove_nursery_arm(heap);
    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_verify_remembered(heap);
    uint64_t start = grove_now_ns();

    grove_tracer t;
    grove_tracer_init(&t, heap, evacuate, true);
    heap->stats.counters.roots_scanned += grove_visit_roots(heap, &t);
    scan_remembered(heap, &t);
    while (heap->gray.len)
        grove_trace_object(&t, grove_vec_pop(&heap->gray), evacuate);

    heap->stats.counters.bytes_allocated += grove_nursery_used(heap);
    heap->stats.counters.minor_collections++;
    grove_nursery_reset(heap);
    grove_pause_record(&heap->stats.minor, grove_now_ns() - start);

    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_verify_heap(heap, "after minor GC");
    heap->in_gc = false;
    grove_nursery_arm(heap);
}
