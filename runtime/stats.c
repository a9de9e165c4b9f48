/* stats.c — counters, pause histograms and recent pauses, and their JSON form. */
#include "stats.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "heap.h"

uint64_t grove_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Histogram bucket of a pause: values below GROVE_PAUSE_SUB_BUCKETS are
 * their own bucket; above, the power of two picks a row and the next
 * GROVE_PAUSE_SUB_BUCKET_BITS bits below the leading one the sub-bucket. */
static unsigned bucket_of(uint64_t ns)
{
    if (ns < GROVE_PAUSE_SUB_BUCKETS)
        return (unsigned)ns;
    unsigned shift = 63u - (unsigned)__builtin_clzll(ns) - GROVE_PAUSE_SUB_BUCKET_BITS;
    unsigned sub_bucket = (unsigned)(ns >> shift) - GROVE_PAUSE_SUB_BUCKETS;
    return (shift + 1) * GROVE_PAUSE_SUB_BUCKETS + sub_bucket;
}

/* The value a bucket stands for: the middle of the range bucket_of maps to it. */
static uint64_t bucket_midpoint(unsigned bucket)
{
    if (bucket < GROVE_PAUSE_SUB_BUCKETS)
        return bucket;
    unsigned shift = bucket / GROVE_PAUSE_SUB_BUCKETS - 1;
    uint64_t low = (uint64_t)(GROVE_PAUSE_SUB_BUCKETS + bucket % GROVE_PAUSE_SUB_BUCKETS) << shift;
    return low + ((((uint64_t)1 << shift) - 1) >> 1);
}

void grove_pause_record(grove_pause_log *log, uint64_t ns)
{
    log->recent_ns[log->count % GROVE_PAUSE_RECENT_CAPACITY] = ns;
    log->buckets[bucket_of(ns)]++;
    if (log->count == 0 || ns < log->min_ns)
        log->min_ns = ns;
    if (ns > log->max_ns)
        log->max_ns = ns;
    log->total_ns += ns;
    log->count++;
}

void grove_stats_note_heap_size(grove_heap *heap)
{
    uint64_t now = grove_heap_bytes(heap);
    if (now > heap->stats.counters.peak_heap_bytes)
        heap->stats.counters.peak_heap_bytes = now;
}

/* Nearest rank of the pct-th percentile of n samples, ceil(n * pct / 100)
 * and at least 1, without overflowing n * pct. */
static uint64_t nearest_rank(uint64_t n, unsigned pct)
{
    uint64_t rank = n / 100 * pct + (n % 100 * pct + 99) / 100;
    return rank ? rank : 1;
}

/* The bucket holding the sample of that rank says where it is to within the
 * bucket's width; the observed extremes bound it too, which makes one sample
 * or all-equal samples exact. */
static uint64_t percentile(const grove_pause_log *log, unsigned pct)
{
    uint64_t rank = nearest_rank(log->count, pct), seen = 0;
    unsigned bucket = 0;
    while (bucket < GROVE_PAUSE_BUCKETS - 1 && (seen += log->buckets[bucket]) < rank)
        bucket++;
    uint64_t ns = bucket_midpoint(bucket);
    if (ns < log->min_ns)
        return log->min_ns;
    return ns > log->max_ns ? log->max_ns : ns;
}

grove_pause_stats grove_pause_summary(const grove_pause_log *log)
{
    grove_pause_stats p = {.count = log->count, .total_ns = log->total_ns, .max_ns = log->max_ns};
    if (log->count) {
        p.p50_ns = percentile(log, 50);
        p.p99_ns = percentile(log, 99);
    }
    return p;
}

size_t grove_pause_recent(const grove_pause_log *log, uint64_t *out, size_t cap)
{
    size_t stored = log->count < GROVE_PAUSE_RECENT_CAPACITY ? (size_t)log->count
                                                              : GROVE_PAUSE_RECENT_CAPACITY;
    size_t n = cap < stored ? cap : stored;
    /* Pauses count - n .. count - 1, in at most two runs of the ring. */
    size_t first = (size_t)((log->count - n) % GROVE_PAUSE_RECENT_CAPACITY);
    size_t run = GROVE_PAUSE_RECENT_CAPACITY - first < n ? GROVE_PAUSE_RECENT_CAPACITY - first : n;
    if (run)
        memcpy(out, log->recent_ns + first, run * sizeof *out);
    if (n > run)
        memcpy(out + run, log->recent_ns, (n - run) * sizeof *out);
    return stored;
}

void grove_get_stats(grove_heap *heap, grove_stats *out)
{
    *out = heap->stats.counters;
    out->bytes_allocated += grove_nursery_allocated(&heap->nursery);
    out->live_bytes = out->bytes_promoted + out->bytes_large - out->bytes_freed;
    out->heap_bytes = grove_heap_bytes(heap);
    out->remembered_set_size = grove_remembered_count(&heap->remembered);
    out->remembered_cards = grove_remembered_card_count(&heap->remembered);
    out->minor = grove_pause_summary(&heap->stats.minor);
    out->major = grove_pause_summary(&heap->stats.major);
    out->major_cycle = (uint32_t)heap->marking.phase;
}

size_t grove_pause_samples(grove_heap *heap, grove_collection_kind kind, uint64_t *out,
                           size_t cap)
{
    return grove_pause_recent(kind == GROVE_MAJOR ? &heap->stats.major : &heap->stats.minor, out,
                              cap);
}

static int pause_json(char *buf, size_t cap, const char *name, const grove_pause_stats *p)
{
    return snprintf(buf, cap,
                    "\"%s\":{\"count\":%llu,\"total_ns\":%llu,\"max_ns\":%llu,\"p50_ns\":%llu,"
                    "\"p99_ns\":%llu}",
                    name, (unsigned long long)p->count, (unsigned long long)p->total_ns,
                    (unsigned long long)p->max_ns, (unsigned long long)p->p50_ns,
                    (unsigned long long)p->p99_ns);
}

size_t grove_stats_json(const grove_stats *s, char *buf, size_t cap)
{
    char minor[256], major[256];
    pause_json(minor, sizeof minor, "minor", &s->minor);
    pause_json(major, sizeof major, "major", &s->major);
#define U(x) (unsigned long long)(s->x)
    int n = snprintf(buf, cap,
                     "{\"minor_collections\":%llu,\"major_collections\":%llu,"
                     "\"bytes_allocated\":%llu,\"bytes_promoted\":%llu,\"bytes_large\":%llu,"
                     "\"bytes_freed\":%llu,\"live_bytes\":%llu,\"heap_bytes\":%llu,"
                     "\"peak_heap_bytes\":%llu,\"roots_scanned\":%llu,"
                     "\"remembered_set_size\":%llu,\"remembered_objects_scanned\":%llu,"
                     "\"remembered_cards\":%llu,\"remembered_cards_scanned\":%llu,%s,%s,"
                     "\"major_slices\":%llu}",
                     U(minor_collections), U(major_collections), U(bytes_allocated),
                     U(bytes_promoted), U(bytes_large), U(bytes_freed), U(live_bytes),
                     U(heap_bytes), U(peak_heap_bytes), U(roots_scanned), U(remembered_set_size),
                     U(remembered_objects_scanned), U(remembered_cards),
                     U(remembered_cards_scanned), minor, major, U(major_slices));
#undef U
    return n < 0 ? 0 : (size_t)n;
}
