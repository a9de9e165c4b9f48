/* test_stats.c — statistics add up; pause percentiles, recent pauses and
 * constant memory; JSON output. The pause log is also tested directly,
 * through its internal interface (runtime/stats.h), against known samples. */
#include "support.h"

#include <jemalloc/jemalloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#ifdef TEST_ASAN
/* The sanitizers' allocator interface; gcc installs no header for it. */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define TEST_MEMCHECK 1
#endif
#endif

static const size_t PAIR_BYTES = sizeof(struct pair) + 8;

static void check_invariants(const grove_stats *st)
{
    ck_assert_uint_eq(st->live_bytes, st->bytes_promoted + st->bytes_large - st->bytes_freed);
    ck_assert_uint_le(st->heap_bytes, st->peak_heap_bytes);
    ck_assert_uint_eq(st->minor.count, st->minor_collections);
    ck_assert_uint_eq(st->major.count, st->major_collections);
    const grove_pause_stats *ps[2] = {&st->minor, &st->major};
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_le(ps[i]->p50_ns, ps[i]->p99_ns);
        ck_assert_uint_le(ps[i]->p99_ns, ps[i]->max_ns);
        ck_assert_uint_le(ps[i]->max_ns, ps[i]->total_ns);
        if (ps[i]->count == 0)
            ck_assert_uint_eq(ps[i]->total_ns, 0);
    }
    ck_assert_uint_le(st->bytes_promoted + st->bytes_large, st->bytes_allocated);
}

START_TEST(fresh_heap)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_stats st = test_stats(h);
    ck_assert_uint_eq(st.minor_collections, 0);
    ck_assert_uint_eq(st.major_collections, 0);
    ck_assert_uint_eq(st.bytes_allocated, 0);
    ck_assert_uint_eq(st.bytes_promoted, 0);
    ck_assert_uint_eq(st.bytes_large, 0);
    ck_assert_uint_eq(st.bytes_freed, 0);
    ck_assert_uint_eq(st.live_bytes, 0);
    ck_assert_uint_eq(st.remembered_set_size, 0);
    ck_assert_uint_eq(st.remembered_objects_scanned, 0);
    ck_assert_uint_eq(st.roots_scanned, 0);
    ck_assert_uint_eq(st.minor.count, 0);
    ck_assert_uint_eq(st.major.count, 0);
    ck_assert_uint_eq(st.minor.max_ns, 0);
    /* The nursery is held from the start. */
    grove_config c;
    test_default_config(&c);
    ck_assert_uint_ge(st.heap_bytes, c.nursery_size);
    check_invariants(&st);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(bytes_allocated_counts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_stats s0 = test_stats(h);
    for (int i = 0; i < 100; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.bytes_allocated - s0.bytes_allocated, 100 * PAIR_BYTES);
    for (int i = 0; i < 10; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.bytes, 100)); /* 104 + header */
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.bytes_allocated - s1.bytes_allocated, 10 * 112);
    ck_assert_ptr_nonnull(grove_alloc(h, tt.bytes, 100000));
    grove_stats s3 = test_stats(h);
    ck_assert_uint_ge(s3.bytes_allocated - s2.bytes_allocated, 100000);
    ck_assert_uint_ge(s3.bytes_large - s2.bytes_large, 100000);
    ck_assert_uint_ge(s3.live_bytes - s2.live_bytes, 100000);
    check_invariants(&s3);
    /* Counting survives collections (no double counting of the nursery). */
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s4 = test_stats(h);
    ck_assert_uint_eq(s4.bytes_allocated, s3.bytes_allocated);
    ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    grove_stats s5 = test_stats(h);
    ck_assert_uint_eq(s5.bytes_allocated - s4.bytes_allocated, PAIR_BYTES);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(live_bytes_identity)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    const size_t nkeep = test_size(3000, 300);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, nkeep, 0));
    for (int round = 0; round < 6; round++) {
        grove_scope g = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, tmp, test_list(h, test_size(2000, 300), 0));
        GROVE_LOCAL(h, void *, big, grove_alloc(h, tt.bytes, 50000));
        ck_assert_ptr_nonnull(GROVE_GET(h, tmp));
        ck_assert_ptr_nonnull(GROVE_GET(h, big));
        grove_stats st = test_stats(h);
        check_invariants(&st);
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        st = test_stats(h);
        check_invariants(&st);
        grove_scope_exit(h, g);
        if (round % 2) {
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
            st = test_stats(h);
            check_invariants(&st);
        }
    }
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), nkeep, 0), nkeep);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats st = test_stats(h);
    check_invariants(&st);
    ck_assert_uint_eq(st.live_bytes, 0); /* nothing is rooted any more */
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(collection_counts_and_pauses)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    const size_t nkeep = test_size(5000, 500);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, nkeep, 0));
    grove_stats s0 = test_stats(h);
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.minor_collections - s0.minor_collections, 7);
    ck_assert_uint_eq(s1.major_collections, s0.major_collections);
    ck_assert_uint_eq(s1.minor.count - s0.minor.count, 7);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.major_collections - s1.major_collections, 3);
    ck_assert_uint_eq(s2.major.count - s1.major.count, 3);
    ck_assert_uint_ge(s2.minor.total_ns, s1.minor.total_ns);
    ck_assert_uint_ge(s2.major.total_ns, s1.major.total_ns);
    check_invariants(&s2);
    /* Many more, so the percentiles have something to sort. */
    for (int i = 0; i < 120; i++) {
        ck_assert_ptr_nonnull(test_list(h, 200, 0));
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    }
    grove_stats s3 = test_stats(h);
    ck_assert_uint_ge(s3.minor_collections - s2.minor_collections, 120);
    check_invariants(&s3);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), nkeep, 0), nkeep);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(roots_scanned_counts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    enum { N = 50 };
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, N));
    grove_persistent g[N];
    for (int i = 0; i < N; i++)
        grove_persistent_init(h, &g[i], test_cons(h, FIX(i), NULL));
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.roots_scanned - s0.roots_scanned, N + 1);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_ge(s2.roots_scanned - s1.roots_scanned, N + 1);
    for (int i = 0; i < N; i++) {
        ck_assert_ptr_eq(((struct pair *)grove_persistent_get(h, &g[i]))->car, FIX(i));
        grove_persistent_drop(h, &g[i]);
    }
    ck_assert_ptr_nonnull(GROVE_GET(h, arr));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(remembered_set_counts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, o1, test_cons(h, NULL, NULL));
    GROVE_LOCAL(h, struct pair *, o2, test_cons(h, NULL, NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* o1, o2 old */
    /* One young object, stored with no allocation in between. */
    struct pair *y = grove_alloc(h, tt.pair, sizeof *y);
    ck_assert_ptr_nonnull(y);
    y->car = FIX(1);
    grove_stats s0 = test_stats(h);
    ck_assert_uint_eq(s0.remembered_set_size, 0);
    struct pair *a = GROVE_GET(h, o1), *b = GROVE_GET(h, o2);
    grove_write(h, a, &a->car, y);
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    grove_write(h, a, &a->cdr, y); /* logged once */
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    grove_write(h, b, &b->car, y);
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 2);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.remembered_set_size, 0);
    ck_assert_uint_ge(s1.remembered_objects_scanned - s0.remembered_objects_scanned, 2);
    a = GROVE_GET(h, o1);
    b = GROVE_GET(h, o2);
    ck_assert_ptr_eq(((struct pair *)a->car)->car, FIX(1));
    ck_assert_ptr_eq(a->car, a->cdr);
    ck_assert_ptr_eq(a->car, b->car);
    /* The promoted object is old now: storing it logs nothing. */
    grove_write(h, b, &b->cdr, a->car);
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(heap_bytes_follow_large_objects)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t big = (size_t)4 << 20;
    grove_stats s0 = test_stats(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, b, grove_alloc(h, tt.bytes, big));
    ck_assert_ptr_nonnull(GROVE_GET(h, b));
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.heap_bytes - s0.heap_bytes, big);
    ck_assert_uint_ge(s1.peak_heap_bytes, s1.heap_bytes);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_le(s2.heap_bytes + big, s1.heap_bytes);
    ck_assert_uint_ge(s2.peak_heap_bytes, s1.heap_bytes); /* the peak is remembered */
    ck_assert_uint_ge(s2.bytes_freed - s1.bytes_freed, big);
    check_invariants(&s2);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- the pause log: percentiles ------------------------------------------ */

static const uint64_t NS_PER_S = 1000000000u;

static grove_pause_log *new_pause_log(void)
{
    grove_pause_log *log = calloc(1, sizeof *log); /* zeroed: empty */
    ck_assert_ptr_nonnull(log);
    return log;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least pct % of them <= it. */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
    size_t rank = (n * pct + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

/* The documented precision: |reported - exact| * divisor <= exact. */
static void check_within_precision(const char *what, uint64_t reported, uint64_t exact)
{
    uint64_t diff = reported > exact ? reported - exact : exact - reported;
    ck_assert_msg(diff <= exact / GROVE_PAUSE_PRECISION_DIVISOR,
                  "%s: reported %llu, exact %llu, off by %llu (more than 1/%u)", what,
                  (unsigned long long)reported, (unsigned long long)exact,
                  (unsigned long long)diff, GROVE_PAUSE_PRECISION_DIVISOR);
}

/* Record the samples in a fresh log and compare its summary with the exact
 * statistics of the same samples. */
static grove_pause_stats check_distribution(const char *name, const uint64_t *samples, size_t n)
{
    grove_pause_log *log = new_pause_log();
    uint64_t *sorted = malloc(n * sizeof *sorted);
    ck_assert_ptr_nonnull(sorted);
    uint64_t total = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
        grove_pause_record(log, samples[i]);
        total += samples[i];
        max = samples[i] > max ? samples[i] : max;
        sorted[i] = samples[i];
    }
    qsort(sorted, n, sizeof *sorted, compare_u64);
    grove_pause_stats p = grove_pause_summary(log);
    ck_assert_uint_eq(p.count, n);
    ck_assert_uint_eq(p.total_ns, total);
    ck_assert_uint_eq(p.max_ns, max);
    char what[64];
    snprintf(what, sizeof what, "%s p50", name);
    check_within_precision(what, p.p50_ns, exact_percentile(sorted, n, 50));
    snprintf(what, sizeof what, "%s p99", name);
    check_within_precision(what, p.p99_ns, exact_percentile(sorted, n, 99));
    free(sorted);
    free(log);
    return p;
}

/* A uniform double in [0, 1). */
static double uniform01(uint64_t *state)
{
    return (double)(test_rand(state) >> 11) / 9007199254740992.0;
}

START_TEST(percentiles_of_distributions)
{
    const size_t n = test_size(200000, 20000);
    uint64_t *v = calloc(n, sizeof *v);
    ck_assert_ptr_nonnull(v);
    uint64_t state = 42;

    for (size_t i = 0; i < n; i++) /* uniform over 1 ns .. 30 s */
        v[i] = 1 + test_rand(&state) % (30 * NS_PER_S);
    check_distribution("uniform", v, n);

    /* Log-normal around 200 us (a normal deviate from 12 uniforms), clamped
     * to 1 ns .. 60 s: heavy-tailed, spanning the whole range. */
    for (size_t i = 0; i < n; i++) {
        double z = -6;
        for (int k = 0; k < 12; k++)
            z += uniform01(&state);
        double ns = exp(log(200e3) + 2.2 * z);
        v[i] = ns < 1 ? 1 : ns > 60e9 ? 60 * NS_PER_S : (uint64_t)ns;
    }
    check_distribution("log-normal", v, n);

    /* 90 % quick minor-like pauses, 10 % slow ones: p50 in one mode, p99 in
     * the other. */
    for (size_t i = 0; i < n; i++)
        v[i] = test_rand(&state) % 10 ? 40000 + test_rand(&state) % 20000
                                      : 15000000 + test_rand(&state) % 10000000;
    grove_pause_stats bimodal = check_distribution("bimodal", v, n);
    ck_assert_uint_lt(bimodal.p50_ns, 61000);
    ck_assert_uint_gt(bimodal.p99_ns, 14000000);

    for (size_t i = 0; i < n; i++) /* where every value has its own bucket, and the first rows */
        v[i] = 1 + test_rand(&state) % 300;
    check_distribution("small", v, n);

    /* Clamping to the observed extremes makes these exact. */
    v[0] = 123456789;
    grove_pause_stats one = check_distribution("single", v, 1);
    ck_assert_uint_eq(one.p50_ns, 123456789);
    ck_assert_uint_eq(one.p99_ns, 123456789);
    for (size_t i = 0; i < n; i++)
        v[i] = 45 * NS_PER_S + 6789;
    grove_pause_stats equal = check_distribution("all equal", v, n);
    ck_assert_uint_eq(equal.p50_ns, 45 * NS_PER_S + 6789);
    ck_assert_uint_eq(equal.p99_ns, 45 * NS_PER_S + 6789);
    free(v);
}
END_TEST

/* The median of {0, ns, top} is ns, read from ns's bucket unclamped (0 and
 * top are the extremes): every value lands in a bucket that represents it
 * within the precision, exactly below 2 * GROVE_PAUSE_SUB_BUCKETS. */
static void check_value_bucket(grove_pause_log *log, uint64_t ns)
{
    const uint64_t top = (uint64_t)1 << 41;
    memset(log, 0, sizeof *log);
    grove_pause_record(log, 0);
    grove_pause_record(log, ns);
    grove_pause_record(log, top);
    grove_pause_stats p = grove_pause_summary(log);
    REQUIRE(p.p99_ns == top);
    uint64_t diff = p.p50_ns > ns ? p.p50_ns - ns : ns - p.p50_ns;
    if (diff > ns / GROVE_PAUSE_PRECISION_DIVISOR || (ns < 2 * GROVE_PAUSE_SUB_BUCKETS && diff))
        ck_abort_msg("%llu ns reported as %llu", (unsigned long long)ns,
                     (unsigned long long)p.p50_ns);
}

START_TEST(percentile_precision_of_every_bucket)
{
    grove_pause_log *log = new_pause_log();
    for (uint64_t ns = 1; ns <= 5000; ns++)
        check_value_bucket(log, ns);
    for (unsigned k = 6; k <= 40; k++) /* both sides of every row boundary */
        for (int d = -2; d <= 2; d++)
            check_value_bucket(log, ((uint64_t)1 << k) + (uint64_t)(int64_t)d);
    uint64_t state = 7;
    for (size_t i = test_size(20000, 2000); i > 0; i--) /* log-uniform over 1 ns .. 2^40 ns */
        check_value_bucket(log, (uint64_t)exp2(40 * uniform01(&state)));
    free(log);
}
END_TEST

/* ---- the pause log: recent pauses ------------------------------------------ */

/* After `recorded` pauses valued 1000 + i (i from 0), the ring holds the
 * last min(recorded, capacity) of them, and reads return the most recent
 * ones, oldest first, never more than asked. */
static void check_recent(const grove_pause_log *log, uint64_t recorded)
{
    enum { CAP = GROVE_PAUSE_RECENT_CAPACITY, SLACK = 8 };
    static uint64_t out[CAP + SLACK];
    const size_t stored = recorded < CAP ? (size_t)recorded : CAP;
    ck_assert_uint_eq(grove_pause_recent(log, NULL, 0), stored);
    const size_t caps[] = {1, 10, CAP - 1, CAP, CAP + SLACK};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        for (size_t i = 0; i < CAP + SLACK; i++)
            out[i] = UINT64_MAX;
        ck_assert_uint_eq(grove_pause_recent(log, out, caps[c]), stored);
        size_t n = caps[c] < stored ? caps[c] : stored;
        for (size_t j = 0; j < n; j++)
            if (out[j] != 1000 + recorded - n + j)
                ck_abort_msg("after %llu pauses, cap %zu: out[%zu] = %llu, expected %llu",
                             (unsigned long long)recorded, caps[c], j,
                             (unsigned long long)out[j],
                             (unsigned long long)(1000 + recorded - n + j));
        for (size_t j = n; j < CAP + SLACK; j++)
            REQUIRE(out[j] == UINT64_MAX);
    }
}

START_TEST(recent_pauses_ring)
{
    enum { CAP = GROVE_PAUSE_RECENT_CAPACITY };
    grove_pause_log *log = new_pause_log();
    check_recent(log, 0);
    const uint64_t checkpoints[] = {1, 5, CAP - 1, CAP, CAP + 1, CAP + 77, 2 * CAP, 3 * CAP + 123};
    uint64_t recorded = 0;
    for (size_t c = 0; c < sizeof checkpoints / sizeof checkpoints[0]; c++) {
        while (recorded < checkpoints[c])
            grove_pause_record(log, 1000 + recorded++);
        check_recent(log, recorded);
    }
    /* The histogram still counts every pause. */
    grove_pause_stats p = grove_pause_summary(log);
    ck_assert_uint_eq(p.count, recorded);
    ck_assert_uint_eq(p.max_ns, 1000 + recorded - 1);
    free(log);
}
END_TEST

/* The public reader on a real heap: it sizes with cap 0, then every read
 * is the most recent pauses in collection order, also once the ring wrapped. */
START_TEST(pause_samples_after_wrap)
{
    enum { CAP = GROVE_PAUSE_RECENT_CAPACITY };
    static uint64_t before[CAP], after[CAP];
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK); /* evacuates the nursery too */
    grove_stats st = test_stats(h);
    ck_assert_uint_ge(st.minor.count, 100);
    const size_t early = grove_pause_samples(h, GROVE_MINOR, NULL, 0);
    ck_assert_uint_eq(early, st.minor.count);
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MINOR, before, early), early);
    uint64_t sum = 0, max = 0;
    for (size_t i = 0; i < early; i++) {
        sum += before[i];
        max = before[i] > max ? before[i] : max;
    }
    ck_assert_uint_eq(sum, st.minor.total_ns); /* all of them, before the ring wraps */
    ck_assert_uint_eq(max, st.minor.max_ns);
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MAJOR, before, CAP), 1);
    ck_assert_uint_eq(before[0], st.major.total_ns);

    for (int i = 0; i < CAP; i++)
        REQUIRE(grove_collect_minor(h) == GROVE_OK);
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MINOR, NULL, 0), CAP);
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MINOR, before, CAP), CAP);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MINOR, after, CAP), CAP);
    /* One more collection: the window moved by one, the oldest dropped. */
    ck_assert(memcmp(after, before + 1, (CAP - 1) * sizeof *after) == 0);
    st = test_stats(h);
    ck_assert_uint_eq(st.minor.count, early + CAP + 1);
    for (size_t i = 0; i < CAP; i++)
        REQUIRE(after[i] <= st.minor.max_ns);
    uint64_t last[10];
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MINOR, last, 10), CAP);
    ck_assert(memcmp(last, after + CAP - 10, sizeof last) == 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- constant memory ------------------------------------------------------- */

/* Bytes handed out and not yet returned: by jemalloc to this thread (the
 * process malloc when linked, and the heap's own arena; the test and its
 * heap run on this one thread) and by the malloc that replaces jemalloc's
 * under ASan or Valgrind. */
static int64_t net_allocated_bytes(void)
{
    uint64_t allocated, deallocated;
    size_t len = sizeof allocated;
    ck_assert_int_eq(mallctl("thread.allocated", &allocated, &len, NULL, 0), 0);
    len = sizeof deallocated;
    ck_assert_int_eq(mallctl("thread.deallocated", &deallocated, &len, NULL, 0), 0);
    int64_t net = (int64_t)(allocated - deallocated);
#ifdef TEST_ASAN
    net += (int64_t)__sanitizer_get_current_allocated_bytes();
#endif
#ifdef TEST_MEMCHECK
    if (RUNNING_ON_VALGRIND) {
        unsigned long leaked = 0, dubious = 0, reachable = 0, suppressed = 0;
        VALGRIND_DO_QUICK_LEAK_CHECK;
        VALGRIND_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
        net += (int64_t)(leaked + dubious + reachable + suppressed);
    }
#endif
    return net;
}

START_TEST(million_collections_constant_memory)
{
    const int64_t probe = 1 << 20;
    int64_t m0 = net_allocated_bytes();
    char *p = malloc((size_t)probe);
    ck_assert_ptr_nonnull(p);
    memset(p, 1, (size_t)probe);
    ck_assert_msg(net_allocated_bytes() - m0 >= probe, "the allocation counters miss malloc");
    free(p);

    test_errors rec;
    grove_heap *h = test_heap(&rec);
    for (int i = 0; i < 1000; i++) /* whatever a collection sets up once */
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    const size_t n = test_size(1000000, 20000);
    int64_t before = net_allocated_bytes();
    for (size_t i = 0; i < n; i++)
        REQUIRE(grove_collect_minor(h) == GROVE_OK);
    int64_t after = net_allocated_bytes();
    /* A log of every pause would have grown by 8 bytes a collection. */
    ck_assert_msg(after - before <= 4096, "%zu collections grew the heap's memory by %lld bytes",
                  n, (long long)(after - before));
    grove_stats st = test_stats(h);
    ck_assert_uint_eq(st.minor.count, n + 1000);
    ck_assert_uint_le(st.minor.p50_ns, st.minor.p99_ns);
    ck_assert_uint_le(st.minor.p99_ns, st.minor.max_ns);
    ck_assert_uint_eq(grove_pause_samples(h, GROVE_MINOR, NULL, 0), GROVE_PAUSE_RECENT_CAPACITY);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- JSON ------------------------------------------------------------------ */

/* The unsigned number following "key": in json (top level or not), or
 * fails the test if the key is absent. */
static unsigned long long json_number(const char *json, const char *key)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *p = strstr(json, quoted);
    ck_assert_msg(p != NULL, "key %s missing from %s", quoted, json);
    p += strlen(quoted);
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    ck_assert_msg(*p == ':', "no ':' after %s", quoted);
    p++;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    ck_assert_msg(end != p, "no number after %s", quoted);
    return v;
}

/* Braces and brackets balance outside strings, and the text is one object. */
static void check_balanced(const char *json)
{
    int depth = 0;
    bool in_string = false;
    size_t len = strlen(json);
    size_t first = 0, last = len;
    while (first < len && (json[first] == ' ' || json[first] == '\n'))
        first++;
    while (last > first && (json[last - 1] == ' ' || json[last - 1] == '\n'))
        last--;
    ck_assert_msg(first < last && json[first] == '{' && json[last - 1] == '}',
                  "not one object: %s", json);
    for (size_t i = first; i < last; i++) {
        char ch = json[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
            continue;
        }
        if (ch == '"')
            in_string = true;
        else if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']')
            depth--;
        ck_assert_msg(depth >= 0, "unbalanced at %zu: %s", i, json);
        if (depth == 0)
            ck_assert_msg(i == last - 1, "text after the object: %s", json);
    }
    ck_assert(!in_string);
    ck_assert_int_eq(depth, 0);
}

START_TEST(json_output)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, test_size(5000, 500), 0));
    ck_assert_ptr_nonnull(GROVE_GET(h, keep));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats st = test_stats(h);
    grove_scope_exit(h, s);

    size_t need = grove_stats_json(&st, NULL, 0);
    ck_assert_uint_gt(need, 2);
    char *buf = malloc(need + 1);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 'x', need + 1);
    ck_assert_uint_eq(grove_stats_json(&st, buf, need + 1), need);
    ck_assert_uint_eq(strlen(buf), need);
    check_balanced(buf);

    static const char *const keys[] = {
        "minor_collections", "major_collections", "bytes_allocated", "bytes_promoted",
        "bytes_large",       "bytes_freed",       "live_bytes",      "heap_bytes",
        "peak_heap_bytes",   "roots_scanned",     "remembered_set_size",
        "remembered_objects_scanned"};
    const uint64_t values[] = {st.minor_collections, st.major_collections, st.bytes_allocated,
                               st.bytes_promoted,    st.bytes_large,       st.bytes_freed,
                               st.live_bytes,        st.heap_bytes,        st.peak_heap_bytes,
                               st.roots_scanned,     st.remembered_set_size,
                               st.remembered_objects_scanned};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_msg(json_number(buf, keys[i]) == values[i], "%s: JSON %llu, struct %llu",
                      keys[i], json_number(buf, keys[i]), (unsigned long long)values[i]);
    static const char *const pause_keys[] = {"\"minor\"", "\"major\"", "\"count\"",
                                             "\"total_ns\"", "\"max_ns\"", "\"p50_ns\"",
                                             "\"p99_ns\""};
    for (size_t i = 0; i < sizeof pause_keys / sizeof pause_keys[0]; i++)
        ck_assert_msg(strstr(buf, pause_keys[i]) != NULL, "%s missing from %s", pause_keys[i],
                      buf);

    /* snprintf semantics: truncated, terminated, same return value. */
    char small[16];
    memset(small, 'x', sizeof small);
    ck_assert_uint_eq(grove_stats_json(&st, small, sizeof small), need);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    ck_assert(memcmp(small, buf, sizeof small - 1) == 0);
    char one[1] = {'x'};
    ck_assert_uint_eq(grove_stats_json(&st, one, 1), need);
    ck_assert_int_eq(one[0], '\0');
    free(buf);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = test_tcase(s, "counters");
    tcase_add_test(tc, fresh_heap);
    tcase_add_test(tc, bytes_allocated_counts);
    tcase_add_test(tc, live_bytes_identity);
    tcase_add_test(tc, collection_counts_and_pauses);
    tcase_add_test(tc, roots_scanned_counts);
    tcase_add_test(tc, remembered_set_counts);
    tcase_add_test(tc, heap_bytes_follow_large_objects);
    tc = test_tcase(s, "pauses");
    tcase_add_test(tc, percentiles_of_distributions);
    tcase_add_test(tc, percentile_precision_of_every_bucket);
    tcase_add_test(tc, recent_pauses_ring);
    tcase_add_test(tc, pause_samples_after_wrap);
    tcase_add_test(tc, million_collections_constant_memory);
    tc = test_tcase(s, "json");
    tcase_add_test(tc, json_output);
    return s;
}

int main(void)
{
    return test_main(stats_suite());
}
