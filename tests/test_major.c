/* test_major.c — major collections: unreachable objects are freed, reachable
 * ones kept (cycles included), huge and deep structures survive without
 * recursion. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

static const size_t PAIR_BYTES = sizeof(struct pair) + 8;

START_TEST(unreachable_freed)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(20000, 2000);
    const size_t big = 500000;
    grove_scope keep_scope = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 100, 0));

    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, garbage, test_list(h, n, 0));
    ck_assert_ptr_nonnull(GROVE_GET(h, garbage));
    GROVE_LOCAL(h, void *, big_garbage, grove_alloc(h, tt.bytes, big));
    ck_assert_ptr_nonnull(GROVE_GET(h, big_garbage));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* promote the list */
    grove_stats s0 = test_stats(h);
    ck_assert_uint_ge(s0.live_bytes, n * PAIR_BYTES + big);
    grove_scope_exit(h, s); /* now garbage */

    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.major_collections, s0.major_collections + 1);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, n * PAIR_BYTES + big);
    ck_assert_uint_ge(s0.live_bytes - s1.live_bytes, n * PAIR_BYTES + big);
    ck_assert_uint_lt(s1.heap_bytes, s0.heap_bytes); /* the large object went back */
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 100, 0), 100);
    grove_scope_exit(h, keep_scope);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(cycles)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    /* A reachable 3-cycle and a self-loop. */
    GROVE_LOCAL(h, struct pair *, a, test_cons(h, FIX(1), NULL));
    GROVE_LOCAL(h, struct pair *, b, test_cons(h, FIX(2), GROVE_GET(h, a)));
    GROVE_LOCAL(h, struct pair *, c, test_cons(h, FIX(3), GROVE_GET(h, b)));
    struct pair *pa = GROVE_GET(h, a);
    grove_write(h, pa, &pa->cdr, GROVE_GET(h, c)); /* a -> c -> b -> a */
    GROVE_LOCAL(h, struct pair *, self, test_cons(h, FIX(4), NULL));
    struct pair *ps = GROVE_GET(h, self);
    grove_write(h, ps, &ps->cdr, ps);
    GROVE_SET(h, b, NULL);
    GROVE_SET(h, c, NULL);

    /* An unreachable cycle of 1000 promoted cells. */
    const size_t n = 1000;
    grove_scope inner = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, ring, test_list(h, n, 0));
    {
        struct pair *last = GROVE_GET(h, ring);
        while (last->cdr)
            last = last->cdr;
        grove_write(h, last, &last->cdr, GROVE_GET(h, ring));
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s0 = test_stats(h);
    grove_scope_exit(h, inner);

    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        struct pair *x = GROVE_GET(h, a);
        ck_assert_ptr_eq(x->car, FIX(1));
        x = x->cdr;
        ck_assert_ptr_eq(x->car, FIX(3));
        x = x->cdr;
        ck_assert_ptr_eq(x->car, FIX(2));
        x = x->cdr;
        ck_assert_ptr_eq(x, GROVE_GET(h, a));
        ck_assert_ptr_eq(GROVE_GET(h, self)->cdr, GROVE_GET(h, self));
        ck_assert_ptr_eq(GROVE_GET(h, self)->car, FIX(4));
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    }
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, n * PAIR_BYTES);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* With the same live set, live_bytes after every major collection is the
 * same however much garbage came and went in between. */
START_TEST(live_bytes_steady)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 300, 0));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    const uint64_t base = test_stats(h).live_bytes;
    ck_assert_uint_ge(base, 300 * PAIR_BYTES);
    for (int round = 0; round < 5; round++) {
        grove_scope g = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, junk, test_list(h, test_size(8000, 500), 0));
        GROVE_LOCAL(h, void *, big, grove_alloc(h, tt.bytes, 100000 + (size_t)round * 1000));
        ck_assert_ptr_nonnull(GROVE_GET(h, junk));
        ck_assert_ptr_nonnull(GROVE_GET(h, big));
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_uint_gt(test_stats(h).live_bytes, base);
        grove_scope_exit(h, g);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_uint_eq(test_stats(h).live_bytes, base);
        ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 300, 0), 300);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Ten million cells, built, collected (minor and major), then walked. */
START_TEST(ten_million_list)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    grove_heap *h = test_heap_config(&c, &rec);
    const size_t n = test_size(10000000, 10000);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    for (size_t i = n; i-- > 0;) {
        struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
        REQUIRE(p != NULL);
        p->car = FIX(i);
        grove_write(h, p, &p->cdr, GROVE_GET(h, list));
        GROVE_SET(h, list, p);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s0 = test_stats(h);
    ck_assert_uint_eq(s0.bytes_promoted, n * PAIR_BYTES); /* each cell copied once */
    ck_assert_uint_ge(s0.live_bytes, n * PAIR_BYTES);
    size_t i = 0;
    for (const struct pair *p = GROVE_GET(h, list); p; p = p->cdr, i++) {
        if (p->car != FIX(i))
            ck_abort_msg("element %zu holds %p", i, p->car);
    }
    ck_assert_uint_eq(i, n);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, n * PAIR_BYTES);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A complete binary tree: leaves are pairs (FIX(k), NULL) numbered in
 * order. */
static struct pair *build_tree(grove_heap *h, int depth, uintptr_t *next)
{
    if (depth == 0)
        return test_cons(h, FIX((*next)++), NULL);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, left, build_tree(h, depth - 1, next));
    struct pair *right = build_tree(h, depth - 1, next);
    struct pair *node = test_cons(h, GROVE_GET(h, left), right);
    grove_scope_exit(h, s);
    return node;
}

/* Returns the number of nodes; fails on a bad leaf. */
static size_t check_tree(const struct pair *t, int depth, uintptr_t *next)
{
    REQUIRE(grove_object_type(t) == tt.pair);
    if (depth == 0) {
        REQUIRE(t->car == FIX(*next));
        REQUIRE(t->cdr == NULL);
        (*next)++;
        return 1;
    }
    size_t l = check_tree(t->car, depth - 1, next);
    return 1 + l + check_tree(t->cdr, depth - 1, next);
}

START_TEST(deep_tree)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const int depth = (int)test_size(17, 8);
    uintptr_t next = 0;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, tree, build_tree(h, depth, &next));
    ck_assert_uint_eq(next, (uintptr_t)1 << depth);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_minor(h) : grove_collect_major(h), GROVE_OK);
        uintptr_t k = 0;
        ck_assert_uint_eq(check_tree(GROVE_GET(h, tree), depth, &k),
                          ((size_t)2 << depth) - 1);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Chains that are deep through other slots than a list's cdr: the car of
 * pairs, the last slot of a record, the first slot of arrays, a custom
 * object's slot. Marking must not recurse. */
START_TEST(deep_spines)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t m = test_size(1000000, 2000);
    const size_t q = m / 4;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, car_spine, NULL);
    GROVE_LOCAL(h, struct mixed *, rec_spine, NULL);
    GROVE_LOCAL(h, void **, arr_spine, NULL);
    GROVE_LOCAL(h, struct custom *, cus_spine, NULL);
    for (size_t i = m; i-- > 0;) {
        struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
        REQUIRE(p != NULL);
        grove_write(h, p, &p->car, GROVE_GET(h, car_spine));
        p->cdr = FIX(i);
        GROVE_SET(h, car_spine, p);
    }
    for (size_t i = q; i-- > 0;) {
        struct mixed *r = grove_alloc(h, tt.mixed, sizeof *r);
        REQUIRE(r != NULL);
        r->a = FIX(i);
        r->raw1 = r->raw2 = r->raw3 = 0x10; /* aligned raw words */
        grove_write(h, r, &r->c, GROVE_GET(h, rec_spine));
        GROVE_SET(h, rec_spine, r);

        void **a = grove_alloc_array(h, tt.array, 2);
        REQUIRE(a != NULL);
        grove_write(h, a, &a[0], GROVE_GET(h, arr_spine));
        a[1] = FIX(i);
        GROVE_SET(h, arr_spine, a);

        struct custom *c = grove_alloc(h, tt.custom, custom_size(1, 0));
        REQUIRE(c != NULL);
        c->nslots = 1;
        c->guard = i * 8;
        grove_write(h, c, &c->slots[0], GROVE_GET(h, cus_spine));
        GROVE_SET(h, cus_spine, c);
    }
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(round ? grove_collect_minor(h) : grove_collect_major(h), GROVE_OK);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        size_t i = 0;
        for (const struct pair *p = GROVE_GET(h, car_spine); p; p = p->car, i++)
            if (p->cdr != FIX(i))
                ck_abort_msg("car spine %zu", i);
        ck_assert_uint_eq(i, m);
        i = 0;
        for (const struct mixed *r = GROVE_GET(h, rec_spine); r; r = r->c, i++)
            if (r->a != FIX(i) || r->raw1 != 0x10 || r->raw3 != 0x10)
                ck_abort_msg("record spine %zu", i);
        ck_assert_uint_eq(i, q);
        i = 0;
        for (void *const *a = GROVE_GET(h, arr_spine); a; a = a[0], i++)
            if (a[1] != FIX(i))
                ck_abort_msg("array spine %zu", i);
        ck_assert_uint_eq(i, q);
        i = 0;
        for (const struct custom *c = GROVE_GET(h, cus_spine); c; c = c->slots[0], i++)
            if (c->nslots != 1 || c->guard != i * 8)
                ck_abort_msg("custom spine %zu", i);
        ck_assert_uint_eq(i, q);
    }
    ck_assert_uint_eq(custom_trace_bad_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A major collection keeps rooted young objects too. */
START_TEST(major_keeps_young)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, young, test_list(h, 1000, 5));
    GROVE_LOCAL(h, unsigned char *, bytes, grove_alloc(h, tt.bytes, 300));
    test_fill_pattern(GROVE_GET(h, bytes), 300, 9);
    ck_assert_ptr_nonnull(test_list(h, 1000, 0)); /* young garbage */
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, young), 1000, 5), 1000);
    ck_assert(test_check_pattern(GROVE_GET(h, bytes), 300, 9));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, young), 1000, 5), 1000);
    ck_assert(test_check_pattern(GROVE_GET(h, bytes), 300, 9));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Major collections start by themselves as old space grows, and reclaimed
 * memory is reused: the heap never holds everything ever promoted. */
START_TEST(automatic_major)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)256 << 10;
    c.major_min_bytes = (size_t)1 << 20;
    c.growth_factor = 2.0;
    grove_heap *h = test_heap_config(&c, &rec);
    /* Full size unless under zeal (whose own majors make the point): the
     * reduced run would stay below the threshold that starts a major. */
    const size_t ring = test_zeal() ? 16 : 64, cells = test_zeal() ? 100 : 500;
    const size_t rounds = test_zeal() ? 100 : 800;
    grove_persistent *slots = calloc(ring, sizeof *slots);
    ck_assert_ptr_nonnull(slots);
    for (size_t i = 0; i < ring; i++)
        grove_persistent_init(h, &slots[i], NULL);
    for (size_t r = 0; r < rounds; r++) {
        struct pair *l = test_list(h, cells, r);
        ck_assert_ptr_nonnull(l);
        grove_persistent_set(h, &slots[r % ring], l);
    }
    grove_stats st = test_stats(h);
    ck_assert_uint_ge(st.major_collections, 1);
    ck_assert_uint_gt(st.bytes_freed, 0);
    if (!test_zeal()) /* zeal shrinks the run below a nursery's worth */
        ck_assert_uint_lt(st.peak_heap_bytes, st.bytes_promoted);
    for (size_t i = 0; i < ring; i++) {
        size_t r = rounds - ring + i;
        ck_assert_uint_eq(test_list_check(grove_persistent_get(h, &slots[r % ring]), cells, r),
                          cells);
        grove_persistent_drop(h, &slots[r % ring]);
    }
    free(slots);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- lazy sweeping ---------------------------------------------------------- */

/* Drop every other pair of a promoted list: each old-space block keeps live
 * and dead cells, so none is released. */
static void drop_every_other(grove_heap *h, struct pair *list)
{
    for (struct pair *p = list; p && p->cdr; p = p->cdr)
        grove_write(h, p, &p->cdr, ((struct pair *)p->cdr)->cdr);
}

/* The major GC reports exactly the bytes it found dead, though their cells
 * are freed later; those cells take the next promotions before the heap
 * grows. */
START_TEST(lazy_sweep_reuses_dead_cells)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_zeal() ? 1500 : test_size(40000, 8000);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, 2 * n, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    drop_every_other(h, GROVE_GET(h, list));
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.bytes_freed - s0.bytes_freed, n * PAIR_BYTES);
    ck_assert_uint_eq(s0.live_bytes - s1.live_bytes, n * PAIR_BYTES);
    ck_assert_uint_eq(s1.heap_bytes, s0.heap_bytes); /* no block emptied */

    GROVE_LOCAL(h, struct pair *, fresh, test_list(h, n, 7));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.heap_bytes, s1.heap_bytes); /* the dead cells were enough */
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, fresh), n, 7), n);
    size_t i = 0;
    for (struct pair *p = GROVE_GET(h, list); p; p = p->cdr, i += 2)
        ck_assert_ptr_eq(p->car, FIX(i));
    ck_assert_uint_eq(i, 2 * n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static void count_limit_majors(grove_heap *heap, const grove_event *e, void *data)
{
    (void)heap;
    if (e->type == GROVE_EVENT_COLLECTION_START && e->kind == GROVE_MAJOR &&
        e->reason == GROVE_REASON_HEAP_LIMIT)
        ++*(unsigned *)data;
}

/* Arrays of the largest small size, 63 to a block: block geometry with few
 * objects (zeal verifies the whole heap every few allocations). Slot 0
 * links the list, slot 1 holds the element's number. */
enum { BIG_SLOTS = 510, BIG_PER_BLOCK = ((256 << 10) - 64) / 4096 };

static void *big_list(grove_heap *h, size_t n, uintptr_t first)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, list, NULL);
    for (size_t i = n; i-- > 0;) {
        void **a = grove_alloc_array(h, tt.array, BIG_SLOTS);
        ck_assert_ptr_nonnull(a);
        a[1] = FIX(first + i);
        grove_write(h, a, &a[0], GROVE_GET(h, list));
        GROVE_SET(h, list, a);
    }
    void *result = GROVE_GET(h, list);
    grove_scope_exit(h, s);
    return result;
}

static size_t big_list_check(void **list, uintptr_t first, size_t step)
{
    size_t n = 0;
    for (void **a = list; a; a = a[0], n++)
        REQUIRE(a[1] == FIX(first + n * step));
    return n;
}

static void big_drop_every_other(grove_heap *h, void **list)
{
    for (void **a = list; a && a[0]; a = a[0])
        grove_write(h, a, &a[0], ((void **)a[0])[0]);
}

/* Near the heap limit, the cells a lazy sweep has still to free count as
 * room: promoting into them needs no full collection. */
START_TEST(lazy_sweep_counts_waiting_cells_under_the_limit)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    const size_t block = (size_t)256 << 10;
    c.nursery_size = (size_t)4 << 20;
    c.max_heap_size = c.nursery_size + 7 * block;
    grove_heap *h = test_heap_config(&c, &rec);
    unsigned limit_majors = 0;
    ck_assert_int_eq(grove_add_event_listener(h, count_limit_majors, &limit_majors), GROVE_OK);
    const size_t n = 3 * BIG_PER_BLOCK; /* 2n arrays: six blocks, n of them die */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, list, big_list(h, 2 * n, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    big_drop_every_other(h, GROVE_GET(h, list));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(limit_majors, 0);

    /* Three blocks' worth of new arrays: only one block of room is left
     * unless the waiting cells count. */
    GROVE_LOCAL(h, void **, fresh, big_list(h, n, 3));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(limit_majors, 0);
    ck_assert_uint_eq(big_list_check(GROVE_GET(h, fresh), 3, 1), n);
    ck_assert_uint_eq(big_list_check(GROVE_GET(h, list), 0, 2), n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A major GC that starts while blocks still wait for the lazy sweep frees
 * their dead cells first, then what it finds dead itself: with nothing left
 * alive, every block goes back. */
START_TEST(major_finishes_the_lazy_sweep)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    grove_heap *h = test_heap_config(&c, &rec);
    const size_t n = test_zeal() ? 1500 : test_size(40000, 8000);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, 2 * n, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    drop_every_other(h, GROVE_GET(h, list));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s0 = test_stats(h);
    ck_assert_uint_eq(s0.live_bytes, n * PAIR_BYTES);
    ck_assert_uint_gt(s0.heap_bytes, c.nursery_size);
    GROVE_SET(h, list, NULL);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.live_bytes, 0);
    ck_assert_uint_eq(s1.bytes_freed - s0.bytes_freed, n * PAIR_BYTES);
    ck_assert_uint_eq(s1.heap_bytes, c.nursery_size);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *major_suite(void)
{
    Suite *s = suite_create("major");
    TCase *tc = test_tcase(s, "reclaim");
    tcase_add_test(tc, unreachable_freed);
    tcase_add_test(tc, cycles);
    tcase_add_test(tc, live_bytes_steady);
    tcase_add_test(tc, major_keeps_young);
    tcase_add_test(tc, automatic_major);
    tc = test_tcase(s, "lazy_sweep");
    tcase_add_test(tc, lazy_sweep_reuses_dead_cells);
    tcase_add_test(tc, lazy_sweep_counts_waiting_cells_under_the_limit);
    tcase_add_test(tc, major_finishes_the_lazy_sweep);
    tc = test_tcase(s, "ten_million");
    tcase_add_test(tc, ten_million_list);
    tc = test_tcase(s, "deep");
    tcase_add_test(tc, deep_tree);
    tcase_add_test(tc, deep_spines);
    return s;
}

int main(void)
{
    return test_main(major_suite());
}
