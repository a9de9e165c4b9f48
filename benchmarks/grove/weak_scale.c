/*
 * weak_scale.c — what one weak object costs a collection, at 10k, 100k and
 * 1M of them: the per-object figure stays flat if the cost is linear. One
 * measurement per run, one JSON line:
 *
 *   usage: bench_weak_scale_<backend> box|ephemeron minor|major count
 *
 * A set is `count` weak objects, each with a target of its own: a weak
 * box's referent, or an ephemeron's key (its value is a fresh object
 * pointing back at the key, which must not keep the key alive). Even
 * targets are held strongly, odd ones are not, so the collection measured
 * both updates and clears half of the set.
 *
 *   minor  the set is young (the nursery is sized to hold it) and the minor
 *          GC that evacuates it is measured;
 *   major  the set is promoted first, the odd targets are dropped, and the
 *          major GC is measured.
 *
 * The weak phase's duration comes from the GROVE_PHASE_WEAK end event of
 * the measured collection; per_op_ns is its median over the repetitions
 * divided by count (pause_per_op_ns: the whole pause divided by
 * count). Only explicit collections run: the nursery holds a set and
 * major_min_bytes is out of reach. After each measured collection every
 * weak object is checked — cleared exactly when its target was dropped,
 * else pointing at its target (moved or not) — and the set is dropped and
 * collected away before the next one is built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_weak.h"

enum { MAX_REPS = 9 };

/* A target: its index in the set (no slots). */
struct target {
    uint64_t id;
};

/* An ephemeron's value: its key, and the key's id. */
struct value {
    struct target *key;
    uint64_t id;
};

struct scale {
    grove_heap *h;
    bool ephemerons;
    grove_collection_kind kind;
    long count;
    grove_type_id t_array, t_target, t_value, t_weak;
    grove_persistent weak; /* ARRAY of the set's weak objects */
    grove_persistent keep; /* ARRAY of the targets held strongly */
};

static void **spine(struct scale *s, grove_persistent *p)
{
    return grove_persistent_get(s->h, p);
}

/* Object i of the set: its target (rooted in keep[i]) and its weak object
 * (rooted in weak[i]). An allocation may move what was allocated before,
 * so everything is read back from the spines. */
static void build_one(struct scale *s, long i)
{
    grove_heap *h = s->h;
    struct target *t = bench_alloc(h, s->t_target, sizeof *t);
    t->id = (uint64_t)i;
    void **keep = spine(s, &s->keep);
    grove_write(h, keep, &keep[i], t);
    if (s->ephemerons) {
        struct value *v = bench_alloc(h, s->t_value, sizeof *v);
        v->id = (uint64_t)i;
        GROVE_STORE(h, v, key, spine(s, &s->keep)[i]);
        void **weak = spine(s, &s->weak);
        grove_write(h, weak, &weak[i], v); /* rooted until the ephemeron exists */
        void **e = bench_alloc(h, s->t_weak, 2 * sizeof(void *));
        grove_write(h, e, &e[0], spine(s, &s->keep)[i]);
        grove_write(h, e, &e[1], spine(s, &s->weak)[i]);
        weak = spine(s, &s->weak);
        grove_write(h, weak, &weak[i], e);
    } else {
        void **box = bench_alloc(h, s->t_weak, sizeof(void *));
        grove_write(h, box, &box[0], spine(s, &s->keep)[i]);
        void **weak = spine(s, &s->weak);
        grove_write(h, weak, &weak[i], box);
    }
}

static void drop_odd_targets(struct scale *s)
{
    void **keep = spine(s, &s->keep);
    for (long i = 1; i < s->count; i += 2)
        keep[i] = NULL; /* storing NULL needs no barrier */
}

/* Every weak object after the measured collection: cleared exactly when
 * its target was dropped; an ephemeron's key and value together. */
static void check_set(struct scale *s)
{
    void **weak = spine(s, &s->weak), **keep = spine(s, &s->keep);
    for (long i = 0; i < s->count; i++) {
        void **w = weak[i];
        struct target *t = w[0];
        if (i % 2) {
            if (t || (s->ephemerons && w[1]))
                bench_fail("weak object %ld kept its unreachable target", i);
            continue;
        }
        if (t != keep[i] || t->id != (uint64_t)i)
            bench_fail("weak object %ld lost or misplaced its live target", i);
        if (s->ephemerons) {
            struct value *v = w[1];
            if (!v || v->id != (uint64_t)i || v->key != t)
                bench_fail("ephemeron %ld with a live key lost its value", i);
        }
    }
}

static void clear_spines(struct scale *s)
{
    void **weak = spine(s, &s->weak), **keep = spine(s, &s->keep);
    memset(weak, 0, (size_t)s->count * sizeof(void *));
    memset(keep, 0, (size_t)s->count * sizeof(void *));
}

/* One set built, collected (measured) and checked, then collected away:
 * the measured collection's weak phase and pause, in ns. */
static void measure_once(struct scale *s, const bench_weak_clock *clock, double *weak_ns,
                         double *pause_ns)
{
    for (long i = 0; i < s->count; i++)
        build_one(s, i);
    if (s->kind == GROVE_MAJOR)
        grove_collect_minor(s->h); /* promote the whole set */
    drop_odd_targets(s);
    uint64_t phases = clock->phases[s->kind];
    grove_error err =
        s->kind == GROVE_MAJOR ? grove_collect_major(s->h) : grove_collect_minor(s->h);
    if (err != GROVE_OK)
        bench_fail("measured collection: %s", grove_error_name(err));
    if (clock->phases[s->kind] == phases)
        bench_fail("the measured collection reported no weak phase");
    *weak_ns = (double)clock->last_ns[s->kind];
    *pause_ns = (double)clock->last_pause_ns[s->kind];
    check_set(s);
    clear_spines(s);
    grove_collect_major(s->h); /* so no earlier set is in the next one's way */
}

static grove_heap *create_heap(long count)
{
    grove_config config;
    grove_config_init(&config);
    /* A whole set per nursery (64 bytes an ephemeron's triple), and no
     * major GC but the explicit ones. */
    size_t set_bytes = (size_t)count * 64 + ((size_t)1 << 20);
    if (config.nursery_size < set_bytes)
        config.nursery_size = set_bytes;
    config.major_min_bytes = (size_t)1 << 40;
    grove_error_info error;
    grove_heap *h = grove_heap_create(&config, &error);
    if (!h)
        bench_fail("grove_heap_create: %s: %s", grove_error_name(error.code), error.message);
    const char *pauses = getenv("GROVE_BENCH_PAUSES");
    if (pauses && *pauses)
        bench_grove_record_pauses(h);
    return h;
}

static int reps_for(long count)
{
    return count >= 1000000 ? 3 : count >= 100000 ? 5 : MAX_REPS;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "box") && strcmp(argv[1], "ephemeron")) ||
        (strcmp(argv[2], "minor") && strcmp(argv[2], "major"))) {
        fprintf(stderr, "usage: %s box|ephemeron minor|major count\n", argv[0]);
        return 2;
    }
    char name[64];
    snprintf(name, sizeof name, "weak_scale.%s.%s", argv[1], argv[2]);
    bench_name = name;
    struct scale s = {.ephemerons = strcmp(argv[1], "ephemeron") == 0,
                      .kind = strcmp(argv[2], "major") == 0 ? GROVE_MAJOR : GROVE_MINOR,
                      .count = bench_arg_long(argv[3], "count", 2, 1L << 26)};

    uint64_t t0 = bench_now_ns();
    grove_heap *h = s.h = create_heap(s.count);
    s.t_array = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    s.t_target = bench_register(h, "target", GROVE_LAYOUT_RECORD, sizeof(struct target), 0);
    s.t_value = bench_register(h, "value", GROVE_LAYOUT_RECORD, sizeof(struct value), 0x1);
    s.t_weak = s.ephemerons ? bench_register(h, "ephemeron", GROVE_LAYOUT_EPHEMERON, 0, 0)
                            : bench_register(h, "weak box", GROVE_LAYOUT_WEAK_BOX, 0, 0);
    grove_persistent_init(h, &s.weak, grove_alloc_array(h, s.t_array, (size_t)s.count));
    grove_persistent_init(h, &s.keep, grove_alloc_array(h, s.t_array, (size_t)s.count));
    if (!grove_persistent_get(h, &s.weak) || !grove_persistent_get(h, &s.keep))
        bench_fail("spine allocation failed");

    bench_weak_clock clock = {0};
    bench_weak_clock_start(h, &clock);
    int reps = reps_for(s.count);
    double weak[MAX_REPS], pause[MAX_REPS], weak_ns[MAX_REPS], pause_ns[MAX_REPS];
    for (int r = 0; r < reps; r++) {
        measure_once(&s, &clock, &weak_ns[r], &pause_ns[r]);
        weak[r] = weak_ns[r] / (double)s.count;
        pause[r] = pause_ns[r] / (double)s.count;
    }
    grove_persistent_drop(h, &s.weak);
    grove_persistent_drop(h, &s.keep);

    bench_json j;
    bench_json_begin(&j, name, GROVE_ROOTING_NAME);
    bench_json_num(&j, "per_op_ns", bench_median(weak, (size_t)reps));
    bench_json_num(&j, "pause_per_op_ns", bench_median(pause, (size_t)reps));
    bench_json_num(&j, "weak_phase_ns", bench_median(weak_ns, (size_t)reps));
    bench_json_num(&j, "pause_ns", bench_median(pause_ns, (size_t)reps));
    bench_json_int(&j, "weak_objects", s.count);
    bench_json_int(&j, "reps", reps);
    bench_json_num(&j, "wall_s", (double)(bench_now_ns() - t0) / 1e9);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}
