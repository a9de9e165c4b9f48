/*
 * ephemerons.c — a weak-keyed table under churn (in the spirit of Whippet's
 * ephemerons benchmark, written for Grove): the table an interpreter keeps
 * for properties attached to objects it does not own.
 *
 * The table is a growable ARRAY of ephemerons {key, value, id}; each value
 * points back at its key, which must not keep the key alive. Keys are held
 * strongly only by a ring of the `window` most recent ones, so each new key
 * drops the oldest: an entry's key dies young (the ring moved on before a
 * minor GC) or old (it was promoted, and only a major GC clears it). Each
 * round inserts `per_round` entries, then prunes the table of broken
 * entries (key and value NULL), compacting it; a full table is pruned, and
 * doubled if it stays more than half full.
 *
 * Verification: every prune checks each entry — a live one's key, value
 * and id agree, and a broken one's id is not in the ring (no entry of a
 * live key is ever cleared). At the end, after a major GC and a prune,
 * exactly the ring's entries remain, each once.
 *
 *   usage: bench_ephemerons_<backend> [rounds window per_round]
 *          (default 300 20000 4000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_weak.h"

struct key {
    uint64_t id;
};

struct value {
    struct key *key;
    uint64_t id;
    uint64_t check;
};

enum { EPH_WORDS = 3 }; /* key, value, id (a fixnum) */

struct table {
    grove_heap *h;
    grove_type_id t_array, t_key, t_value, t_eph;
    grove_persistent entries; /* ARRAY of `cap` slots, `count` in use */
    grove_persistent ring;    /* ARRAY of `window` keys: id i at i % window */
    long cap, count, window;
    long next_id;                 /* ids inserted: [0, next_id) */
    long cleared, grown, largest; /* broken entries pruned; doublings; peak count */
};

static uint64_t check_word(uint64_t id)
{
    return id * 0x9E3779B97F4A7C15ull ^ 0x5DEECE66Dull;
}

static void **entries(struct table *t)
{
    return grove_persistent_get(t->h, &t->entries);
}

/* The newest key, id `id`, in its ring slot. */
static void *ring_key(struct table *t, long id)
{
    return ((void **)grove_persistent_get(t->h, &t->ring))[id % t->window];
}

/* An entry still live must be whole; a broken one must be an old key's. */
static bool check_entry(const struct table *t, void **e, long slot)
{
    long id = (long)bench_fixnum_value(e[2]);
    struct key *k = e[0];
    struct value *v = e[1];
    if (!k) {
        if (v)
            bench_fail("entry %ld (slot %ld): key cleared, value kept", id, slot);
        if (id >= t->next_id - t->window)
            bench_fail("entry %ld (slot %ld): cleared while its key is in the ring", id, slot);
        return false;
    }
    if (k->id != (uint64_t)id || !v || v->id != (uint64_t)id || v->key != k ||
        v->check != check_word((uint64_t)id))
        bench_fail("entry %ld (slot %ld): key, value and id disagree", id, slot);
    return true;
}

/* Drop broken entries, keeping the others in order at the front. */
static void prune(struct table *t)
{
    void **es = entries(t);
    long kept = 0;
    for (long i = 0; i < t->count; i++) {
        if (!check_entry(t, es[i], i)) {
            t->cleared++;
            continue;
        }
        if (kept != i)
            grove_write(t->h, es, &es[kept], es[i]);
        kept++;
    }
    for (long i = kept; i < t->count; i++)
        es[i] = NULL;
    t->count = kept;
}

/* Room for one more entry; `eph` (rooted by the caller) is not in it yet. */
static void make_room(struct table *t)
{
    if (t->count < t->cap)
        return;
    prune(t);
    if (t->count <= t->cap / 2)
        return;
    void **bigger = grove_alloc_array(t->h, t->t_array, (size_t)t->cap * 2);
    if (!bigger)
        bench_fail("allocation failed: %s", grove_last_error_message(t->h));
    grove_write_n(t->h, bigger, bigger, entries(t), (size_t)t->count);
    grove_persistent_set(t->h, &t->entries, bigger);
    t->cap *= 2;
    t->grown++;
}

static void insert(struct table *t)
{
    grove_heap *h = t->h;
    long id = t->next_id++;
    grove_scope s = grove_scope_enter(h);
    struct key *k = bench_alloc(h, t->t_key, sizeof *k);
    k->id = (uint64_t)id;
    void **ring = grove_persistent_get(h, &t->ring);
    grove_write(h, ring, &ring[id % t->window], k); /* drops key id - window */

    GROVE_LOCAL(h, struct value *, v, bench_alloc(h, t->t_value, sizeof(struct value)));
    GROVE_GET(h, v)->id = (uint64_t)id;
    GROVE_GET(h, v)->check = check_word((uint64_t)id);
    struct value *vv = GROVE_GET(h, v);
    GROVE_STORE(h, vv, key, ring_key(t, id));

    GROVE_LOCAL(h, void **, e, bench_alloc(h, t->t_eph, EPH_WORDS * sizeof(void *)));
    void **ee = GROVE_GET(h, e);
    grove_write(h, ee, &ee[0], ring_key(t, id));
    grove_write(h, ee, &ee[1], GROVE_GET(h, v));
    ee[2] = bench_fixnum(id);

    make_room(t);
    void **es = entries(t);
    grove_write(h, es, &es[t->count++], GROVE_GET(h, e));
    if (t->count > t->largest)
        t->largest = t->count;
    grove_scope_exit(h, s);
}

/* After a full collection, exactly the ring's entries are left. */
static void check_final(struct table *t)
{
    grove_collect_major(t->h);
    prune(t);
    long live = t->next_id < t->window ? t->next_id : t->window;
    if (t->count != live)
        bench_fail("%ld entries left after a full collection, expected the ring's %ld", t->count,
                   live);
    char *seen = calloc((size_t)t->window, 1);
    if (!seen)
        bench_fail("out of memory");
    void **es = entries(t);
    for (long i = 0; i < t->count; i++) {
        long id = (long)bench_fixnum_value(((void **)es[i])[2]);
        if (id < t->next_id - t->window)
            bench_fail("entry %ld outlived its key's last strong reference", id);
        if (seen[id % t->window]++)
            bench_fail("entry %ld is in the table twice", id);
    }
    free(seen);
}

int main(int argc, char **argv)
{
    bench_name = "ephemerons";
    long rounds = 300, window = 20000, per_round = 4000;
    if (argc == 4) {
        rounds = bench_arg_long(argv[1], "rounds", 1, 1L << 30);
        window = bench_arg_long(argv[2], "window", 1, 1L << 26);
        per_round = bench_arg_long(argv[3], "per round", 1, 1L << 26);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [rounds window per_round]\n", argv[0]);
        return 2;
    }

    uint64_t t0 = bench_now_ns();
    struct table t = {.h = bench_heap_create(), .cap = 2 * window, .window = window};
    grove_heap *h = t.h;
    bench_weak_clock clock = {0};
    bench_weak_clock_start(h, &clock);
    t.t_array = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    t.t_key = bench_register(h, "key", GROVE_LAYOUT_RECORD, sizeof(struct key), 0);
    t.t_value = bench_register(h, "value", GROVE_LAYOUT_RECORD, sizeof(struct value), 0x1);
    t.t_eph = bench_register(h, "entry", GROVE_LAYOUT_EPHEMERON, 0, 0);
    grove_persistent_init(h, &t.entries, grove_alloc_array(h, t.t_array, (size_t)t.cap));
    grove_persistent_init(h, &t.ring, grove_alloc_array(h, t.t_array, (size_t)window));
    if (!grove_persistent_get(h, &t.entries) || !grove_persistent_get(h, &t.ring))
        bench_fail("table allocation failed");

    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < per_round; i++)
            insert(&t);
        prune(&t);
    }
    check_final(&t);
    grove_persistent_drop(h, &t.entries);
    grove_persistent_drop(h, &t.ring);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "ephemerons", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "inserted", t.next_id);
    bench_json_int(&j, "window", window);
    bench_json_int(&j, "cleared", t.cleared);
    bench_json_int(&j, "largest_table", t.largest);
    bench_json_int(&j, "table_doublings", t.grown);
    bench_weak_clock_report(&j, &clock);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}
