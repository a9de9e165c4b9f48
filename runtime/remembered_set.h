/* remembered_set.h — old objects that may hold pointers into the nursery.
 *
 * Object logging: the barrier logs an old object the first time it gains a
 * young pointer (header bit GROVE__HDR_LOGGED) and pushes it here once. A
 * minor GC traces every logged object's slots as roots, then clears the log:
 * after a minor GC no old object points into the (empty) nursery. */
#ifndef GROVE_REMEMBERED_SET_H
#define GROVE_REMEMBERED_SET_H

#include <grove/grove.h>

#include "vec.h"

typedef struct grove_remembered_set {
    grove_vec objects;
} grove_remembered_set;

static inline void grove_remembered_add(grove_remembered_set *rs, void *object)
{
    *grove__header(object) |= GROVE__HDR_LOGGED;
    grove_vec_push(&rs->objects, object);
}

static inline size_t grove_remembered_count(const grove_remembered_set *rs)
{
    return rs->objects.len;
}

/* Keep only the marked objects (a major GC is about to free the others'
 * cells); they stay logged. */
void grove_remembered_keep_marked(grove_remembered_set *rs);

/* Empty the set; the caller has unlogged its objects (a minor GC does, as
 * it scans them). */
static inline void grove_remembered_clear(grove_remembered_set *rs)
{
    rs->objects.len = 0;
}

void grove_remembered_free(grove_remembered_set *rs);

#endif
