/*
 * roots.h — the portable rooting facade.
 *
 * Code written against these macros compiles unchanged against either
 * rooting backend (grove/config.h records which one this build uses):
 *
 *   grove_scope s = grove_scope_enter(h);
 *   GROVE_LOCAL(h, struct pair *, p, NULL);    // a rooted local named p
 *   GROVE_SET(h, p, grove_alloc(h, T_PAIR, sizeof(struct pair)));
 *   struct pair *raw = GROVE_GET(h, p);        // valid until the next allocation
 *   grove_scope_exit(h, s);
 *
 *   grove_persistent g;                        // a root with any lifetime
 *   grove_persistent_init(h, &g, obj);
 *   obj = grove_persistent_get(h, &g);
 *   grove_persistent_drop(h, &g);
 *
 * With the intrusive backend GROVE_GET/GROVE_SET are a plain load and store;
 * with the indexed backend they are exactly the checked handle operations.
 * A GROVE_LOCAL is valid until the enclosing scope exits; do not declare one
 * outside a scope.
 */
#ifndef GROVE_ROOTS_H
#define GROVE_ROOTS_H

#include <grove/config.h>
#include <grove/grove.h>

#if GROVE_ROOTING_INDEXED
#include <grove/roots_indexed.h>
#elif GROVE_ROOTING_INTRUSIVE
#include <grove/roots_intrusive.h>
#else
#error "grove/config.h names no rooting backend"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if GROVE_ROOTING_INDEXED

/* The union carries T for GROVE_GET's result type; only `handle` is used. */
#define GROVE_LOCAL(heap, T, name, init)                                                         \
    union {                                                                                      \
        grove_rooted handle;                                                                     \
        T grove__type;                                                                           \
    } name GROVE_MAYBE_UNUSED = {grove_root((heap), (void *)(init))}

#if defined(__GNUC__)
#define GROVE_GET(heap, name) ((__typeof__((name).grove__type))grove_rooted_get((heap), (name).handle))
#else
#define GROVE_GET(heap, name) grove_rooted_get((heap), (name).handle)
#endif
#define GROVE_SET(heap, name, value) grove_rooted_set((heap), (name).handle, (void *)(value))

typedef struct grove_persistent {
    grove_manual handle;
} grove_persistent;

/* Root `object` in *p until grove_persistent_drop. */
static inline void grove_persistent_init(grove_heap *heap, grove_persistent *p, void *object)
{
    p->handle = grove_manual_root(heap, object);
}
static inline void *grove_persistent_get(grove_heap *heap, const grove_persistent *p)
{
    return grove_manual_get(heap, p->handle);
}
static inline void grove_persistent_set(grove_heap *heap, grove_persistent *p, void *object)
{
    grove_manual_set(heap, p->handle, object);
}
static inline void grove_persistent_drop(grove_heap *heap, grove_persistent *p)
{
    grove_manual_unroot(heap, p->handle);
}

#else /* GROVE_ROOTING_INTRUSIVE */

#define GROVE_LOCAL(heap, T, name, init) GROVE_ROOTED(heap, T, name, init)
#define GROVE_GET(heap, name) ((void)(heap), (name).ptr)
#define GROVE_SET(heap, name, value) ((void)(heap), (name).ptr = (value))

typedef grove_persistent_node grove_persistent;

/* Root `object` in *p until grove_persistent_drop. *p must stay at the same
 * address meanwhile (the intrusive backend links it into a list). */
static inline void grove_persistent_init(grove_heap *heap, grove_persistent *p, void *object)
{
    grove_persistent_add(heap, p, object);
}
static inline void *grove_persistent_get(grove_heap *heap, const grove_persistent *p)
{
    (void)heap;
    return p->ptr;
}
static inline void grove_persistent_set(grove_heap *heap, grove_persistent *p, void *object)
{
    (void)heap;
    p->ptr = object;
}
static inline void grove_persistent_drop(grove_heap *heap, grove_persistent *p)
{
    grove_persistent_remove(heap, p);
}

#endif

#ifdef __cplusplus
}
#endif

#endif /* GROVE_ROOTS_H */
