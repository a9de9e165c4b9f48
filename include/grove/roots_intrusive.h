/**
 * @file roots_intrusive.h
 * @brief The intrusive linked-list backend (GROVE_ROOTING=intrusive).
 *
 * Roots are nodes that live in the mutator's own memory and link themselves
 * into lists the heap keeps, in the style of SpiderMonkey's Rooted and
 * PersistentRooted, OCaml's CAMLlocal and Julia's JL_GC_PUSH:
 *
 *   stack roots  a node {prev, count, slots[count]} in a C stack frame, pushed
 *                on the heap's singly linked stack list. Reading a root is a
 *                plain load of the slot; the collector walks the list and
 *                rewrites slots in place.
 *   scopes       grove_scope_enter saves the list head; grove_scope_exit
 *                restores it, unlinking everything declared since in O(1),
 *                including after a longjmp out of inner frames.
 *   persistent   a node {ptr, prev, next, heap} embedded anywhere (a host
 *                struct), on a doubly linked list: add and remove in O(1) in
 *                any order.
 *
 * What cannot be detected: a node whose frame is gone while it is still
 * linked (a missing scope exit) is a dangling pointer the collector will
 * follow. After a longjmp, exit the scope open at the setjmp before anything
 * can collect. With GROVE_ROOT_CHECKS (on in debug builds) the backend
 * catches what it can, in O(1): an unlink out of LIFO order, the exit of a
 * scope that is not open (exited twice or after an outer scope, even once
 * new roots or scopes took its place; another heap's), a persistent node
 * removed twice or never added.
 *
 * Include <grove/roots.h> (which includes this header when the library was
 * built with GROVE_ROOTING=intrusive) or this header directly.
 */
#ifndef GROVE_ROOTS_INTRUSIVE_H
#define GROVE_ROOTS_INTRUSIVE_H

#include <grove/config.h>
#include <grove/grove.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup grove_intrusive Intrusive rooting backend
 * @brief Root nodes linked into the heap's lists (GROVE_ROOTING=intrusive).
 *
 * Stack roots are LIFO nodes in C frames, unlinked by grove_scope_exit() or
 * grove_root_pop(); persistent roots are nodes embedded anywhere, added and
 * removed in any order.
 * @{
 */

/** The link at the start of every stack node; `count` slots (void *)
 *  follow it directly in memory. */
typedef struct grove_root_link {
    struct grove_root_link *prev; /**< the node pushed before this one */
    size_t count;                 /**< number of slots following the link */
} grove_root_link;

/** A persistent root. Zero it before first use (GROVE_PERSISTENT_NODE_INIT);
 *  it must not move while linked. */
typedef struct grove_persistent_node {
    void *ptr;                          /**< the root's value: read and write it directly */
    struct grove_persistent_node *prev; /**< list link (not for the embedder) */
    struct grove_persistent_node *next; /**< list link; NULL while not linked */
    grove_heap *heap;                   /**< the heap it is linked to; NULL while not linked */
} grove_persistent_node;

/** Initializer of an unlinked grove_persistent_node. */
#define GROVE_PERSISTENT_NODE_INIT {NULL, NULL, NULL, NULL}

/** An open scope, from grove_scope_enter(); pass it to grove_scope_exit().
 *  Its layout does not depend on GROVE_ROOT_CHECKS; only `saved` is set
 *  without the checks. */
typedef struct grove_scope {
    grove_root_link *saved; /**< head of the stack list at entry */
    grove_heap *heap;       /**< the heap (checks only, as the fields below) */
    size_t depth;           /**< nodes on the stack list at entry */
    uint32_t level;         /**< scopes open once this one is, 1 for the outermost */
    uint32_t gen;           /**< scope exits on the heap before this entry: with
                                 `level`, it identifies the scope */
} grove_scope;

/** @} */

/* Backend state (not API). The fields after persistent_count are kept only
 * with GROVE_ROOT_CHECKS; they exist either way, so the layout is the same. */
struct grove__root_lists {
    grove_root_link *head;          /* top of the stack list */
    grove_persistent_node sentinel; /* circular persistent list */
    size_t persistent_count;
    /* The checks compare counts and records, never walk the list: after a
     * longjmp it still runs through dead frames until the outer scope exits. */
    size_t depth;         /* nodes on the stack list */
    uint32_t *scope_gens; /* scope_gens[i]: gen of the open scope at level i + 1 */
    uint32_t open;        /* open scopes */
    uint32_t scope_cap;   /* entries in scope_gens */
    uint32_t scope_gen;   /* scope exits so far (wraps at 2^32) */
    bool collecting;      /* a collection is running: set by grove_roots_collecting */
};

static inline struct grove__root_lists *grove__lists(grove_heap *heap)
{
    return (struct grove__root_lists *)grove__fast(heap)->roots;
}

GROVE_API void grove__grow_scope_records(grove_heap *heap);
GROVE_API void grove__report_bad_scope(grove_heap *heap, grove_scope scope);
GROVE_API void grove__report_root_order(grove_heap *heap, grove_root_link *link);
GROVE_API void grove__report_root_twice(grove_heap *heap, grove_root_link *link);

/* Whether @p scope is open on this heap: its level is open and was opened
 * by this very scope (a later scope at the same level has another gen), and
 * no node from before it was popped since. */
static inline bool grove__scope_is_open(const struct grove__root_lists *l, grove_heap *heap,
                                        grove_scope scope)
{
    return scope.heap == heap && scope.level - 1u < l->open &&
           l->scope_gens[scope.level - 1u] == scope.gen && scope.depth <= l->depth;
}

/** @addtogroup grove_intrusive
 *  @{ */

/* ---- scopes ------------------------------------------------------------ */

/**
 * Open a scope: remember the head of the stack list. With GROVE_ROOT_CHECKS,
 * also record which scope is open at its level, in O(1).
 * @param heap the heap
 * @return the scope, to pass to grove_scope_exit()
 */
static inline grove_scope grove_scope_enter(grove_heap *heap)
{
    struct grove__root_lists *l = grove__lists(heap);
    grove_scope s = {l->head, NULL, 0, 0, 0};
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(l->open == l->scope_cap))
        grove__grow_scope_records(heap);
    l->scope_gens[l->open++] = l->scope_gen;
    s.heap = heap;
    s.depth = l->depth;
    s.level = l->open;
    s.gen = l->scope_gen;
#endif
    return s;
}

/**
 * Unlink every stack root declared since @p scope was entered, and close the
 * scopes opened inside it that are still open (skipped by a longjmp).
 *
 * With GROVE_ROOT_CHECKS this is GROVE_E_BAD_SCOPE, and leaves the list
 * alone, whenever @p scope is not open: it was exited already, or an outer
 * scope was (even if roots or scopes were declared since at the same depth),
 * it belongs to another heap, or a node linked before it was popped since.
 * All in O(1). Scopes are told apart by a 32-bit count of exits: a stale
 * scope could pass for a live one only after 2^32 scope exits.
 * @param heap  the heap
 * @param scope the scope from grove_scope_enter()
 */
static inline void grove_scope_exit(grove_heap *heap, grove_scope scope)
{
    struct grove__root_lists *l = grove__lists(heap);
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(!grove__scope_is_open(l, heap, scope))) {
        grove__report_bad_scope(heap, scope);
        return;
    }
    l->depth = scope.depth;
    l->open = scope.level - 1u;
    l->scope_gen++;
#endif
    l->head = scope.saved;
}

/* ---- stack roots ------------------------------------------------------- */

/**
 * Link a stack node whose count and slots are already set. Unlink it with
 * grove_root_pop() or an enclosing grove_scope_exit(). With
 * GROVE_ROOT_CHECKS, pushing the node that is already on top (a GROVE_ROOTED
 * in a loop body with no scope around it) is GROVE_E_ROOT_ORDER.
 * @param heap the heap
 * @param link the node's link, followed in memory by link->count slots
 */
static inline void grove_root_push(grove_heap *heap, grove_root_link *link)
{
    struct grove__root_lists *l = grove__lists(heap);
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(l->head == link)) {
        grove__report_root_twice(heap, link);
        return;
    }
#endif
    link->prev = l->head;
    l->head = link;
#if GROVE_ROOT_CHECKS
    l->depth++;
#endif
}

/**
 * Unlink the most recently pushed node. With GROVE_ROOT_CHECKS, unlinking
 * any other node is GROVE_E_ROOT_ORDER and leaves the list alone.
 * @param heap the heap
 * @param link the node pushed last
 */
static inline void grove_root_pop(grove_heap *heap, grove_root_link *link)
{
    struct grove__root_lists *l = grove__lists(heap);
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(l->head != link)) {
        grove__report_root_order(heap, link);
        return;
    }
    l->depth--;
#endif
    l->head = link->prev;
}

/**
 * Declare a rooted local @p name of pointer type @p T: read and write it as
 * name.ptr, directly. It stays linked until the enclosing grove_scope_exit().
 * (The push sets the link, not an initializer, so that a refused second
 * push of the same node leaves the list intact.)
 * @param heap the heap
 * @param T    a pointer type
 * @param name the variable declared
 * @param init its initial value
 */
#define GROVE_ROOTED(heap, T, name, init)                                                        \
    struct {                                                                                     \
        grove_root_link link;                                                                    \
        union {                                                                                  \
            void *grove__raw;                                                                    \
            T ptr;                                                                               \
        };                                                                                       \
    } name;                                                                                      \
    name.link.count = 1;                                                                         \
    name.ptr = (init);                                                                           \
    grove_root_push((heap), &name.link)

/**
 * Declare @p name holding n rooted void* slots (name.slots[i]), all NULL, with
 * a single link: the CAMLlocalN form for functions with many live values.
 * @param heap the heap
 * @param name the variable declared
 * @param n    number of slots (a constant)
 */
#define GROVE_ROOTED_N(heap, name, n)                                                            \
    struct {                                                                                     \
        grove_root_link link;                                                                    \
        void *slots[n];                                                                          \
    } name;                                                                                      \
    name.link.count = (n);                                                                       \
    for (size_t name##__grove_i = 0; name##__grove_i < (size_t)(n); name##__grove_i++)          \
        name.slots[name##__grove_i] = NULL;                                                      \
    grove_root_push((heap), &name.link)

#if defined(__GNUC__)
/** Defined to 1 when GROVE_ROOTED_AUTO() is available (GCC and Clang). */
#define GROVE_HAVE_AUTO_ROOTS 1
typedef struct grove__auto_guard {
    grove_heap *heap;
    grove_root_link *link;
} grove__auto_guard;

static inline void grove__auto_pop(grove__auto_guard *guard)
{
    grove_root_pop(guard->heap, guard->link);
}

/**
 * Like GROVE_ROOTED(), but unlinked automatically when the enclosing block
 * exits (GCC/Clang cleanup attribute). Do not also cover it by a scope that
 * exits after the block.
 * @param heap the heap
 * @param T    a pointer type
 * @param name the variable declared
 * @param init its initial value
 */
#define GROVE_ROOTED_AUTO(heap, T, name, init)                                                   \
    GROVE_ROOTED(heap, T, name, init);                                                           \
    grove__auto_guard name##__grove_guard GROVE_MAYBE_UNUSED                                    \
        __attribute__((cleanup(grove__auto_pop))) = {                                            \
        (heap), &name.link}
#endif

/* ---- persistent roots -------------------------------------------------- */

/**
 * Link a zeroed (or removed) node holding @p object. O(1).
 * @param heap   the heap
 * @param node   the node; it must stay at this address until removed
 * @param object the root's value
 */
static inline void grove_persistent_add(grove_heap *heap, grove_persistent_node *node,
                                        void *object)
{
    struct grove__root_lists *l = grove__lists(heap);
    node->ptr = object;
    node->heap = heap;
    node->prev = &l->sentinel;
    node->next = l->sentinel.next;
    l->sentinel.next->prev = node;
    l->sentinel.next = node;
    l->persistent_count++;
}

GROVE_API void grove__report_bad_node(grove_heap *heap, grove_persistent_node *node);

/**
 * Unlink a node added to this heap, in any order. O(1). Removing it twice,
 * removing one never added, or from another heap is GROVE_E_BAD_NODE.
 * @param heap the heap
 * @param node a node linked by grove_persistent_add()
 */
static inline void grove_persistent_remove(grove_heap *heap, grove_persistent_node *node)
{
    if (GROVE_UNLIKELY(node->heap != heap || node->next == NULL)) {
        grove__report_bad_node(heap, node);
        return;
    }
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node->prev = NULL;
    node->heap = NULL;
    grove__lists(heap)->persistent_count--;
}

/**
 * Number of stack nodes linked (for tests and embedder assertions; walks
 * the list).
 * @param heap the heap
 * @return the length of the stack list
 */
GROVE_API size_t grove_stack_root_nodes(grove_heap *heap);
/**
 * Number of persistent nodes linked.
 * @param heap the heap
 * @return the length of the persistent list
 */
GROVE_API size_t grove_persistent_count(grove_heap *heap);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GROVE_ROOTS_INTRUSIVE_H */
