/* major_gc.c — mark-sweep of the whole heap, in place.
 *
 * Marking starts from the roots and goes through every object, young or
 * old, with the worklist as an explicit stack; marked nursery objects are
 * counted by size class (a census) and unmarked in the reset phase, marked
 * old ones per block (for the lazy sweep, old_space.h). Dead old objects
 * leave the remembered set before the sweep phase. Between collections no
 * young or large object is marked, and an old one only in a block waiting
 * for the lazy sweep.
 *
 * The nursery is not evacuated here: the census tells the policy whether
 * its survivors fit under the heap limit, and the policy runs the minor GC
 * that evacuates it (policy.c).
 *
 * With an incremental cycle marking (marking.h), the same plan runs from
 * its marks as the cycle's final pause, without the finish sweep (the
 * slices did it) and with the young slots of remembered objects as roots. */
#include "collector.h"
#include "heap.h"
#include "invariant.h"

static void mark(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    uint64_t word = *hdr;
    if (word & GROVE__HDR_MARK)
        return;
    /* Marked, and no longer waited on by ephemerons: their waiting ends here. */
    *hdr = (word | GROVE__HDR_MARK) & ~GROVE__HDR_EPH_KEY;
    grove_worklist_push(t->worklist, *slot);
    if (GROVE_UNLIKELY(word & GROVE__HDR_EPH_KEY))
        grove_weak_key_live(t, *slot);
    if (grove__is_young(t->fast, *slot))
        grove_young_census_note(t->heap, &((grove_collection *)t->data)->census, *slot);
    else if (grove_old_holds(word))
        grove_old_note_marked(&t->heap->old, *slot, word); /* the lazy sweep's counts */
}

/* Finish sweep: no old object is marked and none is dead but unfreed, so
 * what this mark finds unmarked is dead now. */
static void finish_sweep(grove_collection *c)
{
    grove_old_finish_sweep(&c->heap->old);
}

/* Drain: every object reachable from a root is marked; the nursery's
 * survivors are counted in the census. */
static void drain(grove_collection *c)
{
    grove_drain(&c->tracer, mark, GROVE_TRACE_ALL, SIZE_MAX);
}

/* Sweep: unmarked large objects are freed and old-space blocks with
 * nothing marked released; the other blocks wait for the lazy sweep (their
 * unmarked objects are dead, freed when promotion sweeps the block or at
 * the next major GC's finish sweep). Dead objects are no longer in the
 * remembered set; no large object is marked. */
static void sweep(grove_collection *c)
{
    grove_heap *heap = c->heap;
    grove_remembered_keep_marked(&heap->remembered);
    c->bytes_freed = grove_old_sweep(&heap->old) + grove_large_sweep(&heap->large);
}

/* Reset: no nursery object is marked (the census's marks are undone). */
static void reset_census(grove_collection *c)
{
    grove_young_census_clear(c->heap);
}

static const grove_plan major_plan = {
    .kind = GROVE_MAJOR,
    .filter = GROVE_TRACE_ALL,
    .visit = mark,
    .finish_sweep = finish_sweep,
    .drain = drain,
    .sweep = sweep,
    .reset = reset_census,
};

/* The final pause of an incremental cycle (marking.h) runs the same mark
 * from the marks its slices made. Begin: the grey objects they left are
 * queued and the weak objects they scanned judged; the barrier stops
 * shading. */
static void take_over_cycle(grove_collection *c)
{
    GROVE_ASSERT(grove_old_sweep_finished(&c->heap->old), "the cycle's slices finished the sweep");
    grove_marking_hand_over(c->heap, c);
}

/* Remembered: young objects that marked old ones point at are marked. The
 * slices skipped young slots, and a black object is not scanned again.
 * Every old object with a young slot is in the remembered set (by the
 * generational barrier), so tracing its young slots finds them all; a dead
 * one only keeps what it points at for one more cycle. Weak words are
 * skipped: the weak objects are judged from the hand-over or their mark. */
static void mark_remembered_young(grove_collection *c)
{
    grove_remembered_set *rs = &c->heap->remembered;
    grove_tracer *t = &c->tracer;
    t->weak = GROVE_WEAK_SKIP;
    grove_remembered_trace_cards(rs, t, mark);
    t->holder = NULL;
    for (size_t i = 0; i < rs->objects.len; i++)
        grove_trace_object(t, rs->objects.items[i], mark, GROVE_TRACE_YOUNG);
    t->weak = GROVE_WEAK_JUDGE;
}

static const grove_plan final_plan = {
    .kind = GROVE_MAJOR,
    .filter = GROVE_TRACE_ALL,
    .visit = mark,
    .begin = take_over_cycle,
    .remembered = mark_remembered_young,
    .drain = drain,
    .sweep = sweep,
    .reset = reset_census,
};

void grove_major_gc(grove_heap *heap, grove_gc_reason reason, grove_young_census *census)
{
    GROVE_ASSERT(heap->in_gc, "the caller holds in_gc");
    grove_collection c;
    bool cycle = heap->marking.phase == GROVE_CYCLE_MARKING;
    if (heap->marking.phase == GROVE_CYCLE_SWEEPING)
        grove_marking_abandon(heap); /* its finish sweep does the rest */
    grove_collection_run(heap, cycle ? &final_plan : &major_plan, reason, &c);
    *census = c.census;
}
