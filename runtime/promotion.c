/* promotion.c — the census of the nursery's survivors (promotion.h). */
#include "promotion.h"

#include "heap.h"
#include "invariant.h"
#include "root_visitors.h"
#include "trace.h"

void grove_young_census_note(grove_heap *heap, grove_young_census *census, void *object)
{
    uint64_t hdr = *grove__header(object);
    /* A hashed object takes one more word, for its hash, when promoted. */
    size_t bytes = (grove_hdr_words(hdr) + ((hdr & GROVE__HDR_HASHED) != 0)) * 8;
    census->cells[grove_size_class_of(&heap->old, bytes)]++;
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
    grove_worklist_push(t->worklist, *slot);
    grove_young_census_note(t->heap, t->data, *slot);
}

bool grove_minor_gc_fits(grove_heap *heap)
{
    GROVE_ASSERT(heap->in_gc, "root visitors and trace callbacks run: the caller holds in_gc");
    size_t promoted_at_most = grove_nursery_used(&heap->nursery) + heap->hashed_young * 8;
    if (!grove_heap_over_limit(heap, grove_old_growth_bound(promoted_at_most)))
        return true;

    /* The minor GC's traversal without the copying: roots, the remembered
     * set, then the drain. */
    grove_young_census census = {{0}};
    grove_tracer t;
    grove_tracer_init(&t, heap, count_young, GROVE_TRACE_YOUNG, &census);
    grove_visit_roots(heap, &t);
    grove_guardians_visit_young_for_census(heap, &t);
    grove_remembered_trace_cards(&heap->remembered, &t, count_young);
    const grove_vec *log = &heap->remembered.objects;
    for (size_t i = 0; i < log->len; i++)
        grove_trace_object(&t, log->items[i], count_young, GROVE_TRACE_YOUNG);
    grove_drain(&t, count_young, GROVE_TRACE_YOUNG, SIZE_MAX);
    grove_young_census_clear(heap);
    return grove_young_census_fits(heap, &census);
}
