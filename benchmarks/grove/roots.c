/*
 * roots.c — root-heavy microbenchmarks, written once against the facade and
 * built per backend. One sub-benchmark per run, one JSON line:
 *
 *   scope1 | scope4 | scope16 [iters]  scope enter + N rooted locals + exit
 *   frame4 [iters]                     scope enter + a GROVE_LOCALS frame of 4
 *                                      slots, each set to the object, + exit
 *   get | set [iters]                  GROVE_GET / GROVE_SET of a local
 *   persistent-lifo | persistent-random [iters]
 *                                      grove_persistent init + drop, 1,000
 *                                      at a time, dropped newest-first or in
 *                                      a random order
 *   rootscan [max_roots]               minor GC time with 0, 10, 100, ...
 *                                      max_roots live roots (default 10^6),
 *                                      held as scoped locals (one per frame
 *                                      of a recursion) and as persistents
 *   recursion [depth]                  recursion holding one root per frame,
 *                                      allocating a cons per frame (default
 *                                      depth 1,000,000)
 *
 * Micro timings: the loop runs in 7 batches and the median batch is
 * reported as ns per operation, beside the same loop with the root
 * operations removed (baseline_ns). A compiler barrier (an empty asm with a
 * memory clobber, no instruction) in every iteration keeps the compiler
 * from folding the work away; it also forces the indexed backend to reload
 * the root table every time, as it would after any call.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_grove.h"

enum { BATCHES = 7, PERSISTENT_BATCH = 1000 };

static grove_type_id T_CONS;

struct cons {
    void *car;
    void *cdr;
};

static void *new_cons(grove_heap *h)
{
    void *p = grove_alloc(h, T_CONS, sizeof(struct cons));
    if (!p)
        bench_fail("allocation failed: %s", grove_last_error_message(h));
    return p;
}

/* ---- micro loops --------------------------------------------------------- */

#define LOCAL(i) GROVE_LOCAL(h, void *, r##i, obj); (void)r##i
#define LOCALS4(a) LOCAL(a##0); LOCAL(a##1); LOCAL(a##2); LOCAL(a##3)

static BENCH_NOINLINE uint64_t loop_scope1(grove_heap *h, void *obj, long iters)
{
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        grove_scope s = grove_scope_enter(h);
        LOCAL(0);
        BENCH_CLOBBER();
        grove_scope_exit(h, s);
    }
    return bench_now_ns() - t0;
}

static BENCH_NOINLINE uint64_t loop_scope4(grove_heap *h, void *obj, long iters)
{
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        grove_scope s = grove_scope_enter(h);
        LOCALS4(a);
        BENCH_CLOBBER();
        grove_scope_exit(h, s);
    }
    return bench_now_ns() - t0;
}

/* scope4's work with one push: the four slots of a frame hold the object. */
static BENCH_NOINLINE uint64_t loop_frame4(grove_heap *h, void *obj, long iters)
{
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCALS(h, f, 4);
        for (int k = 0; k < 4; k++)
            GROVE_LOCALS_SET(h, f, k, obj);
        BENCH_CLOBBER();
        grove_scope_exit(h, s);
    }
    return bench_now_ns() - t0;
}

static BENCH_NOINLINE uint64_t loop_scope16(grove_heap *h, void *obj, long iters)
{
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        grove_scope s = grove_scope_enter(h);
        LOCALS4(a);
        LOCALS4(b);
        LOCALS4(c);
        LOCALS4(d);
        BENCH_CLOBBER();
        grove_scope_exit(h, s);
    }
    return bench_now_ns() - t0;
}

/* The same loop without root operations: what the loop itself costs. */
static BENCH_NOINLINE uint64_t loop_empty(grove_heap *h, void *obj, long iters)
{
    (void)h;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        BENCH_ESCAPE(obj);
    }
    return bench_now_ns() - t0;
}

static BENCH_NOINLINE uint64_t loop_get(grove_heap *h, void *obj, long iters)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, r, obj);
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        void *x = GROVE_GET(h, r);
        BENCH_ESCAPE(x);
    }
    uint64_t t = bench_now_ns() - t0;
    if (GROVE_GET(h, r) != obj)
        bench_fail("root changed under get");
    grove_scope_exit(h, s);
    return t;
}

static BENCH_NOINLINE uint64_t loop_set(grove_heap *h, void *obj, long iters)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, r, NULL);
    void *values[2] = {obj, bench_fixnum(7)};
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < iters; i++) {
        GROVE_SET(h, r, values[i & 1]);
        BENCH_CLOBBER();
    }
    uint64_t t = bench_now_ns() - t0;
    if (GROVE_GET(h, r) != values[(iters - 1) & 1])
        bench_fail("root holds the wrong value after set");
    grove_scope_exit(h, s);
    return t;
}

static grove_persistent *persistents;
static uint32_t *drop_order;

static BENCH_NOINLINE uint64_t loop_persistent(grove_heap *h, void *obj, long iters)
{
    long rounds = iters / PERSISTENT_BATCH;
    uint64_t t0 = bench_now_ns();
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < PERSISTENT_BATCH; i++)
            grove_persistent_init(h, &persistents[i], obj);
        for (int i = 0; i < PERSISTENT_BATCH; i++)
            grove_persistent_drop(h, &persistents[drop_order[i]]);
    }
    return bench_now_ns() - t0;
}

typedef uint64_t (*micro_loop)(grove_heap *h, void *obj, long iters);

/* Median ns per iteration over BATCHES batches. */
static double time_loop(micro_loop loop, grove_heap *h, void *obj, long iters)
{
    double per[BATCHES];
    loop(h, obj, iters / 10 + 1); /* warm up */
    for (int b = 0; b < BATCHES; b++)
        per[b] = (double)loop(h, obj, iters) / (double)iters;
    return bench_median(per, BATCHES);
}

/* ---- roots held by a deep recursion, on a thread with a big stack ---------- */

typedef void (*bottom_fn)(grove_heap *h, void *data);

struct descent {
    grove_heap *h;
    void *obj; /* an old object every root holds */
    bottom_fn at_bottom;
    void *data;
};

static BENCH_NOINLINE void descend(struct descent *d, long remaining)
{
    if (remaining == 0) {
        d->at_bottom(d->h, d->data);
        return;
    }
    grove_heap *h = d->h;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, r, d->obj);
    descend(d, remaining - 1);
    if (GROVE_GET(h, r) != d->obj)
        bench_fail("a root of an old object changed");
    grove_scope_exit(h, s);
}

struct thread_job {
    void (*fn)(void *);
    void *arg;
};

static void *thread_main(void *p)
{
    struct thread_job *job = p;
    job->fn(job->arg);
    return NULL;
}

/* Run fn(arg) on a thread with a 1 GiB stack (reserved, touched as used). */
static void with_big_stack(void (*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t thread;
    struct thread_job job = {fn, arg};
    if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, (size_t)1 << 30) ||
        pthread_create(&thread, &attr, thread_main, &job) || pthread_join(thread, NULL))
        bench_fail("cannot run on a thread with a 1 GiB stack");
    pthread_attr_destroy(&attr);
}

/* ---- rootscan -------------------------------------------------------------- */

enum { MAX_POINTS = 8 };

struct scan_point {
    long roots;
    int reps;
    double median_ns;
};

static void timed_minor_gcs(grove_heap *h, void *data)
{
    struct scan_point *pt = data;
    double t[32];
    grove_collect_minor(h); /* warm up */
    for (int i = 0; i < pt->reps; i++) {
        uint64_t t0 = bench_now_ns();
        grove_collect_minor(h);
        t[i] = (double)(bench_now_ns() - t0);
    }
    pt->median_ns = bench_median(t, (size_t)pt->reps);
}

struct scan_series {
    grove_heap *h;
    void *obj;
    long max_roots;
    int count;
    struct scan_point points[MAX_POINTS];
};

static int reps_for(long roots)
{
    return roots >= 1000000 ? 9 : roots >= 100000 ? 15 : 31;
}

static void scan_stack_series(void *arg)
{
    struct scan_series *ser = arg;
    struct descent d = {ser->h, ser->obj, timed_minor_gcs, NULL};
    ser->count = 0;
    for (long n = 0; n <= ser->max_roots; n = n ? n * 10 : 10) {
        struct scan_point *pt = &ser->points[ser->count++];
        *pt = (struct scan_point){.roots = n, .reps = reps_for(n)};
        d.data = pt;
        descend(&d, n);
    }
}

static void scan_persistent_series(struct scan_series *ser)
{
    grove_heap *h = ser->h;
    grove_persistent *ps = malloc((size_t)ser->max_roots * sizeof *ps + 1);
    if (!ps)
        bench_fail("out of memory");
    ser->count = 0;
    for (long n = 0; n <= ser->max_roots; n = n ? n * 10 : 10) {
        struct scan_point *pt = &ser->points[ser->count++];
        *pt = (struct scan_point){.roots = n, .reps = reps_for(n)};
        for (long i = 0; i < n; i++)
            grove_persistent_init(h, &ps[i], ser->obj);
        timed_minor_gcs(h, pt);
        for (long i = n - 1; i >= 0; i--) {
            if (grove_persistent_get(h, &ps[i]) != ser->obj)
                bench_fail("a persistent root of an old object changed");
            grove_persistent_drop(h, &ps[i]);
        }
    }
    free(ps);
}

static void series_json(bench_str *out, const struct scan_series *ser)
{
    bench_str_printf(out, "[");
    for (int i = 0; i < ser->count; i++) {
        const struct scan_point *pt = &ser->points[i];
        double per_root = pt->roots ? (pt->median_ns - ser->points[0].median_ns) / (double)pt->roots
                                    : 0.0;
        bench_str_printf(out, "%s{\"roots\":%ld,\"gc_ns\":%.0f,\"per_root_ns\":%.4f}",
                         i ? "," : "", pt->roots, pt->median_ns, per_root);
    }
    bench_str_printf(out, "]");
}

/* ---- recursion ------------------------------------------------------------- */

struct rec_ctx {
    grove_heap *h;
    long depth;
    long frames;
};

/* Each frame roots the chain so far, conses its own depth onto it, recurses,
 * and on the way back checks its root still names its own cell. */
static BENCH_NOINLINE void rec(struct rec_ctx *c, long depth, struct cons *chain_raw)
{
    grove_heap *h = c->h;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct cons *, chain, chain_raw);
    struct cons *cell = new_cons(h);
    cell->car = bench_fixnum(depth);
    GROVE_STORE(h, cell, cdr, GROVE_GET(h, chain));
    GROVE_SET(h, chain, cell);
    c->frames++;
    if (depth < c->depth) {
        rec(c, depth + 1, GROVE_GET(h, chain));
    } else {
        /* At the bottom: the chain holds depth, depth-1, ..., 0. */
        long expect = depth;
        for (struct cons *p = GROVE_GET(h, chain); p; p = p->cdr, expect--)
            if (bench_fixnum_value(p->car) != expect)
                bench_fail("chain cell holds %ld, expected %ld", (long)bench_fixnum_value(p->car),
                           expect);
        if (expect != -1)
            bench_fail("chain is %ld cells short", expect + 1);
    }
    if (bench_fixnum_value(GROVE_GET(h, chain)->car) != depth)
        bench_fail("frame %ld's root lost its cell", depth);
    grove_scope_exit(h, s);
}

struct rec_run {
    struct rec_ctx ctx;
    int reps;
    double ns[16];
};

static void rec_series(void *arg)
{
    struct rec_run *run = arg;
    for (int i = 0; i < run->reps; i++) {
        run->ctx.frames = 0;
        uint64_t t0 = bench_now_ns();
        rec(&run->ctx, 0, NULL);
        run->ns[i] = (double)(bench_now_ns() - t0);
        if (run->ctx.frames != run->ctx.depth + 1)
            bench_fail("recursed %ld frames, expected %ld", run->ctx.frames, run->ctx.depth + 1);
    }
}

/* ---- main ------------------------------------------------------------------ */

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s scope1|scope4|scope16|frame4|get|set|persistent-lifo|persistent-random "
            "[iters]\n"
            "       %s rootscan [max_roots]\n"
            "       %s recursion [depth]\n",
            argv0, argv0, argv0);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        usage(argv[0]);
    const char *what = argv[1];
    char name[64];
    snprintf(name, sizeof name, "roots.%s", what);
    bench_name = name;

    uint64_t t0 = bench_now_ns();
    grove_heap *h = bench_heap_create();
    T_CONS = bench_register(h, "cons", GROVE_LAYOUT_RECORD, sizeof(struct cons), 0x3);

    /* One old object for the roots to hold: a major GC promotes it whatever
     * the survivor age. */
    grove_persistent keep;
    grove_persistent_init(h, &keep, new_cons(h));
    grove_collect_major(h);
    void *obj = grove_persistent_get(h, &keep);

    bench_json j;
    bench_json_begin(&j, name, GROVE_ROOTING_NAME);

    micro_loop loop = NULL;
    if (strcmp(what, "scope1") == 0)
        loop = loop_scope1;
    else if (strcmp(what, "scope4") == 0)
        loop = loop_scope4;
    else if (strcmp(what, "scope16") == 0)
        loop = loop_scope16;
    else if (strcmp(what, "frame4") == 0)
        loop = loop_frame4;
    else if (strcmp(what, "get") == 0)
        loop = loop_get;
    else if (strcmp(what, "set") == 0)
        loop = loop_set;
    else if (strcmp(what, "persistent-lifo") == 0 || strcmp(what, "persistent-random") == 0)
        loop = loop_persistent;

    if (loop) {
        long iters = argc == 3 ? bench_arg_long(argv[2], "iterations", 1000, 1L << 40) : 20000000;
        if (loop == loop_persistent) {
            iters = iters / PERSISTENT_BATCH * PERSISTENT_BATCH;
            persistents = malloc(PERSISTENT_BATCH * sizeof *persistents);
            drop_order = malloc(PERSISTENT_BATCH * sizeof *drop_order);
            if (!persistents || !drop_order)
                bench_fail("out of memory");
            for (uint32_t i = 0; i < PERSISTENT_BATCH; i++)
                drop_order[i] = PERSISTENT_BATCH - 1 - i;
            if (strcmp(what, "persistent-random") == 0) {
                bench_rng rng = {0x9E3779B97F4A7C15ull};
                for (uint32_t i = PERSISTENT_BATCH - 1; i > 0; i--) {
                    uint32_t k = (uint32_t)(bench_rng_next(&rng) % (i + 1));
                    uint32_t tmp = drop_order[i];
                    drop_order[i] = drop_order[k];
                    drop_order[k] = tmp;
                }
            }
            /* Check the persistents really hold the object. */
            for (int i = 0; i < PERSISTENT_BATCH; i++)
                grove_persistent_init(h, &persistents[i], i % 2 ? obj : bench_fixnum(i));
            grove_collect_minor(h);
            for (int i = 0; i < PERSISTENT_BATCH; i++) {
                void *want = i % 2 ? obj : bench_fixnum(i);
                if (grove_persistent_get(h, &persistents[i]) != want)
                    bench_fail("persistent %d lost its value", i);
            }
            for (int i = 0; i < PERSISTENT_BATCH; i++)
                grove_persistent_drop(h, &persistents[drop_order[i]]);
        }
        double ns = time_loop(loop, h, obj, iters);
        double base = time_loop(loop_empty, h, obj, iters);
        /* persistent: one op = one init + one drop */
        bench_json_num(&j, "per_op_ns", ns);
        bench_json_num(&j, "baseline_ns", base);
        bench_json_int(&j, "iters", iters);
        bench_json_int(&j, "batches", BATCHES);
        free(persistents);
        free(drop_order);
    } else if (strcmp(what, "rootscan") == 0) {
        long max_roots = argc == 3 ? bench_arg_long(argv[2], "max roots", 10, 10000000) : 1000000;
        struct scan_series stack = {h, obj, max_roots, 0, {{0}}};
        struct scan_series pers = {h, obj, max_roots, 0, {{0}}};
        with_big_stack(scan_stack_series, &stack);
        scan_persistent_series(&pers);
        bench_str s = {0};
        series_json(&s, &stack);
        bench_json_raw(&j, "stack", s.buf);
        bench_str_free(&s);
        series_json(&s, &pers);
        bench_json_raw(&j, "persistent", s.buf);
        bench_str_free(&s);
        const struct scan_point *top = &stack.points[stack.count - 1];
        bench_json_num(&j, "per_root_ns", (top->median_ns - stack.points[0].median_ns) /
                                              (double)top->roots);
        bench_json_int(&j, "max_roots", max_roots);
    } else if (strcmp(what, "recursion") == 0) {
        long depth = argc == 3 ? bench_arg_long(argv[2], "depth", 1, 10000000) : 1000000;
        struct rec_run run = {{h, depth, 0}, 5, {0}};
        with_big_stack(rec_series, &run);
        double med = bench_median(run.ns, (size_t)run.reps);
        bench_json_num(&j, "per_op_ns", med / (double)(depth + 1));
        bench_json_num(&j, "recursion_s", med / 1e9);
        bench_json_int(&j, "depth", depth);
    } else {
        usage(argv[0]);
    }

    if (grove_persistent_get(h, &keep) != obj)
        bench_fail("the kept object moved or was lost");
    grove_persistent_drop(h, &keep);
    bench_json_num(&j, "wall_s", (double)(bench_now_ns() - t0) / 1e9);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}
