/* stats.h — counters and pause logs behind grove_get_stats.
 *
 * A pause log takes constant memory and never allocates: recording a pause
 * adds it to exact count/total/min/max, to a log-bucketed histogram (for
 * percentiles) and to a ring of the most recent pauses (for
 * grove_pause_samples). A zeroed log is an empty log. */
#ifndef GROVE_STATS_H
#define GROVE_STATS_H

#include <grove/grove.h>

/* Histogram precision: 2^5 = 32 linear sub-buckets per power of two. A
 * bucket starting at lo is lo / 32 wide or narrower, so its midpoint is
 * within 1/64 (1.6 %) of every value in it; values below 64 ns get a bucket
 * each (exact). */
#define GROVE_PAUSE_SUB_BUCKET_BITS 5
#define GROVE_PAUSE_SUB_BUCKETS (1u << GROVE_PAUSE_SUB_BUCKET_BITS)
/* Values below GROVE_PAUSE_SUB_BUCKETS one bucket each, then one row of
 * sub-buckets per power of two up to 2^63: every uint64_t has a bucket. */
#define GROVE_PAUSE_BUCKETS ((64 - GROVE_PAUSE_SUB_BUCKET_BITS + 1) * GROVE_PAUSE_SUB_BUCKETS)
/* A reported percentile p and the exact nearest-rank value v satisfy
 * |p - v| * GROVE_PAUSE_PRECISION_DIVISOR <= v. */
#define GROVE_PAUSE_PRECISION_DIVISOR (2u * GROVE_PAUSE_SUB_BUCKETS)

/* Most recent pauses kept per kind of collection (grove_pause_samples;
 * grove.h documents the number). */
#define GROVE_PAUSE_RECENT_CAPACITY 4096

typedef struct grove_pause_log {
    uint64_t count; /* pauses ever recorded */
    uint64_t total_ns;
    uint64_t min_ns; /* meaningful once count > 0 */
    uint64_t max_ns;
    uint64_t buckets[GROVE_PAUSE_BUCKETS];
    uint64_t recent_ns[GROVE_PAUSE_RECENT_CAPACITY]; /* pause number i at i % capacity */
} grove_pause_log;

typedef struct grove_stats_state {
    grove_stats counters; /* pause fields filled on read */
    grove_pause_log minor;
    grove_pause_log major;
} grove_stats_state;

uint64_t grove_now_ns(void);
void grove_pause_record(grove_pause_log *log, uint64_t ns);
/* Count, total and max (exact) and p50, p99 (within the histogram's
 * precision, clamped to the observed [min, max]). No allocation. */
grove_pause_stats grove_pause_summary(const grove_pause_log *log);
/* Copy the min(cap, stored) most recent pauses into out, oldest first;
 * returns how many are stored: min(count, GROVE_PAUSE_RECENT_CAPACITY). */
size_t grove_pause_recent(const grove_pause_log *log, uint64_t *out, size_t cap);
void grove_stats_note_heap_size(grove_heap *heap);

#endif
