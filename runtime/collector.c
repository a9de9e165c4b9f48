/* collector.c — running a plan's phases as one pause. */
#include "collector.h"

#include "events.h"
#include "heap.h"
#include "invariant.h"
#include "policy.h"
#include "root_visitors.h"
#include "stats.h"

static grove_event event_of(const grove_collection *c, grove_event_type type, grove_phase phase,
                            uint64_t now, uint64_t since)
{
    return (grove_event){
        .type = type,
        .kind = c->plan->kind,
        .reason = c->reason,
        .phase = phase,
        .collection = c->number,
        .time_ns = now,
        .duration_ns = since ? now - since : 0,
        .heap_bytes = grove_heap_bytes(c->heap),
        .bytes_promoted = c->bytes_promoted,
        .bytes_freed = c->bytes_freed,
    };
}

static void run_phase(grove_collection *c, grove_phase phase, grove_phase_fn fn)
{
    uint64_t start = 0;
    if (c->events) {
        start = grove_now_ns();
        grove_event e = event_of(c, GROVE_EVENT_PHASE_START, phase, start, 0);
        grove_events_emit(c->heap, &e);
    }
    fn(c);
    if (c->events) {
        grove_event e = event_of(c, GROVE_EVENT_PHASE_END, phase, grove_now_ns(), start);
        grove_events_emit(c->heap, &e);
    }
}

/* Roots: every root slot has been offered to the plan's visitor, so every
 * object a root refers to (minor: every young one) is copied or marked and
 * queued on the worklist. */
static void phase_roots(grove_collection *c)
{
    c->heap->stats.counters.roots_scanned += grove_visit_roots(c->heap, &c->tracer);
}

/* Weak processing runs once the strong graph is complete: what is not
 * marked or copied by now is dead. In order (grove/weak.h): weak boxes and
 * ephemerons are judged on strong reachability; guardians keep their dead
 * objects alive, and what only those reach is traced and judged (the queued
 * objects themselves still count as dead there); cleanup hooks of what is
 * still dead become due. Afterwards nothing is recorded
 * or waiting, and every weak slot holds a survivor or NULL. */
static void phase_weak(grove_collection *c)
{
    grove_heap *heap = c->heap;
    GROVE_ASSERT(grove_worklist_empty(c->tracer.worklist),
                 "weak processing starts with the strong graph fully traced");
    grove_weak_break_dead(&c->tracer, &heap->weak);
    if (grove_guardians_resurrect(heap, &c->tracer)) {
        grove_weak_queued_are_dead(&heap->weak);
        c->plan->drain(c);
        grove_weak_break_dead(&c->tracer, &heap->weak);
    }
    grove_weak_collection_done(&heap->weak);
    grove_cleanups_judge(heap, &c->tracer);
    GROVE_ASSERT(grove_weak_idle(&heap->weak), "no weak box or ephemeron is left to judge");
    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_verify_hashes_after_trace(heap, c->plan->kind);
}

static void record(grove_collection *c, uint64_t end_ns)
{
    grove_heap *heap = c->heap;
    grove_stats *s = &heap->stats.counters;
    uint64_t pause = end_ns - c->start_ns;
    s->bytes_promoted += c->bytes_promoted;
    s->bytes_kept_young += c->bytes_kept_young;
    s->bytes_freed += c->bytes_freed;
    if (c->plan->kind == GROVE_MINOR) {
        s->minor_collections++;
        grove_pause_record(&heap->stats.minor, pause);
    } else {
        s->major_collections++;
        grove_pause_record(&heap->stats.major, pause);
    }
    grove_stats_note_heap_size(heap);
}

void grove_collection_run(grove_heap *heap, const grove_plan *plan, grove_gc_reason reason,
                          grove_collection *c)
{
    GROVE_ASSERT(heap->in_gc, "a collection runs with in_gc set");
    GROVE_ASSERT(grove_worklist_empty(&heap->worklist), "the worklist is empty between collections");
    *c = (grove_collection){
        .heap = heap,
        .plan = plan,
        .reason = reason,
        .number = ++heap->collections,
        .heap_bytes_before = grove_heap_bytes(heap),
        .events = grove_events_wanted(&heap->listeners),
    };
    grove_tracer_init(&c->tracer, heap, plan->visit, plan->filter, c);
    c->tracer.weak = GROVE_WEAK_JUDGE;
    c->start_ns = grove_now_ns();
    if (c->events) {
        grove_event e = event_of(c, GROVE_EVENT_COLLECTION_START, GROVE_PHASE_NONE, c->start_ns, 0);
        grove_events_emit(heap, &e);
    }

    if (plan->begin)
        plan->begin(c);
    if (plan->finish_sweep)
        run_phase(c, GROVE_PHASE_FINISH_SWEEP, plan->finish_sweep);
    run_phase(c, GROVE_PHASE_ROOTS, phase_roots);
    if (plan->remembered)
        run_phase(c, GROVE_PHASE_REMEMBERED, plan->remembered);
    run_phase(c, GROVE_PHASE_DRAIN, plan->drain);
    GROVE_ASSERT(grove_worklist_empty(&heap->worklist), "the drain leaves the worklist empty");
    run_phase(c, GROVE_PHASE_WEAK, phase_weak);
    if (plan->sweep)
        run_phase(c, GROVE_PHASE_SWEEP, plan->sweep);
    run_phase(c, GROVE_PHASE_RESET, plan->reset);

    /* Part of the pause: returning memory after a major GC costs the
     * mutator as much as the sweep. The policy decides; it is told here. */
    grove_policy_collection_done(heap, c);
    uint64_t end = grove_now_ns();
    record(c, end);
    if (c->events) {
        grove_event e = event_of(c, GROVE_EVENT_COLLECTION_END, GROVE_PHASE_NONE, end, c->start_ns);
        grove_events_emit(heap, &e);
    }
}
