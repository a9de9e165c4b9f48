/* minor_gc.c — evacuating the nursery into old space.
 *
 * Cheney-style: every young object reachable from the roots or from a
 * remembered old object is copied to an old-space cell, its nursery header
 * replaced by a forwarding pointer, and the copy queued on the worklist;
 * the drain traces each copy's slots the same way. The worklist is an
 * explicit array, so object depth never touches the C stack.
 *
 * Invariants on exit: the nursery is empty, every slot that pointed into
 * it points to the copy, and the remembered set is empty (every survivor
 * is old, so no old object points into the nursery). Dead young objects
 * cost nothing: they are never visited. */
#include <string.h>

#include "collector.h"
#include "heap.h"
#include "identity.h"
#include "invariant.h"

/* Survivors are mostly a few words: a copy of constant size compiles to a
 * few moves, where the call to memcpy cost more than the copy. */
static GROVE_ALWAYS_INLINE void copy_object(uint64_t *to, const uint64_t *from, size_t bytes)
{
    switch (bytes / 8) {
    case 2: memcpy(to, from, 16); return;
    case 3: memcpy(to, from, 24); return;
    case 4: memcpy(to, from, 32); return;
    case 5: memcpy(to, from, 40); return;
    case 6: memcpy(to, from, 48); return;
    default: memcpy(to, from, bytes); return;
    }
}

/* Start fetching the headers of the young objects a record or array
 * points to (an array's first `max_array` slots): evacuate's costliest
 * instruction is the load of a young header, a cache miss, and asking for
 * several before the first is needed overlaps them. Called on an object
 * about to be scanned (a remembered one), or just copied: the depth-first
 * drain scans a copy soon after. (The major GC's mark tried the same, on
 * marking and before scanning: binary-trees' major time got worse, 0.78 s
 * -> 1.13 and 0.97 s.) */
static GROVE_ALWAYS_INLINE void prefetch_young_targets(const grove_tracer *t, void *const *slots,
                                                       uint64_t hdr, size_t max_array)
{
    const grove_type_info *info = &t->types[grove_hdr_type(hdr)];
    size_t words = grove_hdr_payload_words(hdr);
    if (info->layout == GROVE_LAYOUT_RECORD) {
        for (uint64_t map = grove_record_map(info, words); map; map &= map - 1)
            if (grove_tracer_wants(t, GROVE_TRACE_YOUNG, slots[__builtin_ctzll(map)]))
                __builtin_prefetch(grove__header(slots[__builtin_ctzll(map)]));
    } else if (info->layout == GROVE_LAYOUT_ARRAY) {
        size_t n = words < max_array ? words : max_array;
        for (size_t i = 0; i < n; i++)
            if (grove_tracer_wants(t, GROVE_TRACE_YOUNG, slots[i]))
                __builtin_prefetch(grove__header(slots[i]));
    }
}

/* Copy a hashed object with one more word holding its hash, which was
 * derived from the address it leaves. Returns the copy's header. */
static GROVE_NOINLINE uint64_t *copy_hashed(grove_tracer *t, uint64_t *hdr, size_t bytes)
{
    uint64_t *cell = grove_old_alloc(&t->heap->old, bytes + 8);
    memcpy(cell, hdr, bytes);
    cell[bytes / 8] = grove_hash_address((uintptr_t)(hdr + 1));
    cell[0] = (cell[0] & ~GROVE__HDR_HASHED & ~((uint64_t)-1 << GROVE__HDR_SIZE_SHIFT)) |
              GROVE__HDR_HASH_WORD | ((uint64_t)(bytes / 8 + 1) << GROVE__HDR_SIZE_SHIFT);
    return cell;
}

/* evacuate() for an object that is hashed or waited on by ephemerons. */
static GROVE_NOINLINE void evacuate_flagged(grove_tracer *t, void **slot, uint64_t *hdr,
                                            uint64_t word)
{
    size_t bytes = grove_hdr_words(word) * 8;
    uint64_t *cell;
    if (word & GROVE__HDR_HASHED) {
        cell = copy_hashed(t, hdr, bytes);
        ((grove_collection *)t->data)->bytes_promoted += bytes + 8;
    } else {
        cell = grove_old_alloc(&t->heap->old, bytes);
        memcpy(cell, hdr, bytes);
        ((grove_collection *)t->data)->bytes_promoted += bytes;
    }
    cell[0] = grove_carded_header(t->types, cell[0]);
    void *copy = cell + 1;
    *hdr = (uint64_t)(uintptr_t)copy;
    *slot = copy;
    grove_worklist_push(t->worklist, copy);
    if (word & GROVE__HDR_EPH_KEY) {
        cell[0] &= ~GROVE__HDR_EPH_KEY;
        grove_weak_key_live(t, hdr + 1); /* waiters know it by its nursery address */
    }
}

/* A young pointer in *slot: forward it, copying the object if first seen. */
static void evacuate(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    uint64_t word = *hdr;
    if (grove_hdr_is_forward(word)) {
        *slot = (void *)(uintptr_t)word;
        return;
    }
    if (GROVE_UNLIKELY(word & (GROVE__HDR_HASHED | GROVE__HDR_EPH_KEY))) {
        evacuate_flagged(t, slot, hdr, word);
        return;
    }
    size_t bytes = grove_hdr_words(word) * 8;
    uint64_t *cell = grove_old_alloc(&t->heap->old, bytes);
    copy_object(cell, hdr, bytes);
    if (GROVE_UNLIKELY(bytes >= GROVE_CARDED_MIN_PAYLOAD + 8))
        cell[0] = grove_carded_header(t->types, word);
    void *copy = cell + 1;
    *hdr = (uint64_t)(uintptr_t)copy;
    *slot = copy;
    /* From the original, in cache; the copy's lines may still be coming. */
    prefetch_young_targets(t, (void *const *)(hdr + 1), word, 16);
    grove_worklist_push(t->worklist, copy);
    ((grove_collection *)t->data)->bytes_promoted += bytes;
}

/* Remembered set: the young slots of every marked card, then of every
 * logged old object, are forwarded; the set is empty, no card is marked and
 * no object is logged. */
static void scan_remembered(grove_collection *c)
{
    grove_heap *heap = c->heap;
    heap->stats.counters.remembered_cards_scanned += grove_remembered_card_count(&heap->remembered);
    grove_remembered_trace_cards(&heap->remembered, &c->tracer, evacuate);
    grove_remembered_clear_cards(&heap->remembered);
    grove_vec *log = &heap->remembered.objects;
    for (size_t i = 0; i < log->len; i++) {
        void *object = log->items[i];
        if (i + 1 < log->len)
            __builtin_prefetch(grove__header(log->items[i + 1]));
        uint64_t *hdr = grove__header(object);
        *hdr &= ~GROVE__HDR_LOGGED;
        prefetch_young_targets(&c->tracer, object, *hdr, GROVE_MAX_SMALL_PAYLOAD / 8);
        grove_trace_object(&c->tracer, object, evacuate, GROVE_TRACE_YOUNG);
    }
    heap->stats.counters.remembered_objects_scanned += log->len;
    grove_remembered_clear(&heap->remembered);
}

/* Drain: every young object reachable from a root or an old object has
 * been copied, and every copy's slots point at copies. */
static void drain(grove_collection *c)
{
    grove_drain(&c->tracer, evacuate, GROVE_TRACE_YOUNG, SIZE_MAX);
}

/* Reset: the nursery is empty and allocation starts again at its start. */
static void reset_nursery(grove_collection *c)
{
    grove_heap *heap = c->heap;
    heap->stats.counters.bytes_allocated += grove_nursery_used(&heap->nursery);
    grove_nursery_reset(&heap->nursery);
    heap->hashed_young = 0;
    GROVE_ASSERT(grove_nursery_used(&heap->nursery) == 0, "the nursery is empty after a minor GC");
    GROVE_ASSERT(grove_remembered_count(&heap->remembered) == 0 &&
                     grove_remembered_card_count(&heap->remembered) == 0,
                 "the remembered set is empty after a minor GC");
}

static const grove_plan minor_plan = {
    .kind = GROVE_MINOR,
    .filter = GROVE_TRACE_YOUNG,
    .visit = evacuate,
    .remembered = scan_remembered,
    .drain = drain,
    .reset = reset_nursery,
};

void grove_minor_gc(grove_heap *heap, grove_gc_reason reason)
{
    GROVE_ASSERT(heap->in_gc, "the caller holds in_gc");
    bool verify = heap->config.debug & GROVE_DEBUG_VERIFY;
    if (verify)
        grove_verify_remembered(heap);
    grove_collection c;
    grove_collection_run(heap, &minor_plan, reason, &c);
    if (verify)
        grove_verify_heap(heap, "after minor GC");
}
