/* test_facade.c — the portable rooting facade: scopes, GROVE_LOCAL,
 * persistent roots, leaving scopes by longjmp, and stale scope exits. */
#include "support.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

START_TEST(local_basic)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, nil, NULL);
    GROVE_LOCAL(h, void *, num, FIX(31));
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), FIX(2)));
    ck_assert_ptr_null(GROVE_GET(h, nil));
    ck_assert_ptr_eq(GROVE_GET(h, num), FIX(31));
    ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(1));
    /* GROVE_SET replaces the held value; the old object may die. */
    GROVE_SET(h, nil, test_cons(h, FIX(3), NULL));
    GROVE_SET(h, num, FIX(32));
    GROVE_SET(h, p, test_cons(h, FIX(4), GROVE_GET(h, p)));
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_eq(GROVE_GET(h, nil)->car, FIX(3));
        ck_assert_ptr_eq(GROVE_GET(h, num), FIX(32));
        ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(4));
        ck_assert_ptr_eq(((struct pair *)GROVE_GET(h, p)->cdr)->car, FIX(1));
    }
    GROVE_SET(h, p, NULL);
    ck_assert_ptr_null(GROVE_GET(h, p));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(nested_scopes)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t big = 300000;
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, a, test_cons(h, FIX(1), NULL));
    grove_stats s0;
    {
        grove_scope inner = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, b, test_cons(h, FIX(2), GROVE_GET(h, a)));
        GROVE_LOCAL(h, void *, blob, grove_alloc(h, tt.bytes, big));
        ck_assert_ptr_nonnull(GROVE_GET(h, blob));
        {
            grove_scope innermost = grove_scope_enter(h);
            GROVE_LOCAL(h, struct pair *, c, test_cons(h, FIX(3), GROVE_GET(h, b)));
            ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
            ck_assert_ptr_eq(GROVE_GET(h, c)->cdr, GROVE_GET(h, b));
            ck_assert_ptr_eq(GROVE_GET(h, b)->cdr, GROVE_GET(h, a));
            grove_scope_exit(h, innermost);
        }
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_ptr_eq(GROVE_GET(h, b)->car, FIX(2));
        ck_assert_ptr_eq(GROVE_GET(h, b)->cdr, GROVE_GET(h, a));
        s0 = test_stats(h);
        grove_scope_exit(h, inner);
    }
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, big); /* inner's blob died */
    ck_assert_ptr_eq(GROVE_GET(h, a)->car, FIX(1));
    /* New locals in the outer scope after inner ones were dropped. */
    GROVE_LOCAL(h, struct pair *, d, test_cons(h, FIX(4), GROVE_GET(h, a)));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(GROVE_GET(h, d)->cdr, GROVE_GET(h, a));
    grove_scope_exit(h, outer);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Each frame holds two locals in its own scope; collections at the bottom
 * and along the way must keep all of them. */
static void recurse(grove_heap *h, int depth)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, mine, test_cons(h, FIX(depth), NULL));
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, 3));
    void **a = GROVE_GET(h, arr);
    grove_write(h, a, &a[0], GROVE_GET(h, mine));
    a[1] = FIX(depth * 2);
    if (depth % 50 == 0)
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    if (depth > 0) {
        recurse(h, depth - 1);
    } else {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    ck_assert_ptr_eq(GROVE_GET(h, mine)->car, FIX(depth));
    a = GROVE_GET(h, arr);
    ck_assert_ptr_eq(a[0], GROVE_GET(h, mine));
    ck_assert_ptr_eq(a[1], FIX(depth * 2));
    grove_scope_exit(h, s);
}

START_TEST(recursive_scopes)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    recurse(h, 300);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(loop_scopes)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(20000, 1000);
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, acc, NULL);
    for (size_t i = 0; i < n; i++) {
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, x, test_cons(h, FIX(n - 1 - i), NULL));
        GROVE_LOCAL(h, void *, junk, grove_alloc(h, tt.bytes, 64));
        ck_assert_ptr_nonnull(GROVE_GET(h, junk));
        struct pair *c = test_cons(h, GROVE_GET(h, x)->car, GROVE_GET(h, acc));
        GROVE_SET(h, acc, c);
        grove_scope_exit(h, s);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, acc), n, 0), n);
    grove_scope_exit(h, outer);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- frames of locals --------------------------------------------------- */

/* GROVE_LOCALS: N slots in one push, all NULL at first, each rooted and
 * updated on its own; the scope's exit drops them all. */
START_TEST(locals_frame)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 5 };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, before, test_cons(h, FIX(100), NULL));
    GROVE_LOCALS(h, f, N);
    GROVE_LOCAL(h, struct pair *, after, test_cons(h, FIX(200), NULL));
    for (int i = 0; i < N; i++)
        ck_assert_ptr_null(GROVE_LOCALS_GET(h, f, i));
    for (int i = 0; i < N; i++)
        GROVE_LOCALS_SET(h, f, i, i == 2 ? FIX(i) : (void *)test_cons(h, FIX(i), NULL));
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        for (int i = 0; i < N; i++) {
            void *v = GROVE_LOCALS_GET(h, f, i);
            if (i == 2)
                ck_assert_ptr_eq(v, FIX(2));
            else
                ck_assert_ptr_eq(((struct pair *)v)->car, FIX(i));
        }
        ck_assert_ptr_eq(GROVE_GET(h, before)->car, FIX(100));
        ck_assert_ptr_eq(GROVE_GET(h, after)->car, FIX(200));
    }
    /* A list built through one slot across allocations. */
    GROVE_LOCALS_SET(h, f, 4, NULL);
    for (int i = 0; i < 1000; i++)
        GROVE_LOCALS_SET(h, f, 4, test_cons(h, FIX(999 - i), GROVE_LOCALS_GET(h, f, 4)));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_LOCALS_GET(h, f, 4), 1000, 0), 1000);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A frame per level of a recursion, each holding values made at its level,
 * all checked at the bottom after collections. */
static void recurse_frames(grove_heap *h, int depth)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCALS(h, f, 3);
    GROVE_LOCALS_SET(h, f, 0, test_cons(h, FIX(depth), NULL));
    GROVE_LOCALS_SET(h, f, 2, test_list(h, 3, (uintptr_t)depth));
    if (depth > 0) {
        recurse_frames(h, depth - 1);
    } else {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    ck_assert_ptr_eq(((struct pair *)GROVE_LOCALS_GET(h, f, 0))->car, FIX(depth));
    ck_assert_ptr_null(GROVE_LOCALS_GET(h, f, 1));
    ck_assert_uint_eq(test_list_check(GROVE_LOCALS_GET(h, f, 2), 3, (uintptr_t)depth), 3);
    grove_scope_exit(h, s);
}

START_TEST(locals_frames_in_recursion)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    recurse_frames(h, 200);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* GROVE_LOCAL_GROUP + GROVE_LOCAL_IN: named, typed locals used exactly as
 * GROVE_LOCALs, reserved together. */
START_TEST(local_group)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(5000, 500);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL_GROUP(h, g, 3);
    GROVE_LOCAL_IN(h, g, 0, struct pair *, list, NULL);
    GROVE_LOCAL_IN(h, g, 1, void *, count, FIX(0));
    GROVE_LOCAL_IN(h, g, 2, struct pair *, last, test_cons(h, FIX(77), NULL));
    ck_assert_ptr_null(GROVE_GET(h, list));
    ck_assert_ptr_eq(GROVE_GET(h, last)->car, FIX(77));
    for (size_t i = 0; i < n; i++) {
        GROVE_SET(h, list, test_cons(h, FIX(n - 1 - i), GROVE_GET(h, list)));
        GROVE_SET(h, count, FIX(UNFIX(GROVE_GET(h, count)) + 1));
        if (i % 100 == 0)
            GROVE_SET(h, last, GROVE_GET(h, list));
    }
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), n, 0), n);
    ck_assert_uint_eq(UNFIX(GROVE_GET(h, count)), n);
    ck_assert_ptr_eq(GROVE_GET(h, last)->car, FIX(n - 1 - (n - 1) / 100 * 100));
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- persistent roots ------------------------------------------------------ */

START_TEST(persistent_basic)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_persistent g;
    grove_persistent_init(h, &g, test_cons(h, FIX(10), FIX(11)));
    uintptr_t before = (uintptr_t)grove_persistent_get(h, &g);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    struct pair *p = grove_persistent_get(h, &g);
    if (!test_zeal())
        ck_assert_uint_ne((uintptr_t)p, before); /* it moved, the root followed */
    ck_assert_ptr_eq(p->car, FIX(10));
    ck_assert_ptr_eq(p->cdr, FIX(11));
    grove_persistent_set(h, &g, test_cons(h, FIX(12), NULL));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_persistent_get(h, &g))->car, FIX(12));
    grove_persistent_set(h, &g, FIX(13));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(grove_persistent_get(h, &g), FIX(13));
    grove_persistent_set(h, &g, NULL);
    ck_assert_ptr_null(grove_persistent_get(h, &g));
    grove_persistent_drop(h, &g);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(persistent_keeps_alive_until_dropped)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t big = 500000;
    grove_persistent g;
    grove_persistent_init(h, &g, grove_alloc(h, tt.bytes, big));
    ck_assert_ptr_nonnull(grove_persistent_get(h, &g));
    test_fill_pattern(grove_persistent_get(h, &g), big, 77);
    for (int i = 0; i < 3; i++) {
        ck_assert_ptr_nonnull(test_list(h, 5000, 0));
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert(test_check_pattern(grove_persistent_get(h, &g), big, 77));
    }
    grove_stats s0 = test_stats(h);
    grove_persistent_drop(h, &g);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, big);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(persistent_random_order)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(2000, 200);
    grove_persistent *g = calloc(n, sizeof *g);
    bool *live = calloc(n, sizeof *live);
    size_t *order = malloc(n * sizeof *order);
    ck_assert(g && live && order);
    for (size_t i = 0; i < n; i++) {
        grove_persistent_init(h, &g[i], test_cons(h, FIX(i), FIX(i * 2)));
        live[i] = true;
        order[i] = i;
    }
    test_shuffle(order, n, 12345);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        grove_persistent_drop(h, &g[i]);
        live[i] = false;
        if (k % 3 == 0) /* garbage in between */
            ck_assert_ptr_nonnull(test_list(h, 50, 0));
        if (k % 50 == 0) {
            ck_assert_int_eq(k % 100 ? grove_collect_minor(h) : grove_collect_major(h),
                             GROVE_OK);
            for (size_t j = 0; j < n; j++) {
                if (!live[j])
                    continue;
                struct pair *p = grove_persistent_get(h, &g[j]);
                REQUIRE(p->car == FIX(j));
                REQUIRE(p->cdr == FIX(j * 2));
            }
        }
        /* Every fourth dropped root is reused for a new object. */
        if (k % 4 == 0) {
            grove_persistent_init(h, &g[i], test_cons(h, FIX(i), FIX(i * 2)));
            live[i] = true;
        }
    }
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    size_t still = 0;
    for (size_t j = 0; j < n; j++) {
        if (!live[j])
            continue;
        ck_assert_ptr_eq(((struct pair *)grove_persistent_get(h, &g[j]))->car, FIX(j));
        grove_persistent_drop(h, &g[j]);
        still++;
    }
    ck_assert_uint_eq(still, (n + 3) / 4);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    free(g);
    free(live);
    free(order);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- longjmp ------------------------------------------------------------- */

static jmp_buf escape;

/* Enter a scope, declare locals (one holding a large blob of `big` bytes),
 * recurse; at the bottom collect, then longjmp out of every frame. */
static void dive(grove_heap *h, int depth, size_t big)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, blob, big ? grove_alloc(h, tt.bytes, big) : NULL);
    GROVE_LOCAL(h, struct pair *, cell, test_cons(h, FIX(depth), NULL));
    ck_assert(big == 0 || GROVE_GET(h, blob) != NULL);
    ck_assert_ptr_nonnull(GROVE_GET(h, cell));
    if (depth == 0) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_eq(GROVE_GET(h, cell)->car, FIX(0));
        longjmp(escape, 1);
    }
    if (depth > 0)
        dive(h, depth - 1, big);
    grove_scope_exit(h, s);
}

START_TEST(longjmp_out_of_scopes)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.debug = GROVE_DEBUG_VERIFY;
    grove_heap *h = test_heap_config(&c, &rec);
    const size_t big = 200000;
    const int depth = 6;
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 100, 0));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s0 = test_stats(h);

    grove_scope mid = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, mid_local, test_cons(h, FIX(-1), NULL));
    ck_assert_ptr_nonnull(GROVE_GET(h, mid_local));
    if (setjmp(escape) == 0) {
        dive(h, depth, big);
        ck_abort_msg("not reached");
    }
    /* Exiting `mid` drops everything the dive declared, and mid_local. */
    grove_scope_exit(h, mid);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, (size_t)(depth + 1) * big);
    ck_assert_uint_eq(s1.live_bytes, s0.live_bytes);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 100, 0), 100);

    /* Life goes on: new scopes, locals and collections work. */
    for (int i = 0; i < 3; i++) {
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, fresh, test_list(h, 500, 1000));
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_uint_eq(test_list_check(GROVE_GET(h, fresh), 500, 1000), 500);
        grove_scope_exit(h, s);
    }
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 100, 0), 100);

    /* And a longjmp straight out to the outermost scope. */
    if (setjmp(escape) == 0) {
        dive(h, depth, 0);
        ck_abort_msg("not reached");
    }
    grove_scope_exit(h, outer);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Many escapes leave nothing behind: a collection afterwards scans as many
 * root slots as before them. */
START_TEST(longjmp_repeated)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.debug = GROVE_DEBUG_VERIFY;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 10, 0));
    grove_stats a0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats a1 = test_stats(h);
    const uint64_t base = a1.roots_scanned - a0.roots_scanned;

    const int iters = (int)test_size(1000, 100);
    for (int i = 0; i < iters; i++) {
        grove_scope s = grove_scope_enter(h);
        if (setjmp(escape) == 0)
            dive(h, 4, 0);
        grove_scope_exit(h, s);
    }
    grove_stats b0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats b1 = test_stats(h);
    ck_assert_uint_eq(b1.roots_scanned - b0.roots_scanned, base);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 10, 0), 10);
    grove_scope_exit(h, outer);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- scope misuse ----------------------------------------------------------- */

#if GROVE_ROOTING_INDEXED || GROVE_ROOT_CHECKS
/* A stale scope exit is refused however the roots and scopes declared since
 * line up with it, and drops nothing: as many root slots are scanned after
 * it as before, and every local still holds its object. */

/* Root slots a collection offers to the tracer now. */
static uint64_t root_slots(grove_heap *h)
{
    uint64_t before = test_stats(h).roots_scanned;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    return test_stats(h).roots_scanned - before;
}

/* Exit `stale`, which is not open: refused, with no root dropped. */
static void expect_stale_exit(grove_heap *h, test_errors *rec, grove_scope stale)
{
    const uint64_t slots = root_slots(h);
    grove_scope_exit(h, stale);
    ASSERT_REPORTED(rec, GROVE_E_BAD_SCOPE);
    ck_assert_uint_eq(root_slots(h), slots);
}

/* Exit an inner scope, declare a local in the outer one: the local sits
 * where the inner scope's roots were. Exiting the inner scope again must
 * not drop it. */
START_TEST(stale_exit_after_local_in_outer)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, a, test_cons(h, FIX(1), NULL));
    grove_scope inner = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, b, FIX(2));
    (void)b;
    grove_scope_exit(h, inner);
    GROVE_LOCAL(h, struct pair *, c, test_cons(h, FIX(3), NULL));
    expect_stale_exit(h, &rec, inner);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(GROVE_GET(h, a)->car, FIX(1));
    ck_assert_ptr_eq(GROVE_GET(h, c)->car, FIX(3));
    grove_scope_exit(h, outer);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Exit an outer scope (closing the inner one), open a new scope with new
 * locals: exiting the stale inner scope must not touch them. */
START_TEST(stale_inner_exit_after_outer_exit)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, a, FIX(1));
    grove_scope inner = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, b, FIX(2));
    (void)a;
    (void)b;
    grove_scope_exit(h, outer);
    grove_scope fresh = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, x, test_cons(h, FIX(3), NULL));
    GROVE_LOCAL(h, struct pair *, y, test_cons(h, FIX(4), NULL));
    expect_stale_exit(h, &rec, inner);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(GROVE_GET(h, x)->car, FIX(3));
    ck_assert_ptr_eq(GROVE_GET(h, y)->car, FIX(4));
    grove_scope_exit(h, fresh);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Exit s1, enter s2 at the same depth: exiting s1 again must leave s2 and
 * its local alone, and s2's own exit must then work. Both at the outermost
 * depth and nested. */
static void exit_s1_enter_s2_exit_s1(grove_heap *h, test_errors *rec)
{
    grove_scope s1 = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, a, FIX(1));
    (void)a;
    grove_scope_exit(h, s1);
    const uint64_t before_s2 = root_slots(h);
    grove_scope s2 = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(2), NULL));
    expect_stale_exit(h, rec, s1);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(2));
    grove_scope_exit(h, s2);
    ASSERT_NOT_REPORTED(rec);
    ck_assert_uint_eq(root_slots(h), before_s2);
}

START_TEST(stale_exit_same_depth)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    exit_s1_enter_s2_exit_s1(h, &rec);
    grove_scope outer = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_cons(h, FIX(9), NULL));
    exit_s1_enter_s2_exit_s1(h, &rec);
    ck_assert_ptr_eq(GROVE_GET(h, keep)->car, FIX(9));
    grove_scope_exit(h, outer);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST
#endif

static Suite *facade_suite(void)
{
    Suite *s = suite_create("facade");
    TCase *tc = test_tcase(s, "locals");
    tcase_add_test(tc, local_basic);
    tcase_add_test(tc, nested_scopes);
    tcase_add_test(tc, recursive_scopes);
    tcase_add_test(tc, loop_scopes);
    tc = test_tcase(s, "frames");
    tcase_add_test(tc, locals_frame);
    tcase_add_test(tc, locals_frames_in_recursion);
    tcase_add_test(tc, local_group);
    tc = test_tcase(s, "persistent");
    tcase_add_test(tc, persistent_basic);
    tcase_add_test(tc, persistent_keeps_alive_until_dropped);
    tcase_add_test(tc, persistent_random_order);
    tc = test_tcase(s, "longjmp");
    tcase_add_test(tc, longjmp_out_of_scopes);
    tcase_add_test(tc, longjmp_repeated);
#if GROVE_ROOTING_INDEXED || GROVE_ROOT_CHECKS
    tc = test_tcase(s, "scope misuse");
    tcase_add_test(tc, stale_exit_after_local_in_outer);
    tcase_add_test(tc, stale_inner_exit_after_outer_exit);
    tcase_add_test(tc, stale_exit_same_depth);
#endif
    return s;
}

int main(void)
{
    return test_main(facade_suite());
}
