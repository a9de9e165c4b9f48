/*
 * identity.c — what identity hashes and pins cost, written once against the
 * facade and built per backend. One sub-benchmark per run, one JSON line:
 *
 *   hash-young [objects]  the first identity hash of a young object
 *   hash-old [objects]    the first identity hash of an old object
 *   pin-unpin [objects]   grove_pin + grove_unpin of an old object
 *
 * Objects come in batches of BATCH held by one rooted array; each batch is
 * timed alone (no collection runs while it is), and the median over the
 * batches is reported as ns per operation (per_op_ns). Every hash is
 * checked again after a collection, every pin count after the unpins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_grove.h"

enum { BATCH = 4096, MAX_BATCHES = 4096 };

static grove_type_id T_CONS, T_ARRAY;

/* A rooted array of BATCH fresh conses, young, or promoted if `old`. */
static void fill_batch(grove_heap *h, grove_persistent *batch, bool old)
{
    void **a = grove_alloc_array(h, T_ARRAY, BATCH);
    if (!a)
        bench_fail("allocation failed: %s", grove_last_error_message(h));
    grove_persistent_set(h, batch, a);
    for (size_t i = 0; i < BATCH; i++) {
        void *cons = grove_alloc(h, T_CONS, 2 * sizeof(void *));
        if (!cons)
            bench_fail("allocation failed: %s", grove_last_error_message(h));
        a = grove_persistent_get(h, batch);
        grove_write(h, a, &a[i], cons);
    }
    if (old)
        grove_collect_minor(h);
}

static double time_hashes(grove_heap *h, grove_persistent *batch, uint64_t *hashes)
{
    void **a = grove_persistent_get(h, batch);
    uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < BATCH; i++)
        hashes[i] = grove_identity_hash(h, a[i]);
    return (double)(bench_now_ns() - t0) / BATCH;
}

static void check_hashes(grove_heap *h, grove_persistent *batch, const uint64_t *hashes)
{
    grove_collect_minor(h);
    void **a = grove_persistent_get(h, batch);
    for (size_t i = 0; i < BATCH; i++)
        if (grove_identity_hash(h, a[i]) != hashes[i])
            bench_fail("object %zu's identity hash changed across a collection", i);
}

static double time_pins(grove_heap *h, grove_persistent *batch)
{
    void **a = grove_persistent_get(h, batch);
    uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < BATCH; i++) {
        if (grove_pin(h, a[i]) != a[i])
            bench_fail("pinning old object %zu moved it", i);
        grove_unpin(h, a[i]);
    }
    double ns = (double)(bench_now_ns() - t0) / BATCH;
    for (size_t i = 0; i < BATCH; i++)
        if (grove_pin_count(h, a[i]) != 0)
            bench_fail("object %zu still pinned", i);
    return ns;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s hash-young|hash-old|pin-unpin [objects]\n", argv[0]);
        return 2;
    }
    const char *what = argv[1];
    char name[64];
    snprintf(name, sizeof name, "identity.%s", what);
    bench_name = name;
    long objects = argc == 3 ? bench_arg_long(argv[2], "objects", BATCH, (long)BATCH * MAX_BATCHES)
                             : 4000000;
    size_t batches = (size_t)objects / BATCH;
    bool young = strcmp(what, "hash-young") == 0, pins = strcmp(what, "pin-unpin") == 0;
    if (!young && !pins && strcmp(what, "hash-old") != 0)
        bench_fail("unknown sub-benchmark %s", what);

    uint64_t t0 = bench_now_ns();
    grove_heap *h = bench_heap_create();
    T_CONS = bench_register(h, "cons", GROVE_LAYOUT_RECORD, 2 * sizeof(void *), 0x3);
    T_ARRAY = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    grove_persistent batch;
    grove_persistent_init(h, &batch, NULL);
    uint64_t *hashes = malloc(BATCH * sizeof *hashes);
    double *per = malloc(batches * sizeof *per);
    if (!hashes || !per)
        bench_fail("out of memory");
    for (size_t b = 0; b < batches; b++) {
        fill_batch(h, &batch, !young);
        if (pins) {
            per[b] = time_pins(h, &batch);
        } else {
            per[b] = time_hashes(h, &batch, hashes);
            check_hashes(h, &batch, hashes);
        }
    }
    grove_persistent_drop(h, &batch);

    bench_json j;
    bench_json_begin(&j, name, GROVE_ROOTING_NAME);
    bench_json_num(&j, "per_op_ns", bench_median(per, batches));
    bench_json_int(&j, "objects", (long)(batches * BATCH));
    bench_json_int(&j, "batches", (long)batches);
    bench_json_num(&j, "wall_s", (double)(bench_now_ns() - t0) / 1e9);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    free(hashes);
    free(per);
    return 0;
}
