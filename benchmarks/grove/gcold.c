/*
 * gcold.c — GCOld (Detlefs and Clinger) on Grove, written for this project
 * from the benchmark's published description: a large old generation under
 * steady promotion and old-to-young pointer mutation. Written once against
 * the rooting facade and built per backend.
 *
 * The old generation is `live_mib` MiB of binary trees of height 12 (8,191
 * nodes of 32 bytes), held by an array under a persistent root. Each tree is
 * a fixed top of height 6 whose 128 leaves' children are subtrees of height 5
 * (63 nodes) — the unit that is replaced and swapped. Every step:
 *   - builds a young subtree and stores it over a random subtree of a random
 *     old tree (an old-to-young pointer; it survives, so it is promoted, and
 *     the subtree it replaces becomes old garbage),
 *   - builds `short_per_step` short-lived subtrees, checks and drops them,
 *   - swaps `swaps_per_step` pairs of random subtrees between old trees.
 * The live size stays constant; a fraction 1 / (1 + short_per_step) of the
 * allocated bytes is promoted.
 *
 * Verification: every subtree's nodes carry the seed it was built with and
 * a C-side model (an array of seeds per subtree position, updated on each
 * store and swap) says which seed must be where. A random tree is checked
 * against the model every 4,096 steps, and every tree, node by node and
 * shape included, at the end.
 *
 *   usage: bench_gcold_<backend> [live_mib steps short_per_step swaps_per_step]
 *          (default 64 150000 10 2)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_grove.h"

enum {
    TREE_HEIGHT = 12,
    SUBTREE_HEIGHT = 5,
    TOP_HEIGHT = TREE_HEIGHT - SUBTREE_HEIGHT, /* depth of the subtrees' roots */
    SUBTREES = 1 << TOP_HEIGHT,                /* subtrees per tree */
    CHECK_EVERY = 4096,
};

struct gnode {
    struct gnode *left;
    struct gnode *right;
    int64_t seed; /* the subtree's seed; -(tree + 1) in a tree's fixed top */
};

static grove_type_id T_NODE, T_ARRAY;

static long tree_nodes(int height)
{
    return (1L << (height + 1)) - 1;
}

static struct gnode *new_node(grove_heap *h, int64_t seed)
{
    struct gnode *n = grove_alloc(h, T_NODE, sizeof(struct gnode));
    if (!n)
        bench_fail("allocation failed: %s", grove_last_error_message(h));
    n->seed = seed;
    return n;
}

/* A perfect tree of `height`, every node marked `seed`. Valid until the
 * next allocation. */
static struct gnode *build_subtree(grove_heap *h, int height, int64_t seed)
{
    if (height == 0)
        return new_node(h, seed);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct gnode *, left, build_subtree(h, height - 1, seed));
    GROVE_LOCAL(h, struct gnode *, right, build_subtree(h, height - 1, seed));
    struct gnode *n = new_node(h, seed);
    GROVE_STORE(h, n, left, GROVE_GET(h, left));
    GROVE_STORE(h, n, right, GROVE_GET(h, right));
    grove_scope_exit(h, s);
    return n;
}

/* Tree `tree`'s top from `depth` down, node `index` of that depth, with
 * the subtrees the model's seeds say. Valid until the next allocation. */
static struct gnode *build_tree(grove_heap *h, long tree, int depth, long index, const int64_t *seeds)
{
    if (depth == TOP_HEIGHT)
        return build_subtree(h, SUBTREE_HEIGHT, seeds[tree * SUBTREES + index]);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct gnode *, left, build_tree(h, tree, depth + 1, 2 * index, seeds));
    GROVE_LOCAL(h, struct gnode *, right, build_tree(h, tree, depth + 1, 2 * index + 1, seeds));
    struct gnode *n = new_node(h, -(tree + 1));
    GROVE_STORE(h, n, left, GROVE_GET(h, left));
    GROVE_STORE(h, n, right, GROVE_GET(h, right));
    grove_scope_exit(h, s);
    return n;
}

/* Where a subtree hangs: its parent node (for the barrier) and the slot. */
typedef struct subtree_ref {
    struct gnode *parent;
    struct gnode **slot;
} subtree_ref;

/* Subtree `index` of all trees' subtrees, numbered tree by tree (no
 * allocation: valid until the next one). */
static subtree_ref subtree_at(grove_heap *h, grove_persistent *trees, long index)
{
    struct gnode **roots = grove_persistent_get(h, trees);
    struct gnode *n = roots[index / SUBTREES];
    long path = index % SUBTREES;
    for (int bit = TOP_HEIGHT - 1; bit > 0; bit--)
        n = (path >> bit) & 1 ? n->right : n->left;
    return (subtree_ref){n, path & 1 ? &n->right : &n->left};
}

static void store_subtree(grove_heap *h, subtree_ref ref, struct gnode *subtree)
{
    grove_write(h, ref.parent, (void **)ref.slot, subtree);
}

/* Nodes in a perfect tree of `height` whose nodes all carry `seed`; fails
 * loudly on any other shape or seed. */
static long check_subtree(const struct gnode *n, int height, int64_t seed, const char *what)
{
    if (!n)
        bench_fail("%s: a node is missing", what);
    if (n->seed != seed)
        bench_fail("%s: node with seed %lld, expected %lld", what, (long long)n->seed, (long long)seed);
    if (height == 0) {
        if (n->left || n->right)
            bench_fail("%s: a leaf has children", what);
        return 1;
    }
    return 1 + check_subtree(n->left, height - 1, seed, what) + check_subtree(n->right, height - 1, seed, what);
}

static long check_top(const struct gnode *n, long tree, int depth, long index, const int64_t *seeds)
{
    if (depth == TOP_HEIGHT)
        return check_subtree(n, SUBTREE_HEIGHT, seeds[tree * SUBTREES + index], "old subtree");
    if (!n || n->seed != -(tree + 1))
        bench_fail("tree %ld: its top is damaged at depth %d", tree, depth);
    return 1 + check_top(n->left, tree, depth + 1, 2 * index, seeds) +
           check_top(n->right, tree, depth + 1, 2 * index + 1, seeds);
}

static long check_tree(grove_heap *h, grove_persistent *trees, long tree, const int64_t *seeds)
{
    struct gnode **roots = grove_persistent_get(h, trees);
    long n = check_top(roots[tree], tree, 0, 0, seeds);
    if (n != tree_nodes(TREE_HEIGHT))
        bench_fail("tree %ld has %ld nodes, expected %ld", tree, n, tree_nodes(TREE_HEIGHT));
    return n;
}

typedef struct gcold_params {
    long live_mib, steps, short_per_step, swaps_per_step;
} gcold_params;

static gcold_params parse_args(int argc, char **argv)
{
    gcold_params p = {64, 150000, 10, 2};
    if (argc == 5) {
        p.live_mib = bench_arg_long(argv[1], "live MiB", 1, 1L << 16);
        p.steps = bench_arg_long(argv[2], "steps", 0, 1L << 40);
        p.short_per_step = bench_arg_long(argv[3], "short-lived subtrees per step", 0, 1000);
        p.swaps_per_step = bench_arg_long(argv[4], "swaps per step", 0, 1000);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [live_mib steps short_per_step swaps_per_step]\n", argv[0]);
        exit(2);
    }
    return p;
}

static long random_subtree(bench_rng *rng, long n_trees)
{
    return (long)(bench_rng_next(rng) % (uint64_t)(n_trees * SUBTREES));
}

/* Swap two random subtrees of old trees, in the heap and in the model. */
static void swap_subtrees(grove_heap *h, grove_persistent *trees, long n_trees, int64_t *seeds, bench_rng *rng)
{
    long a = random_subtree(rng, n_trees), b = random_subtree(rng, n_trees);
    subtree_ref ra = subtree_at(h, trees, a), rb = subtree_at(h, trees, b);
    struct gnode *sa = *ra.slot, *sb = *rb.slot;
    store_subtree(h, ra, sb);
    store_subtree(h, rb, sa);
    int64_t t = seeds[a];
    seeds[a] = seeds[b];
    seeds[b] = t;
}

int main(int argc, char **argv)
{
    bench_name = "gcold";
    const gcold_params p = parse_args(argc, argv);
    const long node_bytes = 8 + (long)sizeof(struct gnode); /* with its header word */
    const long n_trees = p.live_mib * (1L << 20) / (tree_nodes(TREE_HEIGHT) * node_bytes);
    if (n_trees < 1)
        bench_fail("live size %ld MiB holds no tree of %ld bytes", p.live_mib,
                   tree_nodes(TREE_HEIGHT) * node_bytes);
    int64_t *seeds = malloc((size_t)(n_trees * SUBTREES) * sizeof *seeds);
    if (!seeds)
        bench_fail("out of memory");
    int64_t next_seed = 1;
    for (long i = 0; i < n_trees * SUBTREES; i++)
        seeds[i] = next_seed++;

    uint64_t t0 = bench_now_ns();
    grove_heap *h = bench_heap_create();
    T_NODE = bench_register(h, "gnode", GROVE_LAYOUT_RECORD, sizeof(struct gnode), 0x3);
    T_ARRAY = bench_register(h, "array", GROVE_LAYOUT_ARRAY, 0, 0);
    grove_persistent trees;
    grove_persistent_init(h, &trees, grove_alloc_array(h, T_ARRAY, (size_t)n_trees));
    if (!grove_persistent_get(h, &trees))
        bench_fail("tree array allocation failed: %s", grove_last_error_message(h));
    for (long t = 0; t < n_trees; t++) {
        struct gnode *root = build_tree(h, t, 0, 0, seeds);
        void **roots = grove_persistent_get(h, &trees);
        grove_write(h, roots, &roots[t], root);
    }
    uint64_t t_built = bench_now_ns();

    bench_rng rng = {0x9E3779B97F4A7C15ull};
    long checked = 0;
    for (long step = 0; step < p.steps; step++) {
        /* Promotion: a young subtree stored over an old one. */
        long target = random_subtree(&rng, n_trees);
        struct gnode *young = build_subtree(h, SUBTREE_HEIGHT, next_seed);
        store_subtree(h, subtree_at(h, &trees, target), young);
        seeds[target] = next_seed++;

        /* Short-lived subtrees: built, checked, dropped. */
        for (long i = 0; i < p.short_per_step; i++) {
            int64_t seed = next_seed++;
            checked += check_subtree(build_subtree(h, SUBTREE_HEIGHT, seed), SUBTREE_HEIGHT, seed,
                                     "short-lived subtree");
        }
        for (long i = 0; i < p.swaps_per_step; i++)
            swap_subtrees(h, &trees, n_trees, seeds, &rng);
        if (step % CHECK_EVERY == 0)
            checked += check_tree(h, &trees, random_subtree(&rng, n_trees) / SUBTREES, seeds);
    }

    long live_nodes = 0;
    for (long t = 0; t < n_trees; t++)
        live_nodes += check_tree(h, &trees, t, seeds);
    checked += live_nodes;
    grove_persistent_drop(h, &trees);
    uint64_t t1 = bench_now_ns();

    bench_json j;
    bench_json_begin(&j, "gcold", GROVE_ROOTING_NAME);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_num(&j, "build_s", (double)(t_built - t0) / 1e9);
    bench_json_num(&j, "steps_s", (double)(t1 - t_built) / 1e9);
    bench_json_int(&j, "live_mib", p.live_mib);
    bench_json_int(&j, "trees", n_trees);
    bench_json_int(&j, "live_nodes", live_nodes);
    bench_json_int(&j, "steps", p.steps);
    bench_json_int(&j, "short_per_step", p.short_per_step);
    bench_json_int(&j, "swaps_per_step", p.swaps_per_step);
    bench_json_int(&j, "nodes_checked", checked);
    bench_grove_report(&j, h);
    grove_heap_destroy(h);
    free(seeds);
    bench_json_finish(&j);
    return 0;
}
