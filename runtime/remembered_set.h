/* remembered_set.h — old objects, and cards of old arrays, that may hold
 * pointers into the nursery.
 *
 * Object logging: the barrier logs an old object the first time it gains a
 * young pointer (header bit GROVE__HDR_LOGGED) and pushes it here once.
 * Card marking (cards.h): a store into a carded array whose slot is known
 * marks the slot's card instead, listed here once. A minor GC traces the
 * young slots of every marked card and every logged object as roots, then
 * clears both. Without survivor aging no old object points into the
 * (empty) nursery after it; with aging, the slots it found pointing at a
 * survivor it keeps young are listed as pending while it runs and
 * remembered again once the nursery is reset (grove_remembered_add_pending). */
#ifndef GROVE_REMEMBERED_SET_H
#define GROVE_REMEMBERED_SET_H

#include <grove/grove.h>

#include "cards.h"
#include "large_object_space.h"
#include "old_space.h"
#include "trace.h"
#include "vec.h"

typedef struct grove_remembered_set {
    grove_vec objects;
    grove_vec blocks; /* old-space blocks with marked cards (their `dirty` set) */
    /* Marked cards of large arrays, two items each: the object, and the
     * card's first address. */
    grove_vec cards;
    /* During a minor GC: (object, slot) pairs whose slot was made to point
     * at a survivor kept young. */
    grove_vec pending;
} grove_remembered_set;

static inline void grove_remembered_add(grove_remembered_set *rs, void *object)
{
    *grove__header(object) |= GROVE__HDR_LOGGED;
    grove_vec_push(&rs->objects, object);
}

/* Remember that `slot` of old object `object` gained a young pointer: by
 * its card if the object is carded and the slot one of its own, else by
 * logging the object. */
void grove_remembered_add_slot(grove_remembered_set *rs, void *object, void **slot);

/* A minor GC made `slot` of `holder` point at *slot: if that is a copy it
 * keeps young and `holder` is not one, remember the slot after the
 * collection. */
static GROVE_ALWAYS_INLINE void grove_remembered_note_kept(grove_remembered_set *rs,
                                                           const grove_tracer *t, void *holder,
                                                           void **slot)
{
    if (GROVE_UNLIKELY(grove_tracer_kept_young(t, *slot)) && holder &&
        !grove_tracer_kept_young(t, holder)) {
        grove_vec_push(&rs->pending, holder);
        grove_vec_push(&rs->pending, slot);
    }
}

/* After a minor GC's reset: remember every pending slot that holds a young
 * pointer (by card or by logging its object once), and empty the list. */
void grove_remembered_add_pending(grove_remembered_set *rs, const struct grove__heap_fast *fast);

static inline size_t grove_remembered_count(const grove_remembered_set *rs)
{
    return rs->objects.len;
}

/* Cards marked now (counted: a stats call, or once per minor GC). */
size_t grove_remembered_card_count(const grove_remembered_set *rs);

/* Is an old object of header `hdr` carded (an ARRAY of at least
 * GROVE_CARDED_MIN_PAYLOAD bytes)? */
static inline bool grove_carded(const grove_type_info *types, uint64_t hdr)
{
    return types[grove_hdr_type(hdr)].layout == GROVE_LAYOUT_ARRAY &&
           grove_hdr_payload_words(hdr) * 8 >= GROVE_CARDED_MIN_PAYLOAD;
}

/* The header of an object entering old space or the large-object space
 * (promoted, or born there): `hdr`, with GROVE__HDR_CARDED if it is
 * carded. */
static inline uint64_t grove_carded_header(const grove_type_info *types, uint64_t hdr)
{
    return grove_carded(types, hdr) ? hdr | GROVE__HDR_CARDED : hdr;
}

/* Is `slot` of old object `object` in a marked card of it? */
bool grove_remembered_card_marked(const void *object, void *const *slot);

/* Visit the slots of `object` (carded, header `hdr`) within [lo, hi) that
 * the filter wants. */
static GROVE_ALWAYS_INLINE void grove_trace_carded_range(grove_tracer *t, void *object,
                                                         uint64_t hdr, uintptr_t lo, uintptr_t hi,
                                                         grove_visit_fn visit)
{
    void **from = object, **to = from + grove_hdr_payload_words(hdr);
    t->holder = object;
    if ((uintptr_t)from < lo)
        from = (void **)lo;
    if ((uintptr_t)to > hi)
        to = (void **)hi;
    for (void **s = from; s < to; s++)
        if (grove_tracer_wants(t, GROVE_TRACE_YOUNG, *s))
            visit(t, s);
}

/* Visit the young slots of every carded object of block `b` within card
 * `i`: the card's cells are walked, skipping free cells, dead objects
 * (unmarked in a block waiting for the sweep) and objects logged whole
 * (traced as such). */
static GROVE_ALWAYS_INLINE void grove_trace_block_card(grove_tracer *t, grove_block *b, size_t i,
                                                       grove_visit_fn visit)
{
    uintptr_t lo = grove_block_card_start(b, i), hi = lo + GROVE_CARD_BYTES;
    for (uintptr_t p = grove_block_cell_reaching(b, lo); p < hi && p < b->top; p += b->cell_size) {
        uint64_t *cell = (uint64_t *)p;
        GROVE_ASAN_UNPOISON(cell, 8);
        uint64_t hdr = *cell;
        if (!hdr) {
            GROVE_ASAN_POISON(cell, 8); /* a free cell */
            continue;
        }
        if ((hdr & (GROVE__HDR_CARDED | GROVE__HDR_LOGGED)) == GROVE__HDR_CARDED &&
            grove_block_cell_live(b, cell))
            grove_trace_carded_range(t, cell + 1, hdr, lo, hi, visit);
    }
}

/* Visit, with `visit`, the young slots of every marked card. */
static GROVE_ALWAYS_INLINE void grove_remembered_trace_cards(grove_remembered_set *rs,
                                                             grove_tracer *t,
                                                             grove_visit_fn visit)
{
    for (size_t k = 0; k < rs->blocks.len; k++) {
        grove_block *b = rs->blocks.items[k];
        const uint64_t *words = (const uint64_t *)(const void *)b->cards;
        for (size_t w = 0; w < sizeof b->cards / 8; w++) {
            if (!words[w])
                continue;
            for (size_t i = w * 8; i < w * 8 + 8; i++)
                if (b->cards[i])
                    grove_trace_block_card(t, b, i, visit);
        }
    }
    const grove_vec *cards = &rs->cards;
    for (size_t k = 0; k < cards->len; k += 2) {
        void *object = cards->items[k];
        uint64_t hdr = *grove__header(object);
        uintptr_t card = (uintptr_t)cards->items[k + 1];
        if (!(hdr & GROVE__HDR_LOGGED))
            grove_trace_carded_range(t, object, hdr, card, card + GROVE_CARD_BYTES, visit);
    }
}

/* Unmark every card and empty the card list (a minor GC, after tracing
 * them). */
void grove_remembered_clear_cards(grove_remembered_set *rs);

/* Before a major GC's sweep: keep only the marked logged objects (the
 * others' cells are about to be freed; the kept stay logged), and the
 * cards of the blocks and large objects that survive it. */
void grove_remembered_keep_marked(grove_remembered_set *rs);

/* Empty the object log; the caller has unlogged its objects (a minor GC
 * does, as it scans them). */
static inline void grove_remembered_clear(grove_remembered_set *rs)
{
    rs->objects.len = 0;
}

/* Verify mode: the lists and the marks of `old` and `large` agree, and
 * GROVE__HDR_CARDED is on exactly the carded objects of old space (the
 * invariants of cards.h). Aborts with a message saying `when` otherwise. */
void grove_remembered_verify_cards(const grove_remembered_set *rs, grove_old_space *old,
                                   grove_large_space *large, const grove_type_info *types,
                                   const char *when);

void grove_remembered_free(grove_remembered_set *rs);

#endif
