/* types.c — registering types and describing objects. */
#include "types.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "heap.h"

static grove_error check_desc(grove_heap *heap, const grove_type_desc *d)
{
    if (!d)
        return grove_fail(heap, GROVE_E_BAD_TYPE, "type description is NULL");
    const char *name = d->name ? d->name : "(unnamed)";
    switch (d->layout) {
    case GROVE_LAYOUT_RECORD: {
        /* The pointer map has one bit per word: 64 words at most. */
        if (d->size > 64 * 8)
            return grove_fail(heap, GROVE_E_BAD_TYPE,
                              "record type '%s': size %zu exceeds 64 words; use an ARRAY, "
                              "BYTES or CUSTOM layout",
                              name, d->size);
        size_t words = (d->size + 7) / 8;
        if (words < 64 && (d->pointer_map >> words) != 0)
            return grove_fail(heap, GROVE_E_BAD_TYPE,
                              "record type '%s': pointer_map marks words beyond its %zu words",
                              name, words);
        return GROVE_OK;
    }
    case GROVE_LAYOUT_ARRAY:
    case GROVE_LAYOUT_BYTES:
    case GROVE_LAYOUT_WEAK_BOX:
    case GROVE_LAYOUT_EPHEMERON:
        return GROVE_OK;
    case GROVE_LAYOUT_CUSTOM:
        if (!d->trace)
            return grove_fail(heap, GROVE_E_BAD_TYPE, "custom type '%s' has no trace callback",
                              name);
        return GROVE_OK;
    }
    return grove_fail(heap, GROVE_E_BAD_TYPE, "type '%s': unknown layout %d", name,
                      (int)d->layout);
}

static grove_type_id register_type(grove_heap *heap, const grove_type_desc *desc)
{
    if (heap->in_gc) {
        /* The tracer reads the registry the collection started with. */
        grove_misuse(heap, GROVE_E_IN_GC, "type registered during a collection");
        return GROVE_TYPE_INVALID;
    }
    if (check_desc(heap, desc) != GROVE_OK)
        return GROVE_TYPE_INVALID;
    grove_type_registry *t = &heap->types;
    if (t->count >= GROVE__MAX_TYPES) {
        grove_fail(heap, GROVE_E_BAD_TYPE, "too many types (at most %u)", GROVE__MAX_TYPES);
        return GROVE_TYPE_INVALID;
    }
    if (t->count == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 16;
        grove_type_info *info = realloc(t->info, cap * sizeof *info);
        if (!info) {
            grove_fail(heap, GROVE_E_OOM, "out of memory registering a type");
            return GROVE_TYPE_INVALID;
        }
        t->info = info;
        t->cap = cap;
    }
    const char *name = desc->name ? desc->name : "(unnamed)";
    char *copy = malloc(strlen(name) + 1);
    if (!copy) {
        grove_fail(heap, GROVE_E_OOM, "out of memory registering a type");
        return GROVE_TYPE_INVALID;
    }
    strcpy(copy, name);
    t->info[t->count] = (grove_type_info){
        .layout = desc->layout,
        .pointer_map = desc->layout == GROVE_LAYOUT_RECORD ? desc->pointer_map : 0,
        .trace = desc->trace,
        .name = copy,
    };
    /* Publish last: the allocation fast path trusts ids below type_count. */
    heap->fast.type_count = ++t->count;
    return t->count - 1;
}

grove_type_id grove_register_type(grove_heap *heap, const grove_type_desc *desc)
{
    if (!grove_heap_claim(heap))
        return GROVE_TYPE_INVALID;
    grove_type_id id = register_type(heap, desc);
    grove_heap_release(heap);
    return id;
}

void grove_types_free(grove_type_registry *types)
{
    for (uint32_t i = 0; i < types->count; i++)
        free(types->info[i].name);
    free(types->info);
    *types = (grove_type_registry){0};
}
