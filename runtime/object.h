/* object.h — the object header word and what the runtime reads from it.
 * The encoding itself is in grove.h (the allocation fast path writes it);
 * the layout relations it relies on are asserted here. */
#ifndef GROVE_OBJECT_H
#define GROVE_OBJECT_H

#include <grove/grove.h>

/* Used by verify only, between its traversal and its clean-up walk. */
#define GROVE__HDR_VISITED ((uint64_t)8)
/* During a collection only: ephemerons wait on this object as their key
 * (weak.h). */
#define GROVE__HDR_EPH_KEY ((uint64_t)64)

/* Total words, header included, that any object may span: the size
 * field's 36 bits (512 GiB). */
#define GROVE_MAX_OBJECT_WORDS (((uint64_t)1 << GROVE__HDR_SIZE_BITS) - 1)
#define GROVE__HDR_AGE_MASK ((uint64_t)GROVE__HDR_AGE_MAX << GROVE__HDR_AGE_SHIFT)
#define GROVE__HDR_AGE_ONE ((uint64_t)1 << GROVE__HDR_AGE_SHIFT)

/* The flag bits, the type field and the size field must not overlap, and
 * the size field must reach the header's top bit. */
#define GROVE__HDR_FLAGS                                                                         \
    (GROVE__HDR_LIVE | GROVE__HDR_MARK | GROVE__HDR_LOGGED | GROVE__HDR_VISITED |                \
     GROVE__HDR_HASHED | GROVE__HDR_HASH_WORD | GROVE__HDR_EPH_KEY | GROVE__HDR_CARDED)
/* Eight distinct single bits: their sum is their union only if no two overlap. */
_Static_assert(GROVE__HDR_LIVE + GROVE__HDR_MARK + GROVE__HDR_LOGGED + GROVE__HDR_VISITED +
                       GROVE__HDR_HASHED + GROVE__HDR_HASH_WORD + GROVE__HDR_EPH_KEY +
                       GROVE__HDR_CARDED ==
                   GROVE__HDR_FLAGS,
               "header flag bits are distinct");
_Static_assert(GROVE__HDR_FLAGS < ((uint64_t)1 << GROVE__HDR_TYPE_SHIFT),
               "header flags lie below the type field");
_Static_assert(((uint64_t)GROVE__MAX_TYPES << GROVE__HDR_TYPE_SHIFT) < ((uint64_t)1 << GROVE__HDR_SIZE_SHIFT),
               "the type field lies below the size field");
_Static_assert(GROVE__HDR_SIZE_SHIFT + GROVE__HDR_SIZE_BITS == GROVE__HDR_AGE_SHIFT,
               "the age field lies just above the size field");
_Static_assert(GROVE__HDR_AGE_SHIFT + 4 == 64 && GROVE__HDR_AGE_MAX == 15,
               "the age field is the header's top four bits");

static inline bool grove_hdr_is_forward(uint64_t hdr)
{
    return (hdr & GROVE__HDR_LIVE) == 0;
}

static inline size_t grove_hdr_words(uint64_t hdr)
{
    return (size_t)((hdr >> GROVE__HDR_SIZE_SHIFT) & GROVE_MAX_OBJECT_WORDS);
}

/* Minor GCs a young object has survived (always 0 for an old one). */
static inline unsigned grove_hdr_age(uint64_t hdr)
{
    return (unsigned)(hdr >> GROVE__HDR_AGE_SHIFT);
}

/* Payload words: less the header and, for a hashed object that moved, its
 * trailing hash word (which is not a slot). */
static inline size_t grove_hdr_payload_words(uint64_t hdr)
{
    return grove_hdr_words(hdr) - 1 - (size_t)((hdr & GROVE__HDR_HASH_WORD) != 0);
}

static inline grove_type_id grove_hdr_type(uint64_t hdr)
{
    return (grove_type_id)((hdr >> GROVE__HDR_TYPE_SHIFT) & GROVE__MAX_TYPES);
}

static inline uint64_t grove_make_header(grove_type_id type, size_t words)
{
    return GROVE__HDR_LIVE | ((uint64_t)type << GROVE__HDR_TYPE_SHIFT) |
           ((uint64_t)words << GROVE__HDR_SIZE_SHIFT);
}

#endif
