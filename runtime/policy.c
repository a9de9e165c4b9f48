/* policy.c — when to collect, what, and when to return memory (policy.h). */
#include "policy.h"

#include "collector.h"
#include "errors.h"
#include "heap.h"
#include "invariant.h"
#include "stats.h"

/* Incremental cycles start half-way from `held` (after a major GC) to the
 * threshold and are paced to end three quarters of the way: what is
 * promoted during a cycle survives it (floating garbage), so a short cycle
 * keeps the heap near what stop-the-world GCs hold. One the mutator
 * outruns is finished in one pause half that way again past the
 * threshold. */
static void set_cycle_bounds(grove_policy *p, size_t held)
{
    size_t room = p->major_threshold > held ? p->major_threshold - held : 0;
    p->cycle_start = held + room / 2;
    p->cycle_goal = held + room / 4 * 3;
    p->cycle_deadline = p->major_threshold <= SIZE_MAX - room / 2 ? p->major_threshold + room / 2
                                                                 : SIZE_MAX;
}

void grove_policy_init(grove_policy *policy, const grove_config *config)
{
    *policy = (grove_policy){.major_threshold = config->major_min_bytes};
    set_cycle_bounds(policy, 0);
}

static size_t old_and_large_bytes(const grove_heap *heap)
{
    return grove_old_space_bytes(&heap->old) + heap->large.bytes;
}

static bool incremental(const grove_heap *heap)
{
    return heap->config.incremental && !heap->marking.disabled;
}

/* A stop-the-world major GC is due past the threshold; with incremental
 * marking, past the cycle's deadline (the cycle did not keep up). */
static bool major_due(const grove_heap *heap)
{
    size_t held = old_and_large_bytes(heap);
    return held > (incremental(heap) ? heap->policy.cycle_deadline : heap->policy.major_threshold);
}

/* The functions below that take the heap in GC assume in_gc is held. */

/* Does a major GC now finish a marking cycle (and so keep what the cycle
 * found reachable when it started, or allocated since)? */
static bool finishes_cycle(const grove_heap *heap)
{
    return heap->marking.phase == GROVE_CYCLE_MARKING;
}

/* A major GC that finishes a cycle keeps its floating garbage. When that
 * is not good enough (`exact`: the caller was promised everything
 * unreachable is freed; or the nursery's survivors do not fit), a second,
 * stop-the-world one follows. */
static grove_error collect_in_gc(grove_heap *heap, grove_gc_reason reason, bool exact)
{
    grove_young_census census;
    bool took_over = finishes_cycle(heap);
    grove_major_gc(heap, reason, &census);
    if (took_over && (exact || !grove_young_census_fits(heap, &census)))
        grove_major_gc(heap, reason, &census);
    if (grove_young_census_fits(heap, &census)) {
        grove_minor_gc(heap, GROVE_REASON_AFTER_MAJOR); /* verifies after, in verify mode */
        return GROVE_OK;
    }
    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_verify_heap(heap, "after major GC");
    return GROVE_E_OOM;
}

/* grove_collect_major (reason explicit) is exact. */
static grove_error full_collection_in_gc(grove_heap *heap, grove_gc_reason reason)
{
    return collect_in_gc(heap, reason, reason == GROVE_REASON_EXPLICIT);
}

/* The work owed until the next minor GC: at least the configured budget;
 * more if the growth since the last slice, at this rate, would reach the
 * cycle's goal before the work left is done (promoted objects are grey:
 * growth adds work). At most 8 units before the goal, 16 before the
 * threshold, 32 after, a unit being the budget or a quarter of the growth
 * if larger (a nursery that grew promotes more per minor GC: marking
 * must keep the same pace against it). A burst of growth stretches the
 * cycle first, its slices' number next, and only at the deadline does a
 * pause take the rest. */
static uint64_t slice_budget(const grove_heap *heap)
{
    const grove_marking *m = &heap->marking;
    const grove_policy *p = &heap->policy;
    size_t held = old_and_large_bytes(heap);
    double least = (double)heap->config.major_slice_bytes;
    double growth = held > m->held_at_slice ? (double)(held - m->held_at_slice) : 0;
    double unit = growth / GROVE_SLICES_PER_NURSERY > least ? growth / GROVE_SLICES_PER_NURSERY : least;
    double most = unit * (held < p->cycle_goal ? 8 : held < p->major_threshold ? 16 : 32);
    double paced = least;
    if (held >= p->cycle_goal) {
        paced = most;
    } else if (growth > 0) {
        paced = ((double)m->work_left + growth) * growth / (double)(p->cycle_goal - held);
    }
    paced = paced < least ? least : paced > most ? most : paced;
    return paced < (double)UINT64_MAX ? (uint64_t)paced : UINT64_MAX;
}

/* Owe `debt` until the next minor GC, in equal slices: a quarter of it
 * each, but at least the configured budget and at most
 * GROVE_SLICE_MOST_LEAST budgets; spaced evenly over the nursery. */
static void owe(grove_heap *heap, uint64_t debt)
{
    grove_policy *p = &heap->policy;
    uint64_t least = heap->config.major_slice_bytes;
    uint64_t most = least <= UINT64_MAX / GROVE_SLICE_MOST_LEAST ? least * GROVE_SLICE_MOST_LEAST
                                                                 : UINT64_MAX;
    uint64_t piece = debt / GROVE_SLICES_PER_NURSERY;
    piece = piece < least ? least : piece > most ? most : piece;
    uint64_t pieces = debt / piece + (debt % piece != 0);
    GROVE_ASSERT(pieces >= 1, "a debt is at least one budget (slice_budget)");
    size_t nursery = grove_nursery_size(&heap->nursery);
    p->slice_debt = debt;
    p->slice_piece = piece;
    p->slice_spacing = pieces > nursery ? 1 : nursery / (size_t)pieces;
}

/* A slice of what is owed. Returns true if marking is done. */
static bool pay_slice(grove_heap *heap, grove_gc_reason reason)
{
    grove_policy *p = &heap->policy;
    uint64_t piece = p->slice_piece;
    p->slice_debt = p->slice_debt > piece ? p->slice_debt - piece : 0;
    p->next_slice_at = grove_nursery_used(&heap->nursery) + p->slice_spacing;
    grove_nursery_stop_at(&heap->nursery, p->slice_debt ? p->next_slice_at : 0);
    return grove_marking_slice(heap, piece, reason);
}

/* After a minor GC: start a cycle when it is time, else pace the running
 * one (the table in policy.h): the work owed until the next minor GC, a
 * first slice of it now; the final pause when marking is done (here, as
 * the nursery was just emptied), or at once at the deadline. */
static void incremental_step(grove_heap *heap, grove_gc_reason reason)
{
    grove_marking *m = &heap->marking;
    if (major_due(heap)) {
        full_collection_in_gc(heap, GROVE_REASON_OLD_THRESHOLD);
        return;
    }
    if (!grove_marking_active(m)) {
        if (old_and_large_bytes(heap) <= heap->policy.cycle_start)
            return;
        grove_marking_start(heap);
    } else if (grove_marking_done(m)) {
        full_collection_in_gc(heap, GROVE_REASON_MARKING_DONE);
        return;
    }
    owe(heap, slice_budget(heap));
    if (pay_slice(heap, reason))
        full_collection_in_gc(heap, GROVE_REASON_MARKING_DONE);
}

void grove_policy_allocation_slice(grove_heap *heap)
{
    grove_policy *p = &heap->policy;
    if (!p->slice_debt || !grove_marking_active(&heap->marking)) {
        p->slice_debt = 0; /* paid, or the cycle ended: the inline paths run on */
        if (heap->nursery.stop_at)
            grove_nursery_stop_at(&heap->nursery, 0);
        return;
    }
    if (grove_nursery_used(&heap->nursery) < p->next_slice_at)
        return;
    grove_heap_enter_gc(heap);
    if (pay_slice(heap, GROVE_REASON_NURSERY_FULL)) {
        p->slice_debt = 0; /* the final pause waits for the next minor GC */
        grove_nursery_stop_at(&heap->nursery, 0);
    }
    grove_heap_leave_gc(heap);
}

static grove_error make_room_in_gc(grove_heap *heap, grove_gc_reason reason)
{
    if (!grove_minor_gc_fits(heap))
        return full_collection_in_gc(heap, GROVE_REASON_HEAP_LIMIT);
    grove_minor_gc(heap, reason);
    if (incremental(heap))
        incremental_step(heap, reason);
    else if (major_due(heap))
        full_collection_in_gc(heap, GROVE_REASON_OLD_THRESHOLD); /* nothing left to promote */
    return GROVE_OK;
}

grove_error grove_policy_make_room(grove_heap *heap, grove_gc_reason reason)
{
    grove_heap_enter_gc(heap);
    grove_error e = make_room_in_gc(heap, reason);
    grove_heap_leave_gc(heap);
    return e;
}

grove_error grove_policy_full_collection(grove_heap *heap, grove_gc_reason reason)
{
    grove_heap_enter_gc(heap);
    grove_error e = full_collection_in_gc(heap, reason);
    grove_heap_leave_gc(heap);
    return e;
}

void grove_policy_stop_incremental(grove_heap *heap)
{
    heap->marking.disabled = true;
    if (heap->marking.phase == GROVE_CYCLE_MARKING) { /* finished: the barrier will not shade */
        grove_heap_enter_gc(heap);
        collect_in_gc(heap, GROVE_REASON_EXPLICIT, false);
        grove_heap_leave_gc(heap);
    } else if (heap->marking.phase == GROVE_CYCLE_SWEEPING) {
        grove_marking_abandon(heap);
    }
}

/* An allocation outside the nursery found no room even after a full
 * collection: a grown nursery, empty then, gives its share back. */
static void shrink_nursery_for_room(grove_heap *heap)
{
    grove_nursery *n = &heap->nursery;
    if (heap->config.nursery_max_size && grove_nursery_used(n) == 0 &&
        grove_nursery_size(n) > heap->config.nursery_size)
        grove_nursery_resize(n, heap->config.nursery_size);
}

/* Incremental: has old space grown outside minor GCs by a nursery's
 * worth since the last slice (or past the cycle start, with none
 * running)? Large allocations then pace the cycle as minor GCs do. */
static bool grown_outside_nursery(const grove_heap *heap)
{
    size_t held = old_and_large_bytes(heap);
    if (!grove_marking_active(&heap->marking))
        return held > heap->policy.cycle_start;
    return held >= heap->marking.held_at_slice + grove_nursery_size(&heap->nursery);
}

bool grove_policy_room_for_old(grove_heap *heap, size_t growth)
{
    if (major_due(heap) || grove_heap_over_limit(heap, growth)) {
        bool took_over = finishes_cycle(heap);
        grove_policy_full_collection(heap, GROVE_REASON_LARGE_OBJECT);
        if (took_over && grove_heap_over_limit(heap, growth))
            grove_policy_full_collection(heap, GROVE_REASON_LARGE_OBJECT); /* exact */
    } else if (incremental(heap) && grown_outside_nursery(heap)) {
        grove_heap_enter_gc(heap);
        incremental_step(heap, GROVE_REASON_LARGE_OBJECT);
        grove_heap_leave_gc(heap);
    }
    if (grove_heap_over_limit(heap, growth))
        shrink_nursery_for_room(heap);
    return !grove_heap_over_limit(heap, growth);
}

/* A slice out of schedule (a cycle started if none runs), with the least
 * budget: the smallest steps the configuration allows. */
static grove_error slice_now(grove_heap *heap, grove_gc_reason reason)
{
    grove_heap_enter_gc(heap);
    if (!grove_marking_active(&heap->marking))
        grove_marking_start(heap);
    grove_error e = GROVE_OK;
    if (grove_marking_slice(heap, heap->config.major_slice_bytes, reason))
        e = full_collection_in_gc(heap, GROVE_REASON_MARKING_DONE);
    grove_heap_leave_gc(heap);
    return e;
}

/* The nursery is not full here, so a collection that cannot evacuate it is
 * no failure. */
void grove_policy_zeal_tick(grove_heap *heap)
{
    uint64_t n = ++heap->policy.zeal_ticks;
    if (heap->config.zeal_major && n % heap->config.zeal_major == 0)
        grove_policy_full_collection(heap, GROVE_REASON_ZEAL);
    else if (heap->config.zeal_minor && n % heap->config.zeal_minor == 0)
        grove_policy_make_room(heap, GROVE_REASON_ZEAL);
    else if (incremental(heap) && heap->config.zeal_slice && n % heap->config.zeal_slice == 0)
        slice_now(heap, GROVE_REASON_ZEAL);
}

/* Next major GC when old space has grown by the growth factor (at most
 * SIZE_MAX: growth_factor is bounded, the product need not be). After an
 * incremental cycle, what it promoted or allocated while marking was kept
 * unexamined (`black`: floating garbage, mostly): it counts once, not
 * times the growth factor, or the heap would grow with every cycle's. */
static size_t next_threshold(const grove_heap *heap, uint64_t black)
{
    size_t held = old_and_large_bytes(heap);
    size_t seen = held > black ? held - (size_t)black : 0;
    double next = (double)seen * heap->config.growth_factor + (double)(held - seen);
    if (next >= (double)SIZE_MAX)
        return SIZE_MAX;
    size_t floor = heap->config.major_min_bytes;
    return next > (double)floor ? (size_t)next : floor;
}

/* Give freed pages back to the system now when a peak died: this major GC
 * shrank the heap well beyond what one cycle's growth undoes (more than
 * twice the growth factor), and what the sweeps released since the last
 * purge outweighs what the heap holds. A heap in steady state shrinks by
 * about the growth factor at every major GC and grows back before the
 * next: purging then would fault the same pages in again at every cycle
 * (on binary-trees, most of the system time), so its pages are left to
 * jemalloc's decay, which returns those still unused after its period.
 * Counted by the heap itself: deciding reads no process-wide statistics. */
static void return_memory(grove_heap *heap, const grove_collection *c)
{
    size_t held = grove_heap_bytes(heap);
    GROVE_ASSERT(held <= c->heap_bytes_before, "a major GC does not grow the heap");
    grove_policy *p = &heap->policy;
    p->released_since_purge += c->heap_bytes_before - held;
    /* Old and large bytes: the nursery, as big as before, would mask it. */
    size_t nursery = grove_nursery_held(&heap->nursery);
    bool collapsed = (double)(c->heap_bytes_before - nursery) >
                     2 * heap->config.growth_factor * (double)(held - nursery);
    if (collapsed && p->released_since_purge > held) {
        grove_arena_purge(&heap->arena);
        p->released_since_purge = 0;
    } else {
        grove_arena_decay(&heap->arena);
    }
}

/* Could a nursery of `size` bytes be held and its survivors promoted
 * under the heap limit (by the census's cheap bound)? The space a grown
 * nursery takes under max_heap_size must never be what old space needs. */
static bool nursery_affordable(const grove_heap *heap, size_t size)
{
    const grove_nursery *n = &heap->nursery;
    size_t now = grove_nursery_size(n);
    size_t extra = size > now ? (size - now) * (grove_nursery_held(n) / now) : 0;
    return !grove_heap_over_limit(heap, extra + grove_old_growth_bound(size));
}

static size_t halved(const grove_config *cfg, size_t size)
{
    return size / 2 > cfg->nursery_size ? size / 2 : cfg->nursery_size;
}

/* Adaptive nursery (grove_config::nursery_max_size), after a minor GC
 * (the nursery holds only what it kept young, at most half of it; a size
 * that would leave less than half free is not taken): first, under the heap limit, it halves until
 * what a full nursery could promote fits, so a grown nursery never takes
 * old space's room. Then the pause of a minor GC that found the nursery
 * full decides: under half the target it doubles if that is affordable,
 * over the target it halves; the gap between the two keeps it from
 * flapping. Other minor GCs (explicit, zeal, after a major GC) say little
 * about a full nursery's cost. */
static void adapt_nursery(grove_heap *heap, const grove_collection *c)
{
    const grove_config *cfg = &heap->config;
    if (!cfg->nursery_max_size)
        return;
    size_t size = grove_nursery_size(&heap->nursery), next = size;
    while (next > cfg->nursery_size && !nursery_affordable(heap, next))
        next = halved(cfg, next);
    if (next == size && c->reason == GROVE_REASON_NURSERY_FULL) {
        double target = (double)cfg->minor_pause_target_ns;
        double pause = (double)(grove_now_ns() - c->start_ns);
        if (pause > target) {
            next = halved(cfg, size);
        } else if (pause < target / 2 && size < cfg->nursery_max_size) {
            size_t doubled = size <= cfg->nursery_max_size / 2 ? size * 2 : cfg->nursery_max_size;
            if (nursery_affordable(heap, doubled))
                next = doubled;
        }
    }
    if (next != size && grove_nursery_used(&heap->nursery) <= next / 2)
        grove_nursery_resize(&heap->nursery, next);
}

void grove_policy_collection_done(grove_heap *heap, const grove_collection *c)
{
    if (c->plan->kind == GROVE_MINOR) {
        adapt_nursery(heap, c);
        return;
    }
    grove_policy *p = &heap->policy;
    p->major_threshold = next_threshold(heap, heap->marking.black_bytes);
    heap->marking.black_bytes = 0;
    set_cycle_bounds(p, old_and_large_bytes(heap));
    return_memory(heap, c);
}

grove_error grove_policy_fail_nursery_stays(grove_heap *heap)
{
    return grove_fail(heap, GROVE_E_OOM,
                      "heap limit reached: the nursery's survivors do not fit in %zu bytes "
                      "(%zu held after a full collection)",
                      heap->config.max_heap_size, grove_heap_bytes(heap));
}

/* ---- explicit collections ------------------------------------------------ */

typedef enum explicit_kind { EXPLICIT_MINOR, EXPLICIT_MAJOR, EXPLICIT_SLICE } explicit_kind;

static grove_error collect(grove_heap *heap, explicit_kind kind)
{
    static const char *const names[] = {"grove_collect_minor", "grove_collect_major",
                                         "grove_collect_slice"};
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "%s during a collection", names[kind]);
    if (grove_cleanup_refuses(heap, names[kind]))
        return GROVE_E_IN_GC;
    if (kind == EXPLICIT_SLICE && !incremental(heap))
        kind = EXPLICIT_MAJOR;
    grove_error e = kind == EXPLICIT_MINOR   ? grove_policy_make_room(heap, GROVE_REASON_EXPLICIT)
                    : kind == EXPLICIT_MAJOR ? grove_policy_full_collection(heap, GROVE_REASON_EXPLICIT)
                                             : slice_now(heap, GROVE_REASON_EXPLICIT);
    return e == GROVE_OK ? GROVE_OK : grove_policy_fail_nursery_stays(heap);
}

static grove_error claimed_collect(grove_heap *heap, explicit_kind kind)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error e = collect(heap, kind);
    grove_heap_release(heap);
    return e;
}

grove_error grove_collect_minor(grove_heap *heap)
{
    return claimed_collect(heap, EXPLICIT_MINOR);
}

grove_error grove_collect_major(grove_heap *heap)
{
    return claimed_collect(heap, EXPLICIT_MAJOR);
}

grove_error grove_collect_slice(grove_heap *heap)
{
    return claimed_collect(heap, EXPLICIT_SLICE);
}
