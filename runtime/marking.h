/* marking.h — an incremental major GC: the cycle between its start and its
 * final pause (grove_config::incremental).
 *
 *   idle → sweeping: slices finish the last cycle's lazy sweep, so that
 *          every mark seen from now on is this cycle's
 *        → marking: the first slice shades the roots' old targets, each
 *          later slice scans grey objects for a budget of bytes
 *        → the final pause (major_gc.c): roots, the young generation and
 *          the grey objects left are traced, weak objects judged, the heap
 *          swept, as a stop-the-world major GC but with the marks the
 *          slices made → idle.
 *
 * Colours: white is unmarked; grey, marked and on `grey`; black, marked and
 * scanned. Only old and large objects are coloured between slices: young
 * ones are never black, and the final pause traces them. The invariant
 * (incremental update; grove_marking_verify checks it after every slice):
 * no black object has a strong slot pointing at a white old or large
 * object. What keeps it:
 * - the barrier: a store of an old or large value into a marked old object
 *   shades the value (grove__shade). Grove's barrier runs after the store
 *   and is given the new value only, so a deletion (snapshot) barrier,
 *   which needs the overwritten one, is not an option;
 * - promotion: a copy a minor GC makes in old space is marked and grey (its
 *   slots were written while it was young, without the barrier's check);
 * - large objects and objects born pinned are allocated black: they are
 *   empty, and every store into them runs the barrier.
 * Roots are not barriered, so the final pause scans them again; what they
 * alone reached since the first slice is marked in that pause.
 *
 * Weak boxes and ephemerons: slices trace their strong words only and list
 * them (`weak_objects`); the final pause judges them by its rules (weak.h),
 * when reachability is known. */
#ifndef GROVE_MARKING_H
#define GROVE_MARKING_H

#include <grove/grove.h>

#include "vec.h"
#include "worklist.h"

typedef struct grove_collection grove_collection;

/* As grove_stats::major_cycle reports them. */
typedef enum grove_cycle_phase {
    GROVE_CYCLE_IDLE = 0,
    GROVE_CYCLE_SWEEPING = 1,
    GROVE_CYCLE_MARKING = 2
} grove_cycle_phase;

typedef struct grove_marking {
    grove_cycle_phase phase;
    grove_worklist grey;      /* marked old and large objects not yet scanned */
    grove_vec weak_objects;   /* weak boxes and ephemerons the slices scanned */
    uint64_t work_left;       /* bytes still to sweep or mark, an upper bound (pacing) */
    size_t held_at_slice;     /* old + large bytes after the last slice */
    uint64_t black_bytes;     /* promoted or allocated during marking: marked without a look */
    bool disabled;            /* codegen asked for an ABI that does not shade */
} grove_marking;

void grove_marking_free(grove_marking *m);

/* Is a cycle between its start and its final pause? */
static inline bool grove_marking_active(const grove_marking *m)
{
    return m->phase != GROVE_CYCLE_IDLE;
}

/* Has a cycle marked all it can before its final pause? */
static inline bool grove_marking_done(const grove_marking *m)
{
    return m->phase == GROVE_CYCLE_MARKING && grove_worklist_empty(&m->grey);
}

/* The rest of this file is called with in_gc held. */

/* Start a cycle (idle only). */
void grove_marking_start(grove_heap *heap);

/* One slice, timed as a major pause (and told to listeners, with the
 * reason of what it follows): sweep or mark for `budget` bytes of work at
 * least. Returns true when marking has nothing grey left: the final pause
 * is due. */
bool grove_marking_slice(grove_heap *heap, uint64_t budget, grove_gc_reason reason);

/* Abandon a cycle that has not started marking (a stop-the-world major GC
 * finishes its sweep). */
void grove_marking_abandon(grove_heap *heap);

/* The final pause's first step: the grey objects left join the
 * collection's worklist, the weak objects the slices listed are judged by
 * its tracer, and the barrier stops shading. */
void grove_marking_hand_over(grove_heap *heap, grove_collection *c);

/* An object a minor GC has just copied into old space during marking: it
 * is grey. */
void grove_marking_promoted(grove_heap *heap, void *copy);

/* An object just allocated in old space or the large-object space: black
 * while marking runs. */
void grove_marking_allocated(grove_heap *heap, void *object);

/* Verify mode, after a slice: abort unless every black object's strong
 * slots point at marked objects (or young ones). */
void grove_marking_verify(grove_heap *heap, const char *when);

#endif
