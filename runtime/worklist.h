/* worklist.h — objects whose slots still have to be traced.
 *
 * The one interface every tracing phase uses: push, pop, and drain with a
 * budget. The minor collector drains it as a queue of copies to scan, the
 * major collector as a mark stack. This implementation is a single
 * growable array; an incremental slice (a budget) or a parallel tracer (a
 * worklist per worker) replaces it behind the same calls. Drain lives in
 * trace.h, next to the object walker it calls.
 *
 * Growth failure is fatal: it happens only inside a collection, which
 * cannot be abandoned half-way. */
#ifndef GROVE_WORKLIST_H
#define GROVE_WORKLIST_H

#include <grove/grove.h>

typedef struct grove_worklist {
    void **items;
    size_t len;
    size_t cap;
} grove_worklist;

void grove_worklist_grow(grove_worklist *w);
void grove_worklist_free(grove_worklist *w);

static inline bool grove_worklist_empty(const grove_worklist *w)
{
    return w->len == 0;
}

static inline void grove_worklist_push(grove_worklist *w, void *object)
{
    if (GROVE_UNLIKELY(w->len == w->cap))
        grove_worklist_grow(w);
    w->items[w->len++] = object;
}

static inline void *grove_worklist_pop(grove_worklist *w)
{
    return w->items[--w->len];
}

#endif
