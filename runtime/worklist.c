/* worklist.c — growth of the worklist. */
#include "worklist.h"

#include <stdlib.h>

#include "errors.h"

void grove_worklist_grow(grove_worklist *w)
{
    size_t cap = w->cap ? w->cap * 2 : 256;
    void **items = realloc(w->items, cap * sizeof *items);
    if (!items)
        grove_fatal("out of memory growing the collector's worklist to %zu entries", cap);
    w->items = items;
    w->cap = cap;
}

void grove_worklist_free(grove_worklist *w)
{
    free(w->items);
    *w = (grove_worklist){0};
}
