/* heap.c — heap lifecycle and the heap-wide helpers. */
#include "heap.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
#include "invariant.h"
#include "options.h"
#include "roots_backend.h"

_Static_assert(offsetof(struct grove_heap, fast) == 0,
               "the inline fast paths read struct grove__heap_fast at the heap's start");

/* Heap ids start at 1: a zeroed handle never names a heap. */
static atomic_uint_least32_t next_heap_id = 1;

static bool zeal(const grove_config *c)
{
    return c->zeal_minor || c->zeal_major || (c->incremental && c->zeal_slice);
}

/* ---- one thread at a time ------------------------------------------------ */

static uintptr_t current_thread(void)
{
    /* pthread_t is an integer or a pointer on every platform Grove builds on. */
    return (uintptr_t)pthread_self();
}

/* The kernel's id of this thread, for messages: asked once per thread (a
 * system call), since every claim records it. */
static long current_tid(void)
{
    static _Thread_local long tid;
    if (!tid) {
#ifdef SYS_gettid
        tid = (long)syscall(SYS_gettid);
#else
        tid = (long)getpid();
#endif
    }
    return tid;
}

bool grove_heap_claim(grove_heap *heap)
{
    /* Taking and dropping the heap is a lock's acquire and release: the
     * next holder sees every write of the last (and sequential consistency
     * would make each API call that claims pay a full fence). */
    uintptr_t me = current_thread(), holder = 0;
    if (atomic_compare_exchange_strong_explicit(&heap->user, &holder, me, memory_order_acquire,
                                                memory_order_relaxed)) {
        heap->user_depth = 1;
        heap->user_tid = current_tid();
        return true;
    }
    if (holder == me) {
        heap->user_depth++;
        return true;
    }
    grove_misuse(heap, GROVE_E_CONCURRENT_USE,
                 "heap used by thread %ld while thread %ld is using it (a heap is used by one "
                 "thread at a time)",
                 current_tid(), heap->user_tid);
    return false;
}

void grove_heap_release(grove_heap *heap)
{
    if (atomic_load_explicit(&heap->user, memory_order_relaxed) != current_thread())
        return; /* dropped by grove_heap_unclaim before a misuse handler */
    GROVE_ASSERT(heap->user_depth > 0, "a release follows a claim");
    if (--heap->user_depth == 0)
        atomic_store_explicit(&heap->user, 0, memory_order_release);
}

void grove_heap_unclaim(grove_heap *heap)
{
    if (atomic_load(&heap->user) != current_thread())
        return;
    heap->user_depth = 0;
    atomic_store(&heap->user, 0);
}

/* ---- collections ------------------------------------------------------------ */

void grove_heap_enter_gc(grove_heap *heap)
{
    GROVE_ASSERT(!heap->in_gc, "collections do not nest");
    heap->in_gc = true;
    grove_nursery_set_slow_only(&heap->nursery, true);
    grove_roots_collecting(heap, true);
}

void grove_heap_leave_gc(grove_heap *heap)
{
    GROVE_ASSERT(heap->in_gc, "leaving a collection that was entered");
    GROVE_ASSERT(heap->marked_young.len == 0, "no nursery object stays marked between collections");
    heap->in_gc = false;
    grove_roots_collecting(heap, false);
    /* Before the allocation fast path is armed again: hooks may not
     * allocate, and only the slow path refuses. */
    grove_cleanups_run(heap);
    /* In zeal mode every allocation must reach the slow path to be counted. */
    grove_nursery_set_slow_only(&heap->nursery, zeal(&heap->config));
}

static grove_heap *create_failed(grove_heap *heap, grove_error_info *error, const char *what)
{
    grove_heap_destroy(heap);
    grove_error_info_set(error, GROVE_E_OOM, "%s", what);
    return NULL;
}

grove_heap *grove_heap_create(const grove_config *config, grove_error_info *error)
{
    grove_config c;
    if (config)
        c = *config;
    else
        grove_config_init(&c);
    if (!grove_config_apply_environment(&c, error) || !grove_config_check(&c, error))
        return NULL;

    grove_heap *heap = calloc(1, sizeof *heap);
    if (!heap) {
        grove_error_info_set(error, GROVE_E_OOM, "out of memory allocating the heap");
        return NULL;
    }
    heap->config = c;
    heap->fast.heap_id = (uint32_t)atomic_fetch_add(&next_heap_id, 1);
    grove_policy_init(&heap->policy, &c);
    if (!grove_arena_acquire(&heap->arena)) {
        free(heap);
        grove_error_info_set(error, GROVE_E_OOM, "jemalloc could not create an arena");
        return NULL;
    }
    bool poison = c.debug & GROVE_DEBUG_POISON;
    grove_old_space_init(&heap->old, &heap->arena, poison);
    grove_large_space_init(&heap->large, &heap->arena);
    size_t capacity = c.nursery_max_size ? c.nursery_max_size : c.nursery_size;
    if (!grove_nursery_init(&heap->nursery, &heap->fast, &heap->arena, c.nursery_size, capacity,
                            c.survivor_age > 0, poison))
        return create_failed(heap, error, "out of memory allocating the nursery");
    grove_nursery_set_slow_only(&heap->nursery, zeal(&c));
    if (!grove_roots_init(heap))
        return create_failed(heap, error, "out of memory creating the rooting backend's tables");
    grove_stats_note_heap_size(heap);
    grove_error_info_set(error, GROVE_OK, "%s", "");
    return heap;
}

void grove_heap_destroy(grove_heap *heap)
{
    if (!heap)
        return;
    grove_finalizers_destroy(heap);
    if (heap->fast.roots)
        grove_roots_destroy(heap);
    grove_nursery_free(&heap->nursery);
    grove_old_space_free(&heap->old);
    grove_large_space_free(&heap->large);
    grove_arena_release(&heap->arena);
    grove_types_free(&heap->types);
    grove_remembered_free(&heap->remembered);
    grove_worklist_free(&heap->worklist);
    grove_marking_free(&heap->marking);
    grove_weak_free(&heap->weak);
    grove_vec_free(&heap->marked_young);
    grove_pins_free(&heap->pins);
    grove_vec_free(&heap->hash_shadow);
    grove_vec_free(&heap->hash_shadow_values);
    grove_callbacks_free(&heap->visitors);
    grove_callbacks_free(&heap->listeners);
    free(heap);
}

size_t grove_heap_bytes(const grove_heap *heap)
{
    return grove_nursery_held(&heap->nursery) + grove_old_space_bytes(&heap->old) + heap->large.bytes;
}

bool grove_heap_over_limit(const grove_heap *heap, size_t extra)
{
    size_t now = grove_heap_bytes(heap);
    return extra > heap->config.max_heap_size || now > heap->config.max_heap_size - extra;
}
