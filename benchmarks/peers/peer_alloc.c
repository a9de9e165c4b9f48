/* peer_alloc.c — allocator checks and figures for the peer benchmarks. */
#include "peer_alloc.h"

#include <stdio.h>

#if defined(BENCH_PEER_BDW)

/* Pause of every collection, timed from GC_EVENT_START to GC_EVENT_END
 * (the world is stopped in between with default, non-incremental settings). */
enum { MAX_PAUSES = 1 << 20 };
static uint64_t pauses[MAX_PAUSES];
static size_t pause_count;
static uint64_t pause_start;

static void on_event(GC_EventType e)
{
    if (e == GC_EVENT_START)
        pause_start = bench_now_ns();
    else if (e == GC_EVENT_END && pause_count < MAX_PAUSES)
        pauses[pause_count++] = bench_now_ns() - pause_start;
}

void peer_init(void)
{
    GC_INIT();
    GC_set_on_collection_event(on_event);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t pct(const uint64_t *sorted, size_t n, unsigned p)
{
    size_t rank = (n * p + 99) / 100;
    return n ? sorted[rank ? rank - 1 : 0] : 0;
}

/* Threads in this process: more than one means BDW started marker threads. */
static int count_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

void peer_report(bench_json *j)
{
    size_t n = pause_count;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += pauses[i];
    qsort(pauses, n, sizeof *pauses, cmp_u64);
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"collections\":%lu,\"heap_bytes\":%lu,\"threads\":%d,"
             "\"pause\":{\"count\":%zu,\"total_ns\":%llu,\"max_ns\":%llu,\"p50_ns\":%llu,"
             "\"p99_ns\":%llu}}",
             (unsigned long)GC_get_gc_no(), (unsigned long)GC_get_heap_size(), count_threads(),
             n, (unsigned long long)total, (unsigned long long)(n ? pauses[n - 1] : 0),
             (unsigned long long)pct(pauses, n, 50), (unsigned long long)pct(pauses, n, 99));
    bench_json_raw(j, "bdw", buf);
    const char *path = getenv("GROVE_BENCH_PAUSES");
    if (path && *path) {
        FILE *f = fopen(path, "w");
        if (!f)
            bench_fail("cannot write pause samples to %s", path);
        /* Order is lost by the sort above; the plots only need the set. */
        fprintf(f, "{\"full\":[");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)pauses[i]);
        fprintf(f, "]}\n");
        fclose(f);
    }
}

#else /* malloc */

void peer_init(void)
{
#if defined(BENCH_PEER_JEMALLOC)
    /* Linking Debian's unprefixed jemalloc must have replaced malloc: a
     * malloc must show up in jemalloc's per-thread counter. */
    uint64_t before, after;
    size_t len = sizeof before;
    if (mallctl("thread.allocated", &before, &len, NULL, 0) != 0)
        bench_fail("jemalloc's mallctl does not answer");
    void *volatile p = malloc(4096);
    len = sizeof after;
    mallctl("thread.allocated", &after, &len, NULL, 0);
    free(p);
    if (after < before + 4096)
        bench_fail("malloc is not jemalloc's (thread.allocated did not grow)");
#endif
}

void peer_report(bench_json *j)
{
#if defined(BENCH_PEER_JEMALLOC)
    const char *version = "?";
    size_t len = sizeof version;
    mallctl("version", &version, &len, NULL, 0);
    bench_json_str(j, "allocator", version);
#else
    (void)j;
#endif
}

#endif
