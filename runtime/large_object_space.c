/* large_object_space.c — one arena allocation per large object. */
#include "large_object_space.h"


/* Layout: the grove_large_object prefix, the header word, the payload, the
 * card bits (zeroed with the rest). */
static uint64_t *header_of(grove_large_object *lo)
{
    return (uint64_t *)((char *)lo + sizeof *lo);
}

void grove_large_space_init(grove_large_space *large, const grove_arena *arena)
{
    *large = (grove_large_space){.arena = arena};
}

size_t grove_large_footprint(const grove_large_space *large, size_t object_bytes)
{
    size_t cards = grove_card_bitmap_words(object_bytes) * 8;
    size_t total = sizeof(grove_large_object) + object_bytes + cards;
    if (total < object_bytes)
        return SIZE_MAX;
    return grove_arena_footprint(large->arena, total);
}

void *grove_large_alloc(grove_large_space *large, grove_type_id type, size_t object_bytes)
{
    size_t total = grove_large_footprint(large, object_bytes);
    if (total == SIZE_MAX)
        return NULL;
    grove_large_object *lo = grove_arena_alloc(large->arena, total, 0, true);
    if (!lo)
        return NULL;
    lo->alloc_bytes = total;
    lo->next = large->objects;
    large->objects = lo;
    large->bytes += total;
    uint64_t *hdr = header_of(lo);
    *hdr = grove_make_header(type, object_bytes / 8);
    return hdr + 1;
}

uint64_t grove_large_sweep(grove_large_space *large)
{
    uint64_t freed = 0;
    grove_large_object **link = &large->objects;
    while (*link) {
        grove_large_object *lo = *link;
        uint64_t *hdr = header_of(lo);
        if (*hdr & GROVE__HDR_MARK) {
            *hdr &= ~GROVE__HDR_MARK;
            link = &lo->next;
            continue;
        }
        *link = lo->next;
        freed += grove_hdr_words(*hdr) * 8;
        large->bytes -= lo->alloc_bytes;
        grove_arena_free(large->arena, lo);
    }
    return freed;
}

void grove_large_space_free(grove_large_space *large)
{
    while (large->objects) {
        grove_large_object *lo = large->objects;
        large->objects = lo->next;
        grove_arena_free(large->arena, lo);
    }
    large->bytes = 0;
}

void grove_large_for_each(grove_large_space *large, void (*fn)(void *object, void *data),
                          void *data)
{
    for (grove_large_object *lo = large->objects; lo; lo = lo->next)
        fn(header_of(lo) + 1, data);
}

void grove_large_payloads_sorted(const grove_large_space *large, grove_vec *out)
{
    for (grove_large_object *lo = large->objects; lo; lo = lo->next)
        grove_vec_push(out, header_of(lo) + 1);
    grove_vec_sort(out);
}
