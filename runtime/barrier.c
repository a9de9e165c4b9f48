/* barrier.c — the write barrier's slow paths, called from grove.h. */
#include <string.h>

#include "heap.h"

void grove__remember(grove_heap *heap, void *object)
{
    if (!grove_heap_claim(heap))
        return;
    grove_remembered_add(&heap->remembered, object);
    grove_heap_release(heap);
}

void grove_write_n(grove_heap *heap, void *object, void **dst, void *const *src, size_t n)
{
    memmove(dst, src, n * sizeof *dst); /* ranges may overlap (array shifts) */
    const struct grove__heap_fast *f = &heap->fast;
    bool young = false;
    for (size_t i = 0; i < n; i++)
        young |= grove__is_young(f, dst[i]);
    if (young && !grove__is_young(f, object) && !(*grove__header(object) & GROVE__HDR_LOGGED))
        grove__remember(heap, object);
}
