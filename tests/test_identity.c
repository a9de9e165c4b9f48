/* test_identity.c — identity hashes and pinning: stable across minor and
 * major collections, exact sizes, the heap limit, misuse, and verify's
 * shadow record of hashes. */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- identity hashes ------------------------------------------------------------ */

START_TEST(hash_stable_across_collections)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, young, test_cons(h, FIX(1), NULL));
    uint64_t hash = grove_identity_hash(h, GROVE_GET(h, young));
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, young)), hash);
    void *before = GROVE_GET(h, young);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* moves it */
    ck_assert_ptr_ne(GROVE_GET(h, young), before);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, young)), hash);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        test_list(h, 5000, 0); /* garbage in between */
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, young)), hash);
    }
    /* Old and large objects never move: their hash stays too. */
    uint64_t old_hash = grove_identity_hash(h, GROVE_GET(h, young));
    GROVE_LOCAL(h, void *, large, grove_alloc(h, tt.bytes, 100000));
    uint64_t large_hash = grove_identity_hash(h, GROVE_GET(h, large));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, young)), old_hash);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, large)), large_hash);
    ck_assert_ptr_eq(GROVE_GET(h, young)->car, FIX(1));
    ASSERT_NOT_REPORTED(&rec);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* Hashed while young, then promoted: the object takes a word for its hash,
 * which is neither part of its size nor a slot. */
START_TEST(hash_then_promote_keeps_size_and_slots)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    const size_t n = 7;
    GROVE_LOCAL(h, void **, array, grove_alloc_array(h, tt.array, n));
    GROVE_LOCAL(h, unsigned char *, bytes, grove_alloc(h, tt.bytes, 40));
    GROVE_LOCAL(h, struct mixed *, mixed, grove_alloc(h, tt.mixed, sizeof(struct mixed)));
    for (size_t i = 0; i < n; i++) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        void **a = GROVE_GET(h, array);
        grove_write(h, a, &a[i], p);
    }
    test_fill_pattern(GROVE_GET(h, bytes), 40, 9);
    GROVE_GET(h, mixed)->raw1 = 0x1234;
    uint64_t ha = grove_identity_hash(h, GROVE_GET(h, array));
    uint64_t hb = grove_identity_hash(h, GROVE_GET(h, bytes));
    uint64_t hm = grove_identity_hash(h, GROVE_GET(h, mixed));
    grove_stats before = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = test_stats(h);

    ck_assert_uint_eq(grove_object_size(GROVE_GET(h, array)), n * sizeof(void *));
    ck_assert_uint_eq(grove_object_size(GROVE_GET(h, bytes)), 40);
    ck_assert_uint_eq(grove_object_size(GROVE_GET(h, mixed)), sizeof(struct mixed));
    ck_assert_uint_eq(grove_object_type(GROVE_GET(h, array)), tt.array);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, array)), ha);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, bytes)), hb);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, mixed)), hm);
    ck_assert(test_check_pattern(GROVE_GET(h, bytes), 40, 9));
    ck_assert_uint_eq(GROVE_GET(h, mixed)->raw1, 0x1234);
    /* Promoted bytes count the hash words: 3 objects, one word each. (Under
     * GROVE_DEBUG zeal, collections during the allocations above promoted
     * some objects before they were hashed: only the bound holds.) */
    size_t promoted = (n * 24) + (n * 8 + 8 + 8) + (40 + 8 + 8) + (sizeof(struct mixed) + 8 + 8);
    if (test_zeal())
        ck_assert_uint_le(after.bytes_promoted - before.bytes_promoted, promoted);
    else
        ck_assert_uint_eq(after.bytes_promoted - before.bytes_promoted, promoted);
    /* The slots are intact and traced; the hash word is not a slot. */
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        void **a = GROVE_GET(h, array);
        for (size_t i = 0; i < n; i++)
            ck_assert_ptr_eq(((struct pair *)a[i])->car, FIX(i));
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* The largest nursery object, hashed, still fits an old-space cell. */
START_TEST(hash_largest_small_object)
{
    grove_heap *h = test_heap(NULL);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, unsigned char *, big, grove_alloc(h, tt.bytes, GROVE_MAX_SMALL_PAYLOAD));
    test_fill_pattern(GROVE_GET(h, big), GROVE_MAX_SMALL_PAYLOAD, 3);
    uint64_t hash = grove_identity_hash(h, GROVE_GET(h, big));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, big)), hash);
    ck_assert_uint_eq(grove_object_size(GROVE_GET(h, big)), GROVE_MAX_SMALL_PAYLOAD);
    ck_assert(test_check_pattern(GROVE_GET(h, big), GROVE_MAX_SMALL_PAYLOAD, 3));
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Well distributed: distinct objects get distinct hashes (all but a handful),
 * and the low bits, which a table indexes by, are even. */
START_TEST(hash_distribution)
{
    grove_heap *h = test_heap(NULL);
    const size_t n = test_size(16384, 2048);
    uint64_t *hashes = malloc(n * sizeof *hashes);
    ck_assert_ptr_nonnull(hashes);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, keep, grove_alloc_array(h, tt.array, n));
    for (size_t i = 0; i < n; i++) {
        struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
        void **k = GROVE_GET(h, keep);
        grove_write(h, k, &k[i], p);
    }
    for (size_t i = 0; i < n; i++)
        hashes[i] = grove_identity_hash(h, GROVE_GET(h, keep)[i]);
    unsigned buckets[64] = {0};
    for (size_t i = 0; i < n; i++)
        buckets[hashes[i] & 63]++;
    double expect = (double)n / 64, slack = 5 * sqrt(expect) + 1; /* 5 sigma */
    for (int b = 0; b < 64; b++)
        ck_assert_msg(fabs(buckets[b] - expect) < slack, "bucket %d holds %u, expected %.0f", b,
                      buckets[b], expect);
    qsort(hashes, n, sizeof *hashes, compare_u64);
    size_t dups = 0;
    for (size_t i = 1; i < n; i++)
        dups += hashes[i] == hashes[i - 1];
    ck_assert_uint_le(dups, 1);
    grove_scope_exit(h, s);
    free(hashes);
    grove_heap_destroy(h);
}
END_TEST

/* Near the limit, hashed survivors' extra words are counted: the heap never
 * passes max_heap_size and OOM is clean. */
START_TEST(hash_under_heap_limit)
{
    grove_config c;
    test_default_config(&c);
    c.nursery_size = test_size((size_t)256 << 10, (size_t)64 << 10);
    c.max_heap_size = test_size((size_t)3 << 20, (size_t)1 << 20);
    test_errors rec;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    size_t made = 0;
    for (;;) {
        struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
        if (!p)
            break;
        grove_identity_hash(h, p);
        p->car = FIX(made);
        grove_write(h, p, &p->cdr, GROVE_GET(h, list));
        GROVE_SET(h, list, p);
        made++;
        REQUIRE(made < 10000000);
    }
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec);
    grove_stats st = test_stats(h);
    ck_assert_uint_le(st.peak_heap_bytes, c.max_heap_size);
    ck_assert_uint_gt(made, test_size(1000, 100));
    /* Every object survived with its hash. */
    size_t seen = 0;
    for (struct pair *p = GROVE_GET(h, list); p; p = p->cdr, seen++)
        REQUIRE(p->car == FIX(made - 1 - seen));
    ck_assert_uint_eq(seen, made);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

static grove_heap *hook_heap;
static unsigned hook_refused;

static void hash_from_trace(void *object)
{
    if (grove_identity_hash(hook_heap, object) == 0 && grove_last_error(hook_heap) == GROVE_E_IN_GC)
        hook_refused++;
    if (grove_pin(hook_heap, object) == NULL && grove_last_error(hook_heap) == GROVE_E_IN_GC)
        hook_refused++;
}

START_TEST(hash_and_pin_misuse)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    ck_assert_uint_eq(grove_identity_hash(h, NULL), 0);
    ASSERT_REPORTED(&rec, GROVE_E_NOT_OBJECT);
    ck_assert_uint_eq(grove_identity_hash(h, FIX(3)), 0);
    ASSERT_REPORTED(&rec, GROVE_E_NOT_OBJECT);
    ck_assert_ptr_null(grove_pin(h, FIX(3)));
    ASSERT_REPORTED(&rec, GROVE_E_NOT_OBJECT);
    struct pair *p = test_cons(h, FIX(1), NULL);
    ck_assert_int_eq(grove_unpin(h, p), GROVE_E_NOT_PINNED);
    ASSERT_REPORTED(&rec, GROVE_E_NOT_PINNED);

    /* From inside a collection (a custom type's trace callback). */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct custom *, c, grove_alloc(h, tt.custom, custom_size(0, 0)));
    hook_heap = h;
    hook_refused = 0;
    custom_trace_hook = hash_from_trace;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    custom_trace_hook = NULL;
    ck_assert_uint_gt(hook_refused, 0);
    ck_assert_uint_eq(rec.count, hook_refused);
    ck_assert_int_eq(rec.code, GROVE_E_IN_GC);
    test_errors_reset(&rec);
    ck_assert_ptr_nonnull(GROVE_GET(h, c));
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* Verify mode keeps a shadow record of hashes: a hash that changed is
 * reported at the next collection. */
static void corrupt_hash_word(void *unused)
{
    (void)unused;
    grove_config c;
    test_default_config(&c);
    c.debug = GROVE_DEBUG_VERIFY;
    grove_heap *h = test_heap_config(&c, NULL);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), NULL));
    grove_identity_hash(h, GROVE_GET(h, p));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* hash word appended */
    uint64_t *words = (uint64_t *)GROVE_GET(h, p);
    words[2] ^= 1; /* the word after the two-word payload */
    grove_collect_minor(h);
    grove_scope_exit(h, s);
}

START_TEST(verify_catches_changed_hash)
{
    test_expect_abort(corrupt_hash_word, NULL,
                      "grove: fatal: verify (after minor GC): object ... of type 'pair' had "
                      "identity hash ..., now ...");
}
END_TEST

/* ---- pinning -------------------------------------------------------------------- */

START_TEST(pin_young_moves_once_then_stays)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(5), NULL));
    uint64_t hash = grove_identity_hash(h, GROVE_GET(h, p));
    struct pair *pinned = grove_pin(h, GROVE_GET(h, p));
    ck_assert_ptr_nonnull(pinned);
    ck_assert_ptr_eq(pinned, GROVE_GET(h, p)); /* the root was updated too */
    ck_assert_uint_eq(grove_pin_count(h, pinned), 1);
    ck_assert_ptr_eq(grove_pin(h, pinned), pinned); /* nested: no move */
    ck_assert_uint_eq(grove_pin_count(h, pinned), 2);
    GROVE_SET(h, p, NULL); /* only the pin keeps it alive now */
    for (int i = 0; i < 3; i++) {
        test_list(h, 5000, 0);
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_ptr_eq(pinned->car, FIX(5));
        ck_assert_uint_eq(grove_identity_hash(h, pinned), hash);
    }
    ck_assert_int_eq(grove_unpin(h, pinned), GROVE_OK);
    ck_assert_uint_eq(grove_pin_count(h, pinned), 1);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(pinned->car, FIX(5));
    /* The last unpin lets it die. */
    grove_stats before = test_stats(h);
    ck_assert_int_eq(grove_unpin(h, pinned), GROVE_OK);
    ck_assert_uint_eq(grove_pin_count(h, pinned), 0);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats after = test_stats(h);
    ck_assert_uint_ge(after.bytes_freed - before.bytes_freed, 32); /* pair + hash word */
    ck_assert_int_eq(grove_unpin(h, pinned), GROVE_E_NOT_PINNED);
    ASSERT_REPORTED(&rec, GROVE_E_NOT_PINNED);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* A pinned node in the middle of a dropped list keeps itself and its tail. */
START_TEST(pin_in_deep_structure)
{
    grove_heap *h = test_heap(NULL);
    const size_t n = test_size(20000, 2000);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, n, 0));
    struct pair *mid = GROVE_GET(h, list);
    for (size_t i = 0; i < n / 2; i++)
        mid = mid->cdr;
    mid = grove_pin(h, mid); /* moves the list out of the nursery, if zeal has not */
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* all of it old: its death counts */
    ck_assert_ptr_nonnull(mid);
    ck_assert_ptr_eq(mid->car, FIX(n / 2));
    GROVE_SET(h, list, NULL);
    grove_stats before = test_stats(h);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats after = test_stats(h);
    ck_assert_uint_ge(after.bytes_freed - before.bytes_freed, (n / 2) * 24); /* the head half */
    ck_assert_uint_eq(test_list_check(mid, n - n / 2, n / 2), n - n / 2);
    ck_assert_int_eq(grove_unpin(h, mid), GROVE_OK);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* Many pins, nested, dropped in random order. */
START_TEST(many_pins)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(20000, 2000);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, objects, grove_alloc_array(h, tt.array, n));
    for (size_t i = 0; i < n; i++) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        void **o = GROVE_GET(h, objects);
        grove_write(h, o, &o[i], p);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* all old: pins do not collect */
    void **o = GROVE_GET(h, objects);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k <= i % 3; k++)
            ck_assert_ptr_eq(grove_pin(h, o[i]), o[i]);
    void **pinned = malloc(n * sizeof *pinned);
    ck_assert_ptr_nonnull(pinned);
    memcpy(pinned, o, n * sizeof *pinned);
    GROVE_SET(h, objects, NULL);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK); /* the pins keep every pair */
    grove_stats before = test_stats(h);
    size_t *order = malloc(n * sizeof *order);
    ck_assert_ptr_nonnull(order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    test_shuffle(order, n, 42);
    for (size_t j = 0; j < n; j++) {
        size_t i = order[j];
        REQUIRE(grove_pin_count(h, pinned[i]) == i % 3 + 1);
        REQUIRE(((struct pair *)pinned[i])->car == FIX(i));
        REQUIRE(grove_unpin(h, pinned[i]) == GROVE_OK);
        if (j % 4096 == 0)
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    for (size_t i = 0; i < n; i++) {
        while (grove_pin_count(h, pinned[i]) > 0)
            REQUIRE(grove_unpin(h, pinned[i]) == GROVE_OK);
    }
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_ge(test_stats(h).bytes_freed - before.bytes_freed, n * 24); /* all died */
    grove_scope_exit(h, s);
    free(order);
    free(pinned);
    grove_heap_destroy(h);
}
END_TEST

/* Born pinned: in old space at once, zeroed, and it needs the barrier. */
START_TEST(alloc_pinned_small_and_large)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    void **small = grove_alloc_pinned(h, tt.array, 4 * sizeof(void *));
    unsigned char *large = grove_alloc_pinned(h, tt.bytes, 100000);
    ck_assert_ptr_nonnull(small);
    ck_assert_ptr_nonnull(large);
    ck_assert(test_all_bytes(small, 4 * sizeof(void *), 0));
    ck_assert(test_all_bytes(large, 100000, 0));
    ck_assert_uint_eq(grove_pin_count(h, small), 1);
    ck_assert_uint_eq(grove_pin_count(h, large), 1);
    ck_assert_uint_eq(grove_object_size(small), 4 * sizeof(void *));
    test_fill_pattern(large, 100000, 4);
    /* A young object stored (with the barrier) into the pinned one. */
    struct pair *p = test_cons(h, FIX(9), NULL);
    grove_write(h, small, &small[2], p);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)small[2])->car, FIX(9));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(((struct pair *)small[2])->car, FIX(9));
    ck_assert(test_check_pattern(large, 100000, 4));
    ck_assert_int_eq(grove_unpin(h, small), GROVE_OK);
    ck_assert_int_eq(grove_unpin(h, large), GROVE_OK);
    ASSERT_NOT_REPORTED(&rec);
    /* Unknown types are refused as by grove_alloc. */
    ck_assert_ptr_null(grove_alloc_pinned(h, 9999, 16));
    ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
    grove_heap_destroy(h);
}
END_TEST

/* Under the limit: pinned allocation fails cleanly when old space is full. */
START_TEST(alloc_pinned_under_heap_limit)
{
    grove_config c;
    test_default_config(&c);
    c.nursery_size = (size_t)256 << 10;
    c.max_heap_size = (size_t)2 << 20;
    test_errors rec;
    grove_heap *h = test_heap_config(&c, &rec);
    size_t made = 0;
    void *last = NULL;
    while ((last = grove_alloc_pinned(h, tt.bytes, 1000)) != NULL) {
        made++;
        REQUIRE(made < 100000);
    }
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_gt(made, 100);
    ck_assert_uint_le(test_stats(h).peak_heap_bytes, c.max_heap_size);
    grove_heap_destroy(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity");
    TCase *tc = test_tcase(s, "hash");
    tcase_add_test(tc, hash_stable_across_collections);
    tcase_add_test(tc, hash_then_promote_keeps_size_and_slots);
    tcase_add_test(tc, hash_largest_small_object);
    tcase_add_test(tc, hash_distribution);
    tcase_add_test(tc, hash_under_heap_limit);
    tcase_add_test(tc, hash_and_pin_misuse);
    tcase_add_test(tc, verify_catches_changed_hash);
    tc = test_tcase(s, "pin");
    tcase_add_test(tc, pin_young_moves_once_then_stays);
    tcase_add_test(tc, pin_in_deep_structure);
    tcase_add_test(tc, many_pins);
    tcase_add_test(tc, alloc_pinned_small_and_large);
    tcase_add_test(tc, alloc_pinned_under_heap_limit);
    return test_main(s);
}
