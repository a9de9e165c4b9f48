/* policy.c — when to collect, what, and when to return memory (policy.h). */
#include "policy.h"

#include "collector.h"
#include "errors.h"
#include "heap.h"
#include "invariant.h"
#include "stats.h"

void grove_policy_init(grove_policy *policy, const grove_config *config)
{
    *policy = (grove_policy){.major_threshold = config->major_min_bytes};
}

static size_t old_and_large_bytes(const grove_heap *heap)
{
    return grove_old_space_bytes(&heap->old) + heap->large.bytes;
}

static bool major_due(const grove_heap *heap)
{
    return old_and_large_bytes(heap) > heap->policy.major_threshold;
}

/* The functions below that take the heap in GC assume in_gc is held. */

static grove_error full_collection_in_gc(grove_heap *heap, grove_gc_reason reason)
{
    grove_young_census census;
    grove_major_gc(heap, reason, &census);
    if (grove_young_census_fits(heap, &census)) {
        grove_minor_gc(heap, GROVE_REASON_AFTER_MAJOR); /* verifies after, in verify mode */
        return GROVE_OK;
    }
    if (heap->config.debug & GROVE_DEBUG_VERIFY)
        grove_verify_heap(heap, "after major GC");
    return GROVE_E_OOM;
}

static grove_error make_room_in_gc(grove_heap *heap, grove_gc_reason reason)
{
    if (!grove_minor_gc_fits(heap))
        return full_collection_in_gc(heap, GROVE_REASON_HEAP_LIMIT);
    grove_minor_gc(heap, reason);
    if (major_due(heap))
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

/* An allocation outside the nursery found no room even after a full
 * collection: a grown nursery, empty then, gives its share back. */
static void shrink_nursery_for_room(grove_heap *heap)
{
    grove_nursery *n = &heap->nursery;
    if (heap->config.nursery_max_size && grove_nursery_used(n) == 0 &&
        grove_nursery_size(n) > heap->config.nursery_size)
        grove_nursery_resize(n, heap->config.nursery_size);
}

bool grove_policy_room_for_old(grove_heap *heap, size_t growth)
{
    if (major_due(heap) || grove_heap_over_limit(heap, growth))
        grove_policy_full_collection(heap, GROVE_REASON_LARGE_OBJECT);
    if (grove_heap_over_limit(heap, growth))
        shrink_nursery_for_room(heap);
    return !grove_heap_over_limit(heap, growth);
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
}

/* Next major GC when old space has grown by the growth factor (at most
 * SIZE_MAX: growth_factor is bounded, the product need not be). */
static size_t next_threshold(const grove_heap *heap)
{
    double next = (double)old_and_large_bytes(heap) * heap->config.growth_factor;
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
    heap->policy.major_threshold = next_threshold(heap);
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

static grove_error collect(grove_heap *heap, grove_collection_kind kind)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "grove_collect_%s during a collection",
                            kind == GROVE_MINOR ? "minor" : "major");
    if (grove_cleanup_refuses(heap, kind == GROVE_MINOR ? "grove_collect_minor"
                                                         : "grove_collect_major"))
        return GROVE_E_IN_GC;
    grove_error e = kind == GROVE_MINOR ? grove_policy_make_room(heap, GROVE_REASON_EXPLICIT)
                                        : grove_policy_full_collection(heap, GROVE_REASON_EXPLICIT);
    return e == GROVE_OK ? GROVE_OK : grove_policy_fail_nursery_stays(heap);
}

static grove_error claimed_collect(grove_heap *heap, grove_collection_kind kind)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error e = collect(heap, kind);
    grove_heap_release(heap);
    return e;
}

grove_error grove_collect_minor(grove_heap *heap)
{
    return claimed_collect(heap, GROVE_MINOR);
}

grove_error grove_collect_major(grove_heap *heap)
{
    return claimed_collect(heap, GROVE_MAJOR);
}
