/* minor_gc.c — evacuating the nursery into old space, or into its next
 * region for survivors that stay young (survivor aging).
 *
 * Cheney-style: every young object reachable from the roots or from a
 * remembered old object is copied, its nursery header replaced by a
 * forwarding pointer, and the copy queued on the worklist; the drain
 * traces each copy's slots the same way. A survivor younger than
 * grove_config::survivor_age is copied to the start of the nursery's other
 * region, one minor GC older (header bits 60-63), while that room (half
 * the region) lasts; every other survivor goes to an old-space cell, age
 * 0. The worklist is an explicit array, so object depth never touches the
 * C stack.
 *
 * Invariants on exit: the nursery holds only the survivors kept young,
 * every slot that pointed into it points to the copy, and the remembered
 * set holds exactly the slots of old objects (found by tracing them:
 * remembered, promoted, or weak) that now point at a survivor kept young.
 * Without aging it is empty. Dead young objects cost nothing: they are
 * never visited. */
#include <string.h>

#include "collector.h"
#include "heap.h"
#include "identity.h"
#include "invariant.h"
#include "poison.h"

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

/* Room for `bytes` among the survivors kept young, or NULL: the object is
 * old enough to be promoted, or that room is full. Survivors are copied
 * there in the order found, so the next nursery region stays dense. */
static GROVE_ALWAYS_INLINE uint64_t *keep_young(grove_tracer *t, uint64_t word, size_t bytes)
{
    grove_collection *c = t->data;
    if (grove_hdr_age(word) >= c->max_age || c->kept_limit - t->kept_end < bytes)
        return NULL;
    uint64_t *cell = (uint64_t *)t->kept_end;
    t->kept_end += bytes;
    GROVE_ASAN_UNPOISON(cell, bytes);
    c->bytes_kept_young += bytes;
    return cell;
}

/* The header of a copy: one minor GC older if kept young; in old space,
 * age 0 and carded if it is a large enough array. */
static GROVE_ALWAYS_INLINE uint64_t copy_header(const grove_tracer *t, uint64_t word, bool kept)
{
    return kept ? word + GROVE__HDR_AGE_ONE
                : grove_carded_header(t->types, word & ~GROVE__HDR_AGE_MASK);
}

/* The new home of a young object of `bytes` bytes (header `word`): kept
 * young, or promoted (counted). */
static GROVE_ALWAYS_INLINE uint64_t *destination(grove_tracer *t, uint64_t word, size_t bytes,
                                                 bool *kept)
{
    uint64_t *cell = keep_young(t, word, bytes);
    *kept = cell != NULL;
    if (cell)
        return cell;
    ((grove_collection *)t->data)->bytes_promoted += bytes;
    return grove_old_alloc(&t->heap->old, bytes);
}

/* A slot now holding `copy`: an old holder's slot pointing at a survivor
 * kept young is remembered after the collection. */
static GROVE_ALWAYS_INLINE void forwarded(grove_tracer *t, void **slot, void *copy)
{
    *slot = copy;
    grove_remembered_note_kept(&t->heap->remembered, t, t->holder, slot);
}

/* While an incremental cycle marks, a copy promoted is grey: its slots
 * were written without the barrier's shading (marking.h). */
static GROVE_ALWAYS_INLINE void promoted_during_marking(grove_tracer *t, void *copy, bool kept)
{
    if (GROVE_UNLIKELY(t->fast->marking) && !kept)
        grove_marking_promoted(t->heap, copy);
}

/* evacuate() for an object that is hashed or waited on by ephemerons. A
 * hashed object moves with one more word holding its hash, which was
 * derived from the address it leaves. */
static GROVE_NOINLINE void evacuate_flagged(grove_tracer *t, void **slot, uint64_t *hdr,
                                            uint64_t word)
{
    size_t bytes = grove_hdr_words(word) * 8;
    size_t moved = word & GROVE__HDR_HASHED ? bytes + 8 : bytes;
    bool kept;
    uint64_t *cell = destination(t, word, moved, &kept);
    memcpy(cell, hdr, bytes);
    if (word & GROVE__HDR_HASHED) {
        cell[bytes / 8] = grove_hash_address((uintptr_t)(hdr + 1));
        word = (word & ~GROVE__HDR_HASHED &
                ~(GROVE_MAX_OBJECT_WORDS << GROVE__HDR_SIZE_SHIFT)) |
               GROVE__HDR_HASH_WORD | ((uint64_t)(moved / 8) << GROVE__HDR_SIZE_SHIFT);
    }
    cell[0] = copy_header(t, word & ~GROVE__HDR_EPH_KEY, kept);
    void *copy = cell + 1;
    *hdr = (uint64_t)(uintptr_t)copy;
    forwarded(t, slot, copy);
    promoted_during_marking(t, copy, kept);
    grove_worklist_push_reserved(t->worklist, copy);
    if (word & GROVE__HDR_EPH_KEY)
        grove_weak_key_live(t, hdr + 1); /* waiters know it by its nursery address */
}

/* A young pointer in *slot: forward it, copying the object if first seen. */
static void evacuate(grove_tracer *t, void **slot)
{
    uint64_t *hdr = grove__header(*slot);
    uint64_t word = *hdr;
    if (grove_hdr_is_forward(word)) {
        forwarded(t, slot, (void *)(uintptr_t)word);
        return;
    }
    if (GROVE_UNLIKELY(word & (GROVE__HDR_HASHED | GROVE__HDR_EPH_KEY))) {
        evacuate_flagged(t, slot, hdr, word);
        return;
    }
    size_t bytes = grove_hdr_words(word) * 8;
    bool kept;
    uint64_t *cell = destination(t, word, bytes, &kept);
    copy_object(cell, hdr, bytes);
    if (GROVE_UNLIKELY(kept || (word & GROVE__HDR_AGE_MASK) ||
                       bytes >= GROVE_CARDED_MIN_PAYLOAD + 8))
        cell[0] = copy_header(t, word, kept);
    void *copy = cell + 1;
    *hdr = (uint64_t)(uintptr_t)copy;
    forwarded(t, slot, copy);
    promoted_during_marking(t, copy, kept);
    /* From the original, in cache; the copy's lines may still be coming. */
    prefetch_young_targets(t, (void *const *)(hdr + 1), word, 16);
    grove_worklist_push_reserved(t->worklist, copy);
}

/* Remembered set: the young slots of every marked card, then of every
 * logged old object, are forwarded; the set is empty, no card is marked and
 * no object is logged. */
static void scan_remembered(grove_collection *c)
{
    grove_heap *heap = c->heap;
    heap->stats.counters.remembered_cards_scanned += grove_remembered_card_count(&heap->remembered);
    grove_remembered_trace_cards(&heap->remembered, &c->tracer, evacuate);
    c->tracer.holder = NULL;
    grove_remembered_clear_cards(&heap->remembered);
    grove_vec *log = &heap->remembered.objects;
    for (size_t i = 0; i < log->len; i++) {
        void *object = log->items[i];
        if (i + 1 < log->len)
            __builtin_prefetch(grove__header(log->items[i + 1]));
        uint64_t *hdr = grove__header(object);
        *hdr &= ~GROVE__HDR_LOGGED;
        prefetch_young_targets(&c->tracer, object, *hdr, GROVE_MAX_SMALL_PAYLOAD / 8);
        c->tracer.holder = object;
        grove_trace_object(&c->tracer, object, evacuate, GROVE_TRACE_YOUNG);
    }
    c->tracer.holder = NULL;
    heap->stats.counters.remembered_objects_scanned += log->len;
    grove_remembered_clear(&heap->remembered);
}

/* Drain: every young object reachable from a root or an old object has
 * been copied, and every copy's slots point at copies. */
static void drain(grove_collection *c)
{
    grove_drain(&c->tracer, evacuate, GROVE_TRACE_YOUNG, SIZE_MAX);
}

/* Begin: where survivors kept young go, and up to which age. Collections
 * that must empty the nursery (after a major GC, to pin an object) promote
 * every survivor. The worklist reserves a slot per object the nursery can
 * hold (each takes grove__object_bytes(0) at least), so evacuate pushes
 * each copy unchecked. */
static void begin(grove_collection *c)
{
    grove_heap *heap = c->heap;
    grove_worklist_reserve(&heap->worklist,
                           grove_nursery_used(&heap->nursery) / grove__object_bytes(0));
    bool promote_all = c->reason == GROVE_REASON_AFTER_MAJOR || c->reason == GROVE_REASON_PIN;
    c->max_age = promote_all ? 0 : heap->config.survivor_age;
    grove_nursery_survivor_space(&heap->nursery, &c->tracer.kept_start, &c->kept_limit);
    c->tracer.kept_end = c->tracer.kept_start;
    if (c->max_age == 0)
        c->kept_limit = c->tracer.kept_start;
}

/* Reset: the nursery holds only the survivors kept young, and allocation
 * resumes after them; the slots found pointing at them are remembered. */
static void reset_nursery(grove_collection *c)
{
    grove_heap *heap = c->heap;
    size_t kept = c->tracer.kept_end - c->tracer.kept_start;
    grove_worklist_reserve(&heap->worklist, 0);
    heap->stats.counters.bytes_allocated += grove_nursery_allocated(&heap->nursery);
    grove_nursery_reset(&heap->nursery, kept);
    heap->hashed_young = 0;
    GROVE_ASSERT(grove_nursery_used(&heap->nursery) == kept,
                 "the nursery holds only what the minor GC kept young");
    GROVE_ASSERT(grove_remembered_count(&heap->remembered) == 0 &&
                     grove_remembered_card_count(&heap->remembered) == 0,
                 "the remembered set is empty before the slots kept young are added");
    grove_remembered_add_pending(&heap->remembered, &heap->fast);
    GROVE_ASSERT(kept || (grove_remembered_count(&heap->remembered) == 0 &&
                          grove_remembered_card_count(&heap->remembered) == 0),
                 "with nothing kept young, the remembered set is empty after a minor GC");
}

static const grove_plan minor_plan = {
    .kind = GROVE_MINOR,
    .filter = GROVE_TRACE_YOUNG,
    .visit = evacuate,
    .begin = begin,
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
    if (verify) {
        grove_verify_heap(heap, "after minor GC");
        grove_marking_verify(heap, "after minor GC");
    }
}
