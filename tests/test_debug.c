/* test_debug.c — debug modes (verify, poison, zeal, GROVE_DEBUG) and the
 * default error handler. What is expected to abort runs in a child process
 * (test_expect_abort), which must die of SIGABRT with the expected message. */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* What verify mode prints for old_to_young_store without the barrier: slot 1
 * of the old array holds the young pair. */
#define MISSING_BARRIER_MESSAGE                                                                  \
    "grove: fatal: verify (before minor GC): object ... of type 'array', slot 1, holds ...: "    \
    "old-to-young pointer missing from the remembered set (a store without grove_write or "     \
    "grove_barrier)"
/* What the default handler prints for grove_alloc of type id 12345. */
#define UNKNOWN_TYPE_MESSAGE                                                                     \
    "grove: GROVE_E_BAD_TYPE: allocation of unknown type id 12345 (5 registered)\n"

static grove_heap *verify_heap(void)
{
    grove_config c;
    test_default_config(&c);
    c.debug = GROVE_DEBUG_VERIFY;
    return test_heap_config(&c, NULL);
}

/* Store a young pointer into an old object, with or without the barrier,
 * then force a minor collection. */
static void old_to_young_store(grove_heap *h, bool barrier, bool large_holder)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, old,
                large_holder ? grove_alloc_array(h, tt.array, 1000)
                             : grove_alloc_array(h, tt.array, 2));
    ck_assert_ptr_nonnull(GROVE_GET(h, old));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* old is old now */
    struct pair *young = grove_alloc(h, tt.pair, sizeof *young);
    ck_assert_ptr_nonnull(young);
    young->car = FIX(5);
    void **o = GROVE_GET(h, old);
    if (barrier)
        grove_write(h, o, &o[1], young);
    else
        o[1] = young; /* the bug verify mode exists to catch */
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    o = GROVE_GET(h, old);
    ck_assert_ptr_eq(((struct pair *)o[1])->car, FIX(5));
    grove_scope_exit(h, s);
}

/* In the child: the store without a barrier into a small or (*large_holder)
 * a large old array; verify aborts at the minor collection that follows. */
static void store_without_barrier(void *large_holder)
{
    grove_heap *h = verify_heap();
    old_to_young_store(h, false, *(const bool *)large_holder);
}

START_TEST(verify_catches_missing_barrier)
{
    bool large_holder = false;
    test_expect_abort(store_without_barrier, &large_holder, MISSING_BARRIER_MESSAGE);
}
END_TEST

START_TEST(verify_catches_missing_barrier_large)
{
    bool large_holder = true;
    test_expect_abort(store_without_barrier, &large_holder, MISSING_BARRIER_MESSAGE);
}
END_TEST

/* What verify prints for carded_store_outside_card: slot 200 of the old
 * 256-slot array holds the young pair, and the only marked card is slot
 * 1's. */
#define MISSING_CARD_MESSAGE                                                                     \
    "grove: fatal: verify (before minor GC): object ... of type 'array', slot 200, holds ...: "  \
    "old-to-young pointer missing from the remembered set (a store without grove_write or "     \
    "grove_barrier)"

/* In the child: a carded array gets a young pointer in slot 1 through
 * grove_write (its card is marked) and one in slot 200, in another card,
 * without any barrier: a marked card elsewhere in the array does not cover
 * it, and verify aborts. */
static void carded_store_outside_card(void *unused)
{
    (void)unused;
    grove_heap *h = verify_heap();
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, old, grove_alloc_array(h, tt.array, 256));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    struct pair *young = grove_alloc(h, tt.pair, sizeof *young);
    ck_assert_ptr_nonnull(young);
    void **o = GROVE_GET(h, old);
    grove_write(h, o, &o[1], young);
    o[200] = young;
    grove_collect_minor(h);
    grove_scope_exit(h, s);
}

START_TEST(verify_catches_store_outside_marked_card)
{
    test_expect_abort(carded_store_outside_card, NULL, MISSING_CARD_MESSAGE);
}
END_TEST

START_TEST(verify_passes_with_barrier)
{
    grove_heap *h = verify_heap();
    old_to_young_store(h, true, false);
    old_to_young_store(h, true, true);
    grove_heap_destroy(h);
}
END_TEST

/* In the child: the GROVE_DEBUG variable alone turns verify on. */
static void store_without_barrier_env_verify(void *unused)
{
    (void)unused;
    ck_assert_int_eq(setenv("GROVE_DEBUG", "verify", 1), 0);
    grove_heap *h = test_heap_config(NULL, NULL);
    old_to_young_store(h, false, false);
}

START_TEST(env_verify_catches_missing_barrier)
{
    test_expect_abort(store_without_barrier_env_verify, NULL, MISSING_BARRIER_MESSAGE);
}
END_TEST

/* ---- the classic mistake: a raw young pointer kept across a collection -- */


static grove_heap *verify_poison_heap(void)
{
    grove_config c;
    test_default_config(&c);
    c.debug = GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON;
    return test_heap_config(&c, NULL);
}

/* An unrooted pair, then a collection (as any allocation may run): the
 * pair was garbage and is gone. */
static struct pair *stale_pair(grove_heap *h)
{
    struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
    ck_assert_ptr_nonnull(p);
    p->car = FIX(1);
    p->cdr = FIX(2);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    return p;
}

/* In poison mode the nursery restarts in its other region after a minor
 * GC, so the stale pointer does not alias the next object allocated: it
 * points at poison (under ASan, at poisoned memory). */
START_TEST(stale_young_pointer_does_not_alias)
{
    grove_heap *h = verify_poison_heap();
    struct pair *stale = stale_pair(h);
    struct pair *next = grove_alloc(h, tt.pair, sizeof *next);
    ck_assert_ptr_nonnull(next);
    ck_assert_ptr_ne(stale, next);
    ck_assert_ptr_eq(next->car, NULL); /* the new object is intact and zeroed */
#ifndef TEST_ASAN
    ck_assert_uint_eq((uintptr_t)stale->car, (uintptr_t)0xdbdbdbdbdbdbdbdbull);
    ck_assert_uint_eq((uintptr_t)stale->cdr, (uintptr_t)0xdbdbdbdbdbdbdbdbull);
#endif
    /* And again after the next collection: the regions keep alternating. */
    struct pair *stale2 = stale_pair(h);
    ck_assert_ptr_ne(stale2, grove_alloc(h, tt.pair, sizeof *next));
    grove_heap_destroy(h);
}
END_TEST

#ifdef TEST_ASAN
/* In the child: reading through the stale pointer. */
static void read_stale_pointer(void *unused)
{
    (void)unused;
    grove_heap *h = verify_poison_heap();
    struct pair *stale = stale_pair(h);
    ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof *stale));
    printf("%p\n", stale->car); /* ASan stops here */
}

START_TEST(stale_young_pointer_read_caught_by_asan)
{
    test_expect_abort(read_stale_pointer, NULL, "AddressSanitizer: use-after-poison");
}
END_TEST
#endif

/* In the child: the stale pointer stored into a live object. */
static void store_stale_pointer(void *unused)
{
    (void)unused;
    grove_heap *h = verify_poison_heap();
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, keep, grove_alloc_array(h, tt.array, 1));
    struct pair *stale = stale_pair(h);
    void **k = GROVE_GET(h, keep);
    grove_write(h, k, &k[0], stale);
    grove_collect_minor(h); /* verify aborts: the regions alternate, so this one is
                             * the nursery just evacuated again */
    grove_scope_exit(h, s);
}

START_TEST(stale_young_pointer_stored_caught_by_verify)
{
    test_expect_abort(store_stale_pointer, NULL,
                      "grove: fatal: verify (after minor GC): object ... of type 'array', slot 0, "
                      "holds ...: points into the evacuated nursery (a stale pointer)");
}
END_TEST

/* Ages, as a stray write into a header would leave them (bits 60-63,
 * grove.h): verify checks that objects allocated since the last minor GC
 * have age 0, those it kept young 1 to survivor_age, old objects 0. */
enum forged_age { YOUNG_AGED, KEPT_AGE_ZERO, OLD_AGED };

static void set_age(void *object, unsigned age)
{
    uint64_t *hdr = (uint64_t *)object - 1;
    *hdr = (*hdr & ~((uint64_t)15 << 60)) | (uint64_t)age << 60;
}

static void forge_age(void *which)
{
    enum forged_age kind = *(const enum forged_age *)which;
    grove_config c;
    test_default_config(&c);
    c.debug = GROVE_DEBUG_VERIFY;
    c.survivor_age = kind == KEPT_AGE_ZERO ? 2 : 0;
    grove_heap *h = test_heap_config(&c, NULL);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), NULL));
    if (kind != YOUNG_AGED)
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* kept young, or promoted */
    set_age(GROVE_GET(h, p), kind == YOUNG_AGED ? 2 : kind == OLD_AGED ? 1 : 0);
    grove_collect_minor(h); /* verify aborts */
    grove_scope_exit(h, s);
}

START_TEST(verify_catches_wrong_ages)
{
    enum forged_age kind = YOUNG_AGED;
    test_expect_abort(forge_age, &kind,
                      "grove: fatal: verify (before minor GC): nursery object ... of type 'pair' "
                      "has age 2, allocated since the last minor GC (0 expected)");
    kind = KEPT_AGE_ZERO;
    test_expect_abort(forge_age, &kind,
                      "grove: fatal: verify (before minor GC): nursery object ... of type 'pair' "
                      "has age 0, kept young by the last minor GC (1 to survivor_age expected)");
    kind = OLD_AGED;
    test_expect_abort(forge_age, &kind,
                      "grove: fatal: verify (after minor GC): root slot ... holds ...: an old "
                      "object has a nonzero age (promotion clears it)");
}
END_TEST

/* A varied workload under verify + poison: nothing trips. */
START_TEST(verify_and_poison_workload)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)128 << 10;
    c.debug = GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, table, grove_alloc_array(h, tt.array, 600)); /* large */
    GROVE_LOCAL(h, struct pair *, list, NULL);
    const int rounds = (int)test_size(3000, 300);
    for (int i = 0; i < rounds; i++) {
        void *o;
        switch (i % 5) {
        case 0:
            o = test_cons(h, FIX(i), GROVE_GET(h, list));
            GROVE_SET(h, list, o);
            break;
        case 1: {
            struct mixed *m = grove_alloc(h, tt.mixed, sizeof *m);
            ck_assert_ptr_nonnull(m);
            m->raw1 = (uintptr_t)m; /* raw self address */
            grove_write(h, m, &m->a, GROVE_GET(h, list));
            m->b = FIX(i);
            o = m;
            break;
        }
        case 2: {
            struct custom *cu = grove_alloc(h, tt.custom, custom_size(2, 1));
            ck_assert_ptr_nonnull(cu);
            cu->nslots = 2;
            grove_write(h, cu, &cu->slots[0], GROVE_GET(h, list));
            o = cu;
            break;
        }
        case 3:
            o = grove_alloc(h, tt.bytes, 1 + (size_t)(i % 200));
            ck_assert_ptr_nonnull(o);
            ck_assert(test_all_bytes(o, grove_object_size(o), 0));
            memset(o, 0xC3, grove_object_size(o));
            break;
        default:
            o = i % 40 == 4 ? grove_alloc(h, tt.bytes, 20000) : FIX(i);
            ck_assert_ptr_nonnull(o);
            break;
        }
        void **t = GROVE_GET(h, table);
        grove_write(h, t, &t[(size_t)i % 600], o);
        if (i % 500 == 250)
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    size_t n = 0;
    for (const struct pair *p = GROVE_GET(h, list); p; p = p->cdr, n++)
        ck_assert_ptr_eq(p->car, FIX((size_t)(rounds - 1) / 5 * 5 - n * 5));
    ck_assert_uint_eq(n, ((size_t)rounds + 4) / 5);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Poison mode never leaks into fresh allocations. */
START_TEST(poison_allocations_still_zeroed)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)64 << 10;
    c.debug = GROVE_DEBUG_POISON;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 200, 0));
    for (int i = 0; i < (int)test_size(20000, 2000); i++) {
        unsigned char *b = grove_alloc(h, tt.bytes, 40 + (size_t)(i % 50));
        ck_assert_ptr_nonnull(b);
        ck_assert(test_all_bytes(b, grove_object_size(b), 0));
        memset(b, 0xEE, grove_object_size(b));
    }
    ck_assert(test_stats(h).minor_collections >= 2);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 200, 0), 200);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Zeal from the config: collections every N allocations. */
START_TEST(zeal_from_config)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.zeal_minor = 10;
    c.zeal_major = 100;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    grove_stats s0 = test_stats(h);
    for (int i = 0; i < 300; i++) {
        struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
        ck_assert_ptr_nonnull(p);
        p->car = FIX(299 - i);
        grove_write(h, p, &p->cdr, GROVE_GET(h, list));
        GROVE_SET(h, list, p);
    }
    grove_stats s1 = test_stats(h);
    /* 300 allocations: at least 30 minor and 3 major collections (a
     * GROVE_DEBUG zeal setting may add more). */
    ck_assert_uint_ge(s1.minor_collections - s0.minor_collections, 29);
    ck_assert_uint_ge(s1.major_collections - s0.major_collections, 2);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), 300, 0), 300);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Zeal from GROVE_DEBUG, parsed at heap creation. */
START_TEST(zeal_from_env)
{
    ck_assert_int_eq(setenv("GROVE_DEBUG", "zeal-minor=5,zeal-major=50", 1), 0);
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    for (int i = 0; i < 200; i++) {
        struct pair *p = test_cons(h, FIX(199 - i), GROVE_GET(h, list));
        ck_assert_ptr_nonnull(p);
        GROVE_SET(h, list, p);
    }
    grove_stats st = test_stats(h);
    ck_assert_uint_ge(st.minor_collections, 39);
    ck_assert_uint_ge(st.major_collections, 3);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), 200, 0), 200);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
    /* A heap made with GROVE_DEBUG unset does not collect by itself. */
    ck_assert_int_eq(unsetenv("GROVE_DEBUG"), 0);
    h = test_heap(&rec);
    for (int i = 0; i < 200; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    st = test_stats(h);
    ck_assert_uint_eq(st.minor_collections, 0);
    ck_assert_uint_eq(st.major_collections, 0);
    grove_heap_destroy(h);
}
END_TEST

/* ---- the default error handler aborts ------------------------------------ */

/* In the child: misuse (an unknown type id) on a heap with the default handler. */
static void alloc_unknown_type(void *unused)
{
    (void)unused;
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    test_register_types(h);
    (void)grove_alloc(h, 12345, 16);
}

START_TEST(default_handler_aborts)
{
    test_expect_abort(alloc_unknown_type, NULL, UNKNOWN_TYPE_MESSAGE);
}
END_TEST

/* In the child: the same misuse is recorded by a handler, then aborts once
 * the default handler is restored. */
static void alloc_unknown_type_after_restore(void *unused)
{
    (void)unused;
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    ck_assert_ptr_null(grove_alloc(h, 12345, 16));
    ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
    grove_set_error_handler(h, NULL, NULL);
    (void)grove_alloc(h, 12345, 16);
}

START_TEST(default_handler_restored_aborts)
{
    test_expect_abort(alloc_unknown_type_after_restore, NULL, UNKNOWN_TYPE_MESSAGE);
}
END_TEST

START_TEST(default_handler_does_not_abort_on_resource_failure)
{
    /* Resource failures are returned, never handed to the handler. */
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    test_register_types(h);
    ck_assert_ptr_null(grove_alloc(h, tt.bytes, SIZE_MAX));
    ck_assert_int_eq(grove_last_error(h), GROVE_E_TOO_LARGE);
    grove_heap_destroy(h);
}
END_TEST

static Suite *debug_suite(void)
{
    Suite *s = suite_create("debug");
    TCase *tc = test_tcase(s, "verify");
    tcase_add_test(tc, verify_catches_missing_barrier);
    tcase_add_test(tc, verify_catches_missing_barrier_large);
    tcase_add_test(tc, env_verify_catches_missing_barrier);
    tcase_add_test(tc, verify_passes_with_barrier);
    tcase_add_test(tc, verify_catches_store_outside_marked_card);
    tcase_add_test(tc, verify_catches_wrong_ages);
    tcase_add_test(tc, verify_and_poison_workload);
    tcase_add_test(tc, poison_allocations_still_zeroed);
    tcase_add_test(tc, stale_young_pointer_does_not_alias);
    tcase_add_test(tc, stale_young_pointer_stored_caught_by_verify);
#ifdef TEST_ASAN
    tcase_add_test(tc, stale_young_pointer_read_caught_by_asan);
#endif
    tc = test_tcase(s, "zeal");
    tcase_add_test(tc, zeal_from_config);
    tcase_add_test(tc, zeal_from_env);
    tc = test_tcase(s, "handler");
    tcase_add_test(tc, default_handler_aborts);
    tcase_add_test(tc, default_handler_restored_aborts);
    tcase_add_test(tc, default_handler_does_not_abort_on_resource_failure);
    return s;
}

int main(void)
{
    /* Tests that change GROVE_DEBUG need a process per test, whatever
     * CK_FORK says. */
    return test_main_fork(debug_suite());
}
