/*
 * binary_trees.c (peers) — the Benchmarks Game's binary-trees with
 * malloc/free or BDW GC (see peer_alloc.h), single-threaded, standard
 * output format, same checks as the Grove version.
 *
 *   usage: bench_binary_trees_<variant> [max_depth]   (default 21)
 */
#include <stdio.h>

#include "peer_alloc.h"

typedef struct tnode {
    struct tnode *left;
    struct tnode *right;
} tnode;

static tnode *bottom_up_tree(int depth)
{
    tnode *n = PEER_ALLOC(sizeof(tnode));
    if (!n)
        bench_fail("allocation failed");
    if (depth > 0) {
        n->left = bottom_up_tree(depth - 1);
        n->right = bottom_up_tree(depth - 1);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

static long item_check(const tnode *n)
{
    if (!n->left)
        return 1;
    return 1 + item_check(n->left) + item_check(n->right);
}

static void delete_tree(tnode *n)
{
#if PEER_FREES
    if (n->left) {
        delete_tree(n->left);
        delete_tree(n->right);
    }
    PEER_FREE(n);
#else
    (void)n;
#endif
}

int main(int argc, char **argv)
{
    bench_name = "binary-trees";
    const bench_tree_depths depths = bench_binary_trees_depths(argc, argv);
    const int min_depth = depths.min_depth;
    const int max_depth = depths.max_depth;
    const int stretch_depth = depths.stretch_depth;
    long total_nodes = 0;

    uint64_t t0 = bench_now_ns();
    peer_init();
    {
        tnode *stretch = bottom_up_tree(stretch_depth);
        long check = item_check(stretch);
        if (check != bench_tree_expected_check(stretch_depth))
            bench_fail("stretch tree check %ld", check);
        printf("stretch tree of depth %d\t check: %ld\n", stretch_depth, check);
        delete_tree(stretch);
        total_nodes += check;
    }

    tnode *long_lived = bottom_up_tree(max_depth);
    total_nodes += bench_tree_expected_check(max_depth);

    for (int d = min_depth; d <= max_depth; d += 2) {
        long iterations = 1L << (max_depth - d + min_depth);
        long check = 0;
        for (long i = 1; i <= iterations; i++) {
            tnode *t = bottom_up_tree(d);
            check += item_check(t);
            delete_tree(t);
        }
        if (check != iterations * bench_tree_expected_check(d))
            bench_fail("depth %d check %ld, expected %ld", d, check,
                       iterations * bench_tree_expected_check(d));
        printf("%ld\t trees of depth %d\t check: %ld\n", iterations, d, check);
        total_nodes += check;
    }

    long check = item_check(long_lived);
    if (check != bench_tree_expected_check(max_depth))
        bench_fail("long-lived tree check %ld", check);
    printf("long lived tree of depth %d\t check: %ld\n", max_depth, check);
    delete_tree(long_lived);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "binary-trees", PEER_VARIANT);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "depth", max_depth);
    bench_json_int(&j, "nodes", total_nodes);
    peer_report(&j);
    bench_json_finish(&j);
    return 0;
}
