/* identity.h — identity hashes (identity_hash.c) and pins (pins.c).
 *
 * Hash: a young or old object's hash is a mix of its address, taken with
 * the header bit GROVE__HDR_HASHED set; when a hashed young object is
 * evacuated its copy gets one more word holding the hash and the bit
 * GROVE__HDR_HASH_WORD instead. Old and large objects never move, so their
 * hash stays the mix of their address.
 *
 * Pins: a table from object to pin count. Pinned objects are old or large
 * (pinning a young one moves it out first) and are roots: a pinned object
 * stays alive and in place until its count returns to 0. */
#ifndef GROVE_IDENTITY_H
#define GROVE_IDENTITY_H

#include <grove/grove.h>

#include "object.h"

/* A well-mixed 64-bit hash of an address. */
static inline uint64_t grove_hash_address(uintptr_t address)
{
    uint64_t x = (uint64_t)address;
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dull;
    x ^= x >> 33;
    return x;
}

/* The hash an object has now, without recording that it was asked. */
static inline uint64_t grove_hash_of(const void *object)
{
    uint64_t hdr = *grove__header(object);
    if (hdr & GROVE__HDR_HASH_WORD)
        return ((const uint64_t *)grove__header(object))[grove_hdr_words(hdr) - 1];
    return grove_hash_address((uintptr_t)object);
}

typedef struct grove_pin_entry {
    void *object; /* NULL: empty */
    uint32_t count;
} grove_pin_entry;

typedef struct grove_pins {
    grove_pin_entry *entries; /* open addressing, linear probing; cap a power of two */
    size_t cap;
    size_t count;
    void *moving; /* grove_pin: the young object being moved out, a root meanwhile */
} grove_pins;

/* Offer every pinned object (and one being moved out) to the tracer as a
 * root. Returns the number of slots offered. Pinned objects never move: the
 * tracer leaves their slots as they are. */
size_t grove_pins_visit(grove_heap *heap, grove_tracer *tracer);

/* Record one more pin of an old or large object; false (GROVE_E_OOM
 * recorded) if the table cannot grow. */
bool grove_pins_add(grove_heap *heap, void *object);

void grove_pins_free(grove_pins *pins);

#endif
