/* roots_backend.h — the internal interface between the collector and a
 * rooting backend. The runtime is compiled once and never knows which
 * backend it is linked with: each backend (roots_indexed/, roots_intrusive/)
 * defines these functions, and reports errors through errors.h. */
#ifndef GROVE_ROOTS_BACKEND_H
#define GROVE_ROOTS_BACKEND_H

#include <stdlib.h>

#include "errors.h"
#include "trace.h"

/* Create the backend's state and store it in heap->fast.roots. */
bool grove_roots_init(grove_heap *heap);
void grove_roots_destroy(grove_heap *heap);

/* Told when a collection starts (true) and ends (false), from
 * grove_heap_enter_gc / grove_heap_leave_gc: a root made in between (from a
 * root visitor or a trace callback) would never be updated, so the backend
 * refuses it with GROVE_E_IN_GC. */
void grove_roots_collecting(grove_heap *heap, bool collecting);

/* Offer every root slot to the tracer, which may rewrite it in place.
 * Returns the number of slots offered. */
size_t grove_roots_visit(grove_heap *heap, grove_tracer *tracer);

/* Offer one root slot: the filter keeps the scan free of calls for slots
 * the current collection does not care about (old objects in a minor GC). */
static inline void grove_trace_root(grove_tracer *t, void **slot)
{
    if (grove_tracer_wants(t, t->filter, *slot))
        t->visit(t, slot);
}

/* Make room for one more open-scope record (both backends' scope checks keep
 * one record per nesting level, of record_size bytes): doubles *cap and
 * returns the grown array. Fatal on failure: grove_scope_enter has no way to
 * report an error, and the checks need the record. */
static inline void *grove_roots_grow_scope_records(void *records, uint32_t *cap,
                                                   size_t record_size)
{
    uint32_t n = *cap ? *cap * 2 : 64;
    void *grown = n > *cap ? realloc(records, (size_t)n * record_size) : NULL;
    if (!grown)
        grove_fatal("out of memory recording %u open scopes", *cap + 1);
    *cap = n;
    return grown;
}

#endif
