/* cards.h — card marking: remembering single slots of large old arrays.
 *
 * Logging a whole object (remembered_set.h) makes the next minor GC scan
 * every slot of it; for an old array of hundreds of slots written in one
 * place, that scan is mostly slots holding old objects. A *carded* object —
 * an old ARRAY whose payload is at least GROVE_CARDED_MIN_PAYLOAD bytes — is
 * remembered by card instead when the store's slot is known (grove_write,
 * grove_write_n): the GROVE_CARD_BYTES-byte card holding the slot is
 * marked, and the minor GC scans that card's slots only. grove_barrier()
 * does not know the slot and still logs the whole object.
 *
 * Cards are aligned on addresses. Two kinds of marks:
 * - In old space (arrays of 1-4 KiB, header bit GROVE__HDR_CARDED, set as
 *   they enter it), a byte per card in the block's header, set by
 *   grove_write inline; the block is listed in the remembered set (its
 *   `dirty` byte set) by a call at the first mark since the last minor GC.
 *   Cells are not card-aligned, so arrays may share a card: scanning a card
 *   covers every carded object overlapping it.
 * - A large array (bit GROVE__HDR_CARDED too, set at its allocation) has
 *   a bit per card after its payload; grove_write tests it inline, and the
 *   barrier's call sets it and lists the card, once.
 *
 * Invariants (verify checks them):
 * - a block is listed iff its `dirty` byte is set, once; a card byte is
 *   set only in a listed block;
 * - a large object's card bit is set iff the card is listed, once;
 * - every old-to-young pointer is in a logged object or in a marked card of
 *   a carded object;
 * - after a minor GC nothing is listed and no card is marked;
 * - GROVE__HDR_CARDED is set exactly on the carded objects. */
#ifndef GROVE_CARDS_H
#define GROVE_CARDS_H

#include <grove/grove.h>

/* 32 slots: a card is scanned in a few cache lines, and an array of 256
 * slots (2 KiB) has 8 or 9 of them. */
#define GROVE_CARD_SHIFT GROVE__CARD_SHIFT
#define GROVE_CARD_BYTES ((size_t)1 << GROVE_CARD_SHIFT)
/* Smaller arrays are scanned whole: a card would save little. */
#define GROVE_CARDED_MIN_PAYLOAD ((size_t)1024)

/* The card of an address, as a number: address >> GROVE_CARD_SHIFT. */
static inline uintptr_t grove_card_of(const void *p)
{
    return (uintptr_t)p >> GROVE_CARD_SHIFT;
}

/* Bitmap words for the cards of `bytes` bytes starting anywhere: a range
 * not card-aligned touches one card more than its length covers. */
static inline size_t grove_card_bitmap_words(size_t bytes)
{
    size_t cards = bytes / GROVE_CARD_BYTES + 2;
    return (cards + 63) / 64;
}

/* Set bit `i`; false if it was set already. */
static inline bool grove_card_set(uint64_t *bits, size_t i)
{
    uint64_t m = (uint64_t)1 << (i % 64);
    if (bits[i / 64] & m)
        return false;
    bits[i / 64] |= m;
    return true;
}

static inline bool grove_card_is_set(const uint64_t *bits, size_t i)
{
    return (bits[i / 64] >> (i % 64)) & 1;
}

static inline void grove_card_clear(uint64_t *bits, size_t i)
{
    bits[i / 64] &= ~((uint64_t)1 << (i % 64));
}

#endif
