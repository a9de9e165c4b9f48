/* verify.c — checking the heap's invariants in GROVE_DEBUG_VERIFY mode.
 *
 * Before a minor GC: every old object with a slot pointing into the nursery
 * is logged in the remembered set, or the slot is in a marked card of a
 * carded array; the card list and the card bits agree; and every young
 * pointer (from a root or an old object) points at the start of a nursery
 * object.
 * After any GC: everything reachable from the roots is a valid old or large
 * object of a registered type (or a nursery object, if a major GC could not
 * evacuate the nursery); nothing points into an evacuated nursery, whose
 * remembered set is then empty.
 * Both: the nursery's ages (kept survivors 1 to survivor_age, the rest 0),
 * and after a GC that no reachable old or large object has an age.
 * A violation aborts with a message naming the object and the slot. */
#include "errors.h"
#include "heap.h"
#include "identity.h"
#include "invariant.h"
#include "root_visitors.h"
#include "trace.h"

typedef struct verify_state {
    const char *when;
    void *holder;        /* object whose slots are being checked; NULL: a root */
    grove_vec nursery;   /* sorted nursery object payloads */
    grove_vec blocks;    /* sorted old-space blocks */
    grove_vec large;     /* sorted large payloads */
    grove_vec work;
} verify_state;

static const char *type_name(const grove_heap *heap, const void *object)
{
    grove_type_id t = grove_object_type(object);
    return t < heap->types.count ? heap->types.info[t].name : "(invalid type)";
}

_Noreturn static void violation(grove_tracer *t, void **slot, const char *what)
{
    verify_state *v = t->data;
    if (v->holder)
        grove_fatal("verify (%s): object %p of type '%s', slot %zu, holds %p: %s", v->when,
                    v->holder, type_name(t->heap, v->holder),
                    (size_t)(slot - (void **)v->holder), *slot, what);
    grove_fatal("verify (%s): root slot %p holds %p: %s", v->when, (void *)slot, *slot, what);
}

/* Lists the nursery's objects and checks their ages: the survivors the
 * last minor GC kept young, at the start, have survived 1 to survivor_age
 * minor GCs; the objects allocated since, none. */
static void collect_nursery_objects(grove_heap *heap, grove_vec *out, const char *when)
{
    const grove_nursery *n = &heap->nursery;
    for (uintptr_t p = n->start; p < heap->fast.alloc_ptr;) {
        uint64_t hdr = *(uint64_t *)p;
        grove_vec_push(out, (uint64_t *)p + 1);
        size_t words = grove_hdr_words(hdr);
        if (words == 0)
            grove_fatal("verify (%s): nursery object at %p has size 0", when, (void *)p);
        unsigned age = grove_hdr_age(hdr);
        bool kept = p < n->kept_end;
        if (kept ? age == 0 || age > heap->config.survivor_age : age != 0)
            grove_fatal("verify (%s): nursery object %p of type '%s' has age %u, %s", when,
                        (void *)((uint64_t *)p + 1), type_name(heap, (uint64_t *)p + 1), age,
                        kept ? "kept young by the last minor GC (1 to survivor_age expected)"
                             : "allocated since the last minor GC (0 expected)");
        p += words * 8;
    }
}

/* ---- before a minor GC ---------------------------------------------------- */

static void check_young(grove_tracer *t, void **slot)
{
    verify_state *v = t->data;
    if (!grove_vec_find_sorted(&v->nursery, *slot))
        violation(t, slot, "points into the nursery but not at an object");
    if (v->holder && !(*grove__header(v->holder) & GROVE__HDR_LOGGED) &&
        !grove_remembered_card_marked(v->holder, slot))
        violation(t, slot, "old-to-young pointer missing from the remembered set "
                           "(a store without grove_write or grove_barrier)");
}

static void check_old_object(void *object, void *data)
{
    grove_tracer *t = data;
    ((verify_state *)t->data)->holder = object;
    grove_trace_object(t, object, check_young, GROVE_TRACE_YOUNG);
}

void grove_verify_remembered(grove_heap *heap)
{
    GROVE_ASSERT(heap->in_gc, "verify runs visitors: the caller holds in_gc");
    verify_state v = {.when = "before minor GC"};
    collect_nursery_objects(heap, &v.nursery, v.when);
    grove_tracer t;
    grove_tracer_init(&t, heap, check_young, GROVE_TRACE_YOUNG, &v);
    grove_visit_roots(heap, &t);
    grove_old_for_each(&heap->old, check_old_object, &t);
    grove_large_for_each(&heap->large, check_old_object, &t);
    grove_remembered_verify_cards(&heap->remembered, &heap->old, &heap->large, heap->types.info,
                                  v.when);
    grove_vec_free(&v.nursery);
}

/* ---- after a GC ------------------------------------------------------------ */

/* Where a reachable object is: young, large, or old; aborts if nowhere. */
typedef enum { IN_NURSERY, IN_LARGE, IN_OLD } object_place;

static object_place locate(grove_tracer *t, void **slot)
{
    verify_state *v = t->data;
    void *p = *slot;
    if (grove__is_young(t->fast, p)) {
        if (!v->nursery.len)
            violation(t, slot, "points into the evacuated nursery (a stale pointer)");
        if (!grove_vec_find_sorted(&v->nursery, p))
            violation(t, slot, "points into the nursery but not at an object");
        return IN_NURSERY;
    }
    const grove_nursery *n = &t->heap->nursery;
    if (n->spare && (uintptr_t)p - n->spare < grove_nursery_size(n))
        violation(t, slot, "points into the evacuated nursery (a stale pointer)");
    if (grove_vec_find_sorted(&v->large, p))
        return IN_LARGE;
    if (grove_old_contains_object(&v->blocks, p))
        return IN_OLD;
    const grove_block *b = grove_vec_find_sorted(&v->blocks, grove_block_of(p));
    if (b && b->unswept)
        violation(t, slot, "points at an object the last major GC did not mark "
                           "(its block waits for the lazy sweep, which would free it)");
    violation(t, slot, "not an object in old space or the large-object space");
}

static void check_reachable(grove_tracer *t, void **slot)
{
    verify_state *v = t->data;
    void *p = *slot;
    object_place where = locate(t, slot);
    bool waits_for_sweep = where == IN_OLD && grove_block_of(p)->unswept;
    uint64_t *hdr = grove__header(p);
    if (grove_hdr_type(*hdr) >= t->heap->types.count)
        violation(t, slot, "object header has an unknown type id");
    if (where != IN_NURSERY && grove_hdr_age(*hdr))
        violation(t, slot, "an old object has a nonzero age (promotion clears it)");
    /* Marks are cleared by the sweep, which has not reached every block
     * yet; an incremental cycle's marks stay until its final pause. */
    bool cycle_marks = where != IN_NURSERY && t->heap->marking.phase == GROVE_CYCLE_MARKING;
    if ((*hdr & GROVE__HDR_MARK) && !waits_for_sweep && !cycle_marks)
        violation(t, slot, "object left marked after the collection");
    /* Old objects stay logged only while the nursery they point into does. */
    if ((*hdr & GROVE__HDR_LOGGED) && !v->nursery.len)
        violation(t, slot, "object left logged after the nursery was evacuated");
    if (!(*hdr & GROVE__HDR_VISITED)) {
        *hdr |= GROVE__HDR_VISITED;
        grove_vec_push(&v->work, p);
    }
}

static void clear_visited(void *object, void *data)
{
    (void)data;
    *grove__header(object) &= ~GROVE__HDR_VISITED;
}

/* ---- identity hashes and pins ----------------------------------------------- */

void grove_verify_note_hash(grove_heap *heap, void *object, uint64_t hash)
{
    grove_vec_push(&heap->hash_shadow, object);
    grove_vec_push(&heap->hash_shadow_values, (void *)(uintptr_t)hash);
}

void grove_verify_hashes_after_trace(grove_heap *heap, grove_collection_kind kind)
{
    grove_vec *objects = &heap->hash_shadow, *hashes = &heap->hash_shadow_values;
    size_t kept = 0;
    for (size_t i = 0; i < objects->len; i++) {
        void *now = grove_survivor(&heap->fast, objects->items[i], kind);
        if (!now)
            continue;
        objects->items[kept] = now;
        hashes->items[kept++] = hashes->items[i];
    }
    objects->len = hashes->len = kept;
}

static void check_hashes_and_pins(grove_heap *heap, const char *when)
{
    const grove_vec *objects = &heap->hash_shadow, *hashes = &heap->hash_shadow_values;
    for (size_t i = 0; i < objects->len; i++) {
        uint64_t now = grove_hash_of(objects->items[i]), then = (uint64_t)(uintptr_t)hashes->items[i];
        if (now != then)
            grove_fatal("verify (%s): object %p of type '%s' had identity hash %#llx, now %#llx",
                        when, objects->items[i], type_name(heap, objects->items[i]),
                        (unsigned long long)then, (unsigned long long)now);
    }
    const grove_pins *pins = &heap->pins;
    for (size_t i = 0; i < pins->cap; i++)
        if (pins->entries[i].object && grove__is_young(&heap->fast, pins->entries[i].object))
            grove_fatal("verify (%s): pinned object %p is in the nursery", when,
                        pins->entries[i].object);
}

void grove_verify_heap(grove_heap *heap, const char *when)
{
    GROVE_ASSERT(heap->in_gc, "verify runs visitors: the caller holds in_gc");
    verify_state v = {.when = when};
    /* A major GC that could not evacuate the nursery leaves it populated. */
    collect_nursery_objects(heap, &v.nursery, v.when);
    size_t logged = grove_remembered_count(&heap->remembered);
    if (!v.nursery.len && logged)
        grove_fatal("verify (%s): remembered set holds %zu objects with an empty nursery", when,
                    logged);
    size_t cards = grove_remembered_card_count(&heap->remembered);
    if (!v.nursery.len && cards)
        grove_fatal("verify (%s): remembered set holds %zu cards with an empty nursery", when,
                    cards);
    grove_remembered_verify_cards(&heap->remembered, &heap->old, &heap->large, heap->types.info,
                                  when);
    grove_old_blocks_sorted(&heap->old, &v.blocks);
    grove_large_payloads_sorted(&heap->large, &v.large);
    grove_tracer t;
    grove_tracer_init(&t, heap, check_reachable, GROVE_TRACE_ALL, &v);
    grove_visit_roots(heap, &t);
    while (v.work.len) {
        v.holder = grove_vec_pop(&v.work);
        grove_trace_object(&t, v.holder, check_reachable, GROVE_TRACE_ALL);
    }
    check_hashes_and_pins(heap, when);
    grove_old_verify(&heap->old, when);
    grove_old_for_each(&heap->old, clear_visited, NULL);
    grove_large_for_each(&heap->large, clear_visited, NULL);
    for (size_t i = 0; i < v.nursery.len; i++)
        clear_visited(v.nursery.items[i], NULL);
    grove_vec_free(&v.nursery);
    grove_vec_free(&v.blocks);
    grove_vec_free(&v.large);
    grove_vec_free(&v.work);
}
