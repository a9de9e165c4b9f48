/**
 * @file codegen.h
 * @brief What a JIT or a Wasm engine needs to emit Grove's allocation and
 *        write-barrier fast paths into its own code.
 *
 * grove_alloc() and grove_barrier() are inline C; generated code cannot call
 * them inline. grove_codegen_abi_get() publishes, as data, what those fast
 * paths read and write: field offsets from the heap pointer, the young
 * test, the header encoding, and the slow paths to call. It is versioned:
 * code generated against GROVE_CODEGEN_ABI_VERSION asks for that version
 * and is refused (GROVE_E_BAD_CONFIG) by a library that no longer provides
 * it, instead of reading fields that moved.
 *
 * The fast paths, written against a filled-in grove_codegen_abi `a` and
 * the heap pointer `h` (all fields are machine words unless noted):
 *
 *     // allocate `size` payload bytes of `type` (size <= a.max_small_payload)
 *     bytes = max(a.min_object_bytes, round_up(size + 8, 8))
 *     p     = *(uintptr_t *)(h + a.alloc_ptr_offset)
 *     limit = *(uintptr_t *)(h + a.alloc_limit_offset)
 *     if (limit - p >= bytes && type < *(uint32_t *)(h + a.type_count_offset)) {
 *         *(uintptr_t *)(h + a.alloc_ptr_offset) = p + bytes
 *         *(uint64_t *)p = a.header_live | type << a.header_type_shift
 *                                        | (bytes / 8) << a.header_size_shift
 *         object = p + 8                   // zeroed payload
 *     } else object = a.alloc_slow(h, type, size)   // may collect
 *
 *     // the same without zeroing (as grove_alloc_uninit; version 2): every
 *     // word the collector reads is written before the next allocation
 *     uninit = *(uintptr_t *)(h + a.uninit_limit_offset)
 *     if (uninit - p >= bytes && type < ...) {
 *         if (limit - p < bytes)           // past the zeroed part:
 *             *(uintptr_t *)(h + a.alloc_limit_offset) = p + bytes   // now empty
 *         ... as above, the payload not zeroed
 *     } else object = a.alloc_slow(h, type, size)   // zeroed
 *
 *     // after storing `value` into a slot of `object`
 *     young(x) = x - *(uintptr_t *)(h + a.young_start_offset)
 *                    < *(size_t *)(h + a.young_size_offset)   // unsigned compare
 *     if (young(value)) {
 *         if (!young(object) && !(header(object) & a.header_logged))
 *             a.remember_slot(h, object, slot)   // or a.remember(h, object)
 *     } else if (*(uint32_t *)(h + a.marking_offset) && !young(object))
 *         a.shade(h, object, value)          // version 3: incremental marking
 *
 * The size field (`header >> a.header_size_shift`) is exact for old
 * objects, the only ones the barrier reads it from; a young object's
 * header keeps its age in the top four bits (survivor aging), so code that
 * reads a young object's size masks the field to 36 bits.
 *
 * remember_slot (version 2) remembers a large array by the card of `slot`,
 * so the next minor collection rescans 256 bytes of it, not all of it;
 * remember logs the whole object, and is what to call when the slot is not
 * known. Either is correct for any object. Before calling remember_slot,
 * code may mark the card of an array in an old-space block itself, as
 * grove_write does, and skip the call when the block is listed already
 * (for a large carded array, the call):
 *
 *     if ((header(object) & a.header_carded) &&
 *         header(object) >> a.header_size_shift <= a.block_object_max_words) {
 *         block = object & ~(a.block_size - 1)
 *         card  = ((slot - block) >> a.card_shift) & (a.block_size >> a.card_shift) - 1
 *         *(uint8_t *)(block + a.block_cards_offset + card) = 1
 *         if (*(uint8_t *)(block + a.block_dirty_offset)) done
 *     }
 *     a.remember_slot(h, object, slot)
 *
 * Reload every field at each use: a collection changes the bump pointer and
 * the limit, and may move the young generation (survivor aging and poison
 * mode alternate two regions); the limit is also forced low whenever every allocation must
 * take the slow path (zeal mode, during a collection). As in grove_barrier,
 * the young test need not exclude immediates: one that happens to fall in
 * the range only logs the object once more than needed.
 */
#ifndef GROVE_CODEGEN_H
#define GROVE_CODEGEN_H

#include <grove/grove.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup grove_codegen Fast paths for generated code
 * @brief The allocation and barrier fast paths, published as data.
 * @{
 */

/** The version of grove_codegen_abi this header describes. */
#define GROVE_CODEGEN_ABI_VERSION 3u

/** What generated code needs to allocate and to run the write barrier. */
typedef struct grove_codegen_abi {
    uint32_t version;           /**< the version filled in */
    uint32_t size;              /**< sizeof(grove_codegen_abi) of the library */
    size_t alloc_ptr_offset;    /**< uintptr_t: the nursery bump pointer */
    size_t alloc_limit_offset;  /**< uintptr_t: allocate below it only */
    size_t type_count_offset;   /**< uint32_t: type ids below it are registered */
    size_t young_start_offset;  /**< uintptr_t: start of the young generation */
    size_t young_size_offset;   /**< size_t: its size in bytes */
    size_t max_small_payload;   /**< larger payloads: always the slow path */
    size_t min_object_bytes;    /**< smallest object, header included */
    uint64_t header_live;       /**< bit set in every object header */
    uint64_t header_logged;     /**< header bit: already in the remembered set */
    uint32_t header_type_shift; /**< the type id's position in the header */
    uint32_t header_size_shift; /**< the size in words (header included) position */
    /** Allocation slow path: call with the heap, type and payload size. */
    void *(*alloc_slow)(grove_heap *heap, grove_type_id type, size_t size);
    /** Barrier slow path: log @p object, an old object that gained a young
     *  pointer and is not logged yet. */
    void (*remember)(grove_heap *heap, void *object);
    /** Barrier slow path knowing the slot (version 2 on): as remember, but
     *  a large array is remembered by the card of @p slot. */
    void (*remember_slot)(grove_heap *heap, void *object, void **slot);
    uint64_t header_carded;    /**< header bit: an old-space array marked by card inline */
    size_t block_size;         /**< old-space blocks: their size and alignment */
    size_t block_cards_offset; /**< uint8_t[]: a block's card bytes, from its start */
    size_t block_dirty_offset; /**< uint8_t: set once the block is listed */
    uint32_t card_shift;       /**< a card covers 1 << card_shift bytes */
    size_t uninit_limit_offset; /**< uintptr_t: allocate without zeroing below it */
    uint64_t block_object_max_words; /**< carded objects of at most this many words
                                          (header included) have their cards in a block */
    size_t marking_offset; /**< uint32_t (version 3 on): nonzero while an incremental
                                major GC marks */
    /** Barrier slow path while marking (version 3 on): @p value, not young,
     *  was stored into @p object, not young. */
    void (*shade)(grove_heap *heap, void *object, const void *value);
} grove_codegen_abi;

/**
 * Fill @p out with the fast-path description of @p heap, in the layout of
 * @p version. Version 1 is version 2 without remember_slot and the card
 * fields after it, version 2 version 3 without marking_offset and shade:
 * for them only that prefix of @p out is written (its size field says so),
 * so code built against an older header keeps working. Code that asks for
 * version 1 or 2 does not shade, so the heap stops running incremental
 * major GCs (grove_config::incremental): a cycle that is marking is
 * finished at once, and later major GCs stop the world.
 * @param heap    the heap (the base of every offset)
 * @param version the version the caller was written for
 *                (GROVE_CODEGEN_ABI_VERSION, or 1)
 * @param out     filled in on success
 * @return GROVE_OK, or GROVE_E_BAD_CONFIG (recorded, *out untouched) for a
 *         version this library does not provide
 */
GROVE_API grove_error grove_codegen_abi_get(grove_heap *heap, uint32_t version,
                                            grove_codegen_abi *out);

/** @} */

#ifdef __cplusplus
}
#endif

#endif
