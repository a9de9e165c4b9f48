/* worklist.h — objects whose slots still have to be traced.
 *
 * The one interface every tracing phase uses: push, pop, and drain with a
 * budget. The minor collector drains it as a queue of copies to scan, the
 * major collector as a mark stack. This implementation is one growable
 * array (a grove_vec, whose growth failure is fatal: it happens only inside
 * a collection, which cannot be abandoned half-way); an incremental slice
 * (a budget) or a parallel tracer (a worklist per worker) replaces it
 * behind the same calls. Drain lives in trace.h, next to the object walker
 * it calls. */
#ifndef GROVE_WORKLIST_H
#define GROVE_WORKLIST_H

#include <grove/grove.h>

#include "vec.h"

typedef struct grove_worklist {
    grove_vec objects;
} grove_worklist;

static inline bool grove_worklist_empty(const grove_worklist *w)
{
    return w->objects.len == 0;
}

static inline void grove_worklist_push(grove_worklist *w, void *object)
{
    grove_vec_push(&w->objects, object);
}

static inline void *grove_worklist_pop(grove_worklist *w)
{
    return grove_vec_pop(&w->objects);
}

static inline void grove_worklist_free(grove_worklist *w)
{
    grove_vec_free(&w->objects);
}

#endif
