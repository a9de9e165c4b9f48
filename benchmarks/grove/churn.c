/*
 * churn.c — a long-lived structure mutated with young pointers while
 * short-lived garbage is allocated: the write barrier and remembered set
 * under load, and major GCs reclaiming the replaced values.
 *
 * The live structure is a table of `pages` ARRAY objects of 256 slots (each
 * page is 2 KiB, so it lives in the nursery first and is promoted), reached
 * from a top ARRAY (a large object, old from birth) held by a persistent
 * root. Every step replaces one random slot with a fresh value record
 * {key, version, blob} whose blob is a BYTES object carrying a check word,
 * then allocates `garbage` short-lived records, the last few of which are
 * linked in a short list and dropped.
 *
 * Verification: a plain C array keeps each slot's expected version; every
 * 65,536 steps a sample of slots is checked, and at the end every slot is.
 *
 *   usage: bench_churn_<backend> [steps pages garbage_per_step]
 *          (default 4000000 1024 4)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_grove.h"

enum { PAGE_SLOTS = 256, BLOB_BYTES = 32 };

struct value {
    void *key;     /* fixnum */
    void *version; /* fixnum */
    uint64_t *blob;
};

struct garbage {
    void *next;
    void *payload;
    uint64_t a, b;
};

static grove_type_id T_ARRAY, T_VALUE, T_BLOB, T_GARBAGE;

static uint64_t check_word(long key, long version)
{
    return (uint64_t)key * 0x9E3779B97F4A7C15ull ^ (uint64_t)version;
}

static void *alloc_or_die(grove_heap *h, grove_type_id t, size_t size)
{
    void *p = grove_alloc(h, t, size);
    if (!p)
        bench_fail("allocation failed: %s", grove_last_error_message(h));
    return p;
}

static void check_slot(void **top, long k, const uint32_t *versions)
{
    void **page = top[k / PAGE_SLOTS];
    struct value *v = page[k % PAGE_SLOTS];
    if (!v)
        bench_fail("slot %ld is empty", k);
    long key = (long)bench_fixnum_value(v->key);
    long version = (long)bench_fixnum_value(v->version);
    if (key != k || version != (long)versions[k])
        bench_fail("slot %ld holds key %ld version %ld, expected version %u", k, key, version,
                   versions[k]);
    if (grove_object_type(v->blob) != T_BLOB || v->blob[0] != check_word(key, version) ||
        v->blob[BLOB_BYTES / 8 - 1] != (uint64_t)version)
        bench_fail("slot %ld: blob corrupted", k);
}

int main(int argc, char **argv)
{
    bench_name = "churn";
    long steps = 4000000, pages = 1024, garbage = 4;
    if (argc == 4) {
        steps = bench_arg_long(argv[1], "steps", 1, 1L << 40);
        pages = bench_arg_long(argv[2], "pages", 1, 1L << 20);
        garbage = bench_arg_long(argv[3], "garbage per step", 0, 1000);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [steps pages garbage_per_step]\n", argv[0]);
        return 2;
    }
    long slots = pages * PAGE_SLOTS;
    uint32_t *versions = calloc((size_t)slots, sizeof *versions);
    if (!versions)
        bench_fail("out of memory");

    uint64_t t0 = bench_now_ns();
    grove_heap *h = bench_heap_create();
    T_ARRAY = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    T_VALUE = bench_register(h, "value", GROVE_LAYOUT_RECORD, sizeof(struct value), 0x4);
    T_BLOB = bench_register(h, "blob", GROVE_LAYOUT_BYTES, 0, 0);
    T_GARBAGE = bench_register(h, "garbage", GROVE_LAYOUT_RECORD, sizeof(struct garbage), 0x3);

    grove_persistent top;
    grove_persistent_init(h, &top, grove_alloc_array(h, T_ARRAY, (size_t)pages));
    if (!grove_persistent_get(h, &top))
        bench_fail("top array allocation failed");

    /* Fill: every slot gets version 0. */
    for (long p = 0; p < pages; p++) {
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, void **, page, grove_alloc_array(h, T_ARRAY, PAGE_SLOTS));
        void **t = grove_persistent_get(h, &top);
        grove_write(h, t, &t[p], GROVE_GET(h, page));
        grove_scope_exit(h, s);
    }

    bench_rng rng = {0x243F6A8885A308D3ull};
    long checks = 0;
    for (long step = -slots; step < steps; step++) {
        /* The first `slots` steps fill the table in order; then random. */
        long k = step < 0 ? step + slots : (long)(bench_rng_next(&rng) % (uint64_t)slots);
        long version = step < 0 ? 0 : (long)versions[k] + 1;

        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, struct value *, v, alloc_or_die(h, T_VALUE, sizeof(struct value)));
        GROVE_GET(h, v)->key = bench_fixnum(k);
        GROVE_GET(h, v)->version = bench_fixnum(version);
        uint64_t *blob = alloc_or_die(h, T_BLOB, BLOB_BYTES);
        blob[0] = check_word(k, version);
        blob[BLOB_BYTES / 8 - 1] = (uint64_t)version;
        struct value *vv = GROVE_GET(h, v);
        GROVE_STORE(h, vv, blob, blob);

        void **t = grove_persistent_get(h, &top);
        void **page = t[k / PAGE_SLOTS];
        grove_write(h, page, &page[k % PAGE_SLOTS], vv);
        versions[k] = (uint32_t)version;

        /* Short-lived garbage; the last three form a list that dies here. */
        GROVE_LOCAL(h, struct garbage *, list, NULL);
        for (long g = 0; g < garbage; g++) {
            struct garbage *gb = alloc_or_die(h, T_GARBAGE, sizeof(struct garbage));
            gb->a = (uint64_t)g;
            if (garbage - g <= 3) {
                GROVE_STORE(h, gb, next, GROVE_GET(h, list));
                GROVE_SET(h, list, gb);
            }
        }
        grove_scope_exit(h, s);

        if (step >= 0 && (step & 65535) == 0) {
            void **tt = grove_persistent_get(h, &top);
            for (int i = 0; i < 64; i++) {
                check_slot(tt, (long)(bench_rng_next(&rng) % (uint64_t)slots), versions);
                checks++;
            }
        }
    }

    void **t = grove_persistent_get(h, &top);
    for (long k = 0; k < slots; k++)
        check_slot(t, k, versions);
    checks += slots;
    grove_persistent_drop(h, &top);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "churn", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "steps", steps);
    bench_json_int(&j, "slots", slots);
    bench_json_int(&j, "garbage_per_step", garbage);
    bench_json_int(&j, "slots_checked", checks);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    free(versions);
    bench_json_finish(&j);
    return 0;
}
