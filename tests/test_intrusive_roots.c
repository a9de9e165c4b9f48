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

/* A one-slot stack node pushed and popped by hand (allowed with no scope
 * open, unlike a rooted local). */
struct hand_node {
    grove_root_link link;
    void *slot;
};

/* Assert the handler saw exactly n reports, the last with `code` and a
 * message containing `why`, then reset the record. */
static void expect_reports(test_errors *rec, unsigned n, grove_error code, const char *why)
{
    ck_assert_msg(rec->count == n && rec->code == code && strstr(rec->message, why) != NULL,
                  "expected %u report(s) of %s saying \"%s\", got %u (last %s: %s)", n,
                  grove_error_name(code), why, rec->count, grove_error_name(rec->code),
                  rec->message);
    test_errors_reset(rec);
}

START_TEST(pop_out_of_order)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
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
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
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

    /* The only scope, exited; a node pushed with no scope open; exited again. */
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, a, FIX(1));
    grove_scope_exit(h, s);
    struct hand_node lone = {{NULL, 1}, test_cons(h, FIX(2), NULL)};
    grove_root_push(h, &lone.link);
    expect_stale_exit(h, &rec, s, "is not open");
    void *before = lone.slot;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_ne(lone.slot, before); /* still linked: its slot was updated */
    ck_assert_ptr_eq(((struct pair *)lone.slot)->car, FIX(2));
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
    struct hand_node a = {{NULL, 1}, FIX(1)};
    grove_root_push(h, &a.link);
    grove_scope s = grove_scope_enter(h); /* saves a's node */
    grove_root_pop(h, &a.link);
    ASSERT_NOT_REPORTED(&rec);
    expect_stale_exit(h, &rec, s, "no longer on the root list");
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);

    /* The same, with another node pushed in its place: the list is as deep
     * as at the scope's entry, but the scope's saved head is not on it. */
    grove_root_push(h, &a.link);
    grove_scope t = grove_scope_enter(h);
    grove_root_pop(h, &a.link);
    struct hand_node b = {{NULL, 1}, test_cons(h, FIX(2), NULL)};
    grove_root_push(h, &b.link);
    ASSERT_NOT_REPORTED(&rec);
    expect_stale_exit(h, &rec, t, "no longer on the root list");
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
    void *before = b.slot;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_ne(b.slot, before); /* b is still the linked node */
    ck_assert_ptr_eq(((struct pair *)b.slot)->car, FIX(2));
    grove_root_pop(h, &b.link);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
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

/* ---- re-pushed nodes: a rooted local declared again with no scope ---------- */

/* Two rooted locals in a loop body with no scope around them: on the next
 * iteration the first is pushed again while the second is above it. Both
 * pushes are refused and the list stays walkable with the handler returning.
 * (Nothing allocates before the second declaration: a collection there
 * would walk a node whose block has ended, which ASan reports as the
 * use-after-scope this misuse is.) */
START_TEST(two_locals_in_loop_without_scope)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, below, test_cons(h, FIX(7), NULL));
    for (int i = 0; i < 4; i++) {
        GROVE_ROOTED(h, void *, x, FIX(i));
        GROVE_ROOTED(h, struct pair *, y, NULL);
        y.ptr = test_cons(h, FIX(100 + i), NULL);
        if (i == 0)
            ASSERT_NOT_REPORTED(&rec);
        else
            expect_reports(&rec, 2, GROVE_E_ROOT_ORDER, "already linked");
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 3);
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_eq(below.ptr->car, FIX(7));
        ck_assert_ptr_eq(x.ptr, FIX(i));
        ck_assert_ptr_eq(y.ptr->car, FIX(100 + i)); /* still linked, so updated */
    }
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(rooted_and_rooted_n_in_loop_without_scope)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
    for (int i = 0; i < 4; i++) { /* nothing allocates before both are declared: see above */
        GROVE_ROOTED(h, struct pair *, p, NULL);
        GROVE_ROOTED_N(h, v, 3);
        p.ptr = test_cons(h, FIX(i), NULL);
        v.slots[0] = test_cons(h, FIX(10 + i), p.ptr);
        v.slots[2] = FIX(20 + i);
        if (i == 0)
            ASSERT_NOT_REPORTED(&rec);
        else
            expect_reports(&rec, 2, GROVE_E_ROOT_ORDER, "already linked");
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 2);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        struct pair *q = v.slots[0];
        ck_assert_ptr_eq(q->car, FIX(10 + i));
        ck_assert_ptr_eq(q->cdr, p.ptr);
        ck_assert_ptr_eq(p.ptr->car, FIX(i));
        ck_assert_ptr_null(v.slots[1]);
        ck_assert_ptr_eq(v.slots[2], FIX(20 + i));
    }
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A linked node pushed again is refused wherever it is in the list, also
 * from an inner scope. */
START_TEST(repush_anywhere_in_the_list)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    grove_scope s = grove_scope_enter(h);
    struct hand_node n[5];
    for (int i = 0; i < 5; i++) {
        n[i] = (struct hand_node){{NULL, 1}, test_cons(h, FIX(i), NULL)};
        grove_root_push(h, &n[i].link);
    }
    ASSERT_NOT_REPORTED(&rec);
    const int order[] = {4, 2, 0, 3, 1};
    for (int k = 0; k < 5; k++) {
        grove_root_push(h, &n[order[k]].link);
        expect_reports(&rec, 1, GROVE_E_ROOT_ORDER, "already linked");
        ck_assert_uint_eq(grove_stack_root_nodes(h), base + 5);
    }
    grove_scope inner = grove_scope_enter(h);
    grove_root_push(h, &n[0].link);
    expect_reports(&rec, 1, GROVE_E_ROOT_ORDER, "already linked");
    grove_scope_exit(h, inner);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_ptr_eq(((struct pair *)n[i].slot)->car, FIX(i));
    for (int i = 4; i >= 0; i--)
        grove_root_pop(h, &n[i].link);
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A node that is no longer linked may be pushed again, whatever took its
 * place: popped, or unlinked by a scope exit, with other nodes pushed since
 * at its old position. Random pushes, pops and scopes over a pool of nodes,
 * against a model of which are linked: a push is refused exactly when the
 * node is linked. Enough of them for the checks' index to be rebuilt many
 * times. */
START_TEST(repush_matches_a_model)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    enum { POOL = 300, MAX_SCOPES = 16 };
    static struct hand_node pool[POOL];
    static int stack[POOL]; /* model: the linked nodes, bottom first */
    static bool linked[POOL];
    memset(linked, 0, sizeof linked);
    size_t depth = 0;
    grove_scope scopes[MAX_SCOPES];
    size_t scope_depth[MAX_SCOPES];
    unsigned open = 0;
    uint64_t rng = 12345;
    const unsigned steps = (unsigned)test_size(200000, 20000);
    for (unsigned step = 0; step < steps; step++) {
        unsigned r = (unsigned)(test_rand(&rng) % 100);
        if (r < 55) {
            int i = (int)(test_rand(&rng) % POOL);
            pool[i].link.count = 1;
            pool[i].slot = FIX(i);
            grove_root_push(h, &pool[i].link);
            if (linked[i]) {
                REQUIRE(rec.count == 1 && rec.code == GROVE_E_ROOT_ORDER);
                test_errors_reset(&rec);
            } else {
                REQUIRE(rec.count == 0);
                linked[i] = true;
                stack[depth++] = i;
            }
        } else if (r < 80) {
            if (depth > (open ? scope_depth[open - 1] : 0)) {
                int i = stack[--depth];
                grove_root_pop(h, &pool[i].link);
                linked[i] = false;
            }
        } else if (r < 90) {
            if (open < MAX_SCOPES) {
                scope_depth[open] = depth;
                scopes[open++] = grove_scope_enter(h);
            }
        } else if (r < 99) {
            if (open) {
                /* Sometimes an outer scope, as after a longjmp. */
                unsigned to = (test_rand(&rng) % 4 == 0) ? (unsigned)(test_rand(&rng) % open)
                                                           : open - 1;
                grove_scope_exit(h, scopes[to]);
                while (depth > scope_depth[to])
                    linked[stack[--depth]] = false;
                open = to;
            }
        } else {
            REQUIRE(grove_collect_minor(h) == GROVE_OK);
            REQUIRE(grove_stack_root_nodes(h) == base + depth);
        }
        REQUIRE(rec.count == 0);
    }
    if (open) {
        grove_scope_exit(h, scopes[0]); /* closes every scope */
        depth = scope_depth[0];
    }
    while (depth > 0)
        grove_root_pop(h, &pool[stack[--depth]].link);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- rooted locals with no scope open ---------------------------------------- */

static void locals_without_scope(grove_heap *h)
{
    GROVE_ROOTED(h, struct pair *, p, test_cons(h, FIX(1), NULL));
    GROVE_ROOTED_N(h, v, 2);
    GROVE_LOCAL(h, void *, f, FIX(3));
    (void)p;
    (void)v;
    (void)f;
}

/* Overwrite the stack below the caller, where locals_without_scope's frame was. */
static void scribble_stack(void)
{
    volatile unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0xa5;
}

/* A rooted local declared with no scope open would stay linked after its
 * frame is gone: refused (as the indexed backend does), the list untouched. */
START_TEST(local_without_scope)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_stack_root_nodes(h);
    locals_without_scope(h);
    expect_reports(&rec, 3, GROVE_E_NO_SCOPE, "with no scope open");
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    scribble_stack();
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);

    /* After the last scope exits, too. */
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, inside, FIX(1));
    grove_scope_exit(h, s);
    locals_without_scope(h);
    expect_reports(&rec, 3, GROVE_E_NO_SCOPE, "with no scope open");
    scribble_stack();
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base);
    ck_assert_ptr_eq(inside.ptr, FIX(1));

    /* Pushing a node by hand needs no scope: it is popped by hand. */
    struct hand_node n = {{NULL, 1}, FIX(2)};
    grove_root_push(h, &n.link);
    ck_assert_uint_eq(grove_stack_root_nodes(h), base + 1);
    grove_root_pop(h, &n.link);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static void local_without_scope_child(void *unused)
{
    (void)unused;
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    GROVE_ROOTED(h, void *, x, NULL);
    (void)x;
}

START_TEST(local_without_scope_aborts_by_default)
{
    test_expect_abort(local_without_scope_child, NULL,
                      "grove: GROVE_E_NO_SCOPE: rooted local ... declared with no scope open");
}
END_TEST

/* ---- roots made during a collection ------------------------------------------- */

struct in_gc_probe {
    grove_heap *heap;
    grove_persistent_node node;
    grove_persistent facade_node;
    unsigned visits;
    size_t stack_nodes_seen;
};
static struct in_gc_probe *in_gc;

static void make_roots_in_gc(void)
{
    grove_heap *h = in_gc->heap;
    in_gc->visits++;
    grove_persistent_add(h, &in_gc->node, FIX(1));
    grove_persistent_init(h, &in_gc->facade_node, FIX(2));
#if GROVE_ROOT_CHECKS
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, void *, local, FIX(3));
    (void)local;
    struct hand_node n = {{NULL, 1}, FIX(4)};
    grove_root_push(h, &n.link);
    in_gc->stack_nodes_seen = grove_stack_root_nodes(h);
    grove_scope_exit(h, s);
#endif
}

static void visitor_making_roots(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)heap;
    (void)tracer;
    (void)data;
    make_roots_in_gc();
}

static void trace_hook_making_roots(void *object)
{
    (void)object;
    make_roots_in_gc();
}

/* One collection with the probe running in it: every root it tried to make
 * was refused (GROVE_E_IN_GC) and nothing was linked. */
static void expect_roots_refused_in_gc(grove_heap *h, test_errors *rec, bool major)
{
    const size_t nodes = grove_stack_root_nodes(h);
    const size_t persistent = grove_persistent_count(h);
    in_gc->visits = 0;
    ck_assert_int_eq(major ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_ge(in_gc->visits, 1);
    /* Two persistent adds per visit; with the checks, the local and the hand push too. */
    const unsigned per_visit = GROVE_ROOT_CHECKS ? 4 : 2;
    expect_reports(rec, per_visit * in_gc->visits, GROVE_E_IN_GC, "during a collection");
    ck_assert_ptr_null(in_gc->node.next);
    ck_assert_ptr_null(in_gc->node.heap);
    ck_assert_uint_eq(grove_persistent_count(h), persistent);
    ck_assert_uint_eq(grove_stack_root_nodes(h), nodes);
    if (GROVE_ROOT_CHECKS)
        ck_assert_uint_eq(in_gc->stack_nodes_seen, nodes);
}

START_TEST(roots_refused_during_collection)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    struct in_gc_probe probe = {.heap = h, .node = GROVE_PERSISTENT_NODE_INIT};
    in_gc = &probe;
    grove_scope s = grove_scope_enter(h);
    GROVE_ROOTED(h, struct pair *, keep, test_cons(h, FIX(9), NULL));

    ck_assert_int_eq(grove_add_root_visitor(h, visitor_making_roots, NULL), GROVE_OK);
    expect_roots_refused_in_gc(h, &rec, false);
    expect_roots_refused_in_gc(h, &rec, true);
    ck_assert_int_eq(grove_remove_root_visitor(h, visitor_making_roots, NULL), GROVE_OK);

    GROVE_ROOTED(h, void *, custom, grove_alloc(h, tt.custom, custom_size(1, 0)));
    ck_assert_ptr_nonnull(custom.ptr);
    custom_trace_hook = trace_hook_making_roots;
    expect_roots_refused_in_gc(h, &rec, false); /* custom is young: traced */
    expect_roots_refused_in_gc(h, &rec, true);
    custom_trace_hook = NULL;

    /* Outside a collection the same calls work. */
    grove_persistent_add(h, &probe.node, FIX(5));
    ck_assert_uint_eq(grove_persistent_count(h), 1);
    grove_persistent_remove(h, &probe.node);
    ck_assert_ptr_eq(keep.ptr->car, FIX(9));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    in_gc = NULL;
    grove_heap_destroy(h);
}
END_TEST

/* ---- persistent nodes: added twice, removed after their heap is gone ---------- */

START_TEST(persistent_added_twice)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = test_heap(&rb);
    const size_t base = grove_persistent_count(a);
    grove_persistent_node n = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_add(a, &n, test_cons(a, FIX(1), NULL));
    ASSERT_NOT_REPORTED(&ra);
    grove_persistent_add(a, &n, FIX(2));
    expect_reports(&ra, 1, GROVE_E_BAD_NODE, "already linked");
    grove_persistent_add(b, &n, FIX(3)); /* linked to a: not b's to take */
    expect_reports(&rb, 1, GROVE_E_BAD_NODE, "already linked");
    ck_assert_uint_eq(grove_persistent_count(a), base + 1);
    ck_assert_uint_eq(grove_persistent_count(b), base);
    /* The list is intact: collections return, and the node is updated. */
    ck_assert_int_eq(grove_collect_minor(a), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(a), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(b), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)n.ptr)->car, FIX(1));
    grove_persistent_remove(a, &n);
    ck_assert_uint_eq(grove_persistent_count(a), base);
    grove_persistent_add(b, &n, FIX(4)); /* removed: free to be added again */
    ck_assert_uint_eq(grove_persistent_count(b), base + 1);
    grove_persistent_remove(b, &n);
    ASSERT_NOT_REPORTED(&ra);
    ASSERT_NOT_REPORTED(&rb);
    grove_heap_destroy(a);
    grove_heap_destroy(b);
}
END_TEST

static void add_twice_child(void *unused)
{
    (void)unused;
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    static grove_persistent_node n = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_add(h, &n, NULL);
    grove_persistent_add(h, &n, NULL);
}

START_TEST(persistent_added_twice_aborts_by_default)
{
    test_expect_abort(add_twice_child, NULL,
                      "grove: GROVE_E_BAD_NODE: persistent node ... added while already linked");
}
END_TEST

/* Through the facade, grove_persistent_init accepts an uninitialised
 * grove_persistent, so only the checks' index of linked nodes can tell it
 * was initialised already. */
START_TEST(facade_persistent_init_twice)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t base = grove_persistent_count(h);
    grove_persistent g;
    grove_persistent_init(h, &g, test_cons(h, FIX(1), NULL));
    ASSERT_NOT_REPORTED(&rec);
    grove_persistent_init(h, &g, FIX(2));
    expect_reports(&rec, 1, GROVE_E_BAD_NODE, "already linked");
    ck_assert_uint_eq(grove_persistent_count(h), base + 1);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_persistent_get(h, &g))->car, FIX(1));
    grove_persistent_drop(h, &g);
    grove_persistent_init(h, &g, FIX(3)); /* dropped: may be initialised again */
    grove_persistent_drop(h, &g);
    ck_assert_uint_eq(grove_persistent_count(h), base);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A node still linked when its heap is destroyed, removed from a heap
 * created afterwards at the same address: refused, with the new heap's count
 * untouched. Heaps are created until the allocator hands out the destroyed
 * heap's address again: jemalloc does within a few hundred, ASan once the
 * address leaves its quarantine. Valgrind's allocator does not, so its run
 * (GROVE_TEST_REDUCED) can only remove the node from a heap elsewhere. */
START_TEST(persistent_removed_after_heap_destroyed)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    const uintptr_t a_address = (uintptr_t)a;
    grove_persistent_node n = GROVE_PERSISTENT_NODE_INIT;
    grove_persistent_add(a, &n, FIX(1));
    grove_heap_destroy(a);
    const bool valgrind = getenv("GROVE_TEST_REDUCED") != NULL;
    grove_heap *b = NULL;
    for (int tries = valgrind ? 19999 : 0; tries < 20000; tries++) {
        b = test_heap(&rb);
        if ((uintptr_t)b == a_address)
            break;
        grove_heap_destroy(b);
        b = NULL;
    }
    ck_assert_msg(b != NULL || valgrind, "no heap was created at the destroyed heap's address");
    if (!b)
        b = test_heap(&rb);
    const size_t base = grove_persistent_count(b);
    grove_persistent_remove(b, &n);
    expect_reports(&rb, 1, GROVE_E_BAD_NODE,
                   (uintptr_t)b == a_address ? "was added to heap" : "another heap");
    ck_assert_uint_eq(grove_persistent_count(b), base);
    ck_assert_int_eq(grove_collect_major(b), GROVE_OK);
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
    tcase_add_test(tc, persistent_added_twice);
    tcase_add_test(tc, persistent_added_twice_aborts_by_default);
    tcase_add_test(tc, persistent_removed_after_heap_destroyed);
    tcase_add_test(tc, roots_refused_during_collection);
#if GROVE_ROOT_CHECKS
    tc = test_tcase(s, "checks");
    tcase_add_test(tc, pop_out_of_order);
    tcase_add_test(tc, local_in_loop_without_scope);
    tcase_add_test(tc, two_locals_in_loop_without_scope);
    tcase_add_test(tc, rooted_and_rooted_n_in_loop_without_scope);
    tcase_add_test(tc, repush_anywhere_in_the_list);
    tcase_add_test(tc, repush_matches_a_model);
    tcase_add_test(tc, local_without_scope);
    tcase_add_test(tc, local_without_scope_aborts_by_default);
    tcase_add_test(tc, facade_persistent_init_twice);
    tcase_add_test(tc, scope_exit_twice);
    tcase_add_test(tc, stale_exit_after_new_local);
    tcase_add_test(tc, scope_exit_after_pop_below_it);
    tcase_add_test(tc, stale_scope_exit_aborts_by_default);
    tcase_add_test(tc, scope_exit_foreign);
#else
    (void)pop_out_of_order;
    (void)local_in_loop_without_scope;
    (void)two_locals_in_loop_without_scope;
    (void)rooted_and_rooted_n_in_loop_without_scope;
    (void)repush_anywhere_in_the_list;
    (void)repush_matches_a_model;
    (void)local_without_scope;
    (void)local_without_scope_aborts_by_default;
    (void)facade_persistent_init_twice;
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
