/* trace.c — the tracer entry points seen by embedders' callbacks. */
#include "trace.h"

#include "heap.h"

void grove_tracer_init(grove_tracer *t, grove_heap *heap, grove_visit_fn visit,
                       grove_trace_filter filter, void *data)
{
    *t = (grove_tracer){
        .heap = heap,
        .visit = visit,
        .filter = filter,
        .fast = &heap->fast,
        .types = heap->types.info,
        .worklist = &heap->worklist,
        .data = data,
    };
}

void grove_trace_slot(grove_tracer *t, void **slot)
{
    t->slots_visited++;
    if (grove_tracer_wants(t, t->filter, *slot))
        t->visit(t, slot);
}

void grove_trace_slots(grove_tracer *t, void **slots, size_t n)
{
    for (size_t i = 0; i < n; i++)
        grove_trace_slot(t, &slots[i]);
}
