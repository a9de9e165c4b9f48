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
 * linked (a missing scope exit, a rooted local of a function that opened no
 * scope of its own) is a dangling pointer the collector will follow. After a
 * longjmp, exit the scope open at the setjmp before anything can collect.
 * With GROVE_ROOT_CHECKS (on in debug builds) the backend catches what it
 * can, in O(1), and a refused operation leaves the lists as they were: an
 * unlink out of LIFO order; a stack node pushed while it is linked (a rooted
 * local declared again in a loop body with no scope around it); a rooted
 * local declared with no scope open; the exit of a scope that is not open
 * (exited twice or after an outer scope, even once new roots or scopes took
 * its place; another heap's; one whose saved head was unlinked inside it);
 * a stack or persistent root made during a collection; a grove_persistent
 * initialised twice through the facade. In every build: a persistent node
 * added while linked, removed twice, never added, removed from another heap
 * or after its heap was destroyed, and a persistent node added during a
 * collection.
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
    uint32_t heap_id;                   /**< that heap's id: a later heap at the same
                                             address is another heap */
} grove_persistent_node;

/** Initializer of an unlinked grove_persistent_node. */
#define GROVE_PERSISTENT_NODE_INIT {NULL, NULL, NULL, NULL, 0}

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

/* Backend state (not API). The fields after `collecting` are kept only with
 * GROVE_ROOT_CHECKS; they exist either way, so the layout is the same. */
struct grove__linked_slot;
struct grove__root_lists {
    grove_root_link *head;          /* top of the stack list */
    grove_persistent_node sentinel; /* circular persistent list */
    size_t persistent_count;
    bool collecting; /* a collection is running: set by grove_roots_collecting */
    /* The checks compare counts and records, never walk the list: after a
     * longjmp it still runs through dead frames until the outer scope exits. */
    size_t depth;             /* nodes on the stack list */
    grove_root_link **linked; /* linked[i]: the stack node at position i, 0 the bottom */
    size_t linked_cap;
    uint32_t *scope_gens; /* scope_gens[i]: gen of the open scope at level i + 1 */
    uint32_t open;        /* open scopes */
    uint32_t scope_cap;   /* entries in scope_gens */
    uint32_t scope_gen;   /* scope exits so far (wraps at 2^32) */
    /* Indexes by address (open addressing, in root_lists.c): where each
     * linked stack node is, and which persistent nodes are linked. A node's
     * own fields cannot tell: a rooted local is not initialised before its
     * push, and a grove_persistent need not be before grove_persistent_init. */
    struct grove__linked_slot *stack_index;
    size_t stack_index_cap, stack_index_used;
    grove_persistent_node **persistent_index;
    size_t persistent_index_cap, persistent_index_used;
};

static inline struct grove__root_lists *grove__lists(grove_heap *heap)
{
    return (struct grove__root_lists *)grove__fast(heap)->roots;
}

GROVE_API void grove__grow_scope_records(grove_heap *heap);
GROVE_API void grove__report_bad_scope(grove_heap *heap, grove_scope scope);
GROVE_API void grove__report_root_order(grove_heap *heap, grove_root_link *link);
GROVE_API bool grove__check_push(grove_heap *heap, grove_root_link *link, bool local);
GROVE_API bool grove__check_persistent_add(grove_heap *heap, grove_persistent_node *node,
                                           bool zeroed);
GROVE_API bool grove__check_persistent_remove(grove_heap *heap, grove_persistent_node *node);
GROVE_API void grove__report_bad_add(grove_heap *heap, grove_persistent_node *node);

/* Whether @p scope is open on this heap: its level is open and was opened
 * by this very scope (a later scope at the same level has another gen), and
 * the node it saved is still linked where it was. */
static inline bool grove__scope_is_open(const struct grove__root_lists *l, grove_heap *heap,
                                        grove_scope scope)
{
    return scope.heap == heap && scope.level - 1u < l->open &&
           l->scope_gens[scope.level - 1u] == scope.gen && scope.depth <= l->depth &&
           (scope.depth == 0 || l->linked[scope.depth - 1] == scope.saved);
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
 * it belongs to another heap, or a node linked before it was popped since
 * (even if another took its place). All in O(1). Scopes are told apart by a 32-bit count of exits: a stale
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

/* Link @p link unless the checks refuse it (@p local: a rooted local, which
 * needs an open scope). Returns @p link if it was linked, NULL if not. */
static inline grove_root_link *grove__push(grove_heap *heap, grove_root_link *link, bool local)
{
    struct grove__root_lists *l = grove__lists(heap);
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(!grove__check_push(heap, link, local)))
        return NULL;
    l->depth++;
#else
    (void)local;
#endif
    link->prev = l->head;
    l->head = link;
    return link;
}

/**
 * Link a stack node whose count and slots are already set. Unlink it with
 * grove_root_pop() or an enclosing grove_scope_exit(); no scope need be
 * open. With GROVE_ROOT_CHECKS, pushing a node that is linked already,
 * wherever it is in the list, is GROVE_E_ROOT_ORDER, and pushing during a
 * collection (from a root visitor or a trace callback) is GROVE_E_IN_GC;
 * either leaves the list as it was.
 * @param heap the heap
 * @param link the node's link, followed in memory by link->count slots
 */
static inline void grove_root_push(grove_heap *heap, grove_root_link *link)
{
    (void)grove__push(heap, link, false);
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

/* The node of a one-slot rooted local, and setting it up for its push. (The
 * push sets the link, not an initializer, so that a refused second push of
 * the same node leaves the list intact.) */
#define GROVE__ROOTED_NODE(T, name, init)                                                        \
    struct {                                                                                     \
        grove_root_link link;                                                                    \
        union {                                                                                  \
            void *grove__raw;                                                                    \
            T ptr;                                                                               \
        };                                                                                       \
    } name;                                                                                      \
    name.link.count = 1;                                                                         \
    name.ptr = (init)

/**
 * Declare a rooted local @p name of pointer type @p T: read and write it as
 * name.ptr, directly. It stays linked until the enclosing grove_scope_exit().
 * With GROVE_ROOT_CHECKS, declaring it with no scope open is
 * GROVE_E_NO_SCOPE, declaring it again while it is linked (in a loop body
 * with no scope around it) GROVE_E_ROOT_ORDER, and during a collection
 * GROVE_E_IN_GC; the local is then not linked.
 * @param heap the heap
 * @param T    a pointer type
 * @param name the variable declared
 * @param init its initial value
 */
#define GROVE_ROOTED(heap, T, name, init)                                                        \
    GROVE__ROOTED_NODE(T, name, init);                                                           \
    (void)grove__push((heap), &name.link, true)

/**
 * Declare @p name holding n rooted void* slots (name.slots[i]), all NULL, with
 * a single link: the CAMLlocalN form for functions with many live values.
 * Checked as GROVE_ROOTED().
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
    (void)grove__push((heap), &name.link, true)

#if defined(__GNUC__)
/** Defined to 1 when GROVE_ROOTED_AUTO() is available (GCC and Clang). */
#define GROVE_HAVE_AUTO_ROOTS 1
typedef struct grove__auto_guard {
    grove_heap *heap;
    grove_root_link *link;
} grove__auto_guard;

/* Unlink the guarded node, if its push was not refused. */
static inline void grove__auto_pop(grove__auto_guard *guard)
{
    if (guard->link)
        grove_root_pop(guard->heap, guard->link);
}

/**
 * Like GROVE_ROOTED(), but unlinked automatically when the enclosing block
 * exits (GCC/Clang cleanup attribute), so it needs no scope. Do not also
 * cover it by a scope that exits after the block.
 * @param heap the heap
 * @param T    a pointer type
 * @param name the variable declared
 * @param init its initial value
 */
#define GROVE_ROOTED_AUTO(heap, T, name, init)                                                   \
    GROVE__ROOTED_NODE(T, name, init);                                                           \
    grove__auto_guard name##__grove_guard GROVE_MAYBE_UNUSED                                    \
        __attribute__((cleanup(grove__auto_pop))) = {                                            \
        (heap), grove__push((heap), &name.link, false)}
#endif

/* ---- persistent roots -------------------------------------------------- */

/* Link @p node, whatever its fields held, unless the checks refuse it: with
 * GROVE_ROOT_CHECKS the index of linked nodes tells a node linked already
 * (and, if @p zeroed, a node whose fields say it is linked elsewhere);
 * without, only a zeroed node's `next` can tell, and a collection under way
 * is refused either way. */
static inline void grove__persistent_link(grove_heap *heap, grove_persistent_node *node,
                                          void *object, bool zeroed)
{
    struct grove__root_lists *l = grove__lists(heap);
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(!grove__check_persistent_add(heap, node, zeroed)))
        return;
#else
    if (GROVE_UNLIKELY(l->collecting || (zeroed && node->next != NULL))) {
        grove__report_bad_add(heap, node);
        return;
    }
#endif
    node->ptr = object;
    node->heap = heap;
    node->heap_id = grove__fast(heap)->heap_id;
    node->prev = &l->sentinel;
    node->next = l->sentinel.next;
    l->sentinel.next->prev = node;
    l->sentinel.next = node;
    l->persistent_count++;
}

/**
 * Link a zeroed (or removed) node holding @p object. O(1). Adding a node
 * that is linked already (to this heap or another) is GROVE_E_BAD_NODE, and
 * adding one during a collection (from a root visitor or a trace callback)
 * GROVE_E_IN_GC, in every build; the node is then left as it was.
 * @param heap   the heap
 * @param node   the node; it must stay at this address until removed
 * @param object the root's value
 */
static inline void grove_persistent_add(grove_heap *heap, grove_persistent_node *node,
                                        void *object)
{
    grove__persistent_link(heap, node, object, true);
}

GROVE_API void grove__report_bad_node(grove_heap *heap, grove_persistent_node *node);

/**
 * Unlink a node added to this heap, in any order. O(1). Removing it twice,
 * removing one never added, from another heap, or after the heap it was
 * added to was destroyed (even if this heap has its address) is
 * GROVE_E_BAD_NODE and changes nothing. With GROVE_ROOT_CHECKS, so is
 * removing a node that was moved or copied while linked.
 * @param heap the heap
 * @param node a node linked by grove_persistent_add()
 */
static inline void grove_persistent_remove(grove_heap *heap, grove_persistent_node *node)
{
    /* Heap ids are unique: the id alone says which heap the node was added to. */
    if (GROVE_UNLIKELY(node->heap_id != grove__fast(heap)->heap_id || node->next == NULL)) {
        grove__report_bad_node(heap, node);
        return;
    }
#if GROVE_ROOT_CHECKS
    if (GROVE_UNLIKELY(!grove__check_persistent_remove(heap, node)))
        return;
#endif
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
