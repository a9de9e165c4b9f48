/*
 * weak_churn.c — weak boxes under churn, to short- and long-lived targets:
 * a cache of weak references, as an interpreter's weak tables or a Wasm
 * engine's externref cache keep them.
 *
 * Targets {id, check} come in two lifetimes. Short-lived ones, one per
 * step, are held by a ring of the last `short_ring` of them (most die in
 * the nursery; those the ring held at a minor GC die old). Long-lived ones
 * fill a table of `long_lived` slots; every 16 steps one slot gets a new
 * target and its old one dies (old, after its first minor GC). Weak boxes
 * {target, id, slot} are kept in a ring of the last `boxes` boxes (young
 * ones die young, the rest are promoted). Each step allocates a short
 * target, a box to it and a box to a random long target, and retargets a
 * random box of the ring (often an old box) to the new short target: an
 * old box's weak slot pointing into the nursery.
 *
 * Verification: a box's target is either NULL or the object its id names;
 * while that object is held it must be there. Every 65,536 steps a sample
 * of boxes is checked; at the end, after a major GC, every box is, and a
 * box must be NULL exactly when its target is no longer held.
 *
 *   usage: bench_weak_churn_<backend> [steps long_lived boxes short_ring]
 *          (default 2000000 20000 50000 256)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_weak.h"

enum { REPLACE_EVERY = 16, SAMPLE = 64 };

struct target {
    uint64_t id;
    uint64_t check;
};

/* A weak box: the target (weak), its id, and where the target is held:
 * slot i >= 0 of the long table, or slot -1 - i of the short ring. */
enum { BOX_TARGET, BOX_ID, BOX_SLOT, BOX_WORDS };

struct churn {
    grove_heap *h;
    grove_type_id t_array, t_target, t_box;
    grove_persistent longs;  /* ARRAY: long_lived targets */
    grove_persistent shorts; /* ARRAY: ring of the last short_ring short targets */
    grove_persistent boxes;  /* ARRAY: ring of the last n_boxes boxes */
    long n_long, n_boxes, n_short;
    uint64_t *long_id; /* the id each long slot holds now */
    uint64_t next_id;  /* ids handed out: [0, next_id) */
    uint64_t short_ids; /* short targets made so far */
    uint64_t *short_id; /* the id each short ring slot holds */
    long boxes_made, checked, found_cleared;
    bench_rng rng;
};

static uint64_t check_word(uint64_t id)
{
    return id * 0x9E3779B97F4A7C15ull ^ 0xA5A5A5A5ull;
}

static void **array(struct churn *c, grove_persistent *p)
{
    return grove_persistent_get(c->h, p);
}

static long pick(struct churn *c, long n)
{
    return (long)(bench_rng_next(&c->rng) % (uint64_t)n);
}

/* A fresh target in slot i of `where`; its id. */
static uint64_t new_target(struct churn *c, grove_persistent *where, long i)
{
    struct target *t = bench_alloc(c->h, c->t_target, sizeof *t);
    t->id = c->next_id++;
    t->check = check_word(t->id);
    void **a = array(c, where);
    grove_write(c->h, a, &a[i], t);
    return t->id;
}

/* Point `box` at the object in slot i of `where`, as `slot` names it. */
static void aim(struct churn *c, void **box, grove_persistent *where, long i, uint64_t id,
                long slot)
{
    grove_write(c->h, box, &box[BOX_TARGET], array(c, where)[i]);
    box[BOX_ID] = bench_fixnum((intptr_t)id);
    box[BOX_SLOT] = bench_fixnum(slot);
}

/* A new box in the ring, aimed at slot i of `where`. */
static void new_box(struct churn *c, grove_persistent *where, long i, uint64_t id, long slot)
{
    void **box = bench_alloc(c->h, c->t_box, BOX_WORDS * sizeof(void *));
    aim(c, box, where, i, id, slot);
    void **ring = array(c, &c->boxes);
    grove_write(c->h, ring, &ring[c->boxes_made++ % c->n_boxes], box);
}

/* Whether the target a box names is still held strongly. */
static bool held(const struct churn *c, void *const *box)
{
    uint64_t id = (uint64_t)bench_fixnum_value(box[BOX_ID]);
    long slot = (long)bench_fixnum_value(box[BOX_SLOT]);
    return (slot >= 0 ? c->long_id[slot] : c->short_id[-1 - slot]) == id;
}

/* A box holds NULL or its own target, and the target while it is held;
 * `exact`: after a full collection, NULL exactly when it is not held. */
static void check_box(struct churn *c, long i, bool exact)
{
    void **box = array(c, &c->boxes)[i];
    if (!box)
        return;
    const struct target *t = box[BOX_TARGET];
    uint64_t id = (uint64_t)bench_fixnum_value(box[BOX_ID]);
    bool live = held(c, box);
    c->checked++;
    if (!t) {
        if (live)
            bench_fail("box %ld lost target %llu, which is still held", i, (unsigned long long)id);
        c->found_cleared++;
        return;
    }
    if (t->id != id || t->check != check_word(id))
        bench_fail("box %ld points at the wrong object (target %llu)", i, (unsigned long long)id);
    if (exact && !live)
        bench_fail("box %ld kept target %llu after a full collection found it unreachable", i,
                   (unsigned long long)id);
}

static void step(struct churn *c, long n)
{
    long si = (long)(c->short_ids++ % (uint64_t)c->n_short);
    uint64_t sid = new_target(c, &c->shorts, si); /* drops the oldest short target */
    c->short_id[si] = sid;
    new_box(c, &c->shorts, si, sid, -1 - si);
    long li = pick(c, c->n_long);
    new_box(c, &c->longs, li, c->long_id[li], li);
    void **again = array(c, &c->boxes)[pick(c, c->n_boxes)];
    if (again)
        aim(c, again, &c->shorts, si, sid, -1 - si);
    if (n % REPLACE_EVERY == 0) {
        long r = pick(c, c->n_long);
        c->long_id[r] = new_target(c, &c->longs, r);
    }
}

int main(int argc, char **argv)
{
    bench_name = "weak-churn";
    long steps = 2000000;
    struct churn c = {.n_long = 20000, .n_boxes = 50000, .n_short = 256,
                      .rng = {0x13198A2E03707344ull}};
    if (argc == 5) {
        steps = bench_arg_long(argv[1], "steps", 1, 1L << 40);
        c.n_long = bench_arg_long(argv[2], "long-lived targets", 1, 1L << 26);
        c.n_boxes = bench_arg_long(argv[3], "boxes", 1, 1L << 26);
        c.n_short = bench_arg_long(argv[4], "short ring", 1, 1L << 26);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [steps long_lived boxes short_ring]\n", argv[0]);
        return 2;
    }
    c.long_id = malloc((size_t)c.n_long * sizeof *c.long_id);
    c.short_id = malloc((size_t)c.n_short * sizeof *c.short_id);
    if (!c.long_id || !c.short_id)
        bench_fail("out of memory");
    for (long i = 0; i < c.n_short; i++)
        c.short_id[i] = UINT64_MAX; /* no short target yet */

    uint64_t t0 = bench_now_ns();
    grove_heap *h = c.h = bench_heap_create();
    bench_weak_clock clock = {0};
    bench_weak_clock_start(h, &clock);
    c.t_array = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    c.t_target = bench_register(h, "target", GROVE_LAYOUT_RECORD, sizeof(struct target), 0);
    c.t_box = bench_register(h, "weak box", GROVE_LAYOUT_WEAK_BOX, 0, 0);
    grove_persistent_init(h, &c.longs, grove_alloc_array(h, c.t_array, (size_t)c.n_long));
    grove_persistent_init(h, &c.shorts, grove_alloc_array(h, c.t_array, (size_t)c.n_short));
    grove_persistent_init(h, &c.boxes, grove_alloc_array(h, c.t_array, (size_t)c.n_boxes));
    if (!array(&c, &c.longs) || !array(&c, &c.shorts) || !array(&c, &c.boxes))
        bench_fail("table allocation failed");
    for (long i = 0; i < c.n_long; i++)
        c.long_id[i] = new_target(&c, &c.longs, i);

    for (long n = 0; n < steps; n++) {
        step(&c, n);
        if ((n & 65535) == 65535)
            for (int k = 0; k < SAMPLE; k++)
                check_box(&c, pick(&c, c.n_boxes), false);
    }
    grove_collect_major(h);
    for (long i = 0; i < c.n_boxes; i++)
        check_box(&c, i, true);
    grove_persistent_drop(h, &c.longs);
    grove_persistent_drop(h, &c.shorts);
    grove_persistent_drop(h, &c.boxes);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "weak-churn", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "steps", steps);
    bench_json_int(&j, "boxes_made", c.boxes_made);
    bench_json_int(&j, "boxes_checked", c.checked);
    bench_json_int(&j, "found_cleared", c.found_cleared);
    bench_weak_clock_report(&j, &clock);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    free(c.long_id);
    free(c.short_id);
    return 0;
}
