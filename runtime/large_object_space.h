/* large_object_space.h — objects too large for the nursery's size classes:
 * each is its own arena allocation, born old, never moved, freed when a
 * major GC finds it unmarked. Each carries the bits of its cards (cards.h)
 * after its payload: a large ARRAY is always carded, and the bits cost
 * 1/2048 of the payload. */
#ifndef GROVE_LARGE_OBJECT_SPACE_H
#define GROVE_LARGE_OBJECT_SPACE_H

#include <grove/grove.h>

#include "arena.h"
#include "cards.h"
#include "object.h"
#include "vec.h"

typedef struct grove_large_object {
    struct grove_large_object *next;
    size_t alloc_bytes; /* whole allocation as the arena rounds it, this prefix included */
    /* then the object header word, the payload, and the card bits */
} grove_large_object;

typedef struct grove_large_space {
    grove_large_object *objects;
    size_t bytes; /* sum of alloc_bytes */
    const grove_arena *arena;
} grove_large_space;

void grove_large_space_init(grove_large_space *large, const grove_arena *arena);
void grove_large_space_free(grove_large_space *large);

/* The card bits of large object `object`: bit i is the card
 * grove_card_of(object) + i. */
static inline uint64_t *grove_large_cards(const void *object)
{
    return (uint64_t *)(uintptr_t)object + grove_hdr_payload_words(*grove__header(object));
}

/* Memory a large object of object_bytes (header included) really takes;
 * SIZE_MAX if no allocation can be that large. */
size_t grove_large_footprint(const grove_large_space *large, size_t object_bytes);

/* A zeroed large object with header; NULL if memory is short. */
void *grove_large_alloc(grove_large_space *large, grove_type_id type, size_t object_bytes);

/* Free unmarked objects and clear the marks of the rest; returns the object
 * bytes freed. Afterwards no large object is marked. */
uint64_t grove_large_sweep(grove_large_space *large);

void grove_large_for_each(grove_large_space *large, void (*fn)(void *object, void *data),
                          void *data);
/* Payload addresses of all large objects, sorted (verify looks them up). */
void grove_large_payloads_sorted(const grove_large_space *large, grove_vec *out);

#endif
