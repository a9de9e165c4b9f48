/*
 * bench_grove.h — helpers for the Grove workloads: heap creation with a
 * loud failure, the grove part of the result line, fixnums.
 */
#ifndef GROVE_BENCH_GROVE_H
#define GROVE_BENCH_GROVE_H

#include <grove/roots.h>

#include "bench.h"

/* Create a heap with the default configuration (nursery size overridable
 * with GROVE_BENCH_NURSERY=<bytes> for experiments) or fail loudly. With
 * $GROVE_BENCH_PAUSES set, every pause of the heap is recorded. */
grove_heap *bench_heap_create(void);

/* Register a type or fail loudly. */
grove_type_id bench_register(grove_heap *heap, const char *name, grove_layout layout, size_t size,
                             uint64_t pointer_map);

/* Add "backend" and "grove" (grove_stats_json) to the result line, and write
 * every pause sample to $GROVE_BENCH_PAUSES if set. Call once, just before
 * destroying the heap. */
void bench_grove_report(bench_json *j, grove_heap *heap);

/* Record every pause of `heap` from its collection events, for
 * bench_grove_write_pauses. See pause_samples.c. */
void bench_grove_record_pauses(grove_heap *heap);

/* Every pause recorded, written as one JSON object
 * {"minor":[ns...],"major":[ns...]} to `path`. */
void bench_grove_write_pauses(const char *path);

/* Tagged integers: an immediate the collector never traces. */
static inline void *bench_fixnum(intptr_t v)
{
    return (void *)(((uintptr_t)v << 1) | 1u);
}
static inline intptr_t bench_fixnum_value(const void *p)
{
    return (intptr_t)(uintptr_t)p >> 1;
}

#endif /* GROVE_BENCH_GROVE_H */
