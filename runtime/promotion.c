/* promotion.c — will the nursery's survivors fit under the heap limit?
 *
 * A minor GC cannot stop half-way, so it must not start unless the old-space
 * blocks its survivors need fit under max_heap_size. Far from the limit a
 * cheap upper bound settles it. Near the limit the survivors are counted
 * exactly, per size class, by a marking pass over the young objects that
 * copies nothing; a major GC counts them the same way while it marks. */
#include "heap.h"
#include "trace.h"

void grove_young_census_note(grove_heap *heap, grove_young_census *census, void *object)
{
    uint64_t *hdr = grove__header(object);
    census->cells[grove_size_class_of(&heap->old, grove_hdr_words(*hdr) * 8)]++;
    grove_vec_push(&heap->marked_young, object);
}

void grove_young_census_clear(grove_heap *heap)
{
    grove_vec *marked = &heap->marked_young;
    for (size_t i = 0; i < marked->len; i++)
        *grove__header(marked->items[i]) &= ~GROVE__HDR_MARK;
    marked->len = 0;
}

bool grove_young_census_fits(grove_heap *heap, const grove_young_census *census)
{
    size_t growth = grove_old_growth_needed(&heap->old, census->cells);
    return !grove_heap_over_limit(heap, growth);
}

static void count_young(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    if (*hdr & GROVE__HDR_MARK)
        return;
    *hdr |= GROVE__HDR_MARK;
    grove_vec_push(&t->heap->gray, *slot);
    grove_young_census_note(t->heap, t->data, *slot);
}

bool grove_minor_gc_fits(grove_heap *heap)
{
    size_t used = grove_nursery_used(heap);
    if (!grove_heap_over_limit(heap, grove_old_growth_bound(used)))
        return true;

    heap->in_gc = true; /* root visitors and trace callbacks run */
    grove_nursery_arm(heap);
    grove_young_census census = {{0}};
    grove_tracer t;
    grove_tracer_init(&t, heap, count_young, true);
    t.data = &census;
    grove_visit_roots(heap, &t);
    for (size_t i = 0; i < heap->remembered.objects.len; i++)
        grove_trace_object(&t, heap->remembered.objects.items[i], count_young);
    while (heap->gray.len)
        grove_trace_object(&t, grove_vec_pop(&heap->gray), count_young);
    grove_young_census_clear(heap);
    heap->in_gc = false;
    grove_nursery_arm(heap);
    return grove_young_census_fits(heap, &census);
}
