/*
 * gcbench.c — Ellis, Kovac and Boehm's GCBench on Grove, written once
 * against the rooting facade (grove/roots.h) and built per backend.
 *
 * As in the original: a stretch tree of depth 18 is built and dropped; a
 * long-lived tree of depth 16 and an array of 500,000 doubles (a BYTES
 * object, half filled) stay live throughout; then for depths 4, 6, ..., 16,
 * NumIters(d) trees are built top-down (Populate) and as many bottom-up
 * (MakeTree). A node is two pointers and two ints, as in the C version.
 *
 * Verification: the long-lived tree and the array are checked at the end,
 * and the last tree of each depth and direction is counted.
 *
 *   usage: bench_gcbench_<backend> [stretch_depth long_lived_depth max_depth]
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_grove.h"

struct node {
    struct node *left;
    struct node *right;
    int32_t i, j;
};

static grove_type_id T_NODE, T_DOUBLES;
static int stretch_depth = 18, long_lived_depth = 16, max_depth = 16;
enum { MIN_DEPTH = 4, ARRAY_SIZE = 500000 };

static long tree_size(int depth)
{
    return (1L << (depth + 1)) - 1;
}

static long num_iters(int depth)
{
    return 2 * tree_size(stretch_depth) / tree_size(depth);
}

static struct node *new_node(grove_heap *h)
{
    struct node *n = grove_alloc(h, T_NODE, sizeof(struct node));
    if (!n)
        bench_fail("allocation failed: %s", grove_last_error_message(h));
    return n;
}

/* Build the children of `node_raw` top-down, depth levels deep. */
static void populate(grove_heap *h, int depth, struct node *node_raw)
{
    if (depth <= 0)
        return;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct node *, node, node_raw);
    depth--;
    struct node *l = new_node(h);
    struct node *n = GROVE_GET(h, node);
    GROVE_STORE(h, n, left, l);
    struct node *r = new_node(h);
    n = GROVE_GET(h, node);
    GROVE_STORE(h, n, right, r);
    populate(h, depth, GROVE_GET(h, node)->left);
    populate(h, depth, GROVE_GET(h, node)->right);
    grove_scope_exit(h, s);
}

/* Build a tree bottom-up. The result is valid until the next allocation. */
static struct node *make_tree(grove_heap *h, int depth)
{
    if (depth <= 0)
        return new_node(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct node *, left, make_tree(h, depth - 1));
    GROVE_LOCAL(h, struct node *, right, make_tree(h, depth - 1));
    struct node *n = new_node(h);
    GROVE_STORE(h, n, left, GROVE_GET(h, left));
    GROVE_STORE(h, n, right, GROVE_GET(h, right));
    grove_scope_exit(h, s);
    return n;
}

/* Nodes in a tree (no allocation, so raw pointers are fine). */
static long count(const struct node *n)
{
    long c = 0;
    while (n) {
        c += 1 + count(n->left);
        n = n->right;
    }
    return c;
}

static void time_construction(grove_heap *h, int depth, long *nodes)
{
    long iters = num_iters(depth);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct node *, temp, NULL);
    for (long i = 0; i < iters; i++) {
        GROVE_SET(h, temp, new_node(h));
        populate(h, depth, GROVE_GET(h, temp));
        if (i == iters - 1 && count(GROVE_GET(h, temp)) != tree_size(depth))
            bench_fail("top-down tree of depth %d has %ld nodes, expected %ld", depth,
                       count(GROVE_GET(h, temp)), tree_size(depth));
        GROVE_SET(h, temp, NULL);
    }
    for (long i = 0; i < iters; i++) {
        GROVE_SET(h, temp, make_tree(h, depth));
        if (i == iters - 1 && count(GROVE_GET(h, temp)) != tree_size(depth))
            bench_fail("bottom-up tree of depth %d has %ld nodes, expected %ld", depth,
                       count(GROVE_GET(h, temp)), tree_size(depth));
        GROVE_SET(h, temp, NULL);
    }
    *nodes += 2 * iters * tree_size(depth);
    grove_scope_exit(h, s);
}

int main(int argc, char **argv)
{
    bench_name = "gcbench";
    if (argc == 4) {
        stretch_depth = (int)bench_arg_long(argv[1], "stretch depth", 4, 24);
        long_lived_depth = (int)bench_arg_long(argv[2], "long-lived depth", 1, 24);
        max_depth = (int)bench_arg_long(argv[3], "max depth", MIN_DEPTH, stretch_depth);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [stretch_depth long_lived_depth max_depth]\n", argv[0]);
        return 2;
    }

    uint64_t t0 = bench_now_ns();
    grove_heap *h = bench_heap_create();
    T_NODE = bench_register(h, "node", GROVE_LAYOUT_RECORD, sizeof(struct node), 0x3);
    T_DOUBLES = bench_register(h, "doubles", GROVE_LAYOUT_BYTES, 0, 0);

    grove_scope s = grove_scope_enter(h);
    long nodes = 0;

    /* Stretch the memory space quickly. */
    GROVE_LOCAL(h, struct node *, temp, make_tree(h, stretch_depth));
    if (count(GROVE_GET(h, temp)) != tree_size(stretch_depth))
        bench_fail("stretch tree has the wrong size");
    nodes += tree_size(stretch_depth);
    GROVE_SET(h, temp, NULL);

    /* A long-lived tree and array. */
    GROVE_LOCAL(h, struct node *, long_lived, new_node(h));
    populate(h, long_lived_depth, GROVE_GET(h, long_lived));
    nodes += tree_size(long_lived_depth);

    double *raw_array = grove_alloc(h, T_DOUBLES, ARRAY_SIZE * sizeof(double));
    if (!raw_array)
        bench_fail("array allocation failed: %s", grove_last_error_message(h));
    GROVE_LOCAL(h, double *, array, raw_array);
    for (int i = 0; i < ARRAY_SIZE / 2; i++)
        GROVE_GET(h, array)[i] = 1.0 / i;

    for (int d = MIN_DEPTH; d <= max_depth; d += 2)
        time_construction(h, d, &nodes);

    double *a = GROVE_GET(h, array);
    if (GROVE_GET(h, long_lived) == NULL || a[1000] != 1.0 / 1000)
        bench_fail("long-lived tree or array lost");
    for (int i = 1; i < ARRAY_SIZE / 2; i++)
        if (a[i] != 1.0 / i)
            bench_fail("array element %d is %g, expected %g", i, a[i], 1.0 / i);
    for (int i = ARRAY_SIZE / 2; i < ARRAY_SIZE; i++)
        if (a[i] != 0.0)
            bench_fail("array element %d is %g, expected 0 (allocation must zero)", i, a[i]);
    if (count(GROVE_GET(h, long_lived)) != tree_size(long_lived_depth))
        bench_fail("long-lived tree has %ld nodes, expected %ld", count(GROVE_GET(h, long_lived)),
                   tree_size(long_lived_depth));
    grove_scope_exit(h, s);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "gcbench", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "nodes", nodes);
    bench_json_int(&j, "stretch_depth", stretch_depth);
    bench_json_int(&j, "long_lived_depth", long_lived_depth);
    bench_json_int(&j, "max_depth", max_depth);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}
