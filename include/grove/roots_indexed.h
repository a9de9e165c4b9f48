/**
 * @file roots_indexed.h
 * @brief The indexed root table backend (GROVE_ROOTING=indexed).
 *
 * The mutator never holds a heap pointer across an allocation; it holds a
 * handle: a small value {slot, generation} naming an entry of the heap's
 * root table, in the style of Wasmtime's RootScope/Rooted and
 * ManuallyRooted. The collector scans the table as one array and rewrites
 * the entries when objects move.
 *
 * Two kinds of handles:
 *   grove_rooted  lives in a LIFO scope (grove_scope_enter/exit). Creating one
 *                 is a bump; exiting the scope truncates the table, so every
 *                 handle made inside dies at once. grove_root_n() reserves
 *                 several consecutive entries with one bump.
 *   grove_manual  lives until grove_manual_unroot, in any order; freed slots
 *                 are reused.
 *
 * Safety: every read and write checks that the slot is in use and that its
 * entry carries the handle's generation. Generations are 64-bit and unique
 * in the process: each scope entry and each manual root takes a new one from
 * a range only its heap draws from, so a handle used after its scope exited,
 * after it was unrooted, unrooted twice, zeroed, forged or passed to another
 * heap never matches, and is reported every time through the heap's error
 * handler (default: print and abort), never dereferenced. The `try_` forms
 * return the error code instead. A heap would have to enter 2^63 scopes
 * (about 290 years at one per nanosecond) before a generation could repeat.
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

/** A scoped root: a handle valid until its scope exits. Copy it freely.
 *  Sixteen bytes, so it travels in two registers. */
typedef struct grove_rooted {
    uint64_t offset; /**< where its entry is in the LIFO table, in 8-byte words
                          (an entry is two: the check then needs no shift) */
    uint64_t gen;    /**< the generation of the scope it was made in */
} grove_rooted;

/** A manual root: a handle valid until grove_manual_unroot(). A zeroed
 *  handle is never valid. */
typedef struct grove_manual {
    uint64_t offset; /**< where its entry is in the manual table, in 8-byte words */
    uint64_t gen;    /**< the generation the entry was given when rooted */
} grove_manual;

/** An open scope, from grove_scope_enter(); pass it to grove_scope_exit().
 *  It names the scope; the table records where its roots start. */
typedef struct grove_scope {
    uint64_t gen;    /**< the generation this scope was given at entry: it
                          identifies the scope (and its heap) */
    uint64_t record; /**< where the table records it, in bytes: its nesting
                          depth (1 for the outermost scope) times a record's size */
    uint64_t top;    /**< the LIFO table's top at entry, which its exit restores
                          (carried here, not read back from the table, so that
                          the top does not make a round trip through memory) */
} grove_scope;

/** @} */

/* Backend state, reached through the heap's fast-path struct (not API). */

/* A table is an array of words; an entry is two: the root's value (for a
 * free manual entry, the offset of the next free one), then its generation.
 * Handles count in words so that the inline checks index with a scale. */
union grove__root_word {
    void *ptr;
    uint64_t gen;
};
#define GROVE__ENTRY_WORDS 2u

/* The generation of a free manual entry and of the no-scope record: from
 * range 0, which no heap draws from, so no handle issued ever matches it
 * (and it is not 0, the generation of a zeroed handle). */
#define GROVE__NO_GEN ((uint64_t)1)
/* The end of the manual free list. */
#define GROVE__NO_SLOT UINT64_MAX

/* What the table records of the scope open at one depth: its identity.
 * (No limit: an exit derives lifo_limit from open_limit, so that a
 * collection changes one field, not a record per open scope.) */
struct grove__scope_record {
    uint64_t gen; /* the scope's generation: scope_gen while it is innermost */
};

/* Sizes and offsets are in words. */
struct grove__root_table {
    /* Read by the inline paths. */
    /* (The order keeps fields the inline paths store separately in
     * separate 8-byte words, so that no wide load spans a fresh store.) */
    uint64_t lifo_top;   /* LIFO words in use */
    uint64_t next_gen;   /* the next generation to give out */
    uint64_t scope_gen;  /* generation of the innermost open scope */
    uint64_t lifo_limit; /* open_limit while a scope is open, else 0 */
    /* Scope entry and manual roots take their slow path once next_gen
     * reaches it: when the heap's generation range or the scope records
     * run out, and always during a collection. */
    uint64_t gen_stop;
    struct grove__scope_record *scopes; /* scopes[d]: the scope open at depth d;
                                           scopes[0]: none (GROVE__NO_GEN) */
    uint64_t record; /* bytes to the innermost open scope's record: open
                        scopes times the record size */
    uint64_t open_limit; /* lifo_words, or 0 during a collection, so that
                            grove_root falls into its slow path then */
    union grove__root_word *manual;
    uint64_t manual_end;  /* words of manual[] */
    uint64_t manual_free; /* offset of the first free entry, or GROVE__NO_SLOT */
    uint32_t manual_live;
    /* Slow paths only. */
    uint32_t heap_id;
    bool collecting;      /* set by grove_roots_collecting */
    uint32_t scope_cap;   /* entries in scopes */
    uint64_t lifo_words;  /* LIFO capacity (one spare entry follows) */
    uint64_t *gen_ranges; /* the generation ranges this heap drew from, in order */
    uint32_t gen_range_count;
    uint32_t gen_range_cap;
    /* The LIFO table's words, in the same allocation, so that reaching an
     * entry needs no load of a base pointer (and compilers fold the offset
     * into the addressing). The table moves when it grows (heap->fast.roots
     * follows). A flexible array member is C99; C++ has it as an extension,
     * which -Wpedantic would report in every C++ consumer. */
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
    union grove__root_word lifo[];
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
};

static inline struct grove__root_table *grove__table(grove_heap *heap)
{
    return (struct grove__root_table *)grove__fast(heap)->roots;
}

static inline struct grove__scope_record *grove__scope_record_at(const struct grove__root_table *t,
                                                              uint64_t record)
{
    return (struct grove__scope_record *)(void *)((char *)t->scopes + record);
}

/* Keep x in a general register: GCC's SLP vectorizer would otherwise load
 * two table fields at once, for the two words of a handle stored to memory,
 * in one 16-byte load that spans a field stored just before in 8 bytes, and
 * such a load cannot be forwarded from the store (a stall of about a dozen
 * cycles, every time). */
#if defined(__GNUC__)
#define GROVE__SCALAR(x) __asm__("" : "+r"(x))
#else
#define GROVE__SCALAR(x) ((void)0)
#endif

/* The slow paths are cold: compilers then keep the spills they need out of
 * the inline paths that call them. */
#if defined(__GNUC__)
#define GROVE__COLD __attribute__((cold))
#else
#define GROVE__COLD
#endif
GROVE_API GROVE__COLD void grove__scope_refill(grove_heap *heap);
GROVE_API GROVE__COLD grove_rooted grove__root_slow(grove_heap *heap, void *object);
GROVE_API GROVE__COLD grove_rooted grove__root_n_slow(grove_heap *heap, uint32_t n);
GROVE_API GROVE__COLD void *grove__rooted_get_slow(grove_heap *heap, grove_rooted r);
GROVE_API GROVE__COLD void grove__rooted_set_slow(grove_heap *heap, grove_rooted r, void *object);
GROVE_API GROVE__COLD grove_manual grove__manual_root_slow(grove_heap *heap, void *object);
GROVE_API GROVE__COLD void *grove__manual_get_slow(grove_heap *heap, grove_manual m);
GROVE_API GROVE__COLD void grove__manual_set_slow(grove_heap *heap, grove_manual m, void *object);
GROVE_API GROVE__COLD void grove__manual_unroot_slow(grove_heap *heap, grove_manual m);

/* Test only (not API): advance the heap's generation counter by @p n, as if
 * n scopes had been entered, so that tests reach what once was the point
 * where 32-bit generations wrapped. */
GROVE_API void grove__roots_indexed_skip_generations_for_test(grove_heap *heap, uint64_t n);

/* Open a scope; the caller made sure a record is free (next_gen < gen_stop,
 * or grove__scope_refill). */
static inline grove_scope grove__scope_open(struct grove__root_table *t)
{
    const uint64_t gen = t->next_gen++;
    const uint64_t record = t->record += sizeof(struct grove__scope_record);
    struct grove__scope_record *r = grove__scope_record_at(t, record);
    r->gen = gen;
    t->scope_gen = gen;
    t->lifo_limit = t->open_limit;
    grove_scope s = {gen, record, t->lifo_top};
    return s;
}

/** @addtogroup grove_indexed
 *  @{ */

/* ---- scopes ------------------------------------------------------------ */

/**
 * Open a scope. Scopes nest; exit them in LIFO order. The scope gets a new
 * generation, which its roots carry and the table records at its depth, so
 * that an exit can tell this scope from any other entered at that depth.
 * @param heap the heap
 * @return the scope, to pass to grove_scope_exit()
 */
static inline grove_scope grove_scope_enter(grove_heap *heap)
{
    if (GROVE_UNLIKELY(grove__table(heap)->next_gen >= grove__table(heap)->gen_stop))
        grove__scope_refill(heap);
    return grove__scope_open(grove__table(heap));
}

/**
 * Checked form of grove_scope_exit(): returns the error instead of calling
 * the handler.
 * @param heap  the heap
 * @param scope a scope of @p heap
 * @return GROVE_OK or GROVE_E_BAD_SCOPE
 */
GROVE_API grove_error grove_scope_try_exit(grove_heap *heap, grove_scope scope);
GROVE_API GROVE__COLD void grove__scope_exit_slow(grove_heap *heap, grove_scope scope);

/* Whether @p scope is open: its depth is open, and the scope recorded there
 * is this one (any other scope has another generation; depth 0 records
 * GROVE__NO_GEN, so a zeroed scope fails too). */
static inline bool grove__scope_is_open(const struct grove__root_table *t, grove_scope scope)
{
    /* An open scope's roots start at or below the top; a top above it could
     * only be forged, and would make dead entries roots again. */
    return scope.record <= t->record &&
           grove__scope_record_at(t, scope.record)->gen == scope.gen && scope.top <= t->lifo_top;
}

/* Close the open @p scope and the scopes inside it. */
static inline void grove__scope_close(struct grove__root_table *t, grove_scope scope)
{
    const struct grove__scope_record *r = grove__scope_record_at(t, scope.record);
    t->lifo_top = scope.top;
    t->record = scope.record - sizeof *r;
    t->scope_gen = r[-1].gen;
    /* With no scope left open, grove_root takes its slow path (no scope). */
    t->lifo_limit = t->record ? t->open_limit : 0;
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
 * With no scope open (GROVE_E_NO_SCOPE) or during a collection
 * (GROVE_E_IN_GC): misuse, returns a zero handle.
 * @param heap   the heap
 * @param object the value to root
 * @return the handle, valid until the innermost scope exits
 */
static inline grove_rooted grove_root(grove_heap *heap, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    const uint64_t top = t->lifo_top;
    if (GROVE_LIKELY(top < t->lifo_limit)) {
        const uint64_t gen = t->scope_gen;
        t->lifo[top].ptr = object;
        t->lifo[top + 1].gen = gen;
        t->lifo_top = top + GROVE__ENTRY_WORDS;
        grove_rooted r = {top, gen};
        return r;
    }
    return grove__root_slow(heap, object);
}

/**
 * Root @p n consecutive entries in the innermost scope with one bump, all
 * holding NULL: a frame of locals (see GROVE_LOCALS()). Reach entry i with
 * grove_rooted_at(). Misuse as for grove_root().
 * @param heap the heap
 * @param n    the number of entries, at least 1
 * @return the handle of the first entry, valid until the innermost scope exits
 */
static inline grove_rooted grove_root_n(grove_heap *heap, uint32_t n)
{
    struct grove__root_table *t = grove__table(heap);
    uint64_t top = t->lifo_top;
    const uint64_t words = (uint64_t)n * GROVE__ENTRY_WORDS;
    if (GROVE_LIKELY(n != 0 && top + words <= t->lifo_limit)) {
        uint64_t gen = t->scope_gen;
        GROVE__SCALAR(top);
        GROVE__SCALAR(gen);
        union grove__root_word *e = &t->lifo[top];
        for (uint32_t i = 0; i < n; i++) {
            e[GROVE__ENTRY_WORDS * i].ptr = NULL;
            e[GROVE__ENTRY_WORDS * i + 1].gen = gen;
        }
        t->lifo_top = top + words;
        grove_rooted r = {top, gen};
        return r;
    }
    return grove__root_n_slow(heap, n);
}

/**
 * The handle of entry @p i of a frame from grove_root_n(). Pure arithmetic;
 * an @p i past the frame names whatever follows it (another root of the
 * scope, or nothing: then every use is reported).
 * @param frame the frame's handle
 * @param i     the entry, below the frame's size
 * @return the entry's handle
 */
static inline grove_rooted grove_rooted_at(grove_rooted frame, uint32_t i)
{
    grove_rooted r = {frame.offset + (uint64_t)i * GROVE__ENTRY_WORDS, frame.gen};
    return r;
}

/* Whether a scoped handle is valid: one compare against the top (an entry
 * above it is dead) and one against the entry's generation. (A predicate,
 * not a pointer to the entry, so that compilers fold the offset into both
 * accesses' addressing.) */
static inline bool grove__rooted_ok(const struct grove__root_table *t, grove_rooted r)
{
    return GROVE_LIKELY(r.offset < t->lifo_top) && GROVE_LIKELY(t->lifo[r.offset + 1].gen == r.gen);
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
    if (grove__rooted_ok(t, r))
        return t->lifo[r.offset].ptr;
    return grove__rooted_get_slow(heap, r);
}

/**
 * Make a scoped root hold @p object. An invalid handle is misuse.
 * @param heap   the heap
 * @param r      the handle
 * @param object the new value
 */
static inline void grove_rooted_set(grove_heap *heap, grove_rooted r, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__rooted_ok(t, r))
        t->lifo[r.offset].ptr = object;
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
 * Root @p object until grove_manual_unroot(). During a collection: misuse
 * (GROVE_E_IN_GC), returns a zero handle.
 * @param heap   the heap
 * @param object the value to root
 * @return the handle, or a zero handle (recording GROVE_E_OOM) if the table
 *         cannot grow
 */
static inline grove_manual grove_manual_root(grove_heap *heap, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    uint64_t offset = t->manual_free;
    uint64_t gen = t->next_gen;
    GROVE__SCALAR(offset);
    GROVE__SCALAR(gen);
    if (GROVE_LIKELY(offset != GROVE__NO_SLOT && gen < t->gen_stop)) {
        union grove__root_word *e = &t->manual[offset];
        t->manual_free = (uint64_t)(uintptr_t)e[0].ptr;
        e[0].ptr = object;
        e[1].gen = gen;
        t->next_gen = gen + 1;
        t->manual_live++;
        grove_manual m = {offset, gen};
        return m;
    }
    return grove__manual_root_slow(heap, object);
}

/* Whether a manual handle is valid (a free entry carries GROVE__NO_GEN,
 * which no handle does). */
static inline bool grove__manual_ok(const struct grove__root_table *t, grove_manual m)
{
    return GROVE_LIKELY(m.offset < t->manual_end) &&
           GROVE_LIKELY(t->manual[m.offset + 1].gen == m.gen);
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
    if (grove__manual_ok(t, m))
        return t->manual[m.offset].ptr;
    return grove__manual_get_slow(heap, m);
}

/**
 * Make a manual root hold @p object. An invalid handle is misuse.
 * @param heap   the heap
 * @param m      the handle
 * @param object the new value
 */
static inline void grove_manual_set(grove_heap *heap, grove_manual m, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__manual_ok(t, m))
        t->manual[m.offset].ptr = object;
    else
        grove__manual_set_slow(heap, m, object);
}

/**
 * Drop a manual root; its slot is reused. Unrooting twice is misuse
 * (GROVE_E_DOUBLE_UNROOT).
 * @param heap the heap
 * @param m    the handle
 */
static inline void grove_manual_unroot(grove_heap *heap, grove_manual m)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__manual_ok(t, m)) {
        t->manual[m.offset + 1].gen = GROVE__NO_GEN;
        t->manual[m.offset].ptr = (void *)(uintptr_t)t->manual_free;
        t->manual_free = m.offset;
        t->manual_live--;
        return;
    }
    grove__manual_unroot_slow(heap, m);
}

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
