/* marking.c — an incremental major GC's slices, its barrier and its
 * invariant (marking.h). */
#include "marking.h"

#include "collector.h"
#include "errors.h"
#include "events.h"
#include "heap.h"
#include "invariant.h"
#include "root_visitors.h"
#include "stats.h"

/* Sweeping a block reads its cell headers only: on binary-trees it took a
 * quarter of the time marking as many bytes did, so it counts as a quarter
 * of its bytes of work. */
#define SWEEP_WORK (GROVE_BLOCK_SIZE / 4)

void grove_marking_free(grove_marking *m)
{
    grove_worklist_free(&m->grey);
    grove_vec_free(&m->weak_objects);
}

/* Mark a white old or large object grey. */
static inline void shade(grove_heap *heap, void *object)
{
    uint64_t *hdr = grove__header(object);
    uint64_t word = *hdr;
    if (word & GROVE__HDR_MARK)
        return;
    *hdr = word | GROVE__HDR_MARK;
    if (grove_old_holds(word))
        grove_old_note_marked(&heap->old, object, word);
    grove_worklist_push(&heap->marking.grey, object);
}

/* A slice's visitor: young objects wait for the final pause. */
static void shade_slot(grove_tracer *t, void **slot)
{
    if (!grove__is_young(t->fast, *slot))
        shade(t->heap, *slot);
}

void grove__shade(grove_heap *heap, void *object, const void *value)
{
    /* A store into an unmarked object needs nothing: if it is reachable,
     * a slice or the final pause scans it later and sees the value. */
    if (grove_is_immediate(value) || !(*grove__header(object) & GROVE__HDR_MARK) ||
        (*grove__header(value) & GROVE__HDR_MARK))
        return;
    if (!grove_heap_claim(heap))
        return;
    shade(heap, (void *)(uintptr_t)value);
    grove_heap_release(heap);
}

static void set_marking(grove_heap *heap, bool on)
{
    heap->fast.marking = on;
    heap->old.marking = on;
}

static size_t old_and_large_bytes(const grove_heap *heap)
{
    return grove_old_space_bytes(&heap->old) + heap->large.bytes;
}

void grove_marking_start(grove_heap *heap)
{
    grove_marking *m = &heap->marking;
    GROVE_ASSERT(heap->in_gc && m->phase == GROVE_CYCLE_IDLE, "a cycle starts from idle, in a GC");
    m->phase = GROVE_CYCLE_SWEEPING;
    m->black_bytes = 0;
    m->held_at_slice = old_and_large_bytes(heap);
    /* Sweeping what waits, then marking at most what the last major GC
     * found live and all promoted or allocated since. */
    m->work_left = (uint64_t)heap->old.waiting * SWEEP_WORK + heap->old.object_bytes +
                   heap->large.bytes;
}

void grove_marking_abandon(grove_heap *heap)
{
    grove_marking *m = &heap->marking;
    GROVE_ASSERT(m->phase == GROVE_CYCLE_SWEEPING, "only a cycle that marks nothing yet is abandoned");
    m->phase = GROVE_CYCLE_IDLE;
}

/* Sweeping: waiting blocks for at most `budget` bytes of work. Then
 * marking starts with the roots, shaded in the same slice. */
static uint64_t sweep_step(grove_heap *heap, grove_tracer *t, uint64_t budget)
{
    size_t blocks = (size_t)(budget / SWEEP_WORK) + 1;
    uint64_t done = (uint64_t)grove_old_sweep_waiting(&heap->old, blocks) * SWEEP_WORK;
    if (!grove_old_sweep_finished(&heap->old))
        return done;
    heap->old.marked_bytes = 0;
    heap->marking.phase = GROVE_CYCLE_MARKING;
    set_marking(heap, true);
    heap->stats.counters.roots_scanned += grove_visit_roots(heap, t);
    return done;
}

/* Marking: scan grey objects until `budget` bytes were scanned. */
static uint64_t mark_step(grove_heap *heap, grove_tracer *t, uint64_t budget)
{
    grove_marking *m = &heap->marking;
    uint64_t done = 0;
    while (done < budget && !grove_worklist_empty(&m->grey)) {
        void *object = grove_worklist_pop(&m->grey);
        uint64_t hdr = *grove__header(object);
        grove_layout layout = t->types[grove_hdr_type(hdr)].layout;
        if (layout == GROVE_LAYOUT_WEAK_BOX || layout == GROVE_LAYOUT_EPHEMERON)
            grove_vec_push(&m->weak_objects, object);
        grove_trace_object(t, object, shade_slot, GROVE_TRACE_ALL);
        done += grove_hdr_words(hdr) * 8;
    }
    return done;
}

static void slice_tracer(grove_heap *heap, grove_tracer *t)
{
    grove_tracer_init(t, heap, shade_slot, GROVE_TRACE_ALL, NULL);
    t->weak = GROVE_WEAK_SKIP;
    t->worklist = &heap->marking.grey;
}

static void slice_event(grove_heap *heap, grove_event_type type, grove_gc_reason reason,
                        uint64_t now, uint64_t since)
{
    grove_event e = {
        .type = type,
        .kind = GROVE_MAJOR,
        .reason = reason,
        .collection = heap->collections,
        .time_ns = now,
        .duration_ns = since ? now - since : 0,
        .heap_bytes = grove_heap_bytes(heap),
    };
    grove_events_emit(heap, &e);
}

bool grove_marking_slice(grove_heap *heap, uint64_t budget, grove_gc_reason reason)
{
    grove_marking *m = &heap->marking;
    GROVE_ASSERT(heap->in_gc && grove_marking_active(m), "a slice runs in a cycle, in a GC");
    bool events = grove_events_wanted(&heap->listeners);
    uint64_t start = grove_now_ns();
    if (events)
        slice_event(heap, GROVE_EVENT_SLICE_START, reason, start, 0);
    grove_tracer t;
    slice_tracer(heap, &t);
    uint64_t done = 0;
    if (m->phase == GROVE_CYCLE_SWEEPING)
        done = sweep_step(heap, &t, budget);
    if (m->phase == GROVE_CYCLE_MARKING && done < budget)
        done += mark_step(heap, &t, budget - done);
    m->work_left = m->work_left > done ? m->work_left - done : 0;
    m->held_at_slice = old_and_large_bytes(heap);
    heap->stats.counters.major_slices++;
    uint64_t end = grove_now_ns();
    grove_pause_record(&heap->stats.major, end - start);
    if (events)
        slice_event(heap, GROVE_EVENT_SLICE_END, reason, end, start);
    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_marking_verify(heap, "after a marking slice");
    return m->phase == GROVE_CYCLE_MARKING && grove_worklist_empty(&m->grey);
}

void grove_marking_hand_over(grove_heap *heap, grove_collection *c)
{
    grove_marking *m = &heap->marking;
    GROVE_ASSERT(m->phase == GROVE_CYCLE_MARKING, "the final pause ends a cycle that marks");
    GROVE_ASSERT(grove_worklist_empty(c->tracer.worklist), "the final pause starts on an empty worklist");
    while (!grove_worklist_empty(&m->grey))
        grove_worklist_push(c->tracer.worklist, grove_worklist_pop(&m->grey));
    for (size_t i = 0; i < m->weak_objects.len; i++) {
        void *object = m->weak_objects.items[i];
        uint64_t hdr = *grove__header(object);
        grove_weak_scan(&c->tracer, object, heap->types.info[grove_hdr_type(hdr)].layout,
                        grove_hdr_payload_words(hdr));
    }
    m->weak_objects.len = 0;
    m->phase = GROVE_CYCLE_IDLE;
    set_marking(heap, false);
}

void grove_marking_promoted(grove_heap *heap, void *copy)
{
    shade(heap, copy);
    heap->marking.black_bytes += grove_hdr_words(*grove__header(copy)) * 8;
}

void grove_marking_allocated(grove_heap *heap, void *object)
{
    if (!heap->fast.marking)
        return;
    uint64_t *hdr = grove__header(object);
    *hdr |= GROVE__HDR_MARK;
    if (grove_old_holds(*hdr))
        grove_old_note_marked(&heap->old, object, *hdr);
    heap->marking.black_bytes += grove_hdr_words(*hdr) * 8;
}

/* ---- verify ---------------------------------------------------------------- */

typedef struct invariant_check {
    const char *when;
    grove_vec grey; /* sorted */
    void *holder;
} invariant_check;

static void check_slot(grove_tracer *t, void **slot)
{
    invariant_check *ic = t->data;
    void *target = *slot;
    if (grove__is_young(t->fast, target) || (*grove__header(target) & GROVE__HDR_MARK))
        return;
    grove_fatal("verify (%s): black object %p (type '%s') slot %td points at white object %p "
                "(type '%s'): the incremental mark would free a live object",
                ic->when, ic->holder, t->heap->types.info[grove_object_type(ic->holder)].name,
                slot - (void **)ic->holder, target,
                t->heap->types.info[grove_object_type(target)].name);
}

static void check_black(void *object, void *data)
{
    grove_tracer *t = data;
    invariant_check *ic = t->data;
    if (!(*grove__header(object) & GROVE__HDR_MARK) || grove_vec_find_sorted(&ic->grey, object))
        return;
    ic->holder = object;
    grove_trace_object(t, object, check_slot, GROVE_TRACE_ALL);
}

void grove_marking_verify(grove_heap *heap, const char *when)
{
    grove_marking *m = &heap->marking;
    if (m->phase != GROVE_CYCLE_MARKING)
        return;
    invariant_check ic = {.when = when};
    for (size_t i = 0; i < m->grey.objects.len; i++)
        grove_vec_push(&ic.grey, m->grey.objects.items[i]);
    grove_vec_sort(&ic.grey);
    grove_tracer t;
    grove_tracer_init(&t, heap, check_slot, GROVE_TRACE_ALL, &ic);
    t.weak = GROVE_WEAK_SKIP;
    grove_old_for_each(&heap->old, check_black, &t);
    grove_large_for_each(&heap->large, check_black, &t);
    grove_vec_free(&ic.grey);
}
