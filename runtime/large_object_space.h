/* large_object_space.h — objects too large for the nursery's size classes:
 * each is its own jemalloc allocation, born old, never moved, freed when a
 * major GC finds it unmarked. */
#ifndef GROVE_LARGE_OBJECT_SPACE_H
#define GROVE_LARGE_OBJECT_SPACE_H

#include <grove/grove.h>

#include "vec.h"

typedef struct grove_large_object {
    struct grove_large_object *next;
    size_t alloc_bytes; /* whole allocation as jemalloc rounds it, this prefix included */
    /* then the object header word and the payload */
} grove_large_object;

typedef struct grove_large_space {
    grove_large_object *objects;
    size_t bytes; /* sum of alloc_bytes */
    size_t count;
} grove_large_space;

/* Memory a large object of object_bytes (header included) really takes,
 * as jemalloc rounds it; SIZE_MAX if no allocation can be that large. */
size_t grove_large_footprint(const grove_heap *heap, size_t object_bytes);

/* A zeroed large object with header; NULL if memory is short. */
void *grove_large_alloc(grove_heap *heap, grove_type_id type, size_t object_bytes);
uint64_t grove_large_sweep(grove_heap *heap);
void grove_large_space_free(grove_heap *heap);
void grove_large_for_each(grove_heap *heap, void (*fn)(grove_heap *, void *object, void *data),
                          void *data);
/* Payload addresses of all large objects, sorted (verify looks them up). */
void grove_large_payloads_sorted(grove_heap *heap, grove_vec *out);

#endif
