/* heap.h — the heap object and the runtime's internal entry points. */
#ifndef GROVE_HEAP_H
#define GROVE_HEAP_H

#include <grove/grove.h>

#include "large_object_space.h"
#include "nursery.h"
#include "old_space.h"
#include "remembered_set.h"
#include "stats.h"
#include "types.h"
#include "vec.h"

typedef struct grove_root_visitor_entry {
    grove_root_visitor visit;
    void *data;
} grove_root_visitor_entry;

struct grove_heap {
    struct grove__heap_fast fast; /* first: the inline fast paths read it */
    grove_config config;
    bool in_gc;
    grove_error last_error;
    char last_message[256];
    unsigned arena;   /* jemalloc arena owned by this heap */
    int mallocx_flags; /* MALLOCX_ARENA(arena) | MALLOCX_TCACHE_NONE */

    grove_type_registry types;
    grove_nursery nursery;
    grove_old_space old;
    grove_large_space large;
    grove_remembered_set remembered;
    grove_root_visitor_entry *visitors;
    size_t visitor_count;
    size_t visitor_cap;

    grove_vec gray;         /* objects to scan: promoted (minor GC) or marked (major GC) */
    grove_vec marked_young; /* nursery objects marked by a census, to unmark */

    grove_stats_state stats;
    size_t major_threshold; /* old + large bytes that trigger a major GC */
    uint64_t zeal_ticks;    /* slow-path allocations counted in zeal mode */
};

/* Memory the heap holds right now: nursery, old blocks, large objects. */
size_t grove_heap_bytes(const grove_heap *heap);
bool grove_heap_over_limit(const grove_heap *heap, size_t extra);

/* Collections. Callers have checked in_gc.
 * grove_minor_gc evacuates the nursery unconditionally: call it only when
 * grove_minor_gc_fits. grove_major_gc marks and sweeps in place, then
 * evacuates the nursery if its survivors fit under the limit (GROVE_OK) or
 * leaves it (GROVE_E_OOM, not recorded: the caller decides if it fails). */
void grove_minor_gc(grove_heap *heap);
grove_error grove_major_gc(grove_heap *heap);

/* Survivors of the nursery per old-space size class (promotion.c). */
typedef struct grove_young_census {
    size_t cells[GROVE_SIZE_CLASSES];
} grove_young_census;

/* Would evacuating the nursery now keep the heap within its limit? */
bool grove_minor_gc_fits(grove_heap *heap);
/* Count a just-marked nursery object (remembered for unmarking). */
void grove_young_census_note(grove_heap *heap, grove_young_census *census, void *object);
/* Unmark every nursery object the census marked. */
void grove_young_census_clear(grove_heap *heap);
bool grove_young_census_fits(grove_heap *heap, const grove_young_census *census);

/* Visit every root: the backend's table or lists, then embedder visitors.
 * Returns the number of root slots offered. */
size_t grove_visit_roots(grove_heap *heap, grove_tracer *tracer);

/* Verify mode: before a minor GC, and after any GC. Abort on violation. */
void grove_verify_remembered(grove_heap *heap);
void grove_verify_heap(grove_heap *heap, const char *when);

#endif
