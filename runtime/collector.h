/* collector.h — the pipeline of phases both collectors run.
 *
 *   minor:                 roots(young) → remembered set → drain → weak → reset nursery
 *                          (and remember the slots that point at survivors kept young)
 *   major: finish sweep →  roots(all)   →                  drain → weak → sweep → reset census
 *   final pause of an incremental cycle (marking.h):
 *          hand-over    →  roots(all)   → remembered(young) → drain → weak → sweep → reset census
 *
 * A collector is a plan: its kind, the visitor and filter its tracer uses,
 * and the phases particular to it. grove_collection_run runs the phases in
 * order, times the pause, records it, tells event listeners, and asserts
 * after each phase the invariant it establishes (collector.c). The caller
 * holds in_gc for the whole run (heap.h, grove_heap_enter_gc) and decides
 * when to run which plan: that is policy.c's job, never the collector's. */
#ifndef GROVE_COLLECTOR_H
#define GROVE_COLLECTOR_H

#include <grove/grove.h>

#include "promotion.h"
#include "trace.h"

typedef struct grove_collection grove_collection;
typedef void (*grove_phase_fn)(grove_collection *c);

typedef struct grove_plan {
    grove_collection_kind kind;
    grove_trace_filter filter; /* which slots the tracer hands to visit */
    grove_visit_fn visit;      /* evacuate (minor) or mark (major) */
    /* Phases particular to the plan; NULL where the plan has none. The
     * drain is the plan's own so that it is specialised for its visitor.
     * `begin` sets up the collection's own state before the first phase. */
    grove_phase_fn begin;
    grove_phase_fn finish_sweep;
    grove_phase_fn remembered;
    grove_phase_fn drain;
    grove_phase_fn sweep;
    grove_phase_fn reset;
} grove_plan;

/* One collection in progress: the state its phases share. */
struct grove_collection {
    grove_heap *heap;
    const grove_plan *plan;
    grove_gc_reason reason;
    grove_tracer tracer;       /* its data points back here */
    grove_young_census census; /* major: nursery survivors per size class */
    uint64_t number;           /* collections on this heap, this one included */
    uint64_t start_ns;
    size_t heap_bytes_before; /* held when the collection started */
    uint64_t bytes_promoted;
    uint64_t bytes_kept_young; /* minor: copied to the next nursery region (aging) */
    uint64_t bytes_freed;
    unsigned max_age;     /* minor: survivors younger than this stay young */
    uintptr_t kept_limit; /* minor: the end of the room for survivors kept young */
    bool events; /* a listener is registered: emit phase events */
};

/* Run `plan` on `heap` as one pause; `c` receives the finished collection
 * (a major GC's census is read from it afterwards). */
void grove_collection_run(grove_heap *heap, const grove_plan *plan, grove_gc_reason reason,
                          grove_collection *c);

/* The two collectors. Callers hold in_gc. grove_minor_gc evacuates the
 * nursery unconditionally: call it only when grove_minor_gc_fits.
 * grove_major_gc marks and sweeps in place and leaves the nursery's
 * survivors counted in *census, for the policy to decide whether to
 * evacuate them; if an incremental cycle marks, it is the cycle's final
 * pause (marking.h). */
void grove_minor_gc(grove_heap *heap, grove_gc_reason reason);
void grove_major_gc(grove_heap *heap, grove_gc_reason reason, grove_young_census *census);

#endif
