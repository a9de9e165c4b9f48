/* promotion.h — will the nursery's survivors fit under the heap limit?
 *
 * A minor GC cannot stop half-way, so it must not start unless the
 * old-space blocks its survivors need fit under max_heap_size. Far from the
 * limit a cheap upper bound settles it. Near the limit the survivors are
 * counted exactly, per size class (a census), by a marking pass over the
 * young objects that copies nothing; a major GC counts them the same way
 * while it marks. Census marks are undone before anything else runs. */
#ifndef GROVE_PROMOTION_H
#define GROVE_PROMOTION_H

#include <grove/grove.h>

#include "old_space.h"

/* Survivors of the nursery per old-space size class. */
typedef struct grove_young_census {
    size_t cells[GROVE_SIZE_CLASSES];
} grove_young_census;

/* Would evacuating the nursery now keep the heap within its limit? Runs a
 * census pass when the bound does not settle it; called with in_gc set. */
bool grove_minor_gc_fits(grove_heap *heap);

/* Count a just-marked nursery object (remembered for unmarking). */
void grove_young_census_note(grove_heap *heap, grove_young_census *census, void *object);
/* Unmark every nursery object a census marked. Afterwards no nursery
 * object is marked. */
void grove_young_census_clear(grove_heap *heap);
bool grove_young_census_fits(grove_heap *heap, const grove_young_census *census);

#endif
