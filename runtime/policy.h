/* policy.h — every decision about when to collect, what, and when to give
 * memory back. The mechanisms (collectors, spaces) never decide: they are
 * run by these functions and report to grove_policy_collection_done.
 *
 *   nursery full      minor GC if its survivors fit under the limit, else
 *                     a major GC; then a major GC if old space passed its
 *                     threshold
 *   large object,     a major GC first if it would pass the threshold or
 *   pinned object     the limit
 *   after a major GC  evacuate the nursery if its survivors fit; next
 *                     threshold = max(major_min_bytes, held × growth);
 *                     purge the arena when the heap collapsed (a peak
 *                     died) and what the GCs released since the last purge
 *                     outweighs the heap, else let it decay
 *   after a minor GC  adaptive nursery: double or halve it by the pause a
 *                     full one would take against the target
 *   zeal              a major GC every zeal_major allocations, else a
 *                     nursery collection every zeal_minor; a marking
 *                     slice every zeal_slice
 *
 * Incremental major GC (grove_config::incremental, marking.h): after each
 * minor GC, a cycle starts once old space is half-way from its size after
 * the last major GC to the threshold; while one runs, each minor GC (and
 * each nursery's worth of growth outside it) sets the work owed until the
 * next one: at least major_slice_bytes, more if the growth since the last
 * slice asks for it (work left × growth / room left before the goal, three
 * quarters of the way, so that marking ends by then: what is promoted
 * meanwhile survives the cycle), at most 8, 16 or 32 units (before the
 * goal, the threshold, after; a unit is major_slice_bytes, or a quarter of
 * that growth if larger). It is paid in equal slices, the first at once,
 * the others evenly as the nursery fills (allocation slow path): a quarter
 * of the debt each, within 1 to GROVE_SLICE_MOST_LEAST × major_slice_bytes
 * (the nursery stops its inline paths where the next one is due),
 * so a larger debt makes more slices, not longer ones. When the slices
 * have marked everything,
 * the final pause follows at the next minor GC. A cycle the
 * mutator outran goes on past the threshold; at its deadline (half the
 * room again past the threshold), or at the heap limit, it is finished in
 * one pause. */
#ifndef GROVE_POLICY_H
#define GROVE_POLICY_H

#include <grove/grove.h>

typedef struct grove_collection grove_collection;

typedef struct grove_policy {
    size_t major_threshold;      /* old + large bytes that trigger a major GC */
    size_t cycle_start;          /* incremental: old + large bytes that start a cycle */
    size_t cycle_goal;           /* incremental: old + large bytes its slices are paced to end by */
    size_t cycle_deadline;       /* incremental: old + large bytes that finish it in one pause */
    uint64_t slice_debt;         /* incremental: work owed until the next minor GC */
    uint64_t slice_piece;        /* incremental: the work of each slice paying it */
    size_t slice_spacing;        /* incremental: nursery bytes allocated between those slices */
    size_t next_slice_at;        /* incremental: nursery bytes used at which to pay some */
    size_t released_since_purge; /* bytes the sweeps gave back to the arena since its last purge */
    uint64_t zeal_ticks;         /* slow-path allocations counted in zeal mode */
} grove_policy;

void grove_policy_init(grove_policy *policy, const grove_config *config);

/* Empty the nursery, collecting whatever is needed (the table above).
 * GROVE_E_OOM if its survivors cannot fit under the limit even after a
 * full collection; the nursery is then left as it is, consistent. */
grove_error grove_policy_make_room(grove_heap *heap, grove_gc_reason reason);

/* A major GC, then the nursery's evacuation if it fits; GROVE_E_OOM if it
 * does not (not recorded as an error: the caller decides). */
grove_error grove_policy_full_collection(grove_heap *heap, grove_gc_reason reason);

/* Before an allocation straight into old space or the large-object space
 * that grows the heap by `growth` bytes: collect if the table says so.
 * Returns false if it still does not fit under the limit. */
bool grove_policy_room_for_old(grove_heap *heap, size_t growth);

/* Stop running incremental major GCs on this heap (generated code that
 * does not shade): a cycle marking now is finished at once. Outside a
 * collection. */
void grove_policy_stop_incremental(grove_heap *heap);

/* Slices are spread over the time between minor GCs: one at the minor
 * GC, then evenly as the nursery fills, at least this many and each of
 * at most GROVE_SLICE_MOST_LEAST × major_slice_bytes of work: a larger
 * debt makes more slices, not longer ones. */
#define GROVE_SLICES_PER_NURSERY 4
#define GROVE_SLICE_MOST_LEAST 4

/* Allocation slow path (outside a collection): pay a slice of the work
 * the last minor GC set, if the nursery has filled enough since. */
void grove_policy_allocation_slice(grove_heap *heap);

/* Zeal mode: count one slow-path allocation and collect on schedule. */
void grove_policy_zeal_tick(grove_heap *heap);

/* Record GROVE_E_OOM for a nursery whose survivors do not fit under the
 * limit even after a full collection; returns GROVE_E_OOM. */
grove_error grove_policy_fail_nursery_stays(grove_heap *heap);

/* Called by the collector at the end of every collection, inside its
 * pause: thresholds, memory return and the nursery's size. */
void grove_policy_collection_done(grove_heap *heap, const grove_collection *c);

#endif
