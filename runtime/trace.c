/* trace.c — the tracer entry points seen by embedders' callbacks. */
#include "trace.h"

#include "roots_backend.h"

void grove_tracer_init(grove_tracer *t, grove_heap *heap, grove_visit_fn visit, bool young_only)
{
    *t = (grove_tracer){.heap = heap, .visit = visit};
    if (young_only) {
        t->filter_lo = heap->fast.nursery_start;
        t->filter_len = heap->fast.nursery_size;
    } else {
        /* Every address but NULL: (0 - 1) is not below UINTPTR_MAX. */
        t->filter_lo = 1;
        t->filter_len = UINTPTR_MAX;
    }
}

void grove_trace_slot(grove_tracer *t, void **slot)
{
    t->slots_visited++;
    if (grove_tracer_wants(t, *slot))
        t->visit(t, slot);
}

void grove_trace_slots(grove_tracer *t, void **slots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        grove_trace_slot(t, &slots[i]);
}

size_t grove_visit_roots(grove_heap *heap, grove_tracer *t)
{
    uint64_t before = t->slots_visited;
    size_t backend_slots = grove_roots_visit(heap, t);
    for (size_t i = 0; i < heap->visitor_count; i++)
        heap->visitors[i].visit(heap, t, heap->visitors[i].data);
    return backend_slots + (size_t)(t->slots_visited - before);
}
