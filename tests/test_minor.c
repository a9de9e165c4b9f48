/* test_minor.c — minor collections: objects move, contents and identity are
 * preserved through roots, immediates are left alone, promotion is counted. */
#include "support.h"

#include <string.h>

START_TEST(rooted_object_moves)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), FIX(2)));
    GROVE_LOCAL(h, struct mixed *, m, grove_alloc(h, tt.mixed, sizeof(struct mixed)));
    ck_assert_ptr_nonnull(GROVE_GET(h, m));
    GROVE_GET(h, m)->raw1 = 0x1234;
    GROVE_GET(h, m)->a = FIX(77);
    uintptr_t before_p = (uintptr_t)GROVE_GET(h, p);
    uintptr_t before_m = (uintptr_t)GROVE_GET(h, m);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_msg((uintptr_t)GROVE_GET(h, p) != before_p, "nursery pair did not move");
    ck_assert_msg((uintptr_t)GROVE_GET(h, m) != before_m, "nursery record did not move");
    ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(1));
    ck_assert_ptr_eq(GROVE_GET(h, p)->cdr, FIX(2));
    ck_assert_uint_eq(grove_object_type(GROVE_GET(h, p)), tt.pair);
    ck_assert_uint_eq(GROVE_GET(h, m)->raw1, 0x1234);
    ck_assert_ptr_eq(GROVE_GET(h, m)->a, FIX(77));
    /* Promoted objects stay put in later minor collections. */
    uintptr_t old_p = (uintptr_t)GROVE_GET(h, p);
    ck_assert_ptr_nonnull(test_list(h, 1000, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq((uintptr_t)GROVE_GET(h, p), old_p);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(identity_through_roots)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, a, test_cons(h, FIX(5), NULL));
    GROVE_LOCAL(h, struct pair *, b, GROVE_GET(h, a));
    grove_persistent g;
    grove_persistent_init(h, &g, GROVE_GET(h, a));
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(i == 2 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_eq(GROVE_GET(h, a), GROVE_GET(h, b));
        ck_assert_ptr_eq(GROVE_GET(h, a), grove_persistent_get(h, &g));
        ck_assert_ptr_eq(GROVE_GET(h, a)->car, FIX(5));
    }
    /* A change through one root is seen through the others: one object. */
    GROVE_GET(h, b)->car = FIX(6);
    ck_assert_ptr_eq(GROVE_GET(h, a)->car, FIX(6));
    ck_assert_ptr_eq(((struct pair *)grove_persistent_get(h, &g))->car, FIX(6));
    grove_persistent_drop(h, &g);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(shared_substructure)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, x, test_cons(h, FIX(42), FIX(43)));
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, GROVE_GET(h, x), GROVE_GET(h, x)));
    GROVE_LOCAL(h, struct pair *, q, test_cons(h, GROVE_GET(h, x), GROVE_GET(h, p)));
    /* A list of 200 cells all sharing one car, in an array too. */
    GROVE_LOCAL(h, struct pair *, list, NULL);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, 200));
    for (int i = 0; i < 200; i++) {
        struct pair *c = test_cons(h, GROVE_GET(h, x), GROVE_GET(h, list));
        ck_assert_ptr_nonnull(c);
        GROVE_SET(h, list, c);
        void **a = GROVE_GET(h, arr);
        grove_write(h, a, &a[i], c);
    }
    /* Only q and list/arr are needed; x and p are reached through them. */
    GROVE_SET(h, x, NULL);
    GROVE_SET(h, p, NULL);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        struct pair *qq = GROVE_GET(h, q);
        struct pair *pp = qq->cdr;
        struct pair *xx = qq->car;
        ck_assert_ptr_eq(pp->car, xx);
        ck_assert_ptr_eq(pp->cdr, xx);
        ck_assert_ptr_eq(xx->car, FIX(42));
        ck_assert_ptr_eq(xx->cdr, FIX(43));
        int n = 0;
        void **a = GROVE_GET(h, arr);
        for (struct pair *c = GROVE_GET(h, list); c; c = c->cdr, n++) {
            ck_assert_ptr_eq(c->car, xx);
            ck_assert_ptr_eq(a[199 - n], c);
        }
        ck_assert_int_eq(n, 200);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(immediates_untouched)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, target, test_cons(h, FIX(1), FIX(2)));
    /* Tagged pointers into a live nursery object: immediates, never traced,
     * so they must keep their exact value while the object moves. */
    uintptr_t t = (uintptr_t)GROVE_GET(h, target);
    void *const imm[] = {NULL,
                         FIX(0),
                         FIX(12345),
                         FIX(UINTPTR_MAX >> 2),
                         (void *)(uintptr_t)1,
                         (void *)(uintptr_t)2,
                         (void *)(uintptr_t)4,
                         (void *)(uintptr_t)6,
                         (void *)UINTPTR_MAX,
                         (void *)(UINTPTR_MAX - 1),
                         (void *)(uintptr_t)0xdeadbeef01u,
                         (void *)(t + 1),
                         (void *)(t + 2),
                         (void *)(t + 4),
                         (void *)(t + 7)};
    enum { N = sizeof imm / sizeof imm[0] };
    for (size_t i = 0; i < N; i++)
        ck_assert(grove_is_immediate(imm[i]));

    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, N));
    GROVE_LOCAL(h, void *, r0, imm[1]);
    GROVE_LOCAL(h, void *, r1, imm[8]);
    GROVE_LOCAL(h, void *, r2, imm[11]);
    GROVE_LOCAL(h, void *, r3, imm[0]);
    grove_persistent g1, g2;
    grove_persistent_init(h, &g1, imm[12]);
    grove_persistent_init(h, &g2, imm[2]);
    void **a = GROVE_GET(h, arr);
    for (size_t i = 0; i < N; i++)
        a[i] = imm[i];
    GROVE_LOCAL(h, struct pair *, pr, test_cons(h, imm[13], imm[9]));

    for (int round = 0; round < 4; round++) {
        ck_assert_int_eq(round == 2 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_ne((void *)t, (void *)GROVE_GET(h, target)); /* it moved */
        a = GROVE_GET(h, arr);
        for (size_t i = 0; i < N; i++)
            ck_assert_msg(a[i] == imm[i], "slot %zu: %p became %p", i, imm[i], a[i]);
        ck_assert_ptr_eq(GROVE_GET(h, r0), imm[1]);
        ck_assert_ptr_eq(GROVE_GET(h, r1), imm[8]);
        ck_assert_ptr_eq(GROVE_GET(h, r2), imm[11]);
        ck_assert_ptr_eq(GROVE_GET(h, r3), imm[0]);
        ck_assert_ptr_eq(grove_persistent_get(h, &g1), imm[12]);
        ck_assert_ptr_eq(grove_persistent_get(h, &g2), imm[2]);
        ck_assert_ptr_eq(GROVE_GET(h, pr)->car, imm[13]);
        ck_assert_ptr_eq(GROVE_GET(h, pr)->cdr, imm[9]);
    }
    grove_persistent_drop(h, &g1);
    grove_persistent_drop(h, &g2);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(unrooted_not_promoted)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_nonnull(test_list(h, 5000, 0));
    /* (Under zeal the lists were promoted while being built, when they
     * were still rooted; only the forced collection is checked then.) */
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats st = test_stats(h);
    ck_assert_uint_eq(st.bytes_promoted, s0.bytes_promoted);
    if (!test_zeal()) {
        ck_assert_uint_eq(st.bytes_promoted, 0);
        ck_assert_uint_eq(st.live_bytes, 0);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(promotion_counted)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = 1000;
    const size_t pair_bytes = sizeof(struct pair) + 8;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, n, 0));
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.minor_collections, s0.minor_collections + 1);
    ck_assert_uint_eq(s1.major_collections, s0.major_collections);
    /* Every cell of the rooted list was copied out exactly once, and
     * nothing else (the fresh heap held nothing else alive). */
    ck_assert_uint_eq(s1.bytes_promoted, n * pair_bytes);
    ck_assert_uint_ge(s1.live_bytes, n * pair_bytes);
    /* Already-old objects are not copied again. */
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.bytes_promoted, s1.bytes_promoted);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), n, 0), n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Raw words of a RECORD are neither followed nor rewritten, even when they
 * hold the address of a live young object; slot words are updated. */
START_TEST(record_raw_words)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, y1, test_cons(h, FIX(10), NULL));
    GROVE_LOCAL(h, struct pair *, y2, test_cons(h, FIX(20), NULL));
    GROVE_LOCAL(h, struct mixed *, m, grove_alloc(h, tt.mixed, sizeof(struct mixed)));
    struct mixed *mm = GROVE_GET(h, m);
    ck_assert_ptr_nonnull(mm);
    uintptr_t raw1 = (uintptr_t)GROVE_GET(h, y1);
    uintptr_t raw2 = 0x1000;
    uintptr_t raw3 = (uintptr_t)mm;
    grove_write(h, mm, &mm->a, GROVE_GET(h, y1));
    mm->raw1 = raw1;
    mm->b = FIX(3);
    mm->raw2 = raw2;
    grove_write(h, mm, &mm->c, GROVE_GET(h, y2));
    mm->raw3 = raw3;
    GROVE_SET(h, y1, NULL);
    GROVE_SET(h, y2, NULL);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        mm = GROVE_GET(h, m);
        ck_assert_uint_eq(mm->raw1, raw1);
        ck_assert_uint_eq(mm->raw2, raw2);
        ck_assert_uint_eq(mm->raw3, raw3);
        ck_assert_ptr_eq(mm->b, FIX(3));
        ck_assert_uint_ne((uintptr_t)mm->a, raw1); /* the slot was updated */
        ck_assert_ptr_eq(((struct pair *)mm->a)->car, FIX(10));
        ck_assert_ptr_eq(((struct pair *)mm->c)->car, FIX(20));
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* BYTES payloads are copied verbatim, pointer-looking words included. */
START_TEST(bytes_copied_verbatim)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, y, test_cons(h, FIX(1), NULL));
    GROVE_LOCAL(h, uintptr_t *, b, grove_alloc(h, tt.bytes, 64 * 8));
    uintptr_t expect[64];
    for (int i = 0; i < 64; i++)
        expect[i] = (i % 2) ? (uintptr_t)GROVE_GET(h, y) : (uintptr_t)i * 0x0101010101010101u;
    memcpy(GROVE_GET(h, b), expect, sizeof expect);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert_mem_eq(GROVE_GET(h, b), expect, sizeof expect);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A long list entirely in the nursery is evacuated in one minor collection
 * without recursion. */
START_TEST(long_young_list)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)16 << 20;
    grove_heap *h = test_heap_config(&c, &rec);
    const size_t n = test_size(600000, 3000); /* ~14 MiB of pairs */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, n, 0));
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    if (!test_zeal())
        ck_assert_uint_eq(s1.bytes_promoted - s0.bytes_promoted, n * (sizeof(struct pair) + 8));
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), n, 0), n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Survivors of many minor collections, with young objects hanging off old
 * ones through barriers and pointer arrays. */
/* Empty objects fill the nursery to its very end: the last one's payload
 * address must still count as young, or it would be left behind by the
 * evacuation (verify catches that). */
START_TEST(empty_objects_fill_nursery)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.nursery_size = (size_t)64 << 10;
    c.debug = GROVE_DEBUG_VERIFY;
    grove_heap *h = test_heap_config(&c, &rec);
    const size_t n = c.nursery_size / 8 + 16; /* more than fit, at any size */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, all, grove_alloc_array(h, tt.array, n)); /* large: born old */
    for (size_t i = 0; i < n; i++) {
        void *e = grove_alloc(h, tt.bytes, 0);
        ck_assert_ptr_nonnull(e);
        void **a = GROVE_GET(h, all);
        grove_write(h, a, &a[i], e);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    void **a = GROVE_GET(h, all);
    for (size_t i = 0; i < n; i++) {
        REQUIRE(grove_object_type(a[i]) == tt.bytes);
        REQUIRE(grove_object_size(a[i]) == 8); /* rounded up to one word */
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(many_minor_collections)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { SLOTS = 64 };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, SLOTS));
    const int rounds = (int)test_size(40, 10);
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < SLOTS; i++) {
            if ((i + r) % 3 != 0)
                continue; /* replace a third of the slots each round */
            struct pair *p = test_cons(h, FIX(r * 1000 + i), FIX(i));
            ck_assert_ptr_nonnull(p);
            void **a = GROVE_GET(h, arr);
            grove_write(h, a, &a[i], p);
        }
        ck_assert_ptr_nonnull(test_list(h, test_size(2000, 200), 0)); /* garbage */
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        void **a = GROVE_GET(h, arr);
        for (int i = 0; i < SLOTS; i++) {
            struct pair *p = a[i];
            if (!p)
                continue;
            ck_assert_ptr_eq(p->cdr, FIX(i));
            uintptr_t v = UNFIX(p->car);
            ck_assert_uint_eq(v % 1000, (uintptr_t)i);
            ck_assert_uint_le(v / 1000, (uintptr_t)r);
        }
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- the adaptive nursery ---------------------------------------------------- */

enum { SMALLEST_NURSERY = 64 << 10, PAIR_CELL = 24 };

static grove_heap *adaptive_heap(test_errors *rec, size_t max, uint64_t target_ns, size_t limit)
{
    grove_config c;
    test_default_config(&c);
    c.nursery_size = SMALLEST_NURSERY;
    c.nursery_max_size = max;
    c.minor_pause_target_ns = target_ns;
    if (limit)
        c.max_heap_size = limit;
    return test_heap_config(&c, rec);
}

/* The nursery's size, as generated code reads the young range (it must
 * reload it: the range changes with the nursery). */
static size_t nursery_now(grove_heap *h)
{
    uintptr_t start;
    size_t size;
    test_young_range(h, &start, &size);
    return size;
}

static void count_full_nursery(grove_heap *heap, const grove_event *e, void *data)
{
    (void)heap;
    if (e->type == GROVE_EVENT_COLLECTION_START && e->reason == GROVE_REASON_NURSERY_FULL)
        ++*(unsigned *)data;
}

/* Allocate garbage until `collections` minor GCs found the nursery full,
 * checking after each batch that the size is the smallest times a power
 * of two, never smaller than before. Zeal collects every few allocations,
 * so the nursery is never full and keeps its size: it allocates 2.3 MiB of
 * garbage then. */
static size_t fill_with_garbage(grove_heap *h, unsigned collections)
{
    unsigned full = 0, batches = 0;
    ck_assert_int_eq(grove_add_event_listener(h, count_full_nursery, &full), GROVE_OK);
    size_t size = nursery_now(h);
    while (test_zeal() ? batches++ < 100 : full < collections) {
        for (int i = 0; i < 1000; i++)
            REQUIRE(grove_alloc(h, tt.pair, sizeof(struct pair)) != NULL);
        size_t now = nursery_now(h);
        ck_assert_uint_ge(now, size);
        ck_assert_uint_eq(now % SMALLEST_NURSERY, 0);
        ck_assert_uint_eq(__builtin_popcountll(now / SMALLEST_NURSERY), 1);
        size = now;
    }
    ck_assert_int_eq(grove_remove_event_listener(h, count_full_nursery, &full), GROVE_OK);
    return size;
}

/* What a run of fill_with_garbage leaves: the nursery never fills under zeal. */
static size_t expected_size(size_t size)
{
    return test_zeal() ? SMALLEST_NURSERY : size;
}

/* Minor pauses far under the target: the nursery doubles at each full
 * collection until it reaches its maximum, and stays there. */
START_TEST(adaptive_nursery_grows_to_its_maximum)
{
    test_errors rec;
    grove_heap *h = adaptive_heap(&rec, 1 << 20, (uint64_t)10 * 1000000000, 0);
    ck_assert_uint_eq(nursery_now(h), SMALLEST_NURSERY);
    ck_assert_uint_eq(fill_with_garbage(h, 8), expected_size(1 << 20));
    ck_assert_uint_eq(fill_with_garbage(h, 2), expected_size(1 << 20));
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The nursery grows only while the heap could hold the bigger nursery and
 * what a full one of that size might promote (the census's bound: its bytes
 * plus a quarter, in 256 KiB blocks, plus a block per size class, 31): 32
 * blocks (8 MiB) for 128 KiB, 33 for 256 KiB, 34 for 512 KiB. Going from
 * 128 to 256 KiB needs 256 KiB + 8.25 MiB <= 8.75 MiB; from 256 to 512 KiB
 * would need 512 KiB + 8.5 MiB. */
START_TEST(adaptive_nursery_stops_at_the_heap_limit)
{
    test_errors rec;
    grove_heap *h = adaptive_heap(&rec, 4 << 20, (uint64_t)10 * 1000000000, 8960 << 10);
    ck_assert_uint_eq(fill_with_garbage(h, 8), expected_size(256 << 10));
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Build a rooted list of n pairs; returns how many could be allocated. */
static size_t build_live_list(grove_heap *h, size_t n)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    size_t i = 0;
    for (; i < n; i++) {
        struct pair *p = test_cons(h, FIX(i), GROVE_GET(h, list));
        if (!p)
            break;
        GROVE_SET(h, list, p);
    }
    size_t k = i;
    for (struct pair *p = GROVE_GET(h, list); p; p = p->cdr)
        REQUIRE(p->car == FIX(--k));
    ck_assert_uint_eq(k, 0);
    grove_scope_exit(h, s);
    return i;
}

/* A nursery grown while the heap was empty gives way as live data fills
 * the heap: whatever fits with a fixed nursery of the smallest size fits
 * with the adaptive one too, and the nursery ends at its smallest. (The
 * reduced run halves the sizes; zeal, whose nursery never grows, builds a
 * short list: every allocation there verifies the whole heap.) */
START_TEST(adaptive_nursery_leaves_old_space_its_room)
{
    const size_t limit = test_size(24 << 20, 12 << 20), max = test_size(4 << 20, 1 << 20);
    const size_t n = test_zeal() ? 5000 : test_size(20 << 20, 10 << 20) / PAIR_CELL;
    for (int adaptive = 0; adaptive < 2; adaptive++) {
        test_errors rec;
        grove_heap *h = adaptive_heap(&rec, adaptive ? max : 0, (uint64_t)10 * 1000000000, limit);
        if (adaptive)
            ck_assert_uint_eq(fill_with_garbage(h, 8), expected_size(max));
        ck_assert_uint_eq(build_live_list(h, n), n);
        ck_assert_uint_eq(nursery_now(h), SMALLEST_NURSERY);
        ASSERT_NOT_REPORTED(&rec);
        grove_heap_destroy(h);
    }
}
END_TEST

/* Grown on garbage, the nursery halves at the first full collection that
 * copies a nursery of live pairs: that takes over 100 ms at 32 MiB in a
 * Debug build, while a nursery of garbage takes microseconds. The 16 ms
 * target sits far from both, so that a loaded machine (a preempted garbage
 * collection must stay under half of it to grow) does not decide the
 * outcome. The reduced run (under Valgrind, some fifty times slower)
 * copies 4 MiB against 50 ms. */
START_TEST(adaptive_nursery_halves_over_the_target)
{
    test_errors rec;
    const size_t max = test_size(32 << 20, 4 << 20);
    grove_heap *h = adaptive_heap(&rec, max, test_size(16000000, 50000000), 0);
    ck_assert_uint_eq(fill_with_garbage(h, 12), expected_size(max));
    unsigned full = 0;
    ck_assert_int_eq(grove_add_event_listener(h, count_full_nursery, &full), GROVE_OK);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    size_t n = 0;
    while (test_zeal() ? n < 5000 : full == 0) {
        struct pair *p = test_cons(h, FIX(n++), GROVE_GET(h, list));
        ck_assert_ptr_nonnull(p);
        GROVE_SET(h, list, p);
    }
    ck_assert_uint_eq(nursery_now(h), test_zeal() ? SMALLEST_NURSERY : max / 2);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_remove_event_listener(h, count_full_nursery, &full), GROVE_OK);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Pauses over the target (1 ns: every pause is longer, even zeal's that
 * copy one pair) never grow the nursery past its smallest size. */
START_TEST(adaptive_nursery_stays_small_over_the_target)
{
    test_errors rec;
    grove_heap *h = adaptive_heap(&rec, 4 << 20, 1, 0);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    uint64_t until = test_stats(h).minor_collections + 6;
    size_t n = 0;
    while (test_stats(h).minor_collections < until) {
        struct pair *p = test_cons(h, FIX(n), GROVE_GET(h, list));
        ck_assert_ptr_nonnull(p);
        GROVE_SET(h, list, p);
        n++;
        REQUIRE(nursery_now(h) == SMALLEST_NURSERY);
    }
    ck_assert_uint_gt(test_stats(h).minor.p50_ns, 1); /* the premise: pauses over the target */
    ck_assert_uint_ge(n, test_zeal() ? 6 : 6 * SMALLEST_NURSERY / 32); /* full nurseries */
    size_t i = n;
    for (struct pair *p = GROVE_GET(h, list); p; p = p->cdr)
        ck_assert_ptr_eq(p->car, FIX(--i));
    ck_assert_uint_eq(i, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *minor_suite(void)
{
    Suite *s = suite_create("minor");
    TCase *tc = test_tcase(s, "move");
    tcase_add_test(tc, rooted_object_moves);
    tcase_add_test(tc, identity_through_roots);
    tcase_add_test(tc, shared_substructure);
    tcase_add_test(tc, immediates_untouched);
    tcase_add_test(tc, record_raw_words);
    tcase_add_test(tc, bytes_copied_verbatim);
    tc = test_tcase(s, "promote");
    tcase_add_test(tc, unrooted_not_promoted);
    tcase_add_test(tc, promotion_counted);
    tcase_add_test(tc, long_young_list);
    tcase_add_test(tc, empty_objects_fill_nursery);
    tcase_add_test(tc, many_minor_collections);
    tc = test_tcase(s, "adaptive_nursery");
    tcase_add_test(tc, adaptive_nursery_grows_to_its_maximum);
    tcase_add_test(tc, adaptive_nursery_stops_at_the_heap_limit);
    tcase_add_test(tc, adaptive_nursery_leaves_old_space_its_room);
    tcase_add_test(tc, adaptive_nursery_halves_over_the_target);
    tcase_add_test(tc, adaptive_nursery_stays_small_over_the_target);
    return s;
}

int main(void)
{
    return test_main(minor_suite());
}
