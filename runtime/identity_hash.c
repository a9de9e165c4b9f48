/* identity_hash.c — grove_identity_hash (identity.h). */
#include "errors.h"
#include "heap.h"
#include "identity.h"

uint64_t grove_identity_hash(grove_heap *heap, void *object)
{
    if (grove_is_immediate(object)) {
        grove_misuse(heap, GROVE_E_NOT_OBJECT, "identity hash of an immediate (%p)", object);
        return 0;
    }
    if (heap->in_gc) {
        grove_misuse(heap, GROVE_E_IN_GC, "identity hash taken during a collection");
        return 0;
    }
    uint64_t *hdr = grove__header(object);
    if (!(*hdr & (GROVE__HDR_HASHED | GROVE__HDR_HASH_WORD))) {
        /* First time: from now on the hash must survive moves. */
        *hdr |= GROVE__HDR_HASHED;
        if (grove__is_young(&heap->fast, object))
            heap->hashed_young++; /* each will take one more word when promoted */
        if (heap->config.debug & GROVE_DEBUG_VERIFY)
            grove_verify_note_hash(heap, object, grove_hash_of(object));
    }
    return grove_hash_of(object);
}
