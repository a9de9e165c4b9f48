/* object.h — the object header word and what the runtime reads from it.
 * The encoding itself is in grove.h (the allocation fast path writes it). */
#ifndef GROVE_OBJECT_H
#define GROVE_OBJECT_H

#include <grove/grove.h>

/* Used by verify only, between its traversal and its clean-up walk. */
#define GROVE__HDR_VISITED ((uint64_t)8)

/* Total words, header included, that any object may span: the size field's
 * 40 bits. */
#define GROVE_MAX_OBJECT_WORDS (((uint64_t)1 << 40) - 1)

static inline bool grove_hdr_is_forward(uint64_t hdr)
{
    return (hdr & GROVE__HDR_LIVE) == 0;
}

static inline size_t grove_hdr_words(uint64_t hdr)
{
    return (size_t)(hdr >> GROVE__HDR_SIZE_SHIFT);
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

static inline void *grove_payload_of(void *cell)
{
    return (uint64_t *)cell + 1;
}

#endif
