/*
 * gcbench.c (peers) — Ellis, Kovac and Boehm's GCBench with malloc/free or
 * with BDW GC (see peer_alloc.h), same parameters and checks as the Grove
 * version. The malloc build frees each tree after use (destroy_node, as in
 * Boehm's GCBench.c without -DGC); the BDW build drops it.
 *
 *   usage: bench_gcbench_<variant> [stretch_depth long_lived_depth max_depth]
 */
#include <stdio.h>

#include "peer_alloc.h"

typedef struct node {
    struct node *left;
    struct node *right;
    int32_t i, j;
} node;

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

static node *new_node(node *l, node *r)
{
    node *n = PEER_ALLOC(sizeof(node));
    if (!n)
        bench_fail("allocation failed");
    n->left = l;
    n->right = r;
    n->i = n->j = 0;
    return n;
}

static void destroy_node(node *n)
{
#if PEER_FREES
    while (n) {
        node *r = n->right;
        destroy_node(n->left);
        PEER_FREE(n);
        n = r;
    }
#else
    (void)n;
#endif
}

static void populate(int depth, node *n)
{
    if (depth <= 0)
        return;
    depth--;
    n->left = new_node(NULL, NULL);
    n->right = new_node(NULL, NULL);
    populate(depth, n->left);
    populate(depth, n->right);
}

static node *make_tree(int depth)
{
    if (depth <= 0)
        return new_node(NULL, NULL);
    node *l = make_tree(depth - 1);
    node *r = make_tree(depth - 1);
    return new_node(l, r);
}

static long count(const node *n)
{
    long c = 0;
    while (n) {
        c += 1 + count(n->left);
        n = n->right;
    }
    return c;
}

static void time_construction(int depth, long *nodes)
{
    long iters = num_iters(depth);
    for (long i = 0; i < iters; i++) {
        node *t = new_node(NULL, NULL);
        populate(depth, t);
        if (i == iters - 1 && count(t) != tree_size(depth))
            bench_fail("top-down tree of depth %d has the wrong size", depth);
        destroy_node(t);
    }
    for (long i = 0; i < iters; i++) {
        node *t = make_tree(depth);
        if (i == iters - 1 && count(t) != tree_size(depth))
            bench_fail("bottom-up tree of depth %d has the wrong size", depth);
        destroy_node(t);
    }
    *nodes += 2 * iters * tree_size(depth);
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
    peer_init();
    long nodes = 0;

    node *temp = make_tree(stretch_depth);
    if (count(temp) != tree_size(stretch_depth))
        bench_fail("stretch tree has the wrong size");
    destroy_node(temp);
    nodes += tree_size(stretch_depth);

    node *long_lived = new_node(NULL, NULL);
    populate(long_lived_depth, long_lived);
    nodes += tree_size(long_lived_depth);

    double *array = PEER_ALLOC_ATOMIC(ARRAY_SIZE * sizeof(double));
    if (!array)
        bench_fail("array allocation failed");
    memset(array, 0, ARRAY_SIZE * sizeof(double)); /* Grove's is zeroed too */
    for (int i = 0; i < ARRAY_SIZE / 2; i++)
        array[i] = 1.0 / i;

    for (int d = MIN_DEPTH; d <= max_depth; d += 2)
        time_construction(d, &nodes);

    if (long_lived == NULL || array[1000] != 1.0 / 1000)
        bench_fail("long-lived tree or array lost");
    for (int i = 1; i < ARRAY_SIZE / 2; i++)
        if (array[i] != 1.0 / i)
            bench_fail("array element %d is wrong", i);
    if (count(long_lived) != tree_size(long_lived_depth))
        bench_fail("long-lived tree has the wrong size");
    destroy_node(long_lived);
    PEER_FREE(array);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "gcbench", PEER_VARIANT);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "nodes", nodes);
    bench_json_int(&j, "stretch_depth", stretch_depth);
    bench_json_int(&j, "long_lived_depth", long_lived_depth);
    bench_json_int(&j, "max_depth", max_depth);
    peer_report(&j);
    bench_json_finish(&j);
    return 0;
}
