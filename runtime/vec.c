/* vec.c — growth of grove_vec. */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

void grove_vec_reserve(grove_vec *v, size_t count)
{
    if (v->cap - v->len >= count)
        return;
    size_t cap = v->cap ? v->cap : 256;
    while (cap - v->len < count) {
        if (cap > SIZE_MAX / 2 / sizeof(void *))
            grove_fatal("a collector work list cannot grow past %zu entries", cap);
        cap *= 2;
    }
    /* Not realloc: it would copy the whole old capacity, faulting in the
     * pages of a reservation never used; only the items count. */
    void **items = malloc(cap * sizeof *items);
    if (!items)
        grove_fatal("out of memory growing a collector work list to %zu entries", cap);
    if (v->len)
        memcpy(items, v->items, v->len * sizeof *items);
    free(v->items);
    v->items = items;
    v->cap = cap;
}

void grove_vec_free(grove_vec *v)
{
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}

static int compare_addresses(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
    return (x > y) - (x < y);
}

void grove_vec_sort(grove_vec *v)
{
    if (v->len)
        qsort(v->items, v->len, sizeof(void *), compare_addresses);
}

void *grove_vec_find_sorted(const grove_vec *v, const void *item)
{
    if (!v->len)
        return NULL;
    void *const *found = bsearch(&item, v->items, v->len, sizeof(void *), compare_addresses);
    return found ? *found : NULL;
}
