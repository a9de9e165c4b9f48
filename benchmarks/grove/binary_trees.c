/*
 * binary_trees.c — the Computer Language Benchmarks Game's binary-trees on
 * Grove, written once against the rooting facade and built per backend.
 *
 * Single-threaded, like every variant in this suite. Output is the
 * Benchmarks Game's standard format (so check sums can be compared with any
 * other implementation), followed by the JSON result line.
 *
 *   usage: bench_binary_trees_<backend> [max_depth]   (default 21)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_grove.h"

struct tnode {
    struct tnode *left;
    struct tnode *right;
};

static grove_type_id T_TNODE;

/* Both words are written before the next allocation: the nursery need not
 * have zeroed them (grove_alloc_uninit). */
static struct tnode *new_tnode(grove_heap *h)
{
    struct tnode *n = grove_alloc_uninit(h, T_TNODE, sizeof(struct tnode));
    if (!n)
        bench_fail("allocation failed: %s", grove_last_error_message(h));
    n->left = n->right = NULL;
    return n;
}

/* Valid until the next allocation. */
static struct tnode *bottom_up_tree(grove_heap *h, int depth)
{
    if (depth <= 0)
        return new_tnode(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct tnode *, left, bottom_up_tree(h, depth - 1));
    GROVE_LOCAL(h, struct tnode *, right, bottom_up_tree(h, depth - 1));
    struct tnode *n = new_tnode(h);
    GROVE_STORE(h, n, left, GROVE_GET(h, left));
    GROVE_STORE(h, n, right, GROVE_GET(h, right));
    grove_scope_exit(h, s);
    return n;
}

static long item_check(const struct tnode *n)
{
    if (!n->left)
        return 1;
    return 1 + item_check(n->left) + item_check(n->right);
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
    grove_heap *h = bench_heap_create();
    T_TNODE = bench_register(h, "tnode", GROVE_LAYOUT_RECORD, sizeof(struct tnode), 0x3);
    grove_scope s = grove_scope_enter(h);

    {
        long check = item_check(bottom_up_tree(h, stretch_depth));
        if (check != bench_tree_expected_check(stretch_depth))
            bench_fail("stretch tree check %ld, expected %ld", check, bench_tree_expected_check(stretch_depth));
        printf("stretch tree of depth %d\t check: %ld\n", stretch_depth, check);
        total_nodes += check;
    }

    GROVE_LOCAL(h, struct tnode *, long_lived, bottom_up_tree(h, max_depth));
    total_nodes += bench_tree_expected_check(max_depth);

    for (int d = min_depth; d <= max_depth; d += 2) {
        long iterations = 1L << (max_depth - d + min_depth);
        long check = 0;
        for (long i = 1; i <= iterations; i++)
            check += item_check(bottom_up_tree(h, d));
        if (check != iterations * bench_tree_expected_check(d))
            bench_fail("depth %d check %ld, expected %ld", d, check,
                       iterations * bench_tree_expected_check(d));
        printf("%ld\t trees of depth %d\t check: %ld\n", iterations, d, check);
        total_nodes += check;
    }

    long check = item_check(GROVE_GET(h, long_lived));
    if (check != bench_tree_expected_check(max_depth))
        bench_fail("long-lived tree check %ld, expected %ld", check, bench_tree_expected_check(max_depth));
    printf("long lived tree of depth %d\t check: %ld\n", max_depth, check);
    grove_scope_exit(h, s);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "binary-trees", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_int(&j, "depth", max_depth);
    bench_json_int(&j, "nodes", total_nodes);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    bench_json_finish(&j);
    return 0;
}
