/* remembered_set.c — the write barrier's slow path. */
#include "remembered_set.h"

#include <string.h>

#include "heap.h"
#include "nursery.h"

void grove__remember(grove_heap *heap, void *object)
{
    *grove__header(object) |= GROVE__HDR_LOGGED;
    grove_vec_push(&heap->remembered.objects, object);
}

void grove_write_n(grove_heap *heap, void *object, void **dst, void *const *src, size_t n)
{
    memmove(dst, src, n * sizeof *dst); /* ranges may overlap (array shifts) */
    bool young = false;
    for (size_t i = 0; i < n; i++)
        young |= grove_in_nursery(heap, dst[i]);
    if (young && !grove_in_nursery(heap, object) && !(*grove__header(object) & GROVE__HDR_LOGGED))
        grove__remember(heap, object);
}
