/* memory_return.c — after a workload peaks and its data dies, a major GC
 * brings the process's heap memory back within 2x of the live size.
 *
 * The heap takes its memory from its own jemalloc arena and asks jemalloc to
 * decay the arena's free pages after every major GC. This test measures what
 * the process really holds, from jemalloc's own statistics after an epoch
 * refresh:
 *
 *   stats.resident  bytes in physically resident data pages mapped by the
 *                   allocator (all arenas, metadata included): what the
 *                   process holds. The bar is on this figure.
 *   stats.active    bytes in pages handed out (for information)
 *
 * Scenario: build a long-lived live set (~24 MiB: small records in several
 * size classes plus large byte objects), then a peak workload ten times
 * that size (lists, arrays, large objects), all rooted so it is promoted;
 * drop the peak's roots, run one major GC and measure:
 *
 *   resident after the major GC  <=  2 x live_bytes
 *
 * Then a steady state: the same volume is promoted and dropped at every
 * cycle, so every major GC frees about what the next cycle takes again.
 * Its pages must stay with the heap rather than be purged and faulted back
 * in (the kernel zeroing every page again); jemalloc's time-based decay is
 * stopped for this part, so the check does not depend on the speed of the
 * build:
 *
 *   bytes page-faulted over 8 cycles  <  1/4 of the bytes promoted
 *
 * The live set is checked intact afterwards. With --wait-seconds S it also
 * prints the figures S seconds later (after another major GC), for
 * information: jemalloc's default dirty-page decay period is 10 s.
 *
 * Under GROVE_DEBUG zeal the test is skipped (exit 77): at a size zeal can
 * afford, the 4 MiB nursery alone is more than the live set.
 *
 * usage: grove_memory_return_<backend> [--wait-seconds S]
 */
#include <grove/roots.h>
#include <jemalloc/jemalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define FIX(n) ((void *)(((uintptr_t)(n) << 1) | 1u))
#define MiB (1024.0 * 1024.0)

static grove_type_id t_pair, t_rec6, t_array, t_bytes;

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "memory_return[%s]: FAIL at %s:%d: ", GROVE_ROOTING_NAME, __FILE__,  \
                    __LINE__);                                                                   \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            exit(1);                                                                             \
        }                                                                                        \
    } while (0)

static size_t je_stat(const char *name)
{
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    CHECK(mallctl("epoch", &epoch, &len, &epoch, len) == 0, "mallctl epoch");
    size_t v = 0;
    len = sizeof v;
    CHECK(mallctl(name, &v, &len, NULL, 0) == 0, "mallctl %s", name);
    return v;
}

struct sample {
    size_t resident, active;
    grove_stats gs;
};

static struct sample sample(grove_heap *h)
{
    struct sample s;
    s.resident = je_stat("stats.resident");
    s.active = je_stat("stats.active");
    if (h)
        grove_get_stats(h, &s.gs);
    else
        memset(&s.gs, 0, sizeof s.gs);
    return s;
}

static void print_sample(const char *when, const struct sample *s)
{
    printf("  %-34s resident %7.1f MiB  active %7.1f MiB  heap_bytes %7.1f MiB  live %7.1f MiB\n",
           when, (double)s->resident / MiB, (double)s->active / MiB,
           (double)s->gs.heap_bytes / MiB, (double)s->gs.live_bytes / MiB);
}

/* A list of n records alternating between two sizes, built into root r. */
static void build_list(grove_heap *h, grove_persistent *r, size_t n, uintptr_t tag)
{
    for (size_t i = 0; i < n; i++) {
        bool big = i % 3 == 0;
        struct pair {
            void *car, *cdr;
        } *p = grove_alloc(h, big ? t_rec6 : t_pair, big ? 48 : 16);
        CHECK(p, "allocation: %s", grove_last_error_message(h));
        p->car = FIX(tag + i);
        grove_write(h, p, &p->cdr, grove_persistent_get(h, r));
        grove_persistent_set(h, r, p);
    }
}

static size_t check_list(grove_heap *h, grove_persistent *r, uintptr_t tag)
{
    size_t n = 0;
    for (void **p = grove_persistent_get(h, r); p; p = p[1])
        n++;
    size_t i = n;
    for (void **p = grove_persistent_get(h, r); p; p = p[1]) {
        i--;
        CHECK(p[0] == FIX(tag + i), "list element %zu damaged", i);
    }
    return n;
}

/* An array of n large byte objects of `size` bytes each, filled with `fill`. */
static void build_large(grove_heap *h, grove_persistent *r, size_t n, size_t size, int fill)
{
    void **arr = grove_alloc_array(h, t_array, n);
    CHECK(arr, "array: %s", grove_last_error_message(h));
    grove_persistent_set(h, r, arr);
    for (size_t i = 0; i < n; i++) {
        unsigned char *b = grove_alloc(h, t_bytes, size);
        CHECK(b, "large: %s", grove_last_error_message(h));
        memset(b, fill, size);
        arr = grove_persistent_get(h, r);
        grove_write(h, arr, &arr[i], b);
    }
}

static void check_large(grove_heap *h, grove_persistent *r, size_t n, size_t size, int fill)
{
    void **arr = grove_persistent_get(h, r);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *b = arr[i];
        CHECK(b && grove_object_size(b) == size, "large object %zu", i);
        CHECK(b[0] == fill && b[size / 2] == fill && b[size - 1] == fill,
              "large object %zu damaged", i);
    }
}

static long minor_faults(void)
{
    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0, "getrusage");
    return ru.ru_minflt;
}

/* Cycles that each promote a list of about 40 MiB and drop it: with about
 * 34 MiB held, a major GC runs at about every cycle. */
static void steady_cycles(grove_heap *h, grove_persistent *r, int cycles)
{
    for (int i = 0; i < cycles; i++) {
        grove_persistent_set(h, r, NULL);
        build_list(h, r, 1100000, 100);
    }
}

/* Stop jemalloc's time-based decay in every arena, the heap's included:
 * the steady state checks Grove's own purges, and on a slow build (ASan)
 * the cycles outlast the decay period, whose returns would be faulted
 * back in just the same. */
static void stop_decay(void)
{
    unsigned narenas = 0;
    size_t len = sizeof narenas;
    CHECK(mallctl("arenas.narenas", &narenas, &len, NULL, 0) == 0, "mallctl arenas.narenas");
    ssize_t never = -1;
    for (unsigned i = 0; i < narenas; i++) {
        char key[64];
        snprintf(key, sizeof key, "arena.%u.dirty_decay_ms", i);
        mallctl(key, NULL, NULL, &never, sizeof never); /* fails for arenas not in use */
        snprintf(key, sizeof key, "arena.%u.muzzy_decay_ms", i);
        mallctl(key, NULL, NULL, &never, sizeof never);
    }
}

/* The steady state's figures: pages faulted against bytes promoted. */
static void check_steady_state(grove_heap *h)
{
    stop_decay();
    grove_persistent churn;
    grove_persistent_init(h, &churn, NULL);
    steady_cycles(h, &churn, 4); /* the heap reaches its working size */
    grove_stats g0;
    grove_get_stats(h, &g0);
    long f0 = minor_faults();
    steady_cycles(h, &churn, 8);
    long f1 = minor_faults();
    grove_stats g1;
    grove_get_stats(h, &g1);
    CHECK(check_list(h, &churn, 100) == 1100000, "steady-state list length");
    grove_persistent_drop(h, &churn);
    double faulted = (double)(f1 - f0) * (double)sysconf(_SC_PAGESIZE);
    double promoted = (double)(g1.bytes_promoted - g0.bytes_promoted);
    uint64_t majors = g1.major_collections - g0.major_collections;
    printf("  steady state: %llu major GCs, %.1f MiB promoted, %.1f MiB page-faulted (bar: "
           "under a quarter)\n",
           (unsigned long long)majors, promoted / MiB, faulted / MiB);
    CHECK(majors >= 4, "the steady state ran only %llu major GCs", (unsigned long long)majors);
    CHECK(faulted * 4 < promoted,
          "in a steady state the process faulted in %.1f MiB of pages while promoting %.1f MiB: "
          "pages freed by each major GC are returned to the system and faulted back in",
          faulted / MiB, promoted / MiB);
}

int main(int argc, char **argv)
{
    double wait_s = 0;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--wait-seconds"))
            wait_s = atof(argv[i + 1]);

    const char *env = getenv("GROVE_DEBUG");
    if (env && strstr(env, "zeal")) {
        printf("memory_return[%s]: skipped under GROVE_DEBUG zeal\n", GROVE_ROOTING_NAME);
        return 77;
    }

    struct sample s0 = sample(NULL);
    grove_config c;
    grove_config_init(&c); /* defaults: 4 MiB nursery, major GC from 16 MiB */
    grove_error_info err;
    grove_heap *h = grove_heap_create(&c, &err);
    CHECK(h, "grove_heap_create: %s", err.message);
    grove_type_desc d_pair = {.name = "pair", .layout = GROVE_LAYOUT_RECORD, .size = 16,
                              .pointer_map = 0x2};
    grove_type_desc d_rec6 = {.name = "rec6", .layout = GROVE_LAYOUT_RECORD, .size = 48,
                              .pointer_map = 0x2};
    grove_type_desc d_array = {.name = "array", .layout = GROVE_LAYOUT_ARRAY};
    grove_type_desc d_bytes = {.name = "bytes", .layout = GROVE_LAYOUT_BYTES};
    t_pair = grove_register_type(h, &d_pair);
    t_rec6 = grove_register_type(h, &d_rec6);
    t_array = grove_register_type(h, &d_array);
    t_bytes = grove_register_type(h, &d_bytes);

    grove_persistent live_list, live_large, peak_list, peak_large, peak_arrays;
    grove_persistent_init(h, &live_list, NULL);
    grove_persistent_init(h, &live_large, NULL);
    grove_persistent_init(h, &peak_list, NULL);
    grove_persistent_init(h, &peak_large, NULL);
    grove_persistent_init(h, &peak_arrays, NULL);

    /* The long-lived set: ~16 MiB of records and 8 MiB of large objects. */
    const size_t live_n = 600000, live_large_n = 128;
    const size_t large_size = 64 << 10;
    build_list(h, &live_list, live_n, 1000);
    build_large(h, &live_large, live_large_n, large_size, 0x5a);
    CHECK(grove_collect_major(h) == GROVE_OK, "major");
    struct sample s1 = sample(h);

    /* The peak: ten times as much, in the same size classes and more. */
    const size_t peak_n = 6000000, peak_large_n = 1280;
    build_list(h, &peak_list, peak_n, 5000000);
    build_large(h, &peak_large, peak_large_n, large_size, 0xa5);
    {
        const size_t arrays = 20000;
        void **outer = grove_alloc_array(h, t_array, arrays);
        CHECK(outer, "array");
        grove_persistent_set(h, &peak_arrays, outer);
        for (size_t i = 0; i < arrays; i++) {
            void *a = grove_alloc_array(h, t_array, 1 + i % 500); /* many size classes */
            CHECK(a, "array");
            outer = grove_persistent_get(h, &peak_arrays);
            grove_write(h, outer, &outer[i], a);
        }
    }
    CHECK(grove_collect_minor(h) == GROVE_OK, "minor");
    struct sample s2 = sample(h);

    /* The peak's data dies. */
    grove_persistent_set(h, &peak_list, NULL);
    grove_persistent_set(h, &peak_large, NULL);
    grove_persistent_set(h, &peak_arrays, NULL);
    CHECK(grove_collect_major(h) == GROVE_OK, "major");
    struct sample s3 = sample(h);
    CHECK(check_list(h, &live_list, 1000) == live_n, "live list length");
    check_large(h, &live_large, live_large_n, large_size, 0x5a);

    printf("memory_return[%s]:\n", GROVE_ROOTING_NAME);
    print_sample("before the heap", &s0);
    print_sample("live set built (after a major GC)", &s1);
    print_sample("at the peak", &s2);
    print_sample("peak dropped, one major GC", &s3);
    double live = (double)s3.gs.live_bytes;
    double ratio = (double)s3.resident / live;
    printf("  resident / live after the major GC: %.2f (bar: 2.00); heap_bytes / live: %.2f\n",
           ratio, (double)s3.gs.heap_bytes / live);

    if (wait_s > 0) {
        struct timespec ts = {(time_t)wait_s, (long)((wait_s - (double)(time_t)wait_s) * 1e9)};
        nanosleep(&ts, NULL);
        CHECK(grove_collect_major(h) == GROVE_OK, "major");
        struct sample s4 = sample(h);
        char label[64];
        snprintf(label, sizeof label, "%.0f s later, another major GC", wait_s);
        print_sample(label, &s4);
        printf("  (information) resident / live then: %.2f\n", (double)s4.resident / live);
    }

    bool ok = ratio <= 2.0;
    if (ok)
        check_steady_state(h);
    grove_persistent_drop(h, &live_list);
    grove_persistent_drop(h, &live_large);
    grove_persistent_drop(h, &peak_list);
    grove_persistent_drop(h, &peak_large);
    grove_persistent_drop(h, &peak_arrays);
    grove_heap_destroy(h);
    CHECK(ok,
          "after the peak died and a major GC ran, the process holds %.1f MiB resident for "
          "%.1f MiB live (%.2fx; the bar is 2x) while jemalloc counts only %.1f MiB active: "
          "the freed pages were not returned to the system (--wait-seconds 11 shows whether "
          "jemalloc's decay returns them later)",
          (double)s3.resident / MiB, live / MiB, ratio, (double)s3.active / MiB);
    printf("memory_return[%s]: ok\n", GROVE_ROOTING_NAME);
    return 0;
}
