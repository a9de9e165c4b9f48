/* stats.c — counters, pause percentiles and their JSON form. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "heap.h"

uint64_t grove_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void grove_pause_record(grove_pause_log *log, uint64_t ns)
{
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 64;
        uint64_t *s = realloc(log->samples_ns, cap * sizeof *s);
        if (!s)
            grove_fatal("out of memory recording a pause time");
        log->samples_ns = s;
        log->cap = cap;
    }
    log->samples_ns[log->count++] = ns;
    log->total_ns += ns;
    if (ns > log->max_ns)
        log->max_ns = ns;
}

void grove_stats_free(grove_stats_state *stats)
{
    free(stats->minor.samples_ns);
    free(stats->major.samples_ns);
}

void grove_stats_note_heap_size(grove_heap *heap)
{
    uint64_t now = grove_heap_bytes(heap);
    if (now > heap->stats.counters.peak_heap_bytes)
        heap->stats.counters.peak_heap_bytes = now;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
    size_t rank = (n * pct + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

static grove_pause_stats summarize(const grove_pause_log *log)
{
    grove_pause_stats p = {.count = log->count, .total_ns = log->total_ns, .max_ns = log->max_ns};
    if (!log->count)
        return p;
    uint64_t *sorted = malloc(log->count * sizeof *sorted);
    if (!sorted)
        return p; /* percentiles left 0 rather than failing a stats read */
    memcpy(sorted, log->samples_ns, log->count * sizeof *sorted);
    qsort(sorted, log->count, sizeof *sorted, compare_u64);
    p.p50_ns = percentile(sorted, log->count, 50);
    p.p99_ns = percentile(sorted, log->count, 99);
    free(sorted);
    return p;
}

void grove_get_stats(grove_heap *heap, grove_stats *out)
{
    *out = heap->stats.counters;
    out->bytes_allocated += grove_nursery_used(&heap->nursery);
    out->live_bytes = out->bytes_promoted + out->bytes_large - out->bytes_freed;
    out->heap_bytes = grove_heap_bytes(heap);
    out->remembered_set_size = grove_remembered_count(&heap->remembered);
    out->minor = summarize(&heap->stats.minor);
    out->major = summarize(&heap->stats.major);
}

size_t grove_pause_samples(grove_heap *heap, grove_collection_kind kind, uint64_t *out,
                           size_t cap)
{
    const grove_pause_log *log = kind == GROVE_MAJOR ? &heap->stats.major : &heap->stats.minor;
    size_t n = log->count < cap ? log->count : cap;
    if (n)
        memcpy(out, log->samples_ns, n * sizeof *out);
    return log->count;
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
                     "\"remembered_set_size\":%llu,\"remembered_objects_scanned\":%llu,%s,%s}",
                     U(minor_collections), U(major_collections), U(bytes_allocated),
                     U(bytes_promoted), U(bytes_large), U(bytes_freed), U(live_bytes),
                     U(heap_bytes), U(peak_heap_bytes), U(roots_scanned), U(remembered_set_size),
                     U(remembered_objects_scanned), minor, major);
#undef U
    return n < 0 ? 0 : (size_t)n;
}
