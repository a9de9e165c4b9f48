/* finalizers.c — guardians and cleanup hooks (finalizers.h).
 *
 * Nothing here allocates inside a collection for a registration:
 * registering reserves room for what a collection may later move (a young
 * registration's place in the old list, a guardian's queue slot and place
 * in the queuing list, a hook's due entry), so that a collection, which
 * cannot stop half-way, never needs memory for it and an embedder hears of
 * a shortage as GROVE_E_OOM from the call that caused it. (The collection's
 * own record of what it queued grows like the worklist.) */
#include "finalizers.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "heap.h"
#include "invariant.h"
#include "roots_backend.h"

/* ---- reserving ------------------------------------------------------------ */

static bool reserve_bytes(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *grown = realloc(*items, n * size);
    if (!grown)
        return false;
    *items = grown;
    *cap = n;
    return true;
}

static bool reserve_watches(grove_watch_list *l, size_t need)
{
    return reserve_bytes((void **)&l->items, &l->cap, need, sizeof *l->items);
}

static bool reserve_vec(grove_vec *v, size_t need)
{
    return reserve_bytes((void **)&v->items, &v->cap, need, sizeof *v->items);
}

/* Append within the capacity reserved before. */
static void append(grove_watch_list *l, grove_watch w)
{
    GROVE_ASSERT(l->len < l->cap, "room for a moved registration was reserved");
    l->items[l->len++] = w;
}

/* Register `w` on the young or old list, reserving its later moves. */
static grove_error add_watch(grove_heap *heap, grove_watch_list *young, grove_watch_list *old,
                             grove_watch w)
{
    if (grove__is_young(&heap->fast, w.object)) {
        if (!reserve_watches(young, young->len + 1) ||
            !reserve_watches(old, old->len + young->len + 1))
            return grove_fail(heap, GROVE_E_OOM, "out of memory registering an object");
        young->items[young->len++] = w;
    } else {
        if (!reserve_watches(old, old->len + young->len + 1))
            return grove_fail(heap, GROVE_E_OOM, "out of memory registering an object");
        old->items[old->len++] = w;
    }
    return GROVE_OK;
}

/* What every entry point checks: not inside a collection or a hook. */
static bool may_change(grove_heap *heap, const char *what)
{
    if (heap->in_gc) {
        grove_misuse(heap, GROVE_E_IN_GC, "%s during a collection", what);
        return false;
    }
    return true;
}

/* ---- guardians -------------------------------------------------------------- */

static grove_guardian *guardian_create(grove_heap *heap)
{
    if (!may_change(heap, "grove_guardian_create"))
        return NULL;
    grove_finalizers *f = &heap->finalizers;
    grove_guardian *g = calloc(1, sizeof *g);
    /* Room for it in the queuing list too, which a collection may add it to. */
    if (!g || !reserve_vec(&f->guardians, f->guardians.len + 1) ||
        !reserve_vec(&f->queuing, f->guardians.len + 1)) {
        free(g);
        grove_fail(heap, GROVE_E_OOM, "out of memory creating a guardian");
        return NULL;
    }
    g->index = f->guardians.len;
    g->queuing_at = SIZE_MAX;
    f->guardians.items[f->guardians.len++] = g;
    return g;
}

grove_guardian *grove_guardian_create(grove_heap *heap)
{
    if (!grove_heap_claim(heap))
        return NULL;
    grove_guardian *g = guardian_create(heap);
    grove_heap_release(heap);
    return g;
}

/* Leave the queuing list (O(1): the last one takes its place). */
static void stop_queuing(grove_finalizers *f, grove_guardian *g)
{
    if (g->queuing_at == SIZE_MAX)
        return;
    grove_guardian *last = f->queuing.items[--f->queuing.len];
    f->queuing.items[g->queuing_at] = last;
    last->queuing_at = g->queuing_at;
    g->queuing_at = SIZE_MAX;
}

/* A freed guardian whose last registration is gone: release it. */
static void retire(grove_finalizers *f, grove_guardian *g)
{
    GROVE_ASSERT(g->freed && g->registered == 0 && g->queuing_at == SIZE_MAX,
                 "a guardian is retired once freed and without registrations");
    grove_guardian *last = f->guardians.items[--f->guardians.len];
    f->guardians.items[g->index] = last;
    last->index = g->index;
    grove_vec_free(&g->queue);
    free(g);
}

/* O(1): registrations still naming a freed guardian are dropped by the
 * next collection that judges them, and the last one releases it. */
static void guardian_free(grove_heap *heap, grove_guardian *g)
{
    if (!may_change(heap, "grove_guardian_free"))
        return;
    grove_finalizers *f = &heap->finalizers;
    stop_queuing(f, g);
    g->freed = true;
    g->head = g->queue.len = 0;
    if (g->registered == 0)
        retire(f, g);
}

void grove_guardian_free(grove_heap *heap, grove_guardian *guardian)
{
    if (!guardian || !grove_heap_claim(heap))
        return;
    guardian_free(heap, guardian);
    grove_heap_release(heap);
}

static grove_error guardian_register(grove_heap *heap, grove_guardian *g, void *object)
{
    if (!may_change(heap, "grove_guardian_register"))
        return GROVE_E_IN_GC;
    if (grove_is_immediate(object))
        return grove_fail(heap, GROVE_E_NOT_OBJECT,
                          "grove_guardian_register of an immediate (%p): only objects die",
                          object);
    /* Its queue slot, should a collection find it dead. */
    if (!reserve_vec(&g->queue, g->queue.len + g->registered + 1))
        return grove_fail(heap, GROVE_E_OOM, "out of memory registering an object");
    grove_finalizers *f = &heap->finalizers;
    grove_watch w = {.object = object, .guardian = g};
    grove_error e = add_watch(heap, &f->guarded_young, &f->guarded_old, w);
    if (e == GROVE_OK)
        g->registered++;
    return e;
}

grove_error grove_guardian_register(grove_heap *heap, grove_guardian *guardian, void *object)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error e = guardian_register(heap, guardian, object);
    grove_heap_release(heap);
    return e;
}

static void *guardian_take(grove_heap *heap, grove_guardian *g)
{
    if (!may_change(heap, "grove_guardian_take") || g->head == g->queue.len)
        return NULL;
    void *object = g->queue.items[g->head++];
    /* Slide the rest down once half the array is taken, so that a queue
     * never emptied does not grow without bound. */
    if (g->head == g->queue.len) {
        g->head = g->queue.len = 0;
        stop_queuing(&heap->finalizers, g);
    } else if (g->head > 16 && g->head * 2 > g->queue.len) {
        memmove(g->queue.items, g->queue.items + g->head,
                (g->queue.len - g->head) * sizeof *g->queue.items);
        g->queue.len -= g->head;
        g->head = 0;
    }
    return object;
}

void *grove_guardian_take(grove_heap *heap, grove_guardian *guardian)
{
    if (!grove_heap_claim(heap))
        return NULL;
    void *object = guardian_take(heap, guardian);
    grove_heap_release(heap);
    return object;
}

size_t grove_guardian_queued(const grove_guardian *guardian)
{
    return guardian->queue.len - guardian->head;
}

size_t grove_guardian_registered(const grove_guardian *guardian)
{
    return guardian->registered;
}

/* Only guardians holding queued objects are visited: a heap with many idle
 * guardians pays nothing for them per collection. */
size_t grove_guardians_visit_queues(grove_heap *heap, grove_tracer *t)
{
    const grove_vec *queuing = &heap->finalizers.queuing;
    size_t n = 0;
    for (size_t i = 0; i < queuing->len; i++) {
        grove_guardian *g = queuing->items[i];
        for (size_t j = g->head; j < g->queue.len; j++)
            grove_trace_root(t, &g->queue.items[j]);
        n += g->queue.len - g->head;
    }
    return n;
}

void grove_guardians_visit_young_for_census(grove_heap *heap, grove_tracer *t)
{
    grove_watch_list *young = &heap->finalizers.guarded_young;
    for (size_t i = 0; i < young->len; i++) {
        if (young->items[i].guardian->freed)
            continue; /* to be dropped, never queued */
        void *object = young->items[i].object; /* the census only counts: a copy will do */
        grove_trace_root(t, &object);
    }
}

/* ---- judging registrations ------------------------------------------------ */

/* A registration of a freed guardian: gone, whatever its object's fate. */
static void drop_registration(grove_finalizers *f, grove_guardian *g)
{
    if (--g->registered == 0)
        retire(f, g);
}

/* Keep the registrations of `l` whose object survived (updated; in a minor
 * GC moved to `old` unless it stays young), and pass the others to `dead`. */
static void judge(grove_tracer *t, grove_watch_list *l, grove_watch_list *old,
                  void (*dead)(grove_heap *heap, grove_watch w))
{
    const grove_collection_kind kind = grove_tracer_kind(t);
    size_t kept = 0;
    for (size_t i = 0; i < l->len; i++) {
        grove_watch w = l->items[i];
        if (w.guardian && w.guardian->freed) {
            drop_registration(&t->heap->finalizers, w.guardian);
            continue;
        }
        w.object = grove_survivor(t->fast, w.object, kind);
        if (!w.object) {
            w.object = l->items[i].object;
            dead(t->heap, w);
        } else if (kind == GROVE_MINOR && old && !grove_tracer_kept_young(t, w.object)) {
            append(old, w);
        } else {
            l->items[kept++] = w;
        }
    }
    l->len = kept;
}

static void queue_dead(grove_heap *heap, grove_watch w)
{
    grove_finalizers *f = &heap->finalizers;
    grove_guardian *g = w.guardian;
    if (g->fresh_collection != heap->collections) {
        g->fresh_collection = heap->collections;
        g->fresh = g->queue.len;
    }
    if (g->queuing_at == SIZE_MAX) {
        GROVE_ASSERT(f->queuing.len < f->queuing.cap, "room in the queuing list was reserved");
        g->queuing_at = f->queuing.len;
        f->queuing.items[f->queuing.len++] = g;
    }
    GROVE_ASSERT(g->queue.len < g->queue.cap, "a registration's queue slot was reserved");
    g->queue.items[g->queue.len++] = w.object;
    g->registered--;
    /* Weak slots reached after the resurrection still see it as dead. */
    grove_vec_push(&heap->weak.queued, w.object);
}

/* Every dead guarded object is queued first, then the queues' new entries
 * are offered: none is kept alive before all are judged. */
bool grove_guardians_resurrect(grove_heap *heap, grove_tracer *t)
{
    grove_finalizers *f = &heap->finalizers;
    judge(t, &f->guarded_young, &f->guarded_old, queue_dead);
    if (grove_tracer_kind(t) == GROVE_MAJOR)
        judge(t, &f->guarded_old, NULL, queue_dead);
    bool any = false;
    for (size_t i = 0; i < f->queuing.len; i++) {
        grove_guardian *g = f->queuing.items[i];
        if (g->fresh_collection != heap->collections)
            continue;
        for (size_t j = g->fresh; j < g->queue.len; j++) {
            grove_trace_root(t, &g->queue.items[j]);
            any = true;
        }
    }
    return any;
}

/* ---- cleanup hooks ----------------------------------------------------------- */

bool grove_cleanup_refuses(grove_heap *heap, const char *what)
{
    if (!heap->finalizers.running_cleanups)
        return false;
    grove_misuse(heap, GROVE_E_IN_GC,
                 "%s from a cleanup hook (hooks may not allocate on or collect their heap)",
                 what);
    return true;
}

static grove_error add_cleanup(grove_heap *heap, void *object, grove_cleanup_fn cleanup,
                               void *token)
{
    grove_finalizers *f = &heap->finalizers;
    if (grove_cleanup_refuses(heap, "grove_add_cleanup"))
        return GROVE_E_IN_GC;
    if (!may_change(heap, "grove_add_cleanup"))
        return GROVE_E_IN_GC;
    if (grove_is_immediate(object))
        return grove_fail(heap, GROVE_E_NOT_OBJECT,
                          "grove_add_cleanup on an immediate (%p): only objects die", object);
    size_t hooks = f->cleanup_young.len + f->cleanup_old.len;
    if (!reserve_watches(&f->due, f->due.len + hooks + 1))
        return grove_fail(heap, GROVE_E_OOM, "out of memory adding a cleanup hook");
    grove_watch w = {.object = object, .cleanup = cleanup, .token = token};
    return add_watch(heap, &f->cleanup_young, &f->cleanup_old, w);
}

grove_error grove_add_cleanup(grove_heap *heap, void *object, grove_cleanup_fn cleanup,
                              void *token)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error e = add_cleanup(heap, object, cleanup, token);
    grove_heap_release(heap);
    return e;
}

static void make_due(grove_heap *heap, grove_watch w)
{
    append(&heap->finalizers.due, w);
}

void grove_cleanups_judge(grove_heap *heap, grove_tracer *t)
{
    grove_finalizers *f = &heap->finalizers;
    judge(t, &f->cleanup_young, &f->cleanup_old, make_due);
    if (grove_tracer_kind(t) == GROVE_MAJOR)
        judge(t, &f->cleanup_old, NULL, make_due);
}

/* Calls in order; a hook cannot add hooks (refused), so `due` does not
 * grow meanwhile. The cursor moves before each call, so a hook that exits
 * non-locally (which weak.h forbids) is at least never called twice. */
static void call_due(grove_finalizers *f)
{
    f->running_cleanups = true;
    while (f->due_next < f->due.len) {
        grove_watch w = f->due.items[f->due_next++];
        w.cleanup(w.token);
    }
    f->due.len = f->due_next = 0;
    f->running_cleanups = false;
}

void grove_cleanups_run(grove_heap *heap)
{
    GROVE_ASSERT(!heap->in_gc, "cleanup hooks run outside collections");
    if (heap->finalizers.due_next < heap->finalizers.due.len && !heap->finalizers.running_cleanups)
        call_due(&heap->finalizers);
}

void grove_finalizers_destroy(grove_heap *heap)
{
    grove_finalizers *f = &heap->finalizers;
    /* The heap dies with every object in it: every hook is due. */
    for (size_t i = 0; i < f->cleanup_young.len; i++)
        append(&f->due, f->cleanup_young.items[i]);
    for (size_t i = 0; i < f->cleanup_old.len; i++)
        append(&f->due, f->cleanup_old.items[i]);
    f->cleanup_young.len = f->cleanup_old.len = 0;
    call_due(f);
    for (size_t i = 0; i < f->guardians.len; i++) {
        grove_guardian *g = f->guardians.items[i];
        grove_vec_free(&g->queue);
        free(g);
    }
    grove_vec_free(&f->guardians);
    grove_vec_free(&f->queuing);
    free(f->guarded_young.items);
    free(f->guarded_old.items);
    free(f->cleanup_young.items);
    free(f->cleanup_old.items);
    free(f->due.items);
    *f = (grove_finalizers){0};
}
