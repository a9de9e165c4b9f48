/* root_visitors.c — registering embedder root visitors and visiting every
 * root. */
#include "root_visitors.h"

#include "heap.h"
#include "roots_backend.h"

size_t grove_visit_roots(grove_heap *heap, grove_tracer *t)
{
    uint64_t before = t->slots_visited;
    size_t backend_slots = grove_roots_visit(heap, t) + grove_pins_visit(heap, t) +
                           grove_guardians_visit_queues(heap, t);
    const grove_callbacks *v = &heap->visitors;
    for (size_t i = 0; i < v->count; i++)
        ((grove_root_visitor)v->entries[i].fn)(heap, t, v->entries[i].data);
    return backend_slots + (size_t)(t->slots_visited - before);
}

grove_error grove_add_root_visitor(grove_heap *heap, grove_root_visitor visit, void *data)
{
    return grove_callbacks_add(heap, &heap->visitors, (grove_callback_fn)visit, data,
                               "root visitor");
}

grove_error grove_remove_root_visitor(grove_heap *heap, grove_root_visitor visit, void *data)
{
    return grove_callbacks_remove(heap, &heap->visitors, (grove_callback_fn)visit, data,
                                  "root visitor");
}
