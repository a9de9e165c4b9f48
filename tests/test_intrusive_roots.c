/* test_intrusive_roots.c — the intrusive linked-list backend's native API
 * (grove/roots_intrusive.h): stack nodes, multi-slot nodes, cleanup-scoped
 * nodes, persistent nodes in host structs, deep recursion, and the misuse
 * GROVE_ROOT_CHECKS detects. */
#include "support.h"

#if !GROVE_ROOTING_INTRUSIVE
#error "test_intrusive_roots must be built against grove_intrusive"
#endif

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(rooted_locals)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, a, test_cons(h, FIX(1), FIX(2)));
    GROVE_ROOTED(h, void *, b, FIX(3));
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
    uintptr_t before = (uintptr_t)a.ptr;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    if (!test_zeal())
        ck_assert_uint_ne((uintptr_t)a.ptr, before); /* the node's slot was rewritten */
    ck_assert_ptr_eq(a.ptr->car, FIX(1));
    ck_assert_ptr_eq(a.ptr->cdr, FIX(2));
    ck_assert_ptr_eq(b.ptr, FIX(3));
    b.ptr = test_cons(h, FIX(4), a.ptr); /* plain stores */
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)b.ptr)->cdr, a.ptr);
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(rooted_n_slots)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 9 };
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED_N(h, v, N);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1); /* one link for N slots */
    ck_assert_uint_eq(v.link.count, N);
    for (int i = 0; i < N; i++)
        ck_assert_ptr_null(v.slots[i]);
    for (int i = 0; i < N; i++)
        v.slots[i] = (i % 3 == 2) ? FIX(i) : (void *)test_cons(h, FIX(i), NULL);
    v.slots[N - 1] = v.slots[0]; /* two slots, one object */
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_nonnull(test_list(h, test_size(3000, 300), 0));
        for (int i = 0; i < N - 1; i++) {
            if (i % 3 == 2)
                ck_assert_ptr_eq(v.slots[i], FIX(i));
            else
                ck_assert_ptr_eq(((struct pair *)v.slots[i])->car, FIX(i));
        }
        ck_assert_ptr_eq(v.slots[N - 1], v.slots[0]);
    }
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A node pushed and popped by hand, with its own slot layout. */
START_TEST(push_and_pop)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    struct {
        grove_root_link link;
        void *slots[3];
    } node = {{NULL, 3}, {NULL, NULL, NULL}};
    grove_root_push(h, &node.link);
    node.slots[0] = test_cons(h, FIX(0), NULL);
    node.slots[1] = FIX(1);
    node.slots[2] = test_cons(h, FIX(2), node.slots[0]);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)node.slots[2])->cdr, node.slots[0]);
    ck_assert_ptr_eq(((struct pair *)node.slots[0])->car, FIX(0));
    ck_assert_ptr_eq(node.slots[1], FIX(1));
    grove_root_pop(h, &node.link);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

#if GROVE_HAVE_AUTO_ROOTS
/* Returns early from inside a block holding an auto root. */
static uintptr_t auto_early_return(grove_heap *h, int k)
{
    GROVE_ROOTED_AUTO(h, struct pair *, p, test_cons(h, FIX(k), NULL));
    if (k % 2)
        return UNFIX(p.ptr->car);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    return UNFIX(p.ptr->car) + 1000;
}

START_TEST(rooted_auto)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    {
        GROVE_ROOTED_AUTO(h, struct pair *, x, test_cons(h, FIX(7), NULL));
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
        {
            GROVE_ROOTED_AUTO(h, struct pair *, y, test_cons(h, FIX(8), x.ptr));
            ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
            ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
            ck_assert_ptr_eq(y.ptr->cdr, x.ptr);
        }
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_ptr_eq(x.ptr->car, FIX(7));
    }
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);

    /* In a loop, no scope needed; including leaving by break. */
    const int n = (int)test_size(5000, 500);
    for (int i = 0; i < n; i++) {
        GROVE_ROOTED_AUTO(h, struct pair *, c, test_cons(h, FIX(i), NULL));
        GROVE_ROOTED_AUTO(h, void *, junk, grove_alloc(h, tt.bytes, 100));
        ck_assert_ptr_nonnull(junk.ptr);
        ck_assert_ptr_eq(c.ptr->car, FIX(i));
        if (i == n - 1)
            break;
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
    }
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    for (int k = 0; k < 10; k++) {
        ck_assert_uint_eq(auto_early_return(h, k), (uintptr_t)k + (k % 2 ? 0 : 1000));
        ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST
#endif

/* ---- persistent nodes in host structs ------------------------------------ */

struct host {
    uint32_t id;
    char tag[32];
    grove_persistent_node node;
    double weight;
};

START_TEST(persistent_nodes_in_hosts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(1000, 200);
    struct host *hosts = calloc(n, sizeof *hosts);
    size_t *order = malloc(n * sizeof *order);
    bool *live = calloc(n, sizeof *live);
    ck_assert(hosts && order && live);
    const size_t base = grove_persistent_count(h);
    for (size_t i = 0; i < n; i++) {
        hosts[i].id = (uint32_t)i;
        snprintf(hosts[i].tag, sizeof hosts[i].tag, "host-%zu", i);
        hosts[i].weight = (double)i * 0.5;
        grove_persistent_node zero = GROVE_PERSISTENT_NODE_INIT;
        hosts[i].node = zero;
        grove_persistent_add(h, &hosts[i].node, test_cons(h, FIX(i), NULL));
        live[i] = true;
        order[i] = i;
    }
    ck_assert_uint_eq(grove_persistent_count(h), base + n);
    test_shuffle(order, n, 99);
    size_t alive = n;
    for (size_t k = 0; k < n; k++) {
        struct host *x = &hosts[order[k]];
        grove_persistent_remove(h, &x->node);
        live[order[k]] = false;
        alive--;
        ck_assert_uint_eq(grove_persistent_count(h), base + alive);
        if (k % 25 == 0) {
            ck_assert_ptr_nonnull(test_list(h, 500, 0));
            ck_assert_int_eq(k % 50 ? grove_collect_minor(h) : grove_collect_major(h), GROVE_OK);
            for (size_t i = 0; i < n; i++) {
                char tag[32];
                snprintf(tag, sizeof tag, "host-%zu", i);
                REQUIRE(hosts[i].id == i);
                REQUIRE(strcmp(hosts[i].tag, tag) == 0);
                REQUIRE(hosts[i].weight == (double)i * 0.5);
                if (live[i])
                    REQUIRE(((struct pair *)hosts[i].node.ptr)->car == FIX(i));
            }
        }
        /* Re-adding a removed node works. */
        if (k % 5 == 0) {
            grove_persistent_add(h, &x->node, test_cons(h, FIX(x->id), NULL));
            live[x->id] = true;
            alive++;
        }
    }
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    for (size_t i = 0; i < n; i++) {
        if (!live[i])
            continue;
        ck_assert_ptr_eq(((struct pair *)hosts[i].node.ptr)->car, FIX(i));
        grove_persistent_remove(h, &hosts[i].node);
    }
    ck_assert_uint_eq(grove_persistent_count(h), base);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    free(hosts);
    free(order);
    free(live);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- deep recursion -------------------------------------------------------- */

static void deep(grove_heap *h, int depth, int max, size_t base)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, mine, test_cons(h, FIX(depth), NULL));
    GROVE_ROOTED_N(h, extra, 2);
    extra.slots[0] = test_cons(h, FIX(-depth), mine.ptr);
    extra.slots[1] = FIX(depth);
    if (depth % 100 == 0)
        ck_assert_int_eq(depth % 200 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
    if (depth < max) {
        deep(h, depth + 1, max, base);
    } else {
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2 * ((size_t)max + 1));
        for (int i = 0; i < 20; i++) {
            ck_assert_ptr_nonnull(test_list(h, test_size(2000, 200), 0));
            ck_assert_int_eq(i % 4 == 3 ? grove_collect_major(h) : grove_collect_minor(h),
                             GROVE_OK);
        }
    }
    ck_assert_ptr_eq(mine.ptr->car, FIX(depth));
    ck_assert_ptr_null(mine.ptr->cdr);
    struct pair *e = extra.slots[0];
    ck_assert_ptr_eq(e->car, FIX(-depth));
    ck_assert_ptr_eq(e->cdr, mine.ptr);
    ck_assert_ptr_eq(extra.slots[1], FIX(depth));
    grove_scope_exit(h, s);
}

START_TEST(deep_recursion_roots)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    const int frames = 2000;
    deep(h, 0, frames - 1, base);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- longjmp ------------------------------------------------------------------ */

static jmp_buf escape;

static void dive(grove_heap *h, int depth)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, p, test_cons(h, FIX(depth), NULL));
    GROVE_ROOTED_N(h, q, 3);
    q.slots[1] = p.ptr;
    if (depth == 0) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        longjmp(escape, 1);
    }
    if (depth > 0)
        dive(h, depth - 1);
    grove_scope_exit(h, s);
}

START_TEST(longjmp_then_exit_outer)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope outer = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, keep, test_cons(h, FIX(99), NULL));
    grove_scope mid = grove_scope_enter(h);
    if (setjmp(escape) == 0) {
        dive(h, 10);
        ck_abort_msg("not reached");
    }
    grove_scope_exit(h, mid);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(keep.ptr->car, FIX(99));
    grove_scope_exit(h, outer);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- misuse (GROVE_ROOT_CHECKS) ----------------------------------------------- */

START_TEST(pop_out_of_order)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    GROVE_ROOTED(h, void *, a, FIX(1));
    GROVE_ROOTED(h, void *, b, FIX(2));
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
    grove_root_pop(h, &a.link); /* b is on top */
    ASSERT_REPORTED(&rec, GROVE_E_ROOT_ORDER);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2); /* list left alone */
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(a.ptr, FIX(1));
    ck_assert_ptr_eq(b.ptr, FIX(2));
    grove_root_pop(h, &b.link);
    grove_root_pop(h, &a.link);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    /* Popping with an empty list is out of order too. */
    grove_root_pop(h, &a.link);
    ASSERT_REPORTED(&rec, GROVE_E_ROOT_ORDER);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    grove_heap_destroy(h);
}
END_TEST

/* A rooted local in a loop body with no scope around it would push its node
 * again on the next iteration, making a cycle: refused instead. */
START_TEST(local_in_loop_without_scope)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, below, test_cons(h, FIX(7), NULL));
    for (int i = 0; i < 3; i++) {
        GROVE_ROOTED(h, void *, x, FIX(i));
        ck_assert_ptr_eq(x.ptr, FIX(i));
        if (i == 0)
            ASSERT_NOT_REPORTED(&rec);
        else
            ASSERT_REPORTED(&rec, GROVE_E_ROOT_ORDER);
        /* No cycle, and the root below is still linked: it is updated. */
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
        struct pair *before = below.ptr;
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert(i > 0 || below.ptr != before); /* moved out of the nursery once */
        ck_assert_ptr_eq(below.ptr->car, FIX(7));
    }
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    grove_heap_destroy(h);
}
END_TEST

/* Exiting a scope that is not open is refused, names why, and leaves the
 * list as it was ("if it returns, the failing operation has done nothing"). */
static void expect_stale_exit(grove_heap *h, test_errors *rec, grove_scope stale,
                              const char *why)
{
    const size_t nodes = grove_stack_root_nodes(h);
    grove_scope_exit(h, stale);
    ck_assert_msg(rec->count == 1 && strstr(rec->message, why) != NULL,
                  "expected one GROVE_E_BAD_SCOPE report saying \"%s\", got %u (last: %s)", why,
                  rec->count, rec->message);
    ASSERT_REPORTED(rec, GROVE_E_BAD_SCOPE);
    ck_assert_msg(grove_stack_root_nodes(h) == nodes,
                  "a refused scope exit changed the stack list (%zu nodes, expected %zu)",
                  grove_stack_root_nodes(h), nodes);
}

START_TEST(scope_exit_twice)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope outer = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, a, FIX(1));
    grove_scope inner = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, b, FIX(2));
    grove_scope_exit(h, inner);
    grove_scope_exit(h, outer);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    expect_stale_exit(h, &rec, inner, "is not open");
    expect_stale_exit(h, &rec, outer, "is not open");
    ck_assert_ptr_eq(a.ptr, FIX(1));
    ck_assert_ptr_eq(b.ptr, FIX(2));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A scope's depth alone cannot tell it is stale: each sequence below leaves
 * the list at least as deep as at the stale scope's entry. */
START_TEST(stale_exit_after_new_local)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);

    /* The only scope, exited; a local declared with no scope; exited again. */
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, a, FIX(1));
    grove_scope_exit(h, s);
    GROVE_ROOTED(h, struct pair *, lone, test_cons(h, FIX(2), NULL));
    expect_stale_exit(h, &rec, s, "is not open");
    struct pair *before = lone.ptr;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_ne(lone.ptr, before); /* still linked: its slot was updated */
    ck_assert_ptr_eq(lone.ptr->car, FIX(2));
    grove_root_pop(h, &lone.link);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);

    /* Inner scope exited, a local declared in the outer one, inner exited again. */
    grove_scope outer = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, b, FIX(3));
    grove_scope inner = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, c, FIX(4));
    grove_scope_exit(h, inner);
    GROVE_ROOTED(h, void *, d, FIX(5));
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
    expect_stale_exit(h, &rec, inner, "is not open");

    /* Outer scope exited (closing inner), new locals in a new scope, the
     * stale inner scope exited. */
    grove_scope_exit(h, outer);
    grove_scope fresh = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, e, FIX(6));
    GROVE_ROOTED(h, void *, f, FIX(7));
    expect_stale_exit(h, &rec, inner, "is not open");
    grove_scope_exit(h, fresh);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);

    /* s1 exited, s2 entered at the same level, s1 exited again: s2 and its
     * local stay, and s2's exit works. */
    grove_scope s1 = grove_scope_enter(h);
    grove_scope_exit(h, s1);
    grove_scope s2 = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, g, FIX(8));
    expect_stale_exit(h, &rec, s1, "is a later one");
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
    grove_scope_exit(h, s2);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);

    ck_assert_ptr_eq(a.ptr, FIX(1));
    ck_assert_ptr_eq(b.ptr, FIX(3));
    ck_assert_ptr_eq(c.ptr, FIX(4));
    ck_assert_ptr_eq(d.ptr, FIX(5));
    ck_assert_ptr_eq(e.ptr, FIX(6));
    ck_assert_ptr_eq(f.ptr, FIX(7));
    ck_assert_ptr_eq(g.ptr, FIX(8));
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A node linked before a scope and popped inside it: the scope's saved head
 * is gone, so its exit is refused. */
START_TEST(scope_exit_after_pop_below_it)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    GROVE_ROOTED(h, void *, a, FIX(1));
    grove_scope s = grove_scope_enter(h); /* saves a's node */
    grove_root_pop(h, &a.link);
    ASSERT_NOT_REPORTED(&rec);
    expect_stale_exit(h, &rec, s, "no longer on the root list");
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    grove_heap_destroy(h);
}
END_TEST

/* In the child: s1 exited, s2 entered, s1 exited again, with the default
 * handler. */
static void exit_reentered_scope(void *unused)
{
    (void)unused;
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    grove_scope s1 = grove_scope_enter(h);
    grove_scope_exit(h, s1);
    grove_scope s2 = grove_scope_enter(h);
    (void)s2;
    grove_scope_exit(h, s1);
}

START_TEST(stale_scope_exit_aborts_by_default)
{
    test_expect_abort(exit_reentered_scope, NULL,
                      "grove: GROVE_E_BAD_SCOPE: scope exit: the scope open at level 1 is a "
                      "later one (entered after 1 scope exits, this one after 0)");
}
END_TEST

START_TEST(scope_exit_foreign)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = test_heap(&rb);
    const size_t base_a = grove_stack_root_nodes(a);
    grove_scope sa = grove_scope_enter(a);
    GROVE_ROOTED(a, void *, xa, FIX(1));
    GROVE_ROOTED(a, void *, xa2, FIX(3));
    grove_scope sb0 = grove_scope_enter(b);
    GROVE_ROOTED(b, void *, xb, FIX(2));
    grove_scope sb = grove_scope_enter(b); /* saves xb's node, which a never saw */
    grove_scope_exit(a, sb);
    ASSERT_REPORTED(&ra, GROVE_E_BAD_SCOPE);
    ck_assert_msg(grove_stack_root_nodes(a) == base_a + 2,
                  "a refused scope exit changed the stack list (%zu nodes, expected %zu)",
                  grove_stack_root_nodes(a), base_a + 2);
    ck_assert_int_eq(grove_collect_minor(a), GROVE_OK);
    ck_assert_ptr_eq(xa2.ptr, FIX(3));
    /* Restore whatever happened, then clean up normally. */
    grove_scope_exit(a, sa);
    grove_scope_exit(b, sb0);
    ck_assert_uint_eq(grove_stack_root_nodes(a), base_a);
    ck_assert_ptr_eq(xa.ptr, FIX(1));
    ck_assert_ptr_eq(xb.ptr, FIX(2));
    ASSERT_NOT_REPORTED(&ra);
    ASSERT_NOT_REPORTED(&rb);
    grove_heap_destroy(a);
    grove_heap_destroy(b);
}
END_TEST

START_TEST(persistent_misuse)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = test_heap(&rb);
    const size_t base_a = grove_persistent_count(a), base_b = grove_persistent_count(b);

    /* Removed twice. */
    grove_persistent_node n1 = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_add(a, &n1, FIX(1));
    grove_persistent_remove(a, &n1);
    ASSERT_NOT_REPORTED(&ra);
    grove_persistent_remove(a, &n1);
    ASSERT_REPORTED(&ra, GROVE_E_BAD_NODE);
    ck_assert_uint_eq(grove_persistent_count(a), base_a);

    /* Never added. */
    grove_persistent_node n2 = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_remove(a, &n2);
    ASSERT_REPORTED(&ra, GROVE_E_BAD_NODE);
    ck_assert_uint_eq(grove_persistent_count(a), base_a);

    /* Removed from the wrong heap. */
    grove_persistent_node n3 = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_add(a, &n3, test_cons(a, FIX(3), NULL));
    grove_persistent_node n4 = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_add(b, &n4, FIX(4));
    grove_persistent_remove(b, &n3);
    ASSERT_REPORTED(&rb, GROVE_E_BAD_NODE);
    ASSERT_NOT_REPORTED(&ra);
    ck_assert_uint_eq(grove_persistent_count(a), base_a + 1);
    ck_assert_uint_eq(grove_persistent_count(b), base_b + 1);
    /* n3 is still rooted in a. */
    ck_assert_int_eq(grove_collect_minor(a), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)n3.ptr)->car, FIX(3));
    grove_persistent_remove(a, &n3);
    grove_persistent_remove(b, &n4);
    ck_assert_uint_eq(grove_persistent_count(a), base_a);
    ck_assert_uint_eq(grove_persistent_count(b), base_b);
    ASSERT_NOT_REPORTED(&ra);
    ASSERT_NOT_REPORTED(&rb);
    grove_heap_destroy(a);
    grove_heap_destroy(b);
}
END_TEST

static Suite *intrusive_suite(void)
{
    Suite *s = suite_create("intrusive_roots");
    TCase *tc = test_tcase(s, "stack");
    tcase_add_test(tc, rooted_locals);
    tcase_add_test(tc, rooted_n_slots);
    tcase_add_test(tc, push_and_pop);
#if GROVE_HAVE_AUTO_ROOTS
    tcase_add_test(tc, rooted_auto);
#endif
    tcase_add_test(tc, deep_recursion_roots);
    tcase_add_test(tc, longjmp_then_exit_outer);
    tc = test_tcase(s, "persistent");
    tcase_add_test(tc, persistent_nodes_in_hosts);
    tcase_add_test(tc, persistent_misuse);
#if GROVE_ROOT_CHECKS
    tc = test_tcase(s, "checks");
    tcase_add_test(tc, pop_out_of_order);
    tcase_add_test(tc, local_in_loop_without_scope);
    tcase_add_test(tc, scope_exit_twice);
    tcase_add_test(tc, stale_exit_after_new_local);
    tcase_add_test(tc, scope_exit_after_pop_below_it);
    tcase_add_test(tc, stale_scope_exit_aborts_by_default);
    tcase_add_test(tc, scope_exit_foreign);
#else
    (void)pop_out_of_order;
    (void)local_in_loop_without_scope;
    (void)scope_exit_twice;
    (void)stale_exit_after_new_local;
    (void)scope_exit_after_pop_below_it;
    (void)stale_scope_exit_aborts_by_default;
    (void)scope_exit_foreign;
#endif
    return s;
}

int main(void)
{
    return test_main(intrusive_suite());
}
