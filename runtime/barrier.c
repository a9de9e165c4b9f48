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

void grove__remember_slot(grove_heap *heap, void *object, void **slot)
{
    /* A store into a large array's card already marked changes nothing:
     * answered without claiming the heap, which costs two atomic
     * operations (grove__barrier_slot asks the same inline; generated code
     * may not). An old-space card is marked before this call, which lists
     * its block. */
    if (!grove_old_holds(*grove__header(object)) && grove_remembered_card_marked(object, slot))
        return;
    if (!grove_heap_claim(heap))
        return;
    grove_remembered_add_slot(&heap->remembered, object, slot);
    grove_heap_release(heap);
}

void grove_write_n(grove_heap *heap, void *object, void **dst, void *const *src, size_t n)
{
    memmove(dst, src, n * sizeof *dst); /* ranges may overlap (array shifts) */
    /* Each slot's barrier: a carded array marks the cards of the young
     * values, any other object is logged at the first (and the LOGGED test
     * ends the others' barriers at once). */
    for (size_t i = 0; i < n; i++)
        grove__barrier_slot(heap, object, &dst[i], dst[i]);
}
