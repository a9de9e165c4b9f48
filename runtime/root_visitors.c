/* root_visitors.c — registering embedder root visitors and visiting every
 * root. */
#include "root_visitors.h"

#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "roots_backend.h"

void grove_root_visitors_free(grove_root_visitors *v)
{
    free(v->entries);
    *v = (grove_root_visitors){0};
}

size_t grove_visit_roots(grove_heap *heap, grove_tracer *t)
{
    uint64_t before = t->slots_visited;
    size_t backend_slots = grove_roots_visit(heap, t);
    const grove_root_visitors *v = &heap->visitors;
    for (size_t i = 0; i < v->count; i++)
        v->entries[i].visit(heap, t, v->entries[i].data);
    return backend_slots + (size_t)(t->slots_visited - before);
}

grove_error grove_add_root_visitor(grove_heap *heap, grove_root_visitor visit, void *data)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "root visitor added during a collection");
    grove_root_visitors *v = &heap->visitors;
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        grove_root_visitor_entry *e = realloc(v->entries, cap * sizeof *e);
        if (!e)
            return grove_fail(heap, GROVE_E_OOM, "out of memory adding a root visitor");
        v->entries = e;
        v->cap = cap;
    }
    v->entries[v->count++] = (grove_root_visitor_entry){visit, data};
    return GROVE_OK;
}

grove_error grove_remove_root_visitor(grove_heap *heap, grove_root_visitor visit, void *data)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "root visitor removed during a collection");
    grove_root_visitors *v = &heap->visitors;
    for (size_t i = 0; i < v->count; i++)
        if (v->entries[i].visit == visit && v->entries[i].data == data) {
            memmove(&v->entries[i], &v->entries[i + 1], (v->count - i - 1) * sizeof *v->entries);
            v->count--;
            return GROVE_OK;
        }
    return grove_fail(heap, GROVE_E_NOT_FOUND,
                      "no root visitor registered with that function and data");
}
