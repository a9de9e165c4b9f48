/* heap.h — the heap object: which module owns which part of it, and the
 * few heap-wide helpers every module may use.
 *
 * A module works on its own struct (the nursery on heap->nursery, old space
 * on heap->old, ...) and is handed the heap only where it needs more than
 * its own state. */
#ifndef GROVE_HEAP_H
#define GROVE_HEAP_H

#include <grove/grove.h>

#include "arena.h"
#include "callbacks.h"
#include "finalizers.h"
#include "identity.h"
#include "large_object_space.h"
#include "marking.h"
#include "nursery.h"
#include "old_space.h"
#include "policy.h"
#include "remembered_set.h"
#include "stats.h"
#include "types.h"
#include "vec.h"
#include "weak.h"
#include "worklist.h"

struct grove_heap {
    /* First: the inline fast paths in grove.h read it at offset 0. The
     * nursery owns the bump pointer, limit and range, types.c the type
     * count, the rooting backend `roots`, heap.c the heap id. */
    struct grove__heap_fast fast;
    grove_config config; /* heap.c, options.c: as created, environment applied */

    grove_error last_error;  /* errors.c */
    char last_message[256];  /* errors.c */
    bool in_gc;              /* heap.c: held for a collection and its verify passes */
    _Atomic(uintptr_t) user; /* heap.c: the thread inside a runtime operation, 0 if none */
    unsigned user_depth;     /* heap.c: nested claims by that thread */
    long user_tid;           /* heap.c: its thread id, for messages */
    uint64_t collections;    /* collector.c: collections run, both kinds */

    grove_arena arena;              /* arena.c: all block, large-object and nursery memory */
    grove_type_registry types;      /* types.c */
    grove_nursery nursery;          /* nursery.c */
    grove_old_space old;            /* old_space.c */
    grove_large_space large;        /* large_object_space.c */
    grove_remembered_set remembered; /* remembered_set.c, barrier.c */
    grove_callbacks visitors;       /* root_visitors.c */
    grove_callbacks listeners;      /* events.c */
    grove_worklist worklist;        /* the tracing phases (collector.h) */
    grove_marking marking;          /* marking.c: an incremental major GC's cycle */
    grove_weak_state weak;          /* weak.c: weak boxes and ephemerons in a collection */
    grove_finalizers finalizers;    /* finalizers.c: guardians and cleanup hooks */
    grove_vec marked_young;         /* promotion.c: nursery objects a census marked */
    size_t hashed_young;            /* identity_hash.c: young objects hashed since the last
                                       minor GC (each grows by a word when promoted) */
    grove_pins pins;                /* pins.c */
    grove_vec hash_shadow;          /* verify.c: hashed objects, verify mode only */
    grove_vec hash_shadow_values;   /* verify.c: their hashes, as (void *)(uintptr_t) */
    grove_policy policy;            /* policy.c */
    grove_stats_state stats;        /* stats.c; the collectors add to its counters */
};

/* Memory the heap holds right now: nursery, old blocks, large objects. */
size_t grove_heap_bytes(const grove_heap *heap);
/* Would holding `extra` more bytes pass max_heap_size? */
bool grove_heap_over_limit(const grove_heap *heap, size_t extra);

/* Claim the heap for the calling thread for one operation (nested claims
 * by the same thread are fine). If another thread holds it, report
 * GROVE_E_CONCURRENT_USE naming both threads and return false: the caller
 * does nothing. Every successful claim is paired with grove_heap_release. */
bool grove_heap_claim(grove_heap *heap);
void grove_heap_release(grove_heap *heap);
/* Drop every claim the calling thread holds (before a misuse handler that
 * may longjmp out of the operation). No-op if it holds none. */
void grove_heap_unclaim(grove_heap *heap);

/* Hold in_gc around a collection (and its verify passes): allocation,
 * collection requests and root or listener changes are refused meanwhile,
 * and every allocation takes the slow path to be refused. Leaving calls
 * the cleanup hooks the collection made due. */
void grove_heap_enter_gc(grove_heap *heap);
void grove_heap_leave_gc(grove_heap *heap);

/* Verify mode (verify.c), called with in_gc held: before a minor GC, and
 * after any GC. Abort on violation. */
void grove_verify_remembered(grove_heap *heap);
void grove_verify_heap(grove_heap *heap, const char *when);
/* Verify mode's shadow of identity hashes: record an object's first hash;
 * follow the objects through a collection's weak phase (moved ones
 * updated, dead ones dropped); grove_verify_heap then checks every live
 * one still has its hash. */
void grove_verify_note_hash(grove_heap *heap, void *object, uint64_t hash);
void grove_verify_hashes_after_trace(grove_heap *heap, grove_collection_kind kind);

#endif
