/*
 * queue.c — a queue of lists on Grove, in the style of Clinger's worst case
 * for generational collectors, written for this project: every object lives
 * long enough to be promoted and then dies old, so the old generation stays
 * at a constant live size under steady promotion, and each major GC marks
 * all of it. Written once against the rooting facade and built per backend.
 *
 * A FIFO queue of Q lists of `list_len` cons cells (24 bytes with the
 * header) is held in a ring, a Grove array under a persistent root; Q is
 * the number of lists that fill `live_mib` MiB. Every step builds a new
 * list, enqueues it at the tail (a store of a young list into the old ring,
 * through the write barrier) and dequeues the list at the head, which was
 * built Q steps earlier. Cell i of the list built at step s holds the
 * fixnum s * list_len + i.
 *
 *   run [live_mib steps list_len]     one run (default 128 100000 256): build
 *                                     the queue, run the steps; wall time and
 *                                     the heap's pause statistics
 *   scaling [live_mib...]             major GC pause against live size (default
 *                                     50 100 200 400 800 1024): one heap; for
 *                                     each size, in increasing order, the
 *                                     queue grows to that size, then steps
 *                                     run until MIN_MAJORS major GCs ended
 *                                     (incremental: cycles, with their slices;
 *                                     at most MAX_TURNS * Q steps); the major
 *                                     pause p50/p99/max (slices included) and
 *                                     the minor p99 of that steady phase only,
 *                                     from grove_pause_samples
 *
 * Verification: every dequeued list is checked cell by cell — its length,
 * its end, and each cell's value, which says which step built it and where
 * in the list the cell stood, so a lost, misplaced or stale cell or list
 * fails (FIFO order included: the head must be the oldest list). At the end
 * every list still queued is checked the same way.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_grove.h"

enum {
    MIN_MAJORS = 3,   /* major GCs (cycles) a scaling size's steady phase waits for */
    MAX_TURNS = 8,    /* ... for at most this many times Q steps */
    MAX_SIZES = 32,
    PAUSE_RING = 4096 /* pauses grove_pause_samples keeps per kind */
};

struct cons {
    void *car; /* fixnum: the cell's value */
    void *cdr; /* the next cell, NULL at the end */
};

static const long CELL_BYTES = 8 + (long)sizeof(struct cons); /* with its header word */

static grove_type_id T_CONS, T_ARRAY;

/* The FIFO: lists enqueued[0..] in ring slots head .. head + len - 1 (mod
 * cap); the list at the head is the one enqueued at step enqueued - len. */
typedef struct bench_queue {
    grove_persistent ring;
    long cap, head, len;
    long enqueued;
    long list_len;
    long cells_checked;
} bench_queue;

static intptr_t cell_value(long step, long index, long list_len)
{
    return (intptr_t)step * list_len + index;
}

/* The list of step `step`. Valid until the next allocation. */
static struct cons *build_list(grove_heap *h, long step, long list_len)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct cons *, list, NULL);
    for (long i = list_len - 1; i >= 0; i--) {
        struct cons *c = grove_alloc(h, T_CONS, sizeof(struct cons));
        if (!c)
            bench_fail("allocation failed: %s", grove_last_error_message(h));
        c->car = bench_fixnum(cell_value(step, i, list_len));
        c->cdr = GROVE_GET(h, list); /* c is the youngest object: no barrier */
        GROVE_SET(h, list, c);
    }
    struct cons *list_head = GROVE_GET(h, list);
    grove_scope_exit(h, s);
    return list_head;
}

static void check_list(bench_queue *q, const struct cons *c, long step)
{
    long i = 0;
    for (; c; c = c->cdr, i++) {
        if (i == q->list_len)
            bench_fail("list of step %ld is longer than %ld cells", step, q->list_len);
        const void *want = bench_fixnum(cell_value(step, i, q->list_len));
        if (!((uintptr_t)c->car & 1u))
            bench_fail("list of step %ld, cell %ld: holds %p, not a fixnum", step, i, c->car);
        if (c->car != want)
            bench_fail("list of step %ld, cell %ld: holds %lld, expected %lld", step, i,
                       (long long)bench_fixnum_value(c->car),
                       (long long)cell_value(step, i, q->list_len));
    }
    if (i != q->list_len)
        bench_fail("list of step %ld has %ld cells, expected %ld", step, i, q->list_len);
    q->cells_checked += i;
}

static void queue_init(grove_heap *h, bench_queue *q, long max_lists, long list_len)
{
    *q = (bench_queue){.cap = max_lists + 1, .list_len = list_len}; /* + 1: enqueue before dequeue */
    grove_persistent_init(h, &q->ring, grove_alloc_array(h, T_ARRAY, (size_t)q->cap));
    if (!grove_persistent_get(h, &q->ring))
        bench_fail("ring allocation (%ld slots) failed: %s", q->cap, grove_last_error_message(h));
}

static void enqueue_new(grove_heap *h, bench_queue *q)
{
    if (q->len == q->cap)
        bench_fail("queue full (%ld lists)", q->cap);
    struct cons *list = build_list(h, q->enqueued, q->list_len);
    void **ring = grove_persistent_get(h, &q->ring); /* after the allocations: it may have moved */
    long slot = (q->head + q->len) % q->cap;
    grove_write(h, ring, &ring[slot], list); /* the ring is old, the list young */
    q->len++;
    q->enqueued++;
}

static void dequeue_checked(grove_heap *h, bench_queue *q)
{
    void **ring = grove_persistent_get(h, &q->ring);
    const struct cons *list = ring[q->head];
    if (!list)
        bench_fail("queue slot %ld is empty, expected the list of step %ld", q->head,
                   q->enqueued - q->len);
    check_list(q, list, q->enqueued - q->len);
    grove_write(h, ring, &ring[q->head], NULL); /* the list dies old */
    q->head = (q->head + 1) % q->cap;
    q->len--;
}

static void queue_step(grove_heap *h, bench_queue *q)
{
    enqueue_new(h, q);
    dequeue_checked(h, q);
}

static void check_queue(grove_heap *h, bench_queue *q)
{
    void **ring = grove_persistent_get(h, &q->ring);
    for (long k = 0; k < q->len; k++) {
        const struct cons *list = ring[(q->head + k) % q->cap];
        if (!list)
            bench_fail("queued list %ld of %ld is missing", k, q->len);
        check_list(q, list, q->enqueued - q->len + k);
    }
}

static long lists_for(long live_mib, long list_len)
{
    long n = live_mib * (1L << 20) / (list_len * CELL_BYTES);
    if (n < 1)
        bench_fail("live size %ld MiB holds no list of %ld bytes", live_mib, list_len * CELL_BYTES);
    return n;
}

static grove_heap *new_heap(void)
{
    grove_heap *h = bench_heap_create();
    T_CONS = bench_register(h, "cons", GROVE_LAYOUT_RECORD, sizeof(struct cons), 0x3);
    T_ARRAY = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    return h;
}

static _Noreturn void usage(const char *prog)
{
    fprintf(stderr, "usage: %s run [live_mib steps list_len]\n       %s scaling [live_mib...]\n", prog,
            prog);
    exit(2);
}

/* ---- run ------------------------------------------------------------------ */

static int run_once(int argc, char **argv)
{
    long live_mib = 128, steps = 100000, list_len = 256;
    if (argc == 5) {
        live_mib = bench_arg_long(argv[2], "live MiB", 1, 1L << 16);
        steps = bench_arg_long(argv[3], "steps", 0, 1L << 40);
        list_len = bench_arg_long(argv[4], "list length", 1, 1L << 24);
    } else if (argc != 2) {
        usage(argv[0]);
    }
    const long lists = lists_for(live_mib, list_len);

    uint64_t t0 = bench_now_ns();
    grove_heap *h = new_heap();
    bench_queue q;
    queue_init(h, &q, lists, list_len);
    while (q.len < lists)
        enqueue_new(h, &q);
    uint64_t t_built = bench_now_ns();
    for (long s = 0; s < steps; s++)
        queue_step(h, &q);
    check_queue(h, &q);
    grove_persistent_drop(h, &q.ring);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "queue", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_num(&j, "build_s", (double)(t_built - t0) / 1e9);
    bench_json_num(&j, "steps_s", (double)(t1 - t_built) / 1e9);
    bench_json_int(&j, "live_mib", live_mib);
    bench_json_int(&j, "lists", lists);
    bench_json_int(&j, "list_len", list_len);
    bench_json_int(&j, "steps", steps);
    bench_json_int(&j, "cells_checked", q.cells_checked);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}

/* ---- scaling -------------------------------------------------------------- */

/* The last `count` pauses of `kind` (at most PAUSE_RING), sorted, into
 * out[PAUSE_RING]; how many. */
static size_t recent_pauses(grove_heap *h, grove_collection_kind kind, uint64_t count, uint64_t *out)
{
    static uint64_t ring[PAUSE_RING];
    size_t stored = grove_pause_samples(h, kind, ring, PAUSE_RING);
    if (stored > PAUSE_RING)
        stored = PAUSE_RING;
    size_t n = count < stored ? (size_t)count : stored;
    memcpy(out, ring + (stored - n), n * sizeof *out);
    for (size_t i = 1; i < n; i++) { /* insertion sort: n is small and this is off the clock */
        uint64_t v = out[i];
        size_t k = i;
        for (; k > 0 && out[k - 1] > v; k--)
            out[k] = out[k - 1];
        out[k] = v;
    }
    return n;
}

/* Nearest rank, as the runtime and the driver compute it. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
    size_t rank = (n * pct + 99) / 100;
    return sorted[(rank ? rank : 1) - 1];
}

typedef struct scale_point {
    long live_mib, lists, steps;
    uint64_t collections; /* major GCs ended: with incremental marking, cycles */
    uint64_t majors, minors; /* pauses */
    uint64_t p50_ns, p99_ns, max_ns, minor_p99_ns;
    double grow_s, steady_s;
} scale_point;

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Least-squares slope of the major pause p50 against live MiB, in µs per
 * MiB: the marginal cost of a MiB of live data, fixed costs left out. NaN
 * (null in the JSON) with fewer than two sizes that had a major GC. */
static double slope_us_per_mib(const scale_point *pts, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (!pts[i].majors)
            continue;
        double x = (double)pts[i].live_mib, y = (double)pts[i].p50_ns / 1e3;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        m++;
    }
    double d = m * sxx - sx * sx;
    return m < 2 || d == 0 ? (double)NAN : (m * sxy - sx * sy) / d;
}

static void point_json(bench_str *s, const scale_point *p, int first)
{
    bench_str_printf(s, "%s{\"live_mib\":%ld,\"lists\":%ld,\"steps\":%ld,\"major_count\":%llu,",
                     first ? "" : ",", p->live_mib, p->lists, p->steps, (unsigned long long)p->majors);
    bench_str_printf(s, "\"major_collections\":%llu,", (unsigned long long)p->collections);
    if (p->majors)
        bench_str_printf(s, "\"p50_ns\":%llu,\"p99_ns\":%llu,\"max_ns\":%llu,", (unsigned long long)p->p50_ns,
                         (unsigned long long)p->p99_ns, (unsigned long long)p->max_ns);
    else
        bench_str_printf(s, "\"p50_ns\":null,\"p99_ns\":null,\"max_ns\":null,");
    bench_str_printf(s, "\"minor_count\":%llu,", (unsigned long long)p->minors);
    if (p->minors)
        bench_str_printf(s, "\"minor_p99_ns\":%llu,", (unsigned long long)p->minor_p99_ns);
    else
        bench_str_printf(s, "\"minor_p99_ns\":null,");
    bench_str_printf(s, "\"grow_s\":%.3f,\"steady_s\":%.3f}", p->grow_s, p->steady_s);
}

/* Counts the major GCs that end: a slice is a major pause but no
 * collection, so the pause samples cannot tell cycles apart. */
static void count_majors(grove_heap *heap, const grove_event *e, void *data)
{
    (void)heap;
    if (e->type == GROVE_EVENT_COLLECTION_END && e->kind == GROVE_MAJOR)
        ++*(uint64_t *)data;
}

static int run_scaling(int argc, char **argv)
{
    static const long default_sizes[] = {50, 100, 200, 400, 800, 1024};
    const long list_len = 256;
    long sizes[MAX_SIZES];
    int n_sizes = 0;
    if (argc == 2) {
        n_sizes = (int)(sizeof default_sizes / sizeof default_sizes[0]);
        memcpy(sizes, default_sizes, sizeof default_sizes);
    } else if (argc - 2 <= MAX_SIZES) {
        for (int i = 2; i < argc; i++)
            sizes[n_sizes++] = bench_arg_long(argv[i], "live MiB", 1, 1L << 16);
    } else {
        usage(argv[0]);
    }
    qsort(sizes, (size_t)n_sizes, sizeof sizes[0], cmp_long); /* the queue only grows */

    static uint64_t sorted[PAUSE_RING];
    scale_point pts[MAX_SIZES];
    uint64_t t0 = bench_now_ns();
    grove_heap *h = new_heap();
    uint64_t majors_ended = 0;
    if (grove_add_event_listener(h, count_majors, &majors_ended) != GROVE_OK)
        bench_fail("cannot add the event listener");
    bench_queue q;
    queue_init(h, &q, lists_for(sizes[n_sizes - 1], list_len), list_len);
    long total_steps = 0;
    for (int k = 0; k < n_sizes; k++) {
        scale_point *p = &pts[k];
        *p = (scale_point){.live_mib = sizes[k], .lists = lists_for(sizes[k], list_len)};
        uint64_t tg = bench_now_ns();
        while (q.len < p->lists)
            enqueue_new(h, &q);
        uint64_t ts = bench_now_ns();
        grove_stats before, after;
        grove_get_stats(h, &before);
        /* Steady phase: constant live size; every list promoted, then dying
         * old. The pauses are the last PAUSE_RING at most. */
        const uint64_t majors0 = majors_ended;
        while (majors_ended - majors0 < MIN_MAJORS && p->steps < MAX_TURNS * p->lists) {
            queue_step(h, &q);
            p->steps++;
        }
        uint64_t te = bench_now_ns();
        grove_get_stats(h, &after);
        p->grow_s = (double)(ts - tg) / 1e9;
        p->steady_s = (double)(te - ts) / 1e9;
        p->collections = majors_ended - majors0;
        p->majors = after.major.count - before.major.count;
        p->minors = after.minor.count - before.minor.count;
        size_t n = recent_pauses(h, GROVE_MAJOR, p->majors, sorted);
        if (n) {
            p->p50_ns = percentile(sorted, n, 50);
            p->p99_ns = percentile(sorted, n, 99);
            p->max_ns = sorted[n - 1];
        }
        n = recent_pauses(h, GROVE_MINOR, p->minors, sorted);
        if (n)
            p->minor_p99_ns = percentile(sorted, n, 99);
        total_steps += p->steps;
    }
    check_queue(h, &q);
    grove_persistent_drop(h, &q.ring);
    uint64_t t1 = bench_now_ns();

    bench_str s = {0};
    bench_str_printf(&s, "[");
    for (int k = 0; k < n_sizes; k++)
        point_json(&s, &pts[k], k == 0);
    bench_str_printf(&s, "]");
    bench_json j;
    bench_json_begin(&j, "queue-scaling", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_num(&j, "per_mib_us", slope_us_per_mib(pts, n_sizes));
    bench_json_int(&j, "list_len", list_len);
    bench_json_int(&j, "min_majors", MIN_MAJORS);
    bench_json_int(&j, "steps", total_steps);
    bench_json_int(&j, "cells_checked", q.cells_checked);
    bench_json_raw(&j, "series", s.buf);
    bench_str_free(&s);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}

int main(int argc, char **argv)
{
    bench_name = "queue";
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return run_once(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "scaling") == 0)
        return run_scaling(argc, argv);
    usage(argv[0]);
}
