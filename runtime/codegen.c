/* codegen.c — the fast paths' description for generated code
 * (grove/codegen.h). Every value comes from the definitions grove.h's own
 * inline paths use, so the two cannot drift apart. */
#include <grove/codegen.h>

#include <stddef.h>
#include <string.h>

#include "errors.h"
#include "heap.h"

_Static_assert(sizeof(((struct grove__heap_fast *)0)->alloc_ptr) == sizeof(uintptr_t),
               "the bump pointer is a machine word");
_Static_assert(sizeof(((struct grove__heap_fast *)0)->type_count) == sizeof(uint32_t) &&
                   sizeof(((struct grove__heap_fast *)0)->marking) == sizeof(uint32_t),
               "the type count and the marking flag are 32 bits, as codegen.h says");

grove_error grove_codegen_abi_get(grove_heap *heap, uint32_t version, grove_codegen_abi *out)
{
    if (version < 1 || version > GROVE_CODEGEN_ABI_VERSION)
        return grove_fail(heap, GROVE_E_BAD_CONFIG,
                          "codegen ABI version %u requested; this library provides versions 1 "
                          "to %u",
                          version, GROVE_CODEGEN_ABI_VERSION);
    if (version < 3)
        grove_policy_stop_incremental(heap); /* such code does not shade */
    /* The fast-path struct is at offset 0 of the heap (heap.h asserts it),
     * so its offsets are the heap's. */
    /* Version 1's struct ended before remember_slot, version 2's before
     * marking_offset. */
    size_t size = version == 1   ? offsetof(grove_codegen_abi, remember_slot)
                  : version == 2 ? offsetof(grove_codegen_abi, marking_offset)
                                 : sizeof *out;
    grove_codegen_abi abi = {
        .version = version,
        .size = (uint32_t)size,
        .alloc_ptr_offset = offsetof(struct grove__heap_fast, alloc_ptr),
        .alloc_limit_offset = offsetof(struct grove__heap_fast, alloc_limit),
        .type_count_offset = offsetof(struct grove__heap_fast, type_count),
        .young_start_offset = offsetof(struct grove__heap_fast, nursery_start),
        .young_size_offset = offsetof(struct grove__heap_fast, nursery_size),
        .max_small_payload = GROVE_MAX_SMALL_PAYLOAD,
        .min_object_bytes = grove__object_bytes(0),
        .header_live = GROVE__HDR_LIVE,
        .header_logged = GROVE__HDR_LOGGED,
        .header_type_shift = GROVE__HDR_TYPE_SHIFT,
        .header_size_shift = GROVE__HDR_SIZE_SHIFT,
        .alloc_slow = grove__alloc_slow,
        .remember = grove__remember,
        .remember_slot = grove__remember_slot,
        .header_carded = GROVE__HDR_CARDED,
        .block_size = GROVE__BLOCK_SIZE,
        .block_cards_offset = GROVE__BLOCK_CARDS,
        .block_dirty_offset = GROVE__BLOCK_DIRTY,
        .card_shift = GROVE__CARD_SHIFT,
        .uninit_limit_offset = offsetof(struct grove__heap_fast, uninit_limit),
        .block_object_max_words = GROVE__BLOCK_OBJECT_MAX_WORDS,
        .marking_offset = offsetof(struct grove__heap_fast, marking),
        .shade = grove__shade,
    };
    memcpy(out, &abi, size);
    return GROVE_OK;
}
