/* test_indexed_roots.c — the indexed root table's native API
 * (grove/roots_indexed.h): scoped and manual handles, and every misuse
 * detected both through the error handler and through the try_ forms. */
#include "support.h"

#if !GROVE_ROOTING_INDEXED
#error "test_indexed_roots must be built against grove_indexed"
#endif

#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Every checked operation on scoped handle `r` fails with `code`: the try_
 * forms return it without calling the handler; the plain forms report it
 * once each and return their failure value. `r` must not be able to change
 * what any live root holds. */
static void expect_rooted_misuse(grove_heap *h, test_errors *rec, grove_rooted r,
                                 grove_error code)
{
    void *out = NULL;
    ASSERT_CODE(grove_rooted_try_get(h, r, &out), code);
    ASSERT_NOT_REPORTED(rec);
    ASSERT_CODE(grove_rooted_try_set(h, r, FIX(666)), code);
    ASSERT_NOT_REPORTED(rec);
    ck_assert_ptr_null(grove_rooted_get(h, r));
    ASSERT_REPORTED(rec, code);
    grove_rooted_set(h, r, FIX(667));
    ASSERT_REPORTED(rec, code);
}

/* The same for manual handles (unrooting is checked separately). */
static void expect_manual_misuse(grove_heap *h, test_errors *rec, grove_manual m,
                                 grove_error code)
{
    void *out = NULL;
    ASSERT_CODE(grove_manual_try_get(h, m, &out), code);
    ASSERT_NOT_REPORTED(rec);
    ASSERT_CODE(grove_manual_try_set(h, m, FIX(666)), code);
    ASSERT_NOT_REPORTED(rec);
    ck_assert_ptr_null(grove_manual_get(h, m));
    ASSERT_REPORTED(rec, code);
    grove_manual_set(h, m, FIX(667));
    ASSERT_REPORTED(rec, code);
}

static void expect_unroot_misuse(grove_heap *h, test_errors *rec, grove_manual m,
                                 grove_error code)
{
    uint32_t count = grove_manual_count(h);
    ASSERT_CODE(grove_manual_try_unroot(h, m), code);
    ASSERT_NOT_REPORTED(rec);
    grove_manual_unroot(h, m);
    ASSERT_REPORTED(rec, code);
    ck_assert_uint_eq(grove_manual_count(h), count);
}

/* ---- scoped handles -------------------------------------------------------- */

START_TEST(scoped_handle_dies_at_scope_exit)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    grove_scope s = grove_scope_enter(h);
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    grove_rooted r = grove_root(h, test_cons(h, FIX(1), NULL));
    void *out = NULL;
    ASSERT_CODE(grove_rooted_try_get(h, r, &out), GROVE_OK);
    ck_assert_ptr_eq(out, grove_rooted_get(h, r));
    ck_assert_ptr_eq(((struct pair *)out)->car, FIX(1));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, r))->car, FIX(1));
    ASSERT_CODE(grove_rooted_try_set(h, r, FIX(2)), GROVE_OK);
    ck_assert_ptr_eq(grove_rooted_get(h, r), FIX(2));
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    expect_rooted_misuse(h, &rec, r, GROVE_E_STALE_HANDLE);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(nested_scopes)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope outer = grove_scope_enter(h);
    grove_rooted a = grove_root(h, test_cons(h, FIX(1), NULL));
    grove_rooted a2 = grove_root(h, FIX(11));
    grove_scope inner = grove_scope_enter(h);
    ck_assert_uint_eq(grove_scope_depth(h), 2);
    grove_rooted b = grove_root(h, test_cons(h, FIX(2), grove_rooted_get(h, a)));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, b))->cdr, grove_rooted_get(h, a));
    grove_scope_exit(h, inner);
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    expect_rooted_misuse(h, &rec, b, GROVE_E_STALE_HANDLE);
    /* The outer handles are untouched. */
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, a))->car, FIX(1));
    ck_assert_ptr_eq(grove_rooted_get(h, a2), FIX(11));
    /* A new inner scope reuses b's index; b stays stale. */
    grove_scope again = grove_scope_enter(h);
    grove_rooted c = grove_root(h, FIX(3));
    ck_assert_uint_eq(c.offset, b.offset);
    expect_rooted_misuse(h, &rec, b, GROVE_E_STALE_HANDLE);
    ck_assert_ptr_eq(grove_rooted_get(h, c), FIX(3)); /* b's failed sets did not land */
    grove_scope_exit(h, again);
    grove_scope_exit(h, outer);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    expect_rooted_misuse(h, &rec, a, GROVE_E_STALE_HANDLE);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(exit_outer_closes_inner)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s1 = grove_scope_enter(h);
    grove_rooted r1 = grove_root(h, FIX(1));
    grove_scope s2 = grove_scope_enter(h);
    grove_rooted r2 = grove_root(h, FIX(2));
    grove_scope s3 = grove_scope_enter(h);
    grove_rooted r3 = grove_root(h, FIX(3));
    (void)s3;
    ck_assert_uint_eq(grove_scope_depth(h), 3);
    ASSERT_CODE(grove_scope_try_exit(h, s2), GROVE_OK); /* closes s3 too */
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    ck_assert_ptr_eq(grove_rooted_get(h, r1), FIX(1));
    expect_rooted_misuse(h, &rec, r2, GROVE_E_STALE_HANDLE);
    expect_rooted_misuse(h, &rec, r3, GROVE_E_STALE_HANDLE);
    grove_scope_exit(h, s1);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(scope_exited_twice)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s1 = grove_scope_enter(h);
    grove_rooted r1 = grove_root(h, FIX(1));
    grove_scope s2 = grove_scope_enter(h);
    (void)grove_root(h, FIX(2));
    grove_scope_exit(h, s2);
    ck_assert_uint_eq(grove_scope_depth(h), 1);

    grove_scope_exit(h, s2);
    ASSERT_REPORTED(&rec, GROVE_E_BAD_SCOPE);
    ASSERT_CODE(grove_scope_try_exit(h, s2), GROVE_E_BAD_SCOPE);
    ASSERT_NOT_REPORTED(&rec);
    /* Nothing changed: s1 and its root are alive. */
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    ck_assert_ptr_eq(grove_rooted_get(h, r1), FIX(1));

    grove_scope_exit(h, s1);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    grove_scope_exit(h, s1);
    ASSERT_REPORTED(&rec, GROVE_E_BAD_SCOPE);
    ASSERT_CODE(grove_scope_try_exit(h, s1), GROVE_E_BAD_SCOPE);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_eq(grove_scope_depth(h), 0);

    /* A zeroed scope value is refused too. */
    grove_scope zero;
    memset(&zero, 0, sizeof zero);
    grove_scope s3 = grove_scope_enter(h);
    ASSERT_CODE(grove_scope_try_exit(h, zero), GROVE_E_BAD_SCOPE);
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    grove_scope_exit(h, s3);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Depth alone cannot tell s1 from s2 once s1 exited and s2 was entered at
 * the same depth: exiting s1 again is refused, inline or slow path (with a
 * deeper scope open), and s2 keeps its roots until its own exit. */
START_TEST(scope_reentered_at_same_depth)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope base = grove_scope_enter(h);
    grove_scope s1 = grove_scope_enter(h);
    (void)grove_root(h, FIX(1));
    grove_scope_exit(h, s1);
    grove_scope s2 = grove_scope_enter(h);
    grove_rooted r2 = grove_root(h, FIX(2));
    ck_assert_uint_eq(grove_scope_depth(h), 2);

    grove_scope_exit(h, s1);
    ASSERT_REPORTED(&rec, GROVE_E_BAD_SCOPE);
    ck_assert_ptr_nonnull(strstr(grove_last_error_message(h), "is a later one"));
    ASSERT_CODE(grove_scope_try_exit(h, s1), GROVE_E_BAD_SCOPE);
    ck_assert_uint_eq(grove_scope_depth(h), 2);
    ck_assert_ptr_eq(grove_rooted_get(h, r2), FIX(2));

    grove_scope s3 = grove_scope_enter(h);
    grove_rooted r3 = grove_root(h, FIX(3));
    grove_scope_exit(h, s1); /* not the innermost depth: the slow path */
    ASSERT_REPORTED(&rec, GROVE_E_BAD_SCOPE);
    ASSERT_CODE(grove_scope_try_exit(h, s1), GROVE_E_BAD_SCOPE);
    ck_assert_uint_eq(grove_scope_depth(h), 3);
    ck_assert_ptr_eq(grove_rooted_get(h, r2), FIX(2));
    ck_assert_ptr_eq(grove_rooted_get(h, r3), FIX(3));

    grove_scope_exit(h, s3);
    grove_scope_exit(h, s2);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    expect_rooted_misuse(h, &rec, r2, GROVE_E_STALE_HANDLE);
    grove_scope_exit(h, base);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A scope value whose top was raised (forged) would make dead entries roots
 * again at its exit: refused, and nothing changes. */
START_TEST(forged_scope_top_refused)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    grove_rooted r = grove_root(h, FIX(1));
    grove_scope inner = grove_scope_enter(h);
    for (int i = 0; i < 10; i++)
        (void)grove_root(h, FIX(i));
    grove_scope_exit(h, inner); /* ten dead entries above the top */
    grove_scope forged = s;
    forged.top += 4 * GROVE__ENTRY_WORDS;
    ASSERT_CODE(grove_scope_try_exit(h, forged), GROVE_E_BAD_SCOPE);
    ck_assert_ptr_nonnull(strstr(grove_last_error_message(h), "forged"));
    grove_scope_exit(h, forged);
    ASSERT_REPORTED(&rec, GROVE_E_BAD_SCOPE);
    ck_assert_uint_eq(grove_scope_depth(h), 1);
    ck_assert_ptr_eq(grove_rooted_get(h, r), FIX(1));
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    expect_rooted_misuse(h, &rec, r, GROVE_E_STALE_HANDLE);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* In the child: the same stale exit on a heap with the default handler. */
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
                      "grove: GROVE_E_BAD_SCOPE: scope at depth 1, generation 1 exited, but the "
                      "scope open at that depth is a later one (generation 2)");
}
END_TEST

START_TEST(root_without_scope)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_rooted r = grove_root(h, FIX(1));
    ASSERT_REPORTED(&rec, GROVE_E_NO_SCOPE);
    ck_assert_uint_eq(r.offset, 0);
    ck_assert_uint_eq(r.gen, 0);
    /* Also once every scope has been closed again. */
    grove_scope s = grove_scope_enter(h);
    grove_rooted ok = grove_root(h, FIX(2));
    ck_assert_ptr_eq(grove_rooted_get(h, ok), FIX(2));
    grove_scope_exit(h, s);
    r = grove_root(h, FIX(3));
    ASSERT_REPORTED(&rec, GROVE_E_NO_SCOPE);
    /* The zero handle it returned is unusable, even with a root at index 0. */
    s = grove_scope_enter(h);
    grove_rooted live = grove_root(h, FIX(4));
    ck_assert_uint_eq(live.offset, 0);
    expect_rooted_misuse(h, &rec, r, GROVE_E_BAD_HANDLE);
    ck_assert_ptr_eq(grove_rooted_get(h, live), FIX(4));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(bad_handles)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    grove_rooted live = grove_root(h, FIX(1));
    grove_manual mlive = grove_manual_root(h, FIX(2));
    ASSERT_NOT_REPORTED(&rec);

    grove_rooted zr;
    memset(&zr, 0, sizeof zr);
    expect_rooted_misuse(h, &rec, zr, GROVE_E_BAD_HANDLE);
    grove_rooted forged = live;
    forged.offset = 1u << 30;
    expect_rooted_misuse(h, &rec, forged, GROVE_E_BAD_HANDLE);
    forged.offset = UINT32_MAX;
    expect_rooted_misuse(h, &rec, forged, GROVE_E_BAD_HANDLE);

    grove_manual zm;
    memset(&zm, 0, sizeof zm);
    expect_manual_misuse(h, &rec, zm, GROVE_E_BAD_HANDLE);
    expect_unroot_misuse(h, &rec, zm, GROVE_E_BAD_HANDLE);
    grove_manual mforged = mlive;
    mforged.offset = 1u << 30;
    expect_manual_misuse(h, &rec, mforged, GROVE_E_BAD_HANDLE);
    expect_unroot_misuse(h, &rec, mforged, GROVE_E_BAD_HANDLE);
    mforged.offset = UINT32_MAX;
    expect_manual_misuse(h, &rec, mforged, GROVE_E_BAD_HANDLE);
    expect_unroot_misuse(h, &rec, mforged, GROVE_E_BAD_HANDLE);

    /* The real handles are unaffected. */
    ck_assert_ptr_eq(grove_rooted_get(h, live), FIX(1));
    ck_assert_ptr_eq(grove_manual_get(h, mlive), FIX(2));
    ck_assert_uint_eq(grove_manual_count(h), 1);
    grove_manual_unroot(h, mlive);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(foreign_handles)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = test_heap(&rb);
    grove_scope sa = grove_scope_enter(a);
    grove_scope sb = grove_scope_enter(b);
    /* Same positions in both tables, so only the generations, which each
     * heap draws from ranges of its own, tell them apart. */
    grove_rooted ra0 = grove_root(a, FIX(10));
    grove_rooted rb0 = grove_root(b, FIX(20));
    grove_manual ma0 = grove_manual_root(a, FIX(11));
    grove_manual mb0 = grove_manual_root(b, FIX(21));
    ck_assert_uint_eq(ra0.offset, rb0.offset);
    ck_assert_uint_eq(ma0.offset, mb0.offset);
    ck_assert_uint_ne(ra0.gen, rb0.gen);
    ck_assert_uint_ne(ma0.gen, mb0.gen);

    expect_rooted_misuse(b, &rb, ra0, GROVE_E_FOREIGN_HANDLE);
    expect_manual_misuse(b, &rb, ma0, GROVE_E_FOREIGN_HANDLE);
    expect_unroot_misuse(b, &rb, ma0, GROVE_E_FOREIGN_HANDLE);
    /* And where b has nothing at that index. */
    grove_scope sa2 = grove_scope_enter(a);
    grove_rooted far = ra0;
    for (int i = 0; i < 50; i++)
        far = grove_root(a, FIX(i));
    expect_rooted_misuse(b, &rb, far, GROVE_E_FOREIGN_HANDLE);
    grove_scope_exit(a, sa2);

    /* A scope from the other heap is refused. */
    grove_scope_exit(b, sa);
    ASSERT_REPORTED(&rb, GROVE_E_BAD_SCOPE);
    ASSERT_CODE(grove_scope_try_exit(b, sa), GROVE_E_BAD_SCOPE);
    ASSERT_NOT_REPORTED(&rb);
    ck_assert_uint_eq(grove_scope_depth(b), 1);
    ck_assert_uint_eq(grove_scope_depth(a), 1);

    /* Nothing in either heap changed. */
    ck_assert_ptr_eq(grove_rooted_get(a, ra0), FIX(10));
    ck_assert_ptr_eq(grove_rooted_get(b, rb0), FIX(20));
    ck_assert_ptr_eq(grove_manual_get(a, ma0), FIX(11));
    ck_assert_ptr_eq(grove_manual_get(b, mb0), FIX(21));
    ck_assert_uint_eq(grove_manual_count(a), 1);
    ck_assert_uint_eq(grove_manual_count(b), 1);
    grove_manual_unroot(a, ma0);
    grove_manual_unroot(b, mb0);
    grove_scope_exit(b, sb);
    grove_scope_exit(a, sa);
    ASSERT_NOT_REPORTED(&ra);
    ASSERT_NOT_REPORTED(&rb);
    grove_heap_destroy(a);
    grove_heap_destroy(b);
}
END_TEST

/* ---- manual handles -------------------------------------------------------- */

START_TEST(manual_roots_any_order)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 12 };
    grove_manual m[N];
    for (int i = 0; i < N; i++) {
        m[i] = grove_manual_root(h, test_cons(h, FIX(i), NULL));
        ck_assert_uint_eq(grove_manual_count(h), (uint32_t)i + 1);
    }
    /* Works with no scope open at all. */
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    const int order[N] = {3, 7, 0, 11, 5, 1, 9, 2, 10, 4, 8, 6};
    bool live[N];
    for (int i = 0; i < N; i++)
        live[i] = true;
    for (int k = 0; k < N; k++) {
        ck_assert_int_eq(k % 2 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        for (int i = 0; i < N; i++)
            if (live[i])
                ck_assert_ptr_eq(((struct pair *)grove_manual_get(h, m[i]))->car, FIX(i));
        ASSERT_CODE(grove_manual_try_unroot(h, m[order[k]]), GROVE_OK);
        live[order[k]] = false;
        ck_assert_uint_eq(grove_manual_count(h), (uint32_t)(N - k - 1));
        expect_manual_misuse(h, &rec, m[order[k]], GROVE_E_STALE_HANDLE);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(manual_set_and_get)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_manual m = grove_manual_root(h, NULL);
    ck_assert_ptr_null(grove_manual_get(h, m));
    grove_manual_set(h, m, test_cons(h, FIX(1), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_manual_get(h, m))->car, FIX(1));
    ASSERT_CODE(grove_manual_try_set(h, m, FIX(5)), GROVE_OK);
    void *out = NULL;
    ASSERT_CODE(grove_manual_try_get(h, m, &out), GROVE_OK);
    ck_assert_ptr_eq(out, FIX(5));
    grove_manual_unroot(h, m);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(manual_slot_reuse)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 100 };
    grove_manual m[N];
    for (int i = 0; i < N; i++)
        m[i] = grove_manual_root(h, FIX(i));
    /* Free one slot in the middle: the next root takes it, and the stale
     * handle to it stays stale. */
    grove_manual old = m[40];
    grove_manual_unroot(h, old);
    grove_manual fresh = grove_manual_root(h, FIX(1000));
    ck_assert_uint_eq(fresh.offset, old.offset);
    ck_assert_uint_ne(fresh.gen, old.gen);
    expect_manual_misuse(h, &rec, old, GROVE_E_STALE_HANDLE);
    ck_assert_ptr_eq(grove_manual_get(h, fresh), FIX(1000));
    /* Unrooting through the stale handle must not unroot the new one. */
    ck_assert_int_ne(grove_manual_try_unroot(h, old), GROVE_OK);
    grove_manual_unroot(h, old);
    ck_assert_uint_eq(rec.count, 1);
    ck_assert(rec.code == GROVE_E_STALE_HANDLE || rec.code == GROVE_E_DOUBLE_UNROOT);
    test_errors_reset(&rec);
    ck_assert_ptr_eq(grove_manual_get(h, fresh), FIX(1000));
    ck_assert_uint_eq(grove_manual_count(h), N);
    m[40] = fresh;

    /* Free everything, root again: the table reuses its slots. */
    for (int i = N; i-- > 0;)
        grove_manual_unroot(h, m[i]);
    ck_assert_uint_eq(grove_manual_count(h), 0);
    for (int i = 0; i < N; i++) {
        grove_manual r = grove_manual_root(h, FIX(i));
        ck_assert_uint_lt(r.offset, N * GROVE__ENTRY_WORDS);
        for (int j = 0; j < N; j++)
            ck_assert(!(m[j].offset == r.offset && m[j].gen == r.gen));
        m[i] = r;
    }
    ck_assert_uint_eq(grove_manual_count(h), N);
    for (int i = 0; i < N; i++) {
        ck_assert_ptr_eq(grove_manual_get(h, m[i]), FIX(i));
        grove_manual_unroot(h, m[i]);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(double_unroot)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_manual keep = grove_manual_root(h, FIX(1));
    grove_manual m = grove_manual_root(h, FIX(2));
    ASSERT_CODE(grove_manual_try_unroot(h, m), GROVE_OK);
    ck_assert_uint_eq(grove_manual_count(h), 1);
    expect_unroot_misuse(h, &rec, m, GROVE_E_DOUBLE_UNROOT);
    /* Unrooted via the plain form, then again. */
    grove_manual m2 = grove_manual_root(h, FIX(3));
    grove_manual_unroot(h, m2);
    ASSERT_NOT_REPORTED(&rec);
    expect_unroot_misuse(h, &rec, m2, GROVE_E_DOUBLE_UNROOT);
    ck_assert_uint_eq(grove_manual_count(h), 1);
    ck_assert_ptr_eq(grove_manual_get(h, keep), FIX(1));
    grove_manual_unroot(h, keep);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- longjmp ---------------------------------------------------------------- */

static jmp_buf escape;
static grove_rooted deep_handles[16];

static void dive(grove_heap *h, int depth)
{
    grove_scope s = grove_scope_enter(h);
    deep_handles[depth] = grove_root(h, test_cons(h, FIX(depth), NULL));
    (void)grove_root(h, FIX(depth));
    if (depth == 0) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        longjmp(escape, 1);
    }
    if (depth > 0)
        dive(h, depth - 1);
    grove_scope_exit(h, s);
}

/* setjmp in a function of its own, so no local of the test lives across it. */
static void dive_and_escape(grove_heap *h)
{
    if (setjmp(escape) == 0) {
        dive(h, 10);
        ck_abort_msg("not reached");
    }
}

START_TEST(longjmp_then_exit_outer)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope base = grove_scope_enter(h);
    grove_rooted keep = grove_root(h, test_cons(h, FIX(99), NULL));
    const uint32_t depth0 = grove_scope_depth(h);
    grove_scope outer = grove_scope_enter(h);
    dive_and_escape(h);
    ck_assert_uint_eq(grove_scope_depth(h), depth0 + 12);
    grove_scope_exit(h, outer);
    ck_assert_uint_eq(grove_scope_depth(h), depth0);
    for (int i = 0; i <= 10; i++)
        expect_rooted_misuse(h, &rec, deep_handles[i], GROVE_E_STALE_HANDLE);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, keep))->car, FIX(99));
    grove_scope_exit(h, base);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- generations never wrap -------------------------------------------------- */

/* With 32-bit generations, 2^32 scope entries brought a scope's generation
 * back, and with it every stale handle of the scope that had it: skipping
 * that many (and more: several generation ranges) must leave them stale. */
#define FORMER_WRAP ((uint64_t)1 << 32)

START_TEST(stale_scoped_handle_stays_stale_past_former_wrap)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const uint64_t skips[] = {FORMER_WRAP - 1, FORMER_WRAP, 3 * FORMER_WRAP + 5};
    for (size_t k = 0; k < sizeof skips / sizeof skips[0]; k++) {
        grove_scope s = grove_scope_enter(h);
        grove_rooted old = grove_root(h, FIX(1));
        grove_scope_exit(h, s);
        grove__roots_indexed_skip_generations_for_test(h, skips[k]);
        grove_scope again = grove_scope_enter(h);
        grove_rooted fresh = grove_root(h, FIX(2));
        ck_assert_uint_eq(fresh.offset, old.offset);
        ck_assert_uint_ne(fresh.gen, old.gen);
        expect_rooted_misuse(h, &rec, old, GROVE_E_STALE_HANDLE);
        ck_assert_ptr_eq(grove_rooted_get(h, fresh), FIX(2));
        grove_scope_exit(h, again);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The scope records compare generations too: a scope exited, then the
 * generation counter past the former wrap point, then a scope entered at
 * the same depth: the first scope's exit is still refused. */
START_TEST(stale_scope_exit_refused_past_former_wrap)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope base = grove_scope_enter(h);
    grove_scope s1 = grove_scope_enter(h);
    grove_scope_exit(h, s1);
    grove__roots_indexed_skip_generations_for_test(h, FORMER_WRAP - 1);
    grove_scope s2 = grove_scope_enter(h);
    grove_rooted r2 = grove_root(h, FIX(2));
    ASSERT_CODE(grove_scope_try_exit(h, s1), GROVE_E_BAD_SCOPE);
    grove_scope_exit(h, s1);
    ASSERT_REPORTED(&rec, GROVE_E_BAD_SCOPE);
    ck_assert_uint_eq(grove_scope_depth(h), 2);
    ck_assert_ptr_eq(grove_rooted_get(h, r2), FIX(2));
    grove_scope_exit(h, s2);
    grove_scope_exit(h, base);
    ck_assert_uint_eq(grove_scope_depth(h), 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A manual slot rooted again after the counter passed the former wrap
 * point: the old handle neither reads the new root nor unroots it. */
START_TEST(stale_manual_handle_stays_stale_past_former_wrap)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_manual old = grove_manual_root(h, FIX(1));
    grove_manual_unroot(h, old);
    grove__roots_indexed_skip_generations_for_test(h, FORMER_WRAP - 1);
    grove_manual fresh = grove_manual_root(h, FIX(2));
    ck_assert_uint_eq(fresh.offset, old.offset);
    ck_assert_uint_ne(fresh.gen, old.gen);
    expect_manual_misuse(h, &rec, old, GROVE_E_STALE_HANDLE);
    expect_unroot_misuse(h, &rec, old, GROVE_E_DOUBLE_UNROOT);
    ck_assert_ptr_eq(grove_manual_get(h, fresh), FIX(2));
    ck_assert_uint_eq(grove_manual_count(h), 1);
    grove_manual_unroot(h, fresh);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Handles of another heap stay foreign whatever either heap's counter
 * did: here one heap has moved on to generation ranges shared by the
 * process, which name no heap id. */
START_TEST(foreign_handles_past_former_wrap)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = test_heap(&rb);
    grove__roots_indexed_skip_generations_for_test(a, 2 * FORMER_WRAP);
    grove_scope sa = grove_scope_enter(a);
    grove_scope sb = grove_scope_enter(b);
    grove_rooted ra0 = grove_root(a, FIX(10));
    grove_rooted rb0 = grove_root(b, FIX(20));
    grove_manual ma0 = grove_manual_root(a, FIX(11));
    expect_rooted_misuse(b, &rb, ra0, GROVE_E_FOREIGN_HANDLE);
    expect_rooted_misuse(a, &ra, rb0, GROVE_E_FOREIGN_HANDLE);
    expect_manual_misuse(b, &rb, ma0, GROVE_E_FOREIGN_HANDLE);
    expect_unroot_misuse(b, &rb, ma0, GROVE_E_FOREIGN_HANDLE);
    ASSERT_CODE(grove_scope_try_exit(b, sa), GROVE_E_BAD_SCOPE);
    ck_assert_ptr_eq(grove_rooted_get(a, ra0), FIX(10));
    ck_assert_ptr_eq(grove_rooted_get(b, rb0), FIX(20));
    grove_manual_unroot(a, ma0);
    grove_scope_exit(b, sb);
    grove_scope_exit(a, sa);
    ASSERT_NOT_REPORTED(&ra);
    ASSERT_NOT_REPORTED(&rb);
    grove_heap_destroy(a);
    grove_heap_destroy(b);
}
END_TEST

/* ---- roots made during a collection --------------------------------------------- */

/* What a root visitor or trace callback tries; each attempt must be refused
 * (GROVE_E_IN_GC: the root would never be updated) and leave a zero handle. */
struct in_gc_probe {
    grove_heap *heap;
    unsigned visits;
    grove_manual manual;
    grove_persistent persistent;
    grove_rooted rooted, frame;
    grove_error last_error;
};
enum { IN_GC_ATTEMPTS = 5 };
static struct in_gc_probe *in_gc;

static void make_roots_in_gc(void)
{
    grove_heap *h = in_gc->heap;
    in_gc->visits++;
    in_gc->manual = grove_manual_root(h, FIX(1));
    in_gc->last_error = grove_last_error(h);
    grove_persistent_init(h, &in_gc->persistent, FIX(2));
    grove_scope s = grove_scope_enter(h); /* a scope is no root: allowed */
    in_gc->rooted = grove_root(h, FIX(3));
    in_gc->frame = grove_root_n(h, 3);
    GROVE_LOCAL(h, void *, local, FIX(4));
    (void)local;
    grove_scope_exit(h, s);
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

/* One collection with the probe in it: every attempt was reported, made
 * nothing, and its handle is refused by the try_ forms. */
static void expect_roots_refused_in_gc(grove_heap *h, test_errors *rec, bool major)
{
    const uint32_t manual = grove_manual_count(h);
    const uint32_t depth = grove_scope_depth(h);
    in_gc->visits = 0;
    ck_assert_int_eq(major ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_ge(in_gc->visits, 1);
    ck_assert_uint_eq(rec->count, IN_GC_ATTEMPTS * in_gc->visits);
    ck_assert_int_eq(rec->code, GROVE_E_IN_GC);
    ck_assert_ptr_nonnull(strstr(rec->message, "during a collection"));
    test_errors_reset(rec);
    ck_assert_int_eq(in_gc->last_error, GROVE_E_IN_GC);
    ck_assert_uint_eq(grove_manual_count(h), manual);
    ck_assert_uint_eq(grove_scope_depth(h), depth);
    void *out = NULL;
    ASSERT_CODE(grove_manual_try_get(h, in_gc->manual, &out), GROVE_E_BAD_HANDLE);
    ASSERT_CODE(grove_manual_try_get(h, in_gc->persistent.handle, &out), GROVE_E_BAD_HANDLE);
    ASSERT_CODE(grove_manual_try_unroot(h, in_gc->manual), GROVE_E_BAD_HANDLE);
    ASSERT_CODE(grove_rooted_try_get(h, in_gc->rooted, &out), GROVE_E_BAD_HANDLE);
    ASSERT_CODE(grove_rooted_try_get(h, in_gc->frame, &out), GROVE_E_BAD_HANDLE);
    ASSERT_NOT_REPORTED(rec);
}

START_TEST(roots_refused_during_collection)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    struct in_gc_probe probe = {.heap = h};
    in_gc = &probe;
    grove_scope s = grove_scope_enter(h);
    grove_rooted keep = grove_root(h, test_cons(h, FIX(9), NULL));
    grove_manual kept = grove_manual_root(h, test_cons(h, FIX(8), NULL));

    ck_assert_int_eq(grove_add_root_visitor(h, visitor_making_roots, NULL), GROVE_OK);
    expect_roots_refused_in_gc(h, &rec, false);
    expect_roots_refused_in_gc(h, &rec, true);
    ck_assert_int_eq(grove_remove_root_visitor(h, visitor_making_roots, NULL), GROVE_OK);

    grove_rooted custom = grove_root(h, grove_alloc(h, tt.custom, custom_size(1, 0)));
    ck_assert_ptr_nonnull(grove_rooted_get(h, custom));
    custom_trace_hook = trace_hook_making_roots;
    expect_roots_refused_in_gc(h, &rec, false); /* custom is young: traced */
    expect_roots_refused_in_gc(h, &rec, true);
    custom_trace_hook = NULL;

    /* Nothing was corrupted, and outside a collection the same calls work. */
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, keep))->car, FIX(9));
    ck_assert_ptr_eq(((struct pair *)grove_manual_get(h, kept))->car, FIX(8));
    grove_rooted r = grove_root(h, test_cons(h, FIX(7), NULL));
    grove_rooted frame = grove_root_n(h, 2);
    grove_manual m = grove_manual_root(h, test_cons(h, FIX(6), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, r))->car, FIX(7));
    ck_assert_ptr_null(grove_rooted_get(h, grove_rooted_at(frame, 1)));
    ck_assert_ptr_eq(((struct pair *)grove_manual_get(h, m))->car, FIX(6));
    grove_manual_unroot(h, m);
    grove_manual_unroot(h, kept);
    grove_scope_exit(h, s);
    ck_assert_uint_eq(grove_manual_count(h), 0);
    ASSERT_NOT_REPORTED(&rec);
    in_gc = NULL;
    grove_heap_destroy(h);
}
END_TEST

/* A visitor that exits scopes entered before the collection (the table
 * then falls back to an enclosing scope's depth) and tries to root in
 * what is left open: still refused, at every depth down to none. */
struct exit_in_gc {
    grove_scope inner;
    grove_rooted after_inner;
    grove_error after_inner_error;
    uint32_t depth_after_inner;
    bool done; /* act in the first visit only (a major GC may visit twice) */
};

static void visitor_exiting_scopes(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)tracer;
    struct exit_in_gc *x = data;
    if (x->done)
        return;
    x->done = true;
    grove_scope_exit(heap, x->inner);
    x->depth_after_inner = grove_scope_depth(heap);
    x->after_inner = grove_root(heap, FIX(1));
    x->after_inner_error = grove_last_error(heap);
}

START_TEST(roots_refused_after_scope_exit_during_collection)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    struct exit_in_gc x = {0};
    grove_scope outer = grove_scope_enter(h);
    grove_rooted keep = grove_root(h, test_cons(h, FIX(9), NULL));
    x.inner = grove_scope_enter(h);
    (void)grove_root(h, FIX(2));
    ck_assert_int_eq(grove_add_root_visitor(h, visitor_exiting_scopes, &x), GROVE_OK);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_remove_root_visitor(h, visitor_exiting_scopes, &x), GROVE_OK);
    ck_assert_uint_eq(x.depth_after_inner, 1);
    ck_assert_uint_eq(x.after_inner.gen, 0);
    ck_assert_int_eq(x.after_inner_error, GROVE_E_IN_GC);
    ck_assert_uint_eq(rec.count, 1);
    ck_assert_ptr_nonnull(strstr(rec.message, "during a collection"));
    test_errors_reset(&rec);

    /* After the collection the outer scope roots again, fast path and all. */
    grove_rooted r = grove_root(h, FIX(3));
    ck_assert_ptr_eq(grove_rooted_get(h, r), FIX(3));
    ck_assert_ptr_eq(((struct pair *)grove_rooted_get(h, keep))->car, FIX(9));
    ASSERT_NOT_REPORTED(&rec);

    /* Exit every scope from inside a collection: rooting is still refused
     * as a collection-time misuse, and after it as "no scope". */
    x.inner = outer;
    x.done = false;
    ck_assert_int_eq(grove_add_root_visitor(h, visitor_exiting_scopes, &x), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_int_eq(grove_remove_root_visitor(h, visitor_exiting_scopes, &x), GROVE_OK);
    ck_assert_uint_eq(x.depth_after_inner, 0);
    ck_assert_int_eq(x.after_inner_error, GROVE_E_IN_GC);
    ck_assert_uint_eq(rec.count, 1);
    test_errors_reset(&rec);
    (void)grove_root(h, FIX(4));
    ck_assert_int_eq(rec.code, GROVE_E_NO_SCOPE);
    ck_assert_uint_eq(rec.count, 1);
    grove_heap_destroy(h);
}
END_TEST

/* In the child: a manual root made from a root visitor, default handler. */
static void visitor_rooting(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)tracer;
    (void)data;
    (void)grove_manual_root(heap, FIX(1));
}

static void root_in_visitor(void *unused)
{
    (void)unused;
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(grove_add_root_visitor(h, visitor_rooting, NULL), GROVE_OK);
    (void)grove_collect_minor(h);
}

START_TEST(root_in_visitor_aborts_by_default)
{
    test_expect_abort(root_in_visitor, NULL,
                      "grove: GROVE_E_IN_GC: grove_manual_root during a collection (from a root "
                      "visitor or a trace callback): the root would not be updated");
}
END_TEST

/* ---- volume -------------------------------------------------------------------- */

START_TEST(many_scoped_roots)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(100000, 3000);
    grove_rooted *r = malloc(n * sizeof *r);
    ck_assert_ptr_nonnull(r);
    grove_scope s = grove_scope_enter(h);
    for (size_t i = 0; i < n; i++)
        r[i] = grove_root(h, test_cons(h, FIX(i), NULL));
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        for (size_t i = 0; i < n; i++)
            if (((struct pair *)grove_rooted_get(h, r[i]))->car != FIX(i))
                ck_abort_msg("root %zu lost its object", i);
    }
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    free(r);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(many_manual_roots)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(100000, 3000);
    grove_manual *m = malloc(n * sizeof *m);
    ck_assert_ptr_nonnull(m);
    for (size_t i = 0; i < n; i++)
        m[i] = grove_manual_root(h, test_cons(h, FIX(i), NULL));
    ck_assert_uint_eq(grove_manual_count(h), n);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    for (size_t i = 0; i < n; i += 2)
        grove_manual_unroot(h, m[i]);
    ck_assert_uint_eq(grove_manual_count(h), n / 2);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    for (size_t i = 1; i < n; i += 2)
        if (((struct pair *)grove_manual_get(h, m[i]))->car != FIX(i))
            ck_abort_msg("manual root %zu lost its object", i);
    for (size_t i = 1; i < n; i += 2)
        grove_manual_unroot(h, m[i]);
    ck_assert_uint_eq(grove_manual_count(h), 0);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).live_bytes, 0);
    free(m);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- handles are values ------------------------------------------------------ */

struct handoff {
    grove_heap *heap;
    grove_manual handle;
    void *seen;
};

static void *read_handle(void *arg)
{
    struct handoff *x = arg;
    x->seen = grove_manual_get(x->heap, x->handle);
    return NULL;
}

START_TEST(handles_are_values)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    grove_rooted r = grove_root(h, test_cons(h, FIX(1), NULL));
    grove_rooted *copy = malloc(sizeof *copy);
    ck_assert_ptr_nonnull(copy);
    *copy = r;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(grove_rooted_get(h, *copy), grove_rooted_get(h, r));
    free(copy);

    /* A manual handle sent to another thread, used there while this one
     * waits (one thread at a time on the heap). */
    struct handoff x = {h, grove_manual_root(h, test_cons(h, FIX(2), NULL)), NULL};
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, read_handle, &x), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_ptr_eq(x.seen, grove_manual_get(h, x.handle));
    ck_assert_ptr_eq(((struct pair *)x.seen)->car, FIX(2));
    grove_manual_unroot(h, x.handle);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *indexed_suite(void)
{
    Suite *s = suite_create("indexed_roots");
    TCase *tc = test_tcase(s, "scoped");
    tcase_add_test(tc, scoped_handle_dies_at_scope_exit);
    tcase_add_test(tc, nested_scopes);
    tcase_add_test(tc, exit_outer_closes_inner);
    tcase_add_test(tc, longjmp_then_exit_outer);
    tc = test_tcase(s, "manual");
    tcase_add_test(tc, manual_roots_any_order);
    tcase_add_test(tc, manual_set_and_get);
    tcase_add_test(tc, manual_slot_reuse);
    tc = test_tcase(s, "misuse");
    tcase_add_test(tc, scope_exited_twice);
    tcase_add_test(tc, scope_reentered_at_same_depth);
    tcase_add_test(tc, stale_scope_exit_aborts_by_default);
    tcase_add_test(tc, forged_scope_top_refused);
    tcase_add_test(tc, root_without_scope);
    tcase_add_test(tc, bad_handles);
    tcase_add_test(tc, foreign_handles);
    tcase_add_test(tc, double_unroot);
    tcase_add_test(tc, roots_refused_during_collection);
    tcase_add_test(tc, roots_refused_after_scope_exit_during_collection);
    tcase_add_test(tc, root_in_visitor_aborts_by_default);
    tc = test_tcase(s, "generations");
    tcase_add_test(tc, stale_scoped_handle_stays_stale_past_former_wrap);
    tcase_add_test(tc, stale_scope_exit_refused_past_former_wrap);
    tcase_add_test(tc, stale_manual_handle_stays_stale_past_former_wrap);
    tcase_add_test(tc, foreign_handles_past_former_wrap);
    tc = test_tcase(s, "volume");
    tcase_add_test(tc, many_scoped_roots);
    tcase_add_test(tc, many_manual_roots);
    tcase_add_test(tc, handles_are_values);
    return s;
}

int main(void)
{
    return test_main(indexed_suite());
}
