/**
 * @file roots_indexed.h
 * @brief The indexed root table backend (GROVE_ROOTING=indexed).
 *
 * The mutator never holds a heap pointer across an allocation; it holds a
 * handle: a small value {index, generation, heap id} naming a slot of the
 * heap's root table, in the style of Wasmtime's RootScope/Rooted and
 * ManuallyRooted. The collector scans the table as one array and rewrites
 * the slots when objects move.
 *
 * Two kinds of handles:
 *   grove_rooted  lives in a LIFO scope (grove_scope_enter/exit). Creating one
 *                 is a bump; exiting the scope truncates the table, so every
 *                 handle made inside dies at once.
 *   grove_manual  lives until grove_manual_unroot, in any order; freed slots
 *                 are reused.
 *
 * Safety: every read and write checks the index against the table, the
 * generation against the slot's, and the heap id against the heap's. A
 * handle used after its scope exited, after it was unrooted, unrooted twice,
 * zeroed, forged or passed to another heap is reported every time through
 * the heap's error handler (default: print and abort), never dereferenced.
 * The `try_` forms return the error code instead. Generations are 32 bits:
 * a stale handle (or scope) could only alias a live one after 2^32 scope
 * exits.
 *
 * Handles are plain values: copy them, store them, send them to another
 * thread; they are only usable with the heap that made them.
 *
 * Include <grove/roots.h> (which includes this header when the library was
 * built with GROVE_ROOTING=indexed) or this header directly.
 */
#ifndef GROVE_ROOTS_INDEXED_H
#define GROVE_ROOTS_INDEXED_H

#include <grove/config.h>
#include <grove/grove.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup grove_indexed Indexed rooting backend
 * @brief Generation-checked handles into a root table (GROVE_ROOTING=indexed).
 *
 * A grove_rooted lives until the grove_scope it was created in exits; a
 * grove_manual lives until grove_manual_unroot(). Every access is checked.
 * @{
 */

/** A scoped root: a handle valid until its scope exits. Copy it freely. */
typedef struct grove_rooted {
    uint32_t index; /**< slot in the LIFO table */
    uint32_t gen;   /**< the slot's generation when the root was made */
    uint32_t heap;  /**< id of the heap that made it */
} grove_rooted;

/** A manual root: a handle valid until grove_manual_unroot(). A zeroed
 *  handle is never valid. */
typedef struct grove_manual {
    uint32_t index; /**< slot in the manual table */
    uint32_t gen;   /**< the slot's generation (odd while in use) */
    uint32_t heap;  /**< id of the heap that made it */
} grove_manual;

/** An open scope, from grove_scope_enter(); pass it to grove_scope_exit().
 *  It names the scope; the table records where its roots start. */
typedef struct grove_scope {
    uint32_t depth; /**< nesting depth, 1 for the outermost scope */
    uint32_t heap;  /**< id of the heap */
    uint32_t gen;   /**< the table's generation at entry: with `depth`, it
                         identifies the scope */
} grove_scope;

/** @} */

/* Backend state, reached through the heap's fast-path struct (not API). */
struct grove__root_entry {
    void *ptr;
    uint32_t gen;       /* LIFO: generation at push. manual: odd = in use */
    uint32_t next_free; /* manual only: free-list link */
};

/* What the table records of the scope open at one depth. */
struct grove__scope_record {
    uint32_t gen; /* lifo_gen when it was entered */
    uint32_t top; /* lifo_top when it was entered */
};

struct grove__root_table {
    struct grove__root_entry *lifo;
    uint32_t lifo_top;
    uint32_t lifo_limit; /* open_limit while a scope is open, else 0 */
    uint32_t lifo_cap;
    /* lifo_cap, or 0 during a collection: grove_root's fast path then falls
     * into the slow path, which refuses it, at no cost to the fast path. */
    uint32_t open_limit;
    bool collecting;     /* set by grove_roots_collecting */
    uint32_t lifo_gen;   /* bumped at every scope exit */
    uint32_t depth;      /* open scopes */
    uint32_t heap_id;
    struct grove__scope_record *scopes; /* scopes[i]: the open scope at depth i + 1 */
    uint32_t scope_cap;                 /* entries in scopes */
    struct grove__root_entry *manual;
    uint32_t manual_count;
    uint32_t manual_cap;
    uint32_t manual_free; /* head of the free list, UINT32_MAX if empty */
    uint32_t manual_live;
};

static inline struct grove__root_table *grove__table(grove_heap *heap)
{
    return (struct grove__root_table *)grove__fast(heap)->roots;
}

GROVE_API void grove__grow_scope_records(grove_heap *heap);
GROVE_API grove_rooted grove__root_slow(grove_heap *heap, void *object);
GROVE_API void *grove__rooted_get_slow(grove_heap *heap, grove_rooted r);
GROVE_API void *grove__manual_get_slow(grove_heap *heap, grove_manual m);

/** @addtogroup grove_indexed
 *  @{ */

/* ---- scopes ------------------------------------------------------------ */

/**
 * Open a scope. Scopes nest; exit them in LIFO order. The table records
 * which scope is open at each depth (its generation), so that an exit can
 * tell this scope from any other entered at the same depth.
 * @param heap the heap
 * @return the scope, to pass to grove_scope_exit()
 */
static inline grove_scope grove_scope_enter(grove_heap *heap)
{
    struct grove__root_table *t = grove__table(heap);
    if (GROVE_UNLIKELY(t->depth == t->scope_cap))
        grove__grow_scope_records(heap);
    /* Two scopes entered at one depth see different generations: the first
     * must exit before the second enters, and every exit bumps lifo_gen. */
    struct grove__scope_record *r = &t->scopes[t->depth++];
    r->gen = t->lifo_gen;
    r->top = t->lifo_top;
    t->lifo_limit = t->open_limit;
    grove_scope s = {t->depth, t->heap_id, t->lifo_gen};
    return s;
}

/**
 * Checked form of grove_scope_exit(): returns the error instead of calling
 * the handler.
 * @param heap  the heap
 * @param scope a scope of @p heap
 * @return GROVE_OK or GROVE_E_BAD_SCOPE
 */
GROVE_API grove_error grove_scope_try_exit(grove_heap *heap, grove_scope scope);
GROVE_API void grove__scope_exit_slow(grove_heap *heap, grove_scope scope);

/* Whether @p scope is open: its depth is open, and the scope recorded there
 * is this one (a later scope at that depth has another generation). */
static inline bool grove__scope_is_open(const struct grove__root_table *t, grove_scope scope)
{
    return scope.depth - 1u < t->depth && scope.heap == t->heap_id &&
           t->scopes[scope.depth - 1u].gen == scope.gen;
}

/* Close an open @p scope and the scopes inside it. */
static inline void grove__scope_close(struct grove__root_table *t, grove_scope scope)
{
    const uint32_t depth = scope.depth - 1u;
    t->lifo_top = t->scopes[depth].top;
    t->depth = depth;
    t->lifo_gen++;
    t->lifo_limit = depth ? t->open_limit : 0;
}

/**
 * Close @p scope and every scope opened inside it that is still open (after a
 * longjmp out of them): every grove_rooted created since it was entered dies.
 * Exiting a scope that is not open is misuse (GROVE_E_BAD_SCOPE) and changes
 * nothing: a scope exited already, or after an outer scope, even if another
 * scope has been entered at its depth since; a zeroed scope; a scope of
 * another heap. Inline and call-free whenever the scope is open; the slow
 * path only names the misuse.
 * @param heap  the heap
 * @param scope the scope from grove_scope_enter()
 */
static inline void grove_scope_exit(grove_heap *heap, grove_scope scope)
{
    struct grove__root_table *t = grove__table(heap);
    if (GROVE_LIKELY(grove__scope_is_open(t, scope))) {
        grove__scope_close(t, scope);
        return;
    }
    grove__scope_exit_slow(heap, scope);
}

/**
 * Number of scopes open (for assertions in embedders).
 * @param heap the heap
 * @return the nesting depth, 0 outside any scope
 */
GROVE_API uint32_t grove_scope_depth(grove_heap *heap);

/* ---- scoped roots ------------------------------------------------------ */

/**
 * Root @p object (a heap pointer or an immediate) in the innermost scope.
 * With no scope open: misuse (GROVE_E_NO_SCOPE), returns a zero handle.
 * @param heap   the heap
 * @param object the value to root
 * @return the handle, valid until the innermost scope exits
 */
static inline grove_rooted grove_root(grove_heap *heap, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    uint32_t i = t->lifo_top;
    if (GROVE_LIKELY(i < t->lifo_limit)) {
        t->lifo[i].ptr = object;
        t->lifo[i].gen = t->lifo_gen;
        t->lifo_top = i + 1;
        grove_rooted r = {i, t->lifo_gen, t->heap_id};
        return r;
    }
    return grove__root_slow(heap, object);
}

static inline bool grove__rooted_ok(const struct grove__root_table *t, grove_rooted r)
{
    return r.index < t->lifo_top && t->lifo[r.index].gen == r.gen && r.heap == t->heap_id;
}

/**
 * The object a scoped root holds now (valid until the next allocation).
 * A stale, foreign or forged handle is misuse, reported by the handler.
 * @param heap the heap
 * @param r    the handle
 * @return the object, or NULL if the handle is invalid and the handler returns
 */
static inline void *grove_rooted_get(grove_heap *heap, grove_rooted r)
{
    struct grove__root_table *t = grove__table(heap);
    if (GROVE_LIKELY(grove__rooted_ok(t, r)))
        return t->lifo[r.index].ptr;
    return grove__rooted_get_slow(heap, r);
}

GROVE_API void grove__rooted_set_slow(grove_heap *heap, grove_rooted r, void *object);
/**
 * Make a scoped root hold @p object. An invalid handle is misuse.
 * @param heap   the heap
 * @param r      the handle
 * @param object the new value
 */
static inline void grove_rooted_set(grove_heap *heap, grove_rooted r, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    if (GROVE_LIKELY(grove__rooted_ok(t, r)))
        t->lifo[r.index].ptr = object;
    else
        grove__rooted_set_slow(heap, r, object);
}

/**
 * Checked form of grove_rooted_get(): returns the error instead of calling
 * the handler.
 * @param heap the heap
 * @param r    the handle
 * @param out  receives the object on success
 * @return GROVE_OK, GROVE_E_STALE_HANDLE, GROVE_E_FOREIGN_HANDLE or GROVE_E_BAD_HANDLE
 */
GROVE_API grove_error grove_rooted_try_get(grove_heap *heap, grove_rooted r, void **out);
/**
 * Checked form of grove_rooted_set().
 * @param heap   the heap
 * @param r      the handle
 * @param object the new value
 * @return GROVE_OK or the handle's error, as for grove_rooted_try_get()
 */
GROVE_API grove_error grove_rooted_try_set(grove_heap *heap, grove_rooted r, void *object);

/* ---- manual roots ------------------------------------------------------ */

/**
 * Root @p object until grove_manual_unroot().
 * @param heap   the heap
 * @param object the value to root
 * @return the handle, or a zero handle (recording GROVE_E_OOM) if the table
 *         cannot grow
 */
GROVE_API grove_manual grove_manual_root(grove_heap *heap, void *object);

static inline bool grove__manual_ok(const struct grove__root_table *t, grove_manual m)
{
    return m.index < t->manual_count && t->manual[m.index].gen == m.gen && m.heap == t->heap_id;
}

/**
 * The object a manual root holds now (valid until the next allocation).
 * An unrooted, foreign or forged handle is misuse.
 * @param heap the heap
 * @param m    the handle
 * @return the object, or NULL if the handle is invalid and the handler returns
 */
static inline void *grove_manual_get(grove_heap *heap, grove_manual m)
{
    struct grove__root_table *t = grove__table(heap);
    if (GROVE_LIKELY(grove__manual_ok(t, m)))
        return t->manual[m.index].ptr;
    return grove__manual_get_slow(heap, m);
}

/**
 * Make a manual root hold @p object. An invalid handle is misuse.
 * @param heap   the heap
 * @param m      the handle
 * @param object the new value
 */
GROVE_API void grove_manual_set(grove_heap *heap, grove_manual m, void *object);

/**
 * Drop a manual root; its slot is reused. Unrooting twice is misuse
 * (GROVE_E_DOUBLE_UNROOT).
 * @param heap the heap
 * @param m    the handle
 */
GROVE_API void grove_manual_unroot(grove_heap *heap, grove_manual m);

/**
 * Checked form of grove_manual_get().
 * @param heap the heap
 * @param m    the handle
 * @param out  receives the object on success
 * @return GROVE_OK, GROVE_E_STALE_HANDLE, GROVE_E_FOREIGN_HANDLE or GROVE_E_BAD_HANDLE
 */
GROVE_API grove_error grove_manual_try_get(grove_heap *heap, grove_manual m, void **out);
/**
 * Checked form of grove_manual_set().
 * @param heap   the heap
 * @param m      the handle
 * @param object the new value
 * @return GROVE_OK or the handle's error, as for grove_manual_try_get()
 */
GROVE_API grove_error grove_manual_try_set(grove_heap *heap, grove_manual m, void *object);
/**
 * Checked form of grove_manual_unroot().
 * @param heap the heap
 * @param m    the handle
 * @return GROVE_OK, GROVE_E_DOUBLE_UNROOT, or the handle's error
 */
GROVE_API grove_error grove_manual_try_unroot(grove_heap *heap, grove_manual m);

/**
 * Manual roots alive now.
 * @param heap the heap
 * @return how many manual roots are rooted
 */
GROVE_API uint32_t grove_manual_count(grove_heap *heap);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* GROVE_ROOTS_INDEXED_H */
