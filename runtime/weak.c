/* weak.c — weak boxes and ephemerons during a collection (weak.h). */
#include "weak.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "heap.h"
#include "invariant.h"

#define GROVE_WEAK_END SIZE_MAX
#define KEYS_INITIAL 64

/* Fibonacci hashing of the address's significant bits into a table of
 * `cap` (a power of two) entries. */
static size_t key_slot(const void *key, size_t cap)
{
    return (size_t)((((uintptr_t)key >> 3) * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (cap - 1);
}

static grove_weak_key *find_key(grove_weak_state *w, const void *key)
{
    for (size_t i = key_slot(key, w->key_cap);; i = (i + 1) & (w->key_cap - 1))
        if (w->keys[i].key == key || !w->keys[i].key)
            return &w->keys[i];
}

static void *checked_calloc(size_t n, size_t size, const char *what)
{
    void *p = calloc(n, size);
    if (!p)
        grove_fatal("out of memory growing the %s during a collection", what);
    return p;
}

/* Keep the key table at most half full (growth failure is fatal: a
 * collection cannot stop half-way). */
static void reserve_key(grove_weak_state *w)
{
    if (2 * (w->key_count + 1) <= w->key_cap)
        return;
    size_t cap = w->key_cap ? 2 * w->key_cap : KEYS_INITIAL;
    grove_weak_key *old = w->keys;
    size_t old_cap = w->key_cap;
    w->keys = checked_calloc(cap, sizeof *w->keys, "ephemeron key table");
    w->key_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *find_key(w, old[i].key) = old[i];
    free(old);
}

static void add_waiter(grove_weak_state *w, void *key, void *ephemeron)
{
    if (w->waiter_count == w->waiter_cap) {
        size_t cap = w->waiter_cap ? 2 * w->waiter_cap : KEYS_INITIAL;
        grove_weak_waiter *grown = realloc(w->waiters, cap * sizeof *grown);
        if (!grown)
            grove_fatal("out of memory growing the ephemeron waiting list during a collection");
        w->waiters = grown;
        w->waiter_cap = cap;
    }
    uint64_t *hdr = grove__header(key);
    grove_weak_key *k;
    if (*hdr & GROVE__HDR_EPH_KEY) {
        k = find_key(w, key);
        GROVE_ASSERT(k->key == key && k->head != GROVE_WEAK_END,
                     "a key marked as waited on has waiters in the table");
    } else {
        reserve_key(w);
        k = find_key(w, key);
        GROVE_ASSERT(!k->key, "a key not marked as waited on is not in the table");
        *k = (grove_weak_key){.key = key, .head = GROVE_WEAK_END};
        w->key_count++;
        *hdr |= GROVE__HDR_EPH_KEY;
    }
    w->waiters[w->waiter_count] = (grove_weak_waiter){.ephemeron = ephemeron, .next = k->head};
    k->head = w->waiter_count++;
}

static void visit_strong(grove_tracer *t, void **slots, size_t from, size_t words)
{
    for (size_t i = from; i < words; i++)
        if (grove_tracer_wants(t, t->filter, slots[i]))
            t->visit(t, &slots[i]);
}

/* An ephemeron's value is traced once its key is known live; until then it
 * waits on the key. A key the collection does not judge (an immediate, or
 * an old object in a minor GC) is live. */
/* Has a guardian queued `object` in this collection? */
static bool was_queued(const grove_weak_state *w, const void *object)
{
    return w->queued.len && grove_vec_find_sorted(&w->queued, object);
}

/* Key and value NULL: the key died. */
static void break_ephemeron(void **slots, size_t words)
{
    slots[0] = NULL;
    if (words > 1)
        slots[1] = NULL;
}

static void scan_ephemeron(grove_tracer *t, void **slots, size_t words)
{
    grove_weak_state *w = &t->heap->weak;
    void *key = slots[0];
    if (grove_tracer_wants(t, t->filter, key)) {
        if (was_queued(w, key)) {
            break_ephemeron(slots, words);
            visit_strong(t, slots, 2, words);
            return;
        }
        void *now = grove_survivor(t->fast, key, grove_tracer_kind(t));
        if (!now) {
            add_waiter(w, key, slots);
            visit_strong(t, slots, 2, words);
            return;
        }
        slots[0] = now;
        grove_remembered_note_kept(&t->heap->remembered, t, slots, &slots[0]);
    }
    visit_strong(t, slots, 1, words);
}

void grove_weak_scan(grove_tracer *t, void *object, grove_layout layout, size_t words)
{
    void **slots = object;
    grove_weak_state *w = &t->heap->weak;
    if (layout == GROVE_LAYOUT_EPHEMERON) {
        scan_ephemeron(t, slots, words);
        return;
    }
    if (grove_tracer_wants(t, t->filter, slots[0]))
        grove_vec_push(&w->boxes, slots);
    visit_strong(t, slots, 1, words);
}

void grove_weak_key_live(grove_tracer *t, void *key)
{
    grove_weak_state *w = &t->heap->weak;
    grove_weak_key *k = find_key(w, key);
    GROVE_ASSERT(k->key == key, "a key that carried the waited-on bit is in the table");
    for (size_t i = k->head; i != GROVE_WEAK_END; i = w->waiters[i].next)
        grove_worklist_push(t->worklist, w->waiters[i].ephemeron);
    k->head = GROVE_WEAK_END;
}

static void clear_dead_boxes(grove_tracer *t, grove_weak_state *w)
{
    for (size_t i = 0; i < w->boxes.len; i++) {
        void **slot = w->boxes.items[i];
        if (grove_is_immediate(*slot))
            continue; /* recorded twice, cleared the first time */
        *slot = was_queued(w, *slot) ? NULL : grove_survivor(t->fast, *slot, grove_tracer_kind(t));
        grove_remembered_note_kept(&t->heap->remembered, t, slot, slot); /* a box's target is its slot 0 */
    }
    w->boxes.len = 0;
}

/* Every key still waited on is dead: break its ephemerons. */
static void break_waiting(grove_weak_state *w)
{
    for (size_t k = 0; k < w->key_cap; k++) {
        grove_weak_key *key = &w->keys[k];
        if (!key->key)
            continue;
        if (key->head != GROVE_WEAK_END)
            *grove__header(key->key) &= ~GROVE__HDR_EPH_KEY;
        for (size_t i = key->head; i != GROVE_WEAK_END; i = w->waiters[i].next) {
            void **slots = w->waiters[i].ephemeron;
            break_ephemeron(slots, grove_hdr_payload_words(*grove__header(slots)));
        }
    }
    if (w->key_count > w->key_peak)
        w->key_peak = w->key_count;
    if (w->keys)
        memset(w->keys, 0, w->key_cap * sizeof *w->keys);
    w->key_count = 0;
    w->waiter_count = 0;
}

void grove_weak_break_dead(grove_tracer *t, grove_weak_state *w)
{
    GROVE_ASSERT(grove_worklist_empty(t->worklist), "weak slots are judged once tracing is done");
    clear_dead_boxes(t, w);
    break_waiting(w);
}

void grove_weak_queued_are_dead(grove_weak_state *w)
{
    grove_vec_sort(&w->queued);
}

void grove_weak_collection_done(grove_weak_state *w)
{
    w->queued.len = 0;
    /* A table sized for a past peak is not kept for every later collection
     * to clear; decided on this collection's peak, not its last round. */
    if (w->key_cap > 4 * (w->key_peak > KEYS_INITIAL ? w->key_peak : KEYS_INITIAL)) {
        free(w->keys);
        w->keys = NULL;
        w->key_cap = 0;
    }
    w->key_peak = 0;
}

bool grove_weak_idle(const grove_weak_state *w)
{
    return w->boxes.len == 0 && w->key_count == 0 && w->waiter_count == 0 && w->queued.len == 0;
}

void grove_weak_free(grove_weak_state *w)
{
    grove_vec_free(&w->boxes);
    grove_vec_free(&w->queued);
    free(w->waiters);
    free(w->keys);
    *w = (grove_weak_state){0};
}
