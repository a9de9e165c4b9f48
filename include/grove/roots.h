/**
 * @file roots.h
 * @brief The portable rooting facade.
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
 *
 * The reference documents the facade as the configured backend defines it;
 * the other backend's definitions have the same names and meaning.
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

/**
 * @defgroup grove_facade Portable rooting facade
 * @brief Rooted locals and persistent roots that compile against either backend.
 * @{
 */

#if GROVE_ROOTING_INDEXED

/* The union carries T for GROVE_GET's result type; only `handle` is used. */
/**
 * Declare a rooted local @p name of pointer type @p T, valid until the
 * enclosing scope exits. Declare it only inside a scope.
 * @param heap the heap
 * @param T    a pointer type
 * @param name the variable declared
 * @param init its initial value
 */
#define GROVE_LOCAL(heap, T, name, init)                                                         \
    union {                                                                                      \
        grove_rooted handle;                                                                     \
        T grove__type;                                                                           \
    } name GROVE_MAYBE_UNUSED = {grove_root((heap), (void *)(init))}

#if defined(__GNUC__)
/**
 * The value of a GROVE_LOCAL() (typed T on GCC and Clang), valid until the
 * next allocation.
 * @param heap the heap
 * @param name the local
 */
#define GROVE_GET(heap, name) ((__typeof__((name).grove__type))grove_rooted_get((heap), (name).handle))
#else
#define GROVE_GET(heap, name) grove_rooted_get((heap), (name).handle)
#endif
/**
 * Make a GROVE_LOCAL() hold @p value.
 * @param heap  the heap
 * @param name  the local
 * @param value the new value
 */
#define GROVE_SET(heap, name, value) grove_rooted_set((heap), (name).handle, (void *)(value))

/**
 * Declare @p name, a frame of @p n rooted void* slots, all NULL, valid until
 * the enclosing scope exits: one push for all of them (grove_root_n(), one
 * handle; GROVE_ROOTED_N() with the intrusive backend). Read and write the
 * slots with GROVE_LOCALS_GET() and GROVE_LOCALS_SET().
 * @param heap the heap
 * @param name the variable declared
 * @param n    number of slots (a constant, at least 1)
 */
#define GROVE_LOCALS(heap, name, n) grove_rooted name = grove_root_n((heap), (n))
/**
 * Slot @p i of a GROVE_LOCALS() frame, valid until the next allocation.
 * @param heap the heap
 * @param name the frame
 * @param i    the slot, below the frame's size
 */
#define GROVE_LOCALS_GET(heap, name, i) grove_rooted_get((heap), grove_rooted_at((name), (i)))
/**
 * Make slot @p i of a GROVE_LOCALS() frame hold @p value.
 * @param heap  the heap
 * @param name  the frame
 * @param i     the slot, below the frame's size
 * @param value the new value
 */
#define GROVE_LOCALS_SET(heap, name, i, value)                                                   \
    grove_rooted_set((heap), grove_rooted_at((name), (i)), (void *)(value))

/**
 * Reserve a group of @p n rooted locals, which GROVE_LOCAL_IN() declares one
 * by one: the indexed backend pushes all of them at once (grove_root_n());
 * with the intrusive backend each GROVE_LOCAL_IN() is a GROVE_LOCAL() of its
 * own, as a node there costs a few stores whatever its size.
 * @param heap  the heap
 * @param group the group's name
 * @param n     number of locals (a constant, at least 1)
 */
#define GROVE_LOCAL_GROUP(heap, group, n)                                                        \
    enum { group##__grove_n = (n) };                                                             \
    grove_rooted group = grove_root_n((heap), (n))
/**
 * Declare local @p i of a GROVE_LOCAL_GROUP() as a rooted local @p name of
 * pointer type @p T, as GROVE_LOCAL() would (read and write it with
 * GROVE_GET() and GROVE_SET()). An @p i outside the group does not compile.
 * @param heap  the heap
 * @param group the group
 * @param i     which of its locals (a constant below its size)
 * @param T     a pointer type
 * @param name  the variable declared
 * @param init  its initial value
 */
#define GROVE_LOCAL_IN(heap, group, i, T, name, init)                                            \
    union {                                                                                      \
        grove_rooted handle;                                                                     \
        T grove__type;                                                                           \
        char (*grove__in_group)[(i) < group##__grove_n ? 1 : -1];                               \
    } name GROVE_MAYBE_UNUSED = {grove_rooted_at(group, (i))};                                   \
    GROVE_SET((heap), name, (init))

/** A root with any lifetime (a grove_manual handle with the indexed
 *  backend, a grove_persistent_node with the intrusive one). */
typedef struct grove_persistent {
    grove_manual handle; /**< the manual root */
} grove_persistent;

/**
 * Root @p object in *p until grove_persistent_drop().
 * @param heap   the heap
 * @param p      the root (with the intrusive backend it must keep its address)
 * @param object the value
 */
static inline void grove_persistent_init(grove_heap *heap, grove_persistent *p, void *object)
{
    p->handle = grove_manual_root(heap, object);
}
/**
 * The value of a persistent root, valid until the next allocation.
 * @param heap the heap
 * @param p    the root
 * @return the object it holds
 */
static inline void *grove_persistent_get(grove_heap *heap, const grove_persistent *p)
{
    return grove_manual_get(heap, p->handle);
}
/**
 * Make a persistent root hold @p object.
 * @param heap   the heap
 * @param p      the root
 * @param object the new value
 */
static inline void grove_persistent_set(grove_heap *heap, grove_persistent *p, void *object)
{
    grove_manual_set(heap, p->handle, object);
}
/**
 * Unroot a persistent root; *p may be initialised again afterwards.
 * @param heap the heap
 * @param p    the root
 */
static inline void grove_persistent_drop(grove_heap *heap, grove_persistent *p)
{
    grove_manual_unroot(heap, p->handle);
}

#else /* GROVE_ROOTING_INTRUSIVE */

/**
 * Declare a rooted local @p name of pointer type @p T, valid until the
 * enclosing scope exits. Declare it only inside a scope.
 * @param heap the heap
 * @param T    a pointer type
 * @param name the variable declared
 * @param init its initial value
 */
#define GROVE_LOCAL(heap, T, name, init) GROVE_ROOTED(heap, T, name, init)
/**
 * The value of a GROVE_LOCAL() (typed T), valid until the next allocation.
 * @param heap the heap
 * @param name the local
 */
#define GROVE_GET(heap, name) ((void)(heap), (name).ptr)
/**
 * Make a GROVE_LOCAL() hold @p value.
 * @param heap  the heap
 * @param name  the local
 * @param value the new value
 */
#define GROVE_SET(heap, name, value) ((void)(heap), (name).ptr = (value))

/**
 * Declare @p name, a frame of @p n rooted void* slots, all NULL, valid until
 * the enclosing scope exits: one node for all of them (GROVE_ROOTED_N()).
 * @param heap the heap
 * @param name the variable declared
 * @param n    number of slots (a constant, at least 1)
 */
#define GROVE_LOCALS(heap, name, n) GROVE_ROOTED_N(heap, name, n)
/**
 * Slot @p i of a GROVE_LOCALS() frame, valid until the next allocation.
 * @param heap the heap
 * @param name the frame
 * @param i    the slot, below the frame's size
 */
#define GROVE_LOCALS_GET(heap, name, i) ((void)(heap), (name).slots[i])
/**
 * Make slot @p i of a GROVE_LOCALS() frame hold @p value.
 * @param heap  the heap
 * @param name  the frame
 * @param i     the slot, below the frame's size
 * @param value the new value
 */
#define GROVE_LOCALS_SET(heap, name, i, value) ((void)(heap), (name).slots[i] = (void *)(value))

/**
 * Reserve a group of @p n rooted locals, which GROVE_LOCAL_IN() declares one
 * by one. Here each of them is a GROVE_LOCAL() of its own (a node costs a few
 * stores whatever its size); the indexed backend pushes them all at once.
 * @param heap  the heap
 * @param group the group's name
 * @param n     number of locals (a constant, at least 1)
 */
#define GROVE_LOCAL_GROUP(heap, group, n)                                                        \
    enum { group##__grove_n = (n) };                                                             \
    (void)(heap)
/**
 * Declare local @p i of a GROVE_LOCAL_GROUP() as a rooted local @p name of
 * pointer type @p T, as GROVE_LOCAL() would. An @p i outside the group does
 * not compile.
 * @param heap  the heap
 * @param group the group
 * @param i     which of its locals (a constant below its size)
 * @param T     a pointer type
 * @param name  the variable declared
 * @param init  its initial value
 */
#define GROVE_LOCAL_IN(heap, group, i, T, name, init)                                            \
    GROVE_LOCAL(heap, T, name, init);                                                            \
    (void)sizeof(char[(i) < group##__grove_n ? 1 : -1])

/** A root with any lifetime (a grove_manual handle with the indexed
 *  backend, a grove_persistent_node with the intrusive one). */
typedef grove_persistent_node grove_persistent;

/**
 * Root @p object in *p until grove_persistent_drop(). *p must stay at the
 * same address meanwhile (the intrusive backend links it into a list). *p
 * need not be initialised, so only GROVE_ROOT_CHECKS can tell that it is
 * linked already (GROVE_E_BAD_NODE); during a collection this is
 * GROVE_E_IN_GC in every build.
 * @param heap   the heap
 * @param p      the root
 * @param object the value
 */
static inline void grove_persistent_init(grove_heap *heap, grove_persistent *p, void *object)
{
    grove__persistent_link(heap, p, object, false);
}
/**
 * The value of a persistent root, valid until the next allocation.
 * @param heap the heap
 * @param p    the root
 * @return the object it holds
 */
static inline void *grove_persistent_get(grove_heap *heap, const grove_persistent *p)
{
    (void)heap;
    return p->ptr;
}
/**
 * Make a persistent root hold @p object.
 * @param heap   the heap
 * @param p      the root
 * @param object the new value
 */
static inline void grove_persistent_set(grove_heap *heap, grove_persistent *p, void *object)
{
    (void)heap;
    p->ptr = object;
}
/**
 * Unroot a persistent root; *p may be initialised again afterwards.
 * @param heap the heap
 * @param p    the root
 */
static inline void grove_persistent_drop(grove_heap *heap, grove_persistent *p)
{
    grove_persistent_remove(heap, p);
}

#endif

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GROVE_ROOTS_H */
