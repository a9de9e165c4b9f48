/* test_barrier.c — the write barrier: an old object that gains a pointer to
 * a young object keeps it alive (and updated) through a minor collection,
 * with no other root to the young object. */
#include "support.h"

#include <string.h>

/* Allocate and dirty about `bytes` of unrooted garbage, so that memory the
 * nursery held before is reused: a young object that was not evacuated
 * would be overwritten. */
static void churn(grove_heap *h, size_t bytes)
{
    for (size_t done = 0; done < bytes;) {
        void *g = grove_alloc(h, tt.bytes, 2000);
        ck_assert_ptr_nonnull(g);
        memset(g, 0x5A, 2000);
        done += 2008;
    }
}

/* A promoted (old) pair, rooted by the caller's local. */
static void make_old(grove_heap *h)
{
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
}

START_TEST(grove_write_keeps_young)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, FIX(0), FIX(0)));
    make_old(h);
    uintptr_t old_addr = (uintptr_t)GROVE_GET(h, old);

    struct pair *young = grove_alloc(h, tt.pair, sizeof *young);
    ck_assert_ptr_nonnull(young);
    young->car = FIX(42);
    young->cdr = FIX(43);
    uintptr_t young_addr = (uintptr_t)young;
    struct pair *o = GROVE_GET(h, old);
    grove_write(h, o, &o->car, young);
    young = NULL; /* only the old object refers to it now */

    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    o = GROVE_GET(h, old);
    ck_assert_uint_eq((uintptr_t)o, old_addr); /* old objects do not move in a minor GC */
    ck_assert_uint_ne((uintptr_t)o->car, young_addr); /* the young one was evacuated */
    ck_assert_uint_eq(grove_object_type(o->car), tt.pair);
    ck_assert_ptr_eq(((struct pair *)o->car)->car, FIX(42));
    ck_assert_ptr_eq(((struct pair *)o->car)->cdr, FIX(43));
    churn(h, (size_t)2 << 20);
    o = GROVE_GET(h, old);
    ck_assert_ptr_eq(((struct pair *)o->car)->car, FIX(42));
    ck_assert_ptr_eq(((struct pair *)o->car)->cdr, FIX(43));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(grove_store_macro)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, FIX(0), FIX(0)));
    GROVE_LOCAL(h, struct mixed *, oldm, grove_alloc(h, tt.mixed, sizeof(struct mixed)));
    make_old(h);

    struct pair *y1 = test_cons(h, FIX(1), FIX(11));
    ck_assert_ptr_nonnull(y1);
    struct pair *o = GROVE_GET(h, old);
    GROVE_STORE(h, o, cdr, y1);
    struct pair *y2 = test_cons(h, FIX(2), FIX(22));
    ck_assert_ptr_nonnull(y2);
    struct mixed *m = GROVE_GET(h, oldm);
    m->raw2 = 0x4000; /* raw words next to the slot stay as they are */
    GROVE_STORE(h, m, b, y2);

    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    o = GROVE_GET(h, old);
    ck_assert_ptr_eq(((struct pair *)o->cdr)->car, FIX(1));
    ck_assert_ptr_eq(((struct pair *)o->cdr)->cdr, FIX(11));
    m = GROVE_GET(h, oldm);
    ck_assert_ptr_eq(((struct pair *)m->b)->car, FIX(2));
    ck_assert_ptr_eq(((struct pair *)m->b)->cdr, FIX(22));
    ck_assert_uint_eq(m->raw2, 0x4000);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(grove_write_n_range)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 16 };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, old, grove_alloc_array(h, tt.array, N + 4));
    make_old(h);
    /* Young objects, rooted in a young array while they are made. */
    GROVE_LOCAL(h, void **, tmp, grove_alloc_array(h, tt.array, N));
    for (int i = 0; i < N; i++) {
        struct pair *p = test_cons(h, FIX(i), FIX(100 + i));
        ck_assert_ptr_nonnull(p);
        void **t = GROVE_GET(h, tmp);
        grove_write(h, t, &t[i], p);
    }
    void *src[N];
    memcpy(src, GROVE_GET(h, tmp), sizeof src);
    void **o = GROVE_GET(h, old);
    o[0] = FIX(-1);
    o[N + 3] = FIX(-2);
    grove_write_n(h, o, &o[2], src, N); /* slots 2 .. N+1 */
    GROVE_SET(h, tmp, NULL);
    memset(src, 0, sizeof src);

    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    o = GROVE_GET(h, old);
    ck_assert_ptr_eq(o[0], FIX(-1));
    ck_assert_ptr_null(o[1]);
    ck_assert_ptr_null(o[N + 2]);
    ck_assert_ptr_eq(o[N + 3], FIX(-2));
    for (int i = 0; i < N; i++) {
        struct pair *p = o[2 + i];
        ck_assert_uint_eq(grove_object_type(p), tt.pair);
        ck_assert_ptr_eq(p->car, FIX(i));
        ck_assert_ptr_eq(p->cdr, FIX(100 + i));
    }
    /* n == 0 is allowed and stores nothing. */
    grove_write_n(h, o, &o[0], src, 0);
    ck_assert_ptr_eq(o[0], FIX(-1));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Large objects are born old: storing young pointers into them needs the
 * barrier too. */
START_TEST(large_object_barrier)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = 2000; /* 16000 bytes: a large object */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, big, grove_alloc_array(h, tt.array, n));
    ck_assert_ptr_nonnull(GROVE_GET(h, big));
    for (size_t i = 0; i < n; i += 7) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        ck_assert_ptr_nonnull(p);
        void **b = GROVE_GET(h, big);
        grove_write(h, b, &b[i], p);
    }
    /* One more through grove_write_n at the very end of the object. */
    {
        struct pair *p = test_cons(h, FIX(n - 1), NULL);
        void **b = GROVE_GET(h, big);
        void *one[1] = {p};
        grove_write_n(h, b, &b[n - 1], one, 1);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    void **b = GROVE_GET(h, big);
    for (size_t i = 0; i < n; i++) {
        if (i % 7 == 0 || i == n - 1) {
            ck_assert_uint_eq(grove_object_type(b[i]), tt.pair);
            ck_assert_ptr_eq(((struct pair *)b[i])->car, FIX(i));
        } else {
            ck_assert_ptr_null(b[i]);
        }
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The young object reached from the old one holds more young objects, only
 * reachable through it. */
START_TEST(young_subgraph_behind_old)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, NULL, NULL));
    make_old(h);
    struct pair *young = test_list(h, 500, 7);
    ck_assert_ptr_nonnull(young);
    struct pair *o = GROVE_GET(h, old);
    grove_write(h, o, &o->car, young);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, old)->car, 500, 7), 500);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Overwriting the slot: only the last young value is kept. The first one
 * is garbage and must not confuse the collector. */
START_TEST(overwritten_slot)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, NULL, NULL));
    make_old(h);
    for (int i = 0; i < 10; i++) {
        struct pair *y = test_cons(h, FIX(i), NULL);
        struct pair *o = GROVE_GET(h, old);
        grove_write(h, o, &o->car, y);
    }
    /* Then an immediate over a young pointer in the other slot. */
    {
        struct pair *y = test_cons(h, FIX(99), NULL);
        struct pair *o = GROVE_GET(h, old);
        grove_write(h, o, &o->cdr, y);
        grove_write(h, o, &o->cdr, FIX(5));
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    struct pair *o = GROVE_GET(h, old);
    ck_assert_ptr_eq(((struct pair *)o->car)->car, FIX(9));
    ck_assert_ptr_eq(o->cdr, FIX(5));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A queue whose tail is always old: each round appends a young cell through
 * the barrier, then collects. Every cell must survive. */
START_TEST(growing_old_queue)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const int rounds = (int)test_size(300, 60);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, head, test_cons(h, FIX(0), NULL));
    GROVE_LOCAL(h, struct pair *, tail, GROVE_GET(h, head));
    make_old(h);
    for (int i = 1; i <= rounds; i++) {
        struct pair *y = test_cons(h, FIX(i), NULL);
        ck_assert_ptr_nonnull(y);
        struct pair *t = GROVE_GET(h, tail);
        grove_write(h, t, &t->cdr, y);
        GROVE_SET(h, tail, y);
        /* Alternate forced and allocation-driven collections. */
        if (i % 2)
            ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        else
            ck_assert_ptr_nonnull(test_list(h, 300, 0));
        if (i % 50 == 0)
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, head), (size_t)rounds + 1, 0),
                      (size_t)rounds + 1);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old-to-young pointer must also be honoured by a major collection
 * happening before any minor one. */
START_TEST(barrier_then_major)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, NULL, NULL));
    make_old(h);
    struct pair *y = test_list(h, 100, 3);
    struct pair *o = GROVE_GET(h, old);
    grove_write(h, o, &o->cdr, y);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, old)->cdr, 100, 3), 100);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, old)->cdr, 100, 3), 100);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Stores into young objects and of immediates need no remembering; the
 * barrier on them is harmless. */
START_TEST(barrier_noop_cases)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, NULL, NULL));
    make_old(h);
    grove_stats s0 = test_stats(h);
    struct pair *o = GROVE_GET(h, old);
    grove_write(h, o, &o->car, FIX(1));
    grove_write(h, o, &o->cdr, NULL);
    /* old -> old */
    grove_write(h, o, &o->cdr, o);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.remembered_set_size, s0.remembered_set_size);
    /* young -> young (under zeal y may have been promoted meanwhile, and
     * then remembering it is right) */
    GROVE_LOCAL(h, struct pair *, y, test_cons(h, NULL, NULL));
    struct pair *z = test_cons(h, FIX(8), NULL);
    struct pair *yy = GROVE_GET(h, y);
    grove_write(h, yy, &yy->car, z);
    s1 = test_stats(h);
    if (!test_zeal())
        ck_assert_uint_eq(s1.remembered_set_size, s0.remembered_set_size);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)GROVE_GET(h, y)->car)->car, FIX(8));
    ck_assert_ptr_eq(GROVE_GET(h, old)->cdr, GROVE_GET(h, old));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *barrier_suite(void)
{
    Suite *s = suite_create("barrier");
    TCase *tc = test_tcase(s, "barrier");
    tcase_add_test(tc, grove_write_keeps_young);
    tcase_add_test(tc, grove_store_macro);
    tcase_add_test(tc, grove_write_n_range);
    tcase_add_test(tc, large_object_barrier);
    tcase_add_test(tc, young_subgraph_behind_old);
    tcase_add_test(tc, overwritten_slot);
    tcase_add_test(tc, growing_old_queue);
    tcase_add_test(tc, barrier_then_major);
    tcase_add_test(tc, barrier_noop_cases);
    return s;
}

int main(void)
{
    return test_main(barrier_suite());
}
