/* vec.h — a growable array of pointers: the worklist, the remembered set,
 * the census's marked objects, verify's lists. Growth failure is fatal: it
 * happens inside a collection or verify, which cannot be abandoned
 * half-way, or in the barrier, which has no way to fail. */
#ifndef GROVE_VEC_H
#define GROVE_VEC_H

#include <stddef.h>

typedef struct grove_vec {
    void **items;
    size_t len;
    size_t cap;
} grove_vec;

/* Make room for at least `count` more items (growth by doubling). */
void grove_vec_reserve(grove_vec *v, size_t count);
void grove_vec_free(grove_vec *v);

/* Sort by address, then look an item up by address (NULL if absent). */
void grove_vec_sort(grove_vec *v);
void *grove_vec_find_sorted(const grove_vec *v, const void *item);

static inline void grove_vec_push(grove_vec *v, void *item)
{
    if (__builtin_expect(v->len == v->cap, 0))
        grove_vec_reserve(v, 1);
    v->items[v->len++] = item;
}

static inline void *grove_vec_pop(grove_vec *v)
{
    return v->items[--v->len];
}

#endif
