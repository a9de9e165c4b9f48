/* deep.c — deep structures survive minor and major collections without
 * recursion: a 10-million-element list and a 1-million-deep tree.
 *
 * Every case runs on a thread with a 2 MiB stack: a collector (or verifier)
 * that recursed once per list cell or tree level would need tens of MiB and
 * crash, whatever the main thread's stack limit is.
 *
 *   list-one-minor    10M pairs built in a 256 MiB nursery, linked in
 *                     allocation order; one minor GC evacuates the whole
 *                     chain; then a major GC marks it.
 *   list-many-minors  10M pairs in a 1 MiB nursery: the chain crosses
 *                     hundreds of minor GCs through the barrier.
 *   tree-one-minor    a 1M-deep tree (a spine with a leaf on every other
 *                     level) built in a 64 MiB nursery, then minor + major,
 *                     with verify on (the verifier must not recurse either).
 *   tree-many-minors  the same tree in a 1 MiB nursery: after each of dozens
 *                     of minor GCs the next level links an old node to a
 *                     young one. (Verify off: it walks all of old space
 *                     before every minor GC, quadratic here.)
 *
 * After each collection the whole structure is walked and checked. Under
 * GROVE_DEBUG zeal (every heap then collects every few allocations) the
 * sizes are scaled down 100x so the run stays short.
 *
 * usage: grove_deep_<backend> [case...]   (default: all cases)
 */
#include <grove/roots.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIX(n) ((void *)(((uintptr_t)(n) << 1) | 1u))

struct pair {
    void *car;
    void *cdr;
};

struct node {
    void *left;  /* the spine */
    void *right; /* a leaf pair on odd levels, NULL on even ones */
    uint64_t depth;
};

static grove_type_id t_pair, t_node;
static const char *current_case = "";

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "deep[%s] %s: FAIL at %s:%d: ", GROVE_ROOTING_NAME, current_case,    \
                    __FILE__, __LINE__);                                                         \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            exit(1);                                                                             \
        }                                                                                        \
    } while (0)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool zeal_env(void)
{
    const char *e = getenv("GROVE_DEBUG");
    return e && strstr(e, "zeal");
}

static grove_heap *make_heap(size_t nursery, bool verify)
{
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = nursery;
    if (verify)
        c.debug |= GROVE_DEBUG_VERIFY;
    grove_error_info err;
    grove_heap *h = grove_heap_create(&c, &err);
    CHECK(h, "grove_heap_create: %s", err.message);
    grove_type_desc pair = {.name = "pair", .layout = GROVE_LAYOUT_RECORD,
                            .size = sizeof(struct pair), .pointer_map = 0x3};
    grove_type_desc node = {.name = "node", .layout = GROVE_LAYOUT_RECORD,
                            .size = sizeof(struct node), .pointer_map = 0x3};
    t_pair = grove_register_type(h, &pair);
    t_node = grove_register_type(h, &node);
    CHECK(t_pair != GROVE_TYPE_INVALID && t_node != GROVE_TYPE_INVALID, "register types");
    return h;
}

static grove_stats stats(grove_heap *h)
{
    grove_stats s;
    grove_get_stats(h, &s);
    return s;
}

/* ---- the list ----------------------------------------------------------- */

static void check_list(const struct pair *p, size_t n, const char *when)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(p != NULL, "%s: list ends after %zu of %zu elements", when, i, n);
        CHECK(p->car == FIX(i), "%s: element %zu holds %p, expected %p", when, i, p->car,
              FIX(i));
        CHECK(grove_object_type(p) == t_pair, "%s: element %zu has type %u", when, i,
              (unsigned)grove_object_type(p));
        p = p->cdr;
    }
    CHECK(p == NULL, "%s: list longer than %zu elements", when, n);
}

static void list_case(size_t n, size_t nursery, bool verify)
{
    (void)verify;
    double t0 = now_s();
    grove_heap *h = make_heap(nursery, false);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, head, grove_alloc(h, t_pair, sizeof(struct pair)));
    CHECK(GROVE_GET(h, head), "first allocation");
    GROVE_GET(h, head)->car = FIX(0);
    GROVE_LOCAL(h, struct pair *, tail, GROVE_GET(h, head));
    /* Append at the tail: the chain runs in allocation order, and in the
     * small nursery every append after a GC is an old-to-young store. */
    for (size_t i = 1; i < n; i++) {
        struct pair *p = grove_alloc(h, t_pair, sizeof(struct pair));
        CHECK(p, "allocation %zu: %s", i, grove_last_error_message(h));
        p->car = FIX(i);
        struct pair *t = GROVE_GET(h, tail);
        grove_write(h, t, &t->cdr, p);
        GROVE_SET(h, tail, p);
    }
    uint64_t minors_building = stats(h).minor_collections;
    check_list(GROVE_GET(h, head), n, "built");
    CHECK(grove_collect_minor(h) == GROVE_OK, "minor");
    check_list(GROVE_GET(h, head), n, "after a minor GC");
    CHECK(grove_collect_major(h) == GROVE_OK, "major");
    check_list(GROVE_GET(h, head), n, "after a major GC");
    CHECK(GROVE_GET(h, tail)->car == FIX(n - 1), "tail root");
    grove_stats st = stats(h);
    CHECK(st.live_bytes >= n * 24, "live bytes %llu for %zu pairs",
          (unsigned long long)st.live_bytes, n);
    /* Drop it: a major GC frees every cell. */
    GROVE_SET(h, head, NULL);
    GROVE_SET(h, tail, NULL);
    CHECK(grove_collect_major(h) == GROVE_OK, "major");
    st = stats(h);
    CHECK(st.live_bytes == 0, "live bytes %llu after dropping the list",
          (unsigned long long)st.live_bytes);
    grove_scope_exit(h, s);
    printf("deep[%s] %s: %zu-element list, %llu minor GCs while building, then minor + major: "
           "ok (%.1f s)\n",
           GROVE_ROOTING_NAME, current_case, n, (unsigned long long)minors_building,
           now_s() - t0);
    grove_heap_destroy(h);
}

/* ---- the tree ----------------------------------------------------------- */

static void check_tree(const struct node *p, size_t depth, const char *when)
{
    for (size_t d = 0; d < depth; d++) {
        CHECK(p != NULL, "%s: spine ends at depth %zu of %zu", when, d, depth);
        CHECK(grove_object_type(p) == t_node, "%s: level %zu has type %u", when, d,
              (unsigned)grove_object_type(p));
        CHECK(p->depth == d, "%s: level %zu says depth %llu", when, d,
              (unsigned long long)p->depth);
        if (d % 2) {
            const struct pair *leaf = p->right;
            CHECK(leaf && grove_object_type(leaf) == t_pair && leaf->car == FIX(d) &&
                      leaf->cdr == FIX(~d),
                  "%s: bad leaf at depth %zu", when, d);
        } else {
            CHECK(p->right == NULL, "%s: level %zu should have no leaf", when, d);
        }
        p = p->left;
    }
    CHECK(p == NULL, "%s: tree deeper than %zu", when, depth);
}

static void tree_case(size_t depth, size_t nursery, bool verify)
{
    double t0 = now_s();
    grove_heap *h = make_heap(nursery, verify);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct node *, root, grove_alloc(h, t_node, sizeof(struct node)));
    CHECK(GROVE_GET(h, root), "first allocation");
    GROVE_LOCAL(h, struct node *, cur, GROVE_GET(h, root));
    GROVE_LOCAL(h, struct pair *, leaf, NULL);
    for (size_t d = 1; d < depth; d++) {
        GROVE_SET(h, leaf, NULL);
        if (d % 2) {
            struct pair *l = grove_alloc(h, t_pair, sizeof(struct pair));
            CHECK(l, "leaf %zu: %s", d, grove_last_error_message(h));
            l->car = FIX(d);
            l->cdr = FIX(~d);
            GROVE_SET(h, leaf, l);
        }
        struct node *n = grove_alloc(h, t_node, sizeof(struct node));
        CHECK(n, "node %zu: %s", d, grove_last_error_message(h));
        n->depth = d;
        grove_write(h, n, &n->right, GROVE_GET(h, leaf));
        struct node *c = GROVE_GET(h, cur);
        grove_write(h, c, &c->left, n);
        GROVE_SET(h, cur, n);
    }
    GROVE_SET(h, leaf, NULL);
    uint64_t minors_building = stats(h).minor_collections;
    check_tree(GROVE_GET(h, root), depth, "built");
    CHECK(grove_collect_minor(h) == GROVE_OK, "minor");
    check_tree(GROVE_GET(h, root), depth, "after a minor GC");
    CHECK(grove_collect_major(h) == GROVE_OK, "major");
    check_tree(GROVE_GET(h, root), depth, "after a major GC");
    GROVE_SET(h, root, NULL);
    GROVE_SET(h, cur, NULL);
    CHECK(grove_collect_major(h) == GROVE_OK, "major");
    CHECK(stats(h).live_bytes == 0, "live bytes %llu after dropping the tree",
          (unsigned long long)stats(h).live_bytes);
    grove_scope_exit(h, s);
    printf("deep[%s] %s: %zu-deep tree%s, %llu minor GCs while building, then minor + major: "
           "ok (%.1f s)\n",
           GROVE_ROOTING_NAME, current_case, depth, verify ? " (verify on)" : "",
           (unsigned long long)minors_building, now_s() - t0);
    grove_heap_destroy(h);
}

/* ---- driver ------------------------------------------------------------- */

struct job {
    const char *name;
    void (*run)(size_t size, size_t nursery, bool verify);
    size_t size;
    size_t nursery;
    bool verify;
};

static void *run_job(void *arg)
{
    const struct job *j = arg;
    current_case = j->name;
    j->run(j->size, j->nursery, j->verify);
    return NULL;
}

int main(int argc, char **argv)
{
    size_t scale = zeal_env() ? 100 : 1;
    if (scale > 1)
        printf("deep[%s]: GROVE_DEBUG asks for zeal: sizes divided by %zu\n", GROVE_ROOTING_NAME,
               scale);
    const struct job jobs[] = {
        {"list-one-minor", list_case, 10000000 / scale, (size_t)256 << 20, false},
        {"list-many-minors", list_case, 10000000 / scale, (size_t)1 << 20, false},
        {"tree-one-minor", tree_case, 1000000 / scale, (size_t)64 << 20, true},
        {"tree-many-minors", tree_case, 1000000 / scale, (size_t)1 << 20, false},
    };
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        bool wanted = argc < 2;
        for (int a = 1; a < argc; a++)
            wanted |= strcmp(argv[a], jobs[i].name) == 0;
        if (!wanted)
            continue;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, (size_t)2 << 20);
        pthread_t th;
        CHECK(pthread_create(&th, &attr, run_job, (void *)&jobs[i]) == 0, "pthread_create");
        pthread_join(th, NULL);
        pthread_attr_destroy(&attr);
    }
    return 0;
}
