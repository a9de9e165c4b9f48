/* worklist.h — objects whose slots still have to be traced.
 *
 * The one interface every tracing phase uses: push, pop, and drain with a
 * budget. The minor collector drains it as a queue of copies to scan, the
 * major collector as a mark stack. This implementation is one growable
 * array (a grove_vec, whose growth failure is fatal: it happens only inside
 * a collection, which cannot be abandoned half-way); an incremental slice
 * (a budget) or a parallel tracer (a worklist per worker) replaces it
 * behind the same calls. Drain lives in trace.h, next to the object walker
 * it calls.
 *
 * Reserved pushes: the minor GC pushes each copy it makes, at most one per
 * young object, and knows how many young objects there can be. It reserves
 * that many slots up front, so the push in its copy loop needs no bounds
 * check. Invariant: cap - len >= reserve - (reserved pushes since the
 * reservation). A checked push keeps it by growing while fewer than
 * `reserve` slots would stay free. */
#ifndef GROVE_WORKLIST_H
#define GROVE_WORKLIST_H

#include <grove/grove.h>

#include "invariant.h"
#include "vec.h"

typedef struct grove_worklist {
    grove_vec objects;
    size_t reserve; /* slots kept free for grove_worklist_push_reserved */
} grove_worklist;

static inline bool grove_worklist_empty(const grove_worklist *w)
{
    return w->objects.len == 0;
}

/* Keep room for `count` reserved pushes from now on (0: end the
 * reservation). Growth failure is fatal, as for any push. */
void grove_worklist_reserve(grove_worklist *w, size_t count);

static inline void grove_worklist_push(grove_worklist *w, void *object)
{
    grove_vec *v = &w->objects;
    if (GROVE_UNLIKELY(v->len + w->reserve >= v->cap))
        grove_worklist_reserve(w, w->reserve);
    v->items[v->len++] = object;
}

/* A push the reservation covers: no bounds check outside debug builds. */
static inline void grove_worklist_push_reserved(grove_worklist *w, void *object)
{
    grove_vec *v = &w->objects;
    GROVE_ASSERT(v->len < v->cap, "a reserved push has its slot (grove_worklist_reserve)");
    v->items[v->len++] = object;
}

static inline void *grove_worklist_pop(grove_worklist *w)
{
    return grove_vec_pop(&w->objects);
}

static inline void grove_worklist_free(grove_worklist *w)
{
    grove_vec_free(&w->objects);
    w->reserve = 0;
}

#endif
