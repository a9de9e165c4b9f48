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

/* ---- card marking (large arrays) ------------------------------------------- */

/* Each test allocates its young pair right before the stores it checks,
 * with no allocation in between: under zeal a minor GC may run at any
 * allocation, and would clear the cards being counted. */

/* Cards are 256 bytes, aligned on addresses (grove_write's documentation). */
static uintptr_t card_of(const void *slot)
{
    return (uintptr_t)slot >> 8;
}

static grove_stats stats_of(grove_heap *h)
{
    grove_stats st;
    grove_get_stats(h, &st);
    return st;
}

/* Slot i of an array holds a pair whose car is FIX(tag). */
static void check_slot_pair(void **a, size_t i, long tag)
{
    struct pair *p = a[i];
    ck_assert_msg(p && grove_object_type(p) == tt.pair, "slot %zu holds no pair", i);
    ck_assert_msg(p->car == FIX(tag), "slot %zu: not the pair tagged %ld", i, tag);
}

/* One young pointer in an old 256-slot array: the minor GC scans one card
 * of it, not the whole array (remembered_objects_scanned does not move),
 * and the young pair survives through the card alone. */
START_TEST(one_young_pointer_marks_one_card)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, 256));
    make_old(h);
    struct pair *young = test_cons(h, FIX(100), NULL);
    ck_assert_ptr_nonnull(young);
    grove_stats before = stats_of(h);
    ck_assert_uint_eq(before.remembered_cards, 0);
    void **a = GROVE_GET(h, arr);
    grove_write(h, a, &a[100], young);
    grove_write(h, a, &a[100], young); /* again: the card is marked once */
    grove_stats marked = stats_of(h);
    ck_assert_uint_eq(marked.remembered_cards, 1);
    ck_assert_uint_eq(marked.remembered_set_size, 0); /* not logged whole */

    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = stats_of(h);
    ck_assert_uint_eq(after.remembered_cards, 0);
    ck_assert_uint_eq(after.remembered_cards_scanned - before.remembered_cards_scanned, 1);
    ck_assert_uint_eq(after.remembered_objects_scanned, before.remembered_objects_scanned);
    churn(h, (size_t)2 << 20);
    a = GROVE_GET(h, arr);
    check_slot_pair(a, 100, 100);
    for (size_t i = 0; i < 256; i++)
        if (i != 100)
            ck_assert_ptr_null(a[i]);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A young pointer in every slot: one card per 256 bytes the array spans,
 * each marked once, the array not logged; every slot is updated, to the
 * same copy. */
START_TEST(every_slot_written_marks_each_card_once)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, 256));
    make_old(h);
    struct pair *young = test_cons(h, FIX(7), NULL);
    ck_assert_ptr_nonnull(young);
    void **a = GROVE_GET(h, arr);
    size_t spanned = (size_t)(card_of(&a[255]) - card_of(&a[0]) + 1);
    for (size_t i = 0; i < 256; i++)
        grove_write(h, a, &a[i], young);
    grove_stats before = stats_of(h);
    ck_assert_uint_eq(before.remembered_cards, spanned);
    ck_assert_uint_eq(before.remembered_set_size, 0);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = stats_of(h);
    ck_assert_uint_eq(after.remembered_cards_scanned - before.remembered_cards_scanned, spanned);
    ck_assert_uint_eq(after.remembered_objects_scanned, before.remembered_objects_scanned);
    churn(h, (size_t)2 << 20);
    a = GROVE_GET(h, arr);
    for (size_t i = 0; i < 256; i++) {
        check_slot_pair(a, i, 7);
        ck_assert_ptr_eq(a[i], a[0]);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Old arrays side by side share a card (old-space cells are not card
 * aligned). The lower array's store marks it; the upper one's store into
 * the same card finds it marked: the card's scan must cover both. Arrays
 * of 191 slots fill their 1536-byte cells, so neighbours are adjacent. */
START_TEST(neighbour_arrays_share_a_card)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    enum { ARRAYS = 16, SLOTS = 191 };
    GROVE_LOCAL(h, void **, holder, grove_alloc_array(h, tt.array, ARRAYS));
    for (size_t i = 0; i < ARRAYS; i++) {
        void *p = grove_alloc_pinned(h, tt.array, SLOTS * sizeof(void *)); /* born old */
        ck_assert_ptr_nonnull(p);
        void **hd = GROVE_GET(h, holder);
        grove_write(h, hd, &hd[i], p);
    }
    /* Two arrays, lo right below hi (its header follows lo's last slot),
     * whose boundary is inside a card. */
    size_t lo = ARRAYS, hi = ARRAYS;
    void **hd = GROVE_GET(h, holder);
    for (size_t i = 0; i < ARRAYS && lo == ARRAYS; i++)
        for (size_t j = 0; j < ARRAYS; j++) {
            void **a = hd[i], **b = hd[j];
            if ((uintptr_t)b == (uintptr_t)&a[SLOTS] + 8 && card_of(&a[SLOTS - 1]) == card_of(&b[0])) {
                lo = i;
                hi = j;
                break;
            }
        }
    ck_assert_msg(lo < ARRAYS, "no two of %d arrays share a card", ARRAYS);

    struct pair *young = test_cons(h, FIX(1), NULL);
    ck_assert_ptr_nonnull(young);
    hd = GROVE_GET(h, holder);
    void **a = hd[lo], **b = hd[hi];
    grove_write(h, a, &a[SLOTS - 1], young);
    grove_write(h, b, &b[0], young);
    ck_assert_uint_eq(stats_of(h).remembered_cards, 1);
    ck_assert_uint_eq(stats_of(h).remembered_set_size, 0);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    hd = GROVE_GET(h, holder);
    check_slot_pair(hd[lo], SLOTS - 1, 1);
    check_slot_pair(hd[hi], 0, 1);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A large array (800 KB) with young pointers far apart: one card each;
 * grove_write_n over a run crossing a card boundary marks the cards of its
 * young values only. */
START_TEST(large_array_cards)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = 100000;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, big, grove_alloc_array(h, tt.array, n));
    ck_assert_ptr_nonnull(GROVE_GET(h, big));
    struct pair *young = test_cons(h, FIX(3), NULL);
    ck_assert_ptr_nonnull(young);
    void **b = GROVE_GET(h, big);
    const size_t at[] = {0, 50000, n - 1};
    for (size_t k = 0; k < 3; k++)
        grove_write(h, b, &b[at[k]], young);
    ck_assert_uint_eq(stats_of(h).remembered_cards, 3);
    /* Slots 70000..70063: immediates except the young pair at +3 and +43,
     * in two cards or one depending on the alignment. */
    void *run[64];
    for (size_t i = 0; i < 64; i++)
        run[i] = FIX(9);
    run[3] = run[43] = young;
    grove_write_n(h, b, &b[70000], run, 64);
    size_t expect = 3 + (card_of(&b[70003]) == card_of(&b[70043]) ? 1 : 2);
    grove_stats before = stats_of(h);
    ck_assert_uint_eq(before.remembered_cards, expect);
    ck_assert_uint_eq(before.remembered_set_size, 0);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = stats_of(h);
    ck_assert_uint_eq(after.remembered_cards_scanned - before.remembered_cards_scanned, expect);
    ck_assert_uint_eq(after.remembered_objects_scanned, before.remembered_objects_scanned);
    churn(h, (size_t)2 << 20);
    b = GROVE_GET(h, big);
    for (size_t k = 0; k < 3; k++)
        check_slot_pair(b, at[k], 3);
    check_slot_pair(b, 70003, 3);
    check_slot_pair(b, 70043, 3);
    ck_assert_ptr_eq(b[70004], FIX(9));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Without the slot, the barrier logs a large array whole; an array both
 * carded and logged is scanned whole, and its cards are cleared. Arrays
 * under 1 KiB are logged whole by grove_write too. */
START_TEST(barrier_without_slot_logs_whole)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, 256));
    GROVE_LOCAL(h, void **, small, grove_alloc_array(h, tt.array, 100));
    make_old(h);
    struct pair *young = test_cons(h, FIX(4), NULL);
    ck_assert_ptr_nonnull(young);
    void **a = GROVE_GET(h, arr), **sm = GROVE_GET(h, small);
    grove_write(h, a, &a[10], young);
    a[200] = young;
    grove_barrier(h, a, young);
    grove_write(h, sm, &sm[99], young);
    grove_stats before = stats_of(h);
    ck_assert_uint_eq(before.remembered_cards, 1);
    ck_assert_uint_eq(before.remembered_set_size, 2);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = stats_of(h);
    ck_assert_uint_eq(after.remembered_objects_scanned - before.remembered_objects_scanned, 2);
    ck_assert_uint_eq(after.remembered_cards, 0);
    churn(h, (size_t)2 << 20);
    check_slot_pair(GROVE_GET(h, arr), 10, 4);
    check_slot_pair(GROVE_GET(h, arr), 200, 4);
    check_slot_pair(GROVE_GET(h, small), 99, 4);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A card marked in an array that dies: the major GC (whose minor part
 * scans the card, the array not yet known dead) leaves no card marked, the
 * dead array's cell is reclaimed, and a live neighbour's card works after. */
START_TEST(card_of_dead_array_across_major)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, live, grove_alloc_array(h, tt.array, 256));
    GROVE_LOCAL(h, void **, dead, grove_alloc_array(h, tt.array, 256));
    make_old(h);
    struct pair *young = test_cons(h, FIX(5), NULL);
    ck_assert_ptr_nonnull(young);
    void **d = GROVE_GET(h, dead);
    grove_write(h, d, &d[5], young);
    ck_assert_uint_eq(stats_of(h).remembered_cards, 1);
    GROVE_SET(h, dead, NULL);
    grove_stats before = stats_of(h);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats after = stats_of(h);
    ck_assert_uint_eq(after.remembered_cards, 0);
    ck_assert_uint_ge(after.bytes_freed - before.bytes_freed, 256 * sizeof(void *));
    young = test_cons(h, FIX(250), NULL);
    ck_assert_ptr_nonnull(young);
    void **l = GROVE_GET(h, live);
    grove_write(h, l, &l[250], young);
    ck_assert_uint_eq(stats_of(h).remembered_cards, 1);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    churn(h, (size_t)2 << 20);
    check_slot_pair(GROVE_GET(h, live), 250, 250);
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
    TCase *cards = test_tcase(s, "cards");
    tcase_add_test(cards, one_young_pointer_marks_one_card);
    tcase_add_test(cards, every_slot_written_marks_each_card_once);
    tcase_add_test(cards, neighbour_arrays_share_a_card);
    tcase_add_test(cards, large_array_cards);
    tcase_add_test(cards, barrier_without_slot_logs_whole);
    tcase_add_test(cards, card_of_dead_array_across_major);
    return s;
}

int main(void)
{
    return test_main(barrier_suite());
}
