/*
 * bench_weak.h — what the weak benchmarks share: the weak phase of their
 * heap's collections, read from collection events (to isolate weak
 * processing from the rest of each pause), and a loud allocation.
 */
#ifndef GROVE_BENCH_WEAK_H
#define GROVE_BENCH_WEAK_H

#include "bench_grove.h"

/* Per kind of collection (indexed by grove_collection_kind). */
typedef struct bench_weak_clock {
    uint64_t phases[2];   /* weak phases seen */
    uint64_t total_ns[2]; /* their durations summed */
    uint64_t last_ns[2];  /* the latest one's duration */
    uint64_t last_pause_ns[2]; /* the latest collection's whole pause */
} bench_weak_clock;

/* Start filling *clock from `heap`'s events (zero it first). */
void bench_weak_clock_start(grove_heap *heap, bench_weak_clock *clock);

/* Add weak_minor_ms and weak_major_ms (the summed phases) to the line. */
void bench_weak_clock_report(bench_json *j, const bench_weak_clock *clock);

/* Allocate or fail loudly. */
void *bench_alloc(grove_heap *heap, grove_type_id type, size_t size);

#endif /* GROVE_BENCH_WEAK_H */
