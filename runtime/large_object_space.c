/* large_object_space.c — one jemalloc allocation per large object. */
#include "large_object_space.h"

#include <strings.h> /* ffs, used by jemalloc's MALLOCX_ALIGN */
#include <jemalloc/jemalloc.h>

#include "heap.h"
#include "object.h"

/* Layout: the grove_large_object prefix, the header word, the payload. */
static uint64_t *header_of(grove_large_object *lo)
{
    return (uint64_t *)((char *)lo + sizeof *lo);
}

size_t grove_large_footprint(const grove_heap *heap, size_t object_bytes)
{
    size_t total = sizeof(grove_large_object) + object_bytes;
    if (total < object_bytes)
        return SIZE_MAX;
    size_t real = nallocx(total, heap->mallocx_flags);
    return real ? real : SIZE_MAX; /* 0: jemalloc cannot serve that size */
}

void *grove_large_alloc(grove_heap *heap, grove_type_id type, size_t object_bytes)
{
    size_t total = grove_large_footprint(heap, object_bytes);
    if (total == SIZE_MAX)
        return NULL;
    grove_large_object *lo = mallocx(total, MALLOCX_ZERO | heap->mallocx_flags);
    if (!lo)
        return NULL;
    lo->alloc_bytes = total;
    lo->next = heap->large.objects;
    heap->large.objects = lo;
    heap->large.bytes += total;
    heap->large.count++;
    uint64_t *hdr = header_of(lo);
    *hdr = grove_make_header(type, object_bytes / 8);
    grove_stats_note_heap_size(heap);
    return hdr + 1;
}

uint64_t grove_large_sweep(grove_heap *heap)
{
    uint64_t freed = 0;
    grove_large_object **link = &heap->large.objects;
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
        heap->large.bytes -= lo->alloc_bytes;
        heap->large.count--;
        dallocx(lo, heap->mallocx_flags);
    }
    return freed;
}

void grove_large_space_free(grove_heap *heap)
{
    while (heap->large.objects) {
        grove_large_object *lo = heap->large.objects;
        heap->large.objects = lo->next;
        dallocx(lo, heap->mallocx_flags);
    }
    heap->large.bytes = 0;
    heap->large.count = 0;
}

void grove_large_for_each(grove_heap *heap, void (*fn)(grove_heap *, void *object, void *data),
                          void *data)
{
    for (grove_large_object *lo = heap->large.objects; lo; lo = lo->next)
        fn(heap, header_of(lo) + 1, data);
}

void grove_large_payloads_sorted(grove_heap *heap, grove_vec *out)
{
    for (grove_large_object *lo = heap->large.objects; lo; lo = lo->next)
        grove_vec_push(out, header_of(lo) + 1);
    grove_vec_sort(out);
}
