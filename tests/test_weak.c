/* test_weak.c — weak boxes, ephemerons, guardians and cleanup hooks
 * (grove/weak.h): one test per rule, on young and old objects, at minor and
 * major collections, under a heap limit, and with misuse.
 *
 * Every test runs twice (a Check loop test): run 0 on a plain heap, run 1
 * in verify mode, so verify's heap checks see every case too. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- heaps, types and helpers ------------------------------------------------- */

/* The weak types, registered after the common test types on every heap. */
static struct {
    grove_type_id box;       /* GROVE_LAYOUT_WEAK_BOX */
    grove_type_id ephemeron; /* GROVE_LAYOUT_EPHEMERON */
} wt;

static void register_weak_types(grove_heap *h)
{
    const grove_type_desc box = {.name = "weak-box", .layout = GROVE_LAYOUT_WEAK_BOX};
    const grove_type_desc eph = {.name = "ephemeron", .layout = GROVE_LAYOUT_EPHEMERON};
    wt.box = grove_register_type(h, &box);
    ck_assert_msg(wt.box != GROVE_TYPE_INVALID, "registering a weak box type: %s",
                  grove_last_error_message(h));
    wt.ephemeron = grove_register_type(h, &eph);
    ck_assert_msg(wt.ephemeron != GROVE_TYPE_INVALID, "registering an ephemeron type: %s",
                  grove_last_error_message(h));
}

/* A heap with `config` for run `run` of a loop test (run 1: verify mode). */
static grove_heap *weak_heap_config(grove_config *config, int run, test_errors *rec)
{
    if (run == 1)
        config->debug |= GROVE_DEBUG_VERIFY;
    grove_heap *h = test_heap_config(config, rec);
    register_weak_types(h);
    return h;
}

static grove_heap *weak_heap(int run, test_errors *rec)
{
    grove_config c;
    test_default_config(&c);
    return weak_heap_config(&c, run, rec);
}

/* Add a test run on a plain heap (0) and in verify mode (1). */
#define ADD_TEST(tc, test) tcase_add_loop_test((tc), test, 0, 2)

#define MINOR(h) ck_assert_int_eq(grove_collect_minor(h), GROVE_OK)
#define MAJOR(h) ck_assert_int_eq(grove_collect_major(h), GROVE_OK)

/* Whether p is in the nursery. Tests make the young objects a minor GC
 * must judge with the last allocations before it, but GROVE_DEBUG zeal may
 * promote one made earlier: such tests ask, and check the rule for an old
 * object then. */
static bool young(grove_heap *h, const void *p)
{
    return grove__is_young(grove__fast(h), p);
}

/* The collection that finds objects dead: a minor GC if they are young, a
 * major GC once one is old (old objects outlive minor GCs). Tests call it
 * meaning young objects, which only zeal may have promoted. */
static void collect_judging(grove_heap *h, bool all_young)
{
    ck_assert_msg(all_young || test_zeal(), "an object the test made young is old");
    ck_assert_int_eq(all_young ? grove_collect_minor(h) : grove_collect_major(h), GROVE_OK);
}

static void store(grove_heap *h, void *object, size_t i, void *value)
{
    void **words = object;
    grove_write(h, object, &words[i], value);
}

/* Whether p is a pair whose car is FIX(n). */
static bool holds(const void *p, uintptr_t n)
{
    return !grove_is_immediate(p) && grove_object_type(p) == tt.pair &&
           ((const struct pair *)p)->car == FIX(n);
}

/* An object of `words` words whose first two words are w0 and w1 (w1 only
 * if it has two), both kept rooted across the allocation. */
static void *new_object(grove_heap *h, grove_type_id type, size_t words, void *w0, void *w1)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, r0, w0);
    GROVE_LOCAL(h, void *, r1, w1);
    void *o = grove_alloc(h, type, words * sizeof(void *));
    REQUIRE(o != NULL);
    store(h, o, 0, GROVE_GET(h, r0));
    if (words > 1)
        store(h, o, 1, GROVE_GET(h, r1));
    grove_scope_exit(h, s);
    return o;
}

static void **new_box(grove_heap *h, void *target, size_t words)
{
    return new_object(h, wt.box, words, target, NULL);
}

static void **new_eph(grove_heap *h, void *key, void *value, size_t words)
{
    return new_object(h, wt.ephemeron, words, key, value);
}

/* ---- types --------------------------------------------------------------------- */

START_TEST(weak_types_register)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    ck_assert_uint_ne(wt.box, wt.ephemeron);
    /* One word up to a large object (600 words: past GROVE_MAX_SMALL_PAYLOAD). */
    const size_t words[] = {1, 2, 5, 600};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        const size_t bytes = words[k] * sizeof(void *);
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, void *, box, grove_alloc(h, wt.box, bytes));
        GROVE_LOCAL(h, void *, eph, grove_alloc(h, wt.ephemeron, bytes));
        ck_assert_ptr_nonnull(GROVE_GET(h, box));
        ck_assert_ptr_nonnull(GROVE_GET(h, eph));
        for (int round = 0; round < 3; round++) {
            ck_assert(test_all_bytes(GROVE_GET(h, box), bytes, 0));
            ck_assert(test_all_bytes(GROVE_GET(h, eph), bytes, 0));
            ck_assert_uint_eq(grove_object_type(GROVE_GET(h, box)), wt.box);
            ck_assert_uint_eq(grove_object_type(GROVE_GET(h, eph)), wt.ephemeron);
            ck_assert_uint_eq(grove_object_size(GROVE_GET(h, box)), bytes);
            ck_assert_uint_eq(grove_object_size(GROVE_GET(h, eph)), bytes);
            ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h),
                             GROVE_OK);
        }
        grove_scope_exit(h, s);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- weak boxes ---------------------------------------------------------------- */

/* A young target only the box points to dies at the next minor GC (and at
 * a major GC, which judges young objects too). */
START_TEST(box_cleared_when_young_target_dies)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, box, new_box(h, NULL, 1));
    for (int round = 0; round < 2; round++) {
        struct pair *target = test_cons(h, FIX(1), NULL); /* the last allocation: young */
        ck_assert(young(h, target));
        store(h, GROVE_GET(h, box), 0, target);
        ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), target);
        if (round == 0)
            MINOR(h);
        else
            MAJOR(h);
        ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* While the target is reachable the box follows it when it moves. */
START_TEST(box_follows_rooted_target)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, box, new_box(h, NULL, 1));
    GROVE_LOCAL(h, struct pair *, target, test_cons(h, FIX(2), NULL));
    store(h, GROVE_GET(h, box), 0, GROVE_GET(h, target));
    const void *before = GROVE_GET(h, target);
    MINOR(h);
    ck_assert_ptr_ne(GROVE_GET(h, target), before); /* it moved */
    for (int round = 0; round < 3; round++) {
        ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), GROVE_GET(h, target));
        ck_assert(holds(grove_weak_box_get(GROVE_GET(h, box)), 2));
        test_list(h, 2000, 0); /* garbage */
        ck_assert_int_eq(round == 1 ? grove_collect_minor(h) : grove_collect_major(h), GROVE_OK);
    }
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), GROVE_GET(h, target));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old box given a young target (through the barrier): cleared at the
 * next minor GC if the target dies, updated if it is rooted. */
START_TEST(old_box_young_target)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, box, new_box(h, NULL, 1));
    MINOR(h);
    ck_assert(!young(h, GROVE_GET(h, box)));

    struct pair *dying = test_cons(h, FIX(3), NULL);
    store(h, GROVE_GET(h, box), 0, dying);
    MINOR(h);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));

    GROVE_LOCAL(h, struct pair *, target, test_cons(h, FIX(4), NULL));
    store(h, GROVE_GET(h, box), 0, GROVE_GET(h, target));
    const void *before = GROVE_GET(h, target);
    MINOR(h);
    ck_assert_ptr_ne(GROVE_GET(h, target), before);
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), GROVE_GET(h, target));
    ck_assert(holds(GROVE_GET(h, target), 4));
    MAJOR(h);
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), GROVE_GET(h, target));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old target (promoted, or large) outlives minor GCs once unreachable;
 * the next major GC clears the box. */
START_TEST(old_target_cleared_by_major_only)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    const size_t large_bytes = 100000;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, target, test_cons(h, FIX(5), NULL));
    GROVE_LOCAL(h, unsigned char *, large, grove_alloc(h, tt.bytes, large_bytes));
    test_fill_pattern(GROVE_GET(h, large), large_bytes, 5);
    GROVE_LOCAL(h, void **, box, new_box(h, GROVE_GET(h, target), 1));
    GROVE_LOCAL(h, void **, large_box, new_box(h, GROVE_GET(h, large), 1));
    MINOR(h);
    ck_assert(!young(h, GROVE_GET(h, target)));
    GROVE_SET(h, target, NULL);
    GROVE_SET(h, large, NULL);
    for (int round = 0; round < 2; round++) {
        MINOR(h);
        ck_assert(holds(grove_weak_box_get(GROVE_GET(h, box)), 5));
        ck_assert(test_check_pattern(grove_weak_box_get(GROVE_GET(h, large_box)), large_bytes, 5));
    }
    MAJOR(h);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, large_box)));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Immediates in a box (weak word and strong words) are never touched. */
START_TEST(box_immediates_left_alone)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    void *const imm[] = {FIX(42), (void *)(uintptr_t)0x7a, (void *)(uintptr_t)0x4, NULL};
    const size_t n = sizeof imm / sizeof imm[0];
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, boxes, grove_alloc_array(h, tt.array, n));
    for (size_t i = 0; i < n; i++) {
        void **b = new_box(h, imm[i], 2);
        b[1] = imm[n - 1 - i];
        store(h, GROVE_GET(h, boxes), i, b);
    }
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        for (size_t i = 0; i < n; i++) {
            void **b = GROVE_GET(h, boxes)[i];
            ck_assert_ptr_eq(grove_weak_box_get(b), imm[i]);
            ck_assert_ptr_eq(b[1], imm[n - 1 - i]);
        }
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Words 1.. of a box are strong: they keep their objects (and a weak word
 * pointing to the same object) alive; small and large boxes. */
START_TEST(box_extra_words_strong)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    const size_t sizes[] = {3, 600};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const size_t last = sizes[k] - 1;
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, void **, box, new_box(h, NULL, sizes[k]));
        struct pair *a = test_cons(h, FIX(10), NULL);
        store(h, GROVE_GET(h, box), 0, a);
        store(h, GROVE_GET(h, box), 1, a);
        struct pair *b = test_cons(h, FIX(11), NULL);
        store(h, GROVE_GET(h, box), last, b);
        for (int round = 0; round < 3; round++) {
            ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h),
                             GROVE_OK);
            void **bx = GROVE_GET(h, box);
            ck_assert(holds(bx[1], 10));
            ck_assert_ptr_eq(grove_weak_box_get(bx), bx[1]);
            ck_assert(holds(bx[last], 11));
        }
        /* Once only the weak word points to it, it dies (it is old now). */
        store(h, GROVE_GET(h, box), 1, NULL);
        MAJOR(h);
        ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));
        ck_assert(holds(GROVE_GET(h, box)[last], 11));
        grove_scope_exit(h, s);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A box's target reachable only through an ephemeron's value lives while
 * the key does, and is cleared with it (major GC, then minor GC). */
START_TEST(box_target_through_ephemeron_value)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, eph, new_eph(h, NULL, NULL, 2));
    GROVE_LOCAL(h, void **, box, new_box(h, NULL, 1));
    GROVE_LOCAL(h, struct pair *, key, test_cons(h, FIX(20), NULL));
    struct pair *value = test_cons(h, FIX(21), NULL);
    store(h, GROVE_GET(h, eph), 0, GROVE_GET(h, key));
    store(h, GROVE_GET(h, eph), 1, value);
    store(h, GROVE_GET(h, box), 0, value);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert(holds(grove_ephemeron_value(GROVE_GET(h, eph)), 21));
        ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)),
                         grove_ephemeron_value(GROVE_GET(h, eph)));
    }
    GROVE_SET(h, key, NULL); /* old by now */
    MAJOR(h);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));

    /* A young key: its death at a minor GC clears the ephemeron at once;
     * the value, old by then, dies (and its box clears) at a major GC. */
    GROVE_SET(h, key, test_cons(h, FIX(22), NULL));
    value = test_cons(h, FIX(23), NULL);
    store(h, GROVE_GET(h, eph), 0, GROVE_GET(h, key));
    store(h, GROVE_GET(h, eph), 1, value);
    store(h, GROVE_GET(h, box), 0, value);
    MINOR(h);
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)),
                     grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert(holds(grove_weak_box_get(GROVE_GET(h, box)), 23));
    GROVE_SET(h, key, test_cons(h, FIX(24), NULL)); /* a fresh key, the last allocation */
    store(h, GROVE_GET(h, eph), 0, GROVE_GET(h, key));
    value = grove_ephemeron_value(GROVE_GET(h, eph)); /* old now: died only at a major GC */
    GROVE_SET(h, key, NULL);
    MINOR(h);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), value);
    MAJOR(h);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- ephemerons: one ------------------------------------------------------------ */

START_TEST(eph_value_kept_while_key_reachable)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, key, test_cons(h, FIX(30), NULL));
    GROVE_LOCAL(h, void **, eph, new_eph(h, GROVE_GET(h, key), NULL, 3));
    struct pair *value = test_cons(h, FIX(31), NULL);
    store(h, GROVE_GET(h, eph), 1, value);
    struct pair *extra = test_cons(h, FIX(32), NULL);
    store(h, GROVE_GET(h, eph), 2, extra);
    const void *value_before = grove_ephemeron_value(GROVE_GET(h, eph));
    const bool value_moves = young(h, value_before);
    ck_assert(value_moves || test_zeal());
    for (int round = 0; round < 4; round++) {
        ck_assert_int_eq(round % 2 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        void **e = GROVE_GET(h, eph);
        ck_assert_ptr_eq(grove_ephemeron_key(e), GROVE_GET(h, key));
        ck_assert(holds(grove_ephemeron_value(e), 31));
        ck_assert(holds(e[2], 32));
        if (round == 0 && value_moves)
            ck_assert_ptr_ne(grove_ephemeron_value(e), value_before);
        test_list(h, 2000, 0);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A young key dies at a minor GC: key and value become NULL, the value is
 * not kept, the strong word 2 is. */
START_TEST(eph_cleared_when_young_key_dies)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, eph, new_eph(h, NULL, NULL, 3));
    GROVE_LOCAL(h, struct pair *, value, test_cons(h, FIX(41), NULL));
    GROVE_LOCAL(h, void **, value_box, new_box(h, GROVE_GET(h, value), 1));
    struct pair *extra = test_cons(h, FIX(42), NULL);
    store(h, GROVE_GET(h, eph), 2, extra);
    struct pair *key = test_cons(h, FIX(40), NULL); /* the last allocation: young */
    ck_assert(young(h, key));
    store(h, GROVE_GET(h, eph), 0, key);
    store(h, GROVE_GET(h, eph), 1, GROVE_GET(h, value));
    const bool value_young = young(h, GROVE_GET(h, value));
    GROVE_SET(h, value, NULL);
    MINOR(h);
    void **e = GROVE_GET(h, eph);
    ck_assert_ptr_null(grove_ephemeron_key(e));
    ck_assert_ptr_null(grove_ephemeron_value(e));
    ck_assert(holds(e[2], 42));
    ck_assert(value_young || test_zeal());
    if (value_young)
        ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, value_box)));
    MAJOR(h);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, value_box)));
    ck_assert(holds(GROVE_GET(h, eph)[2], 42));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old key outlives minor GCs; the major GC that finds it dead clears
 * the ephemeron and frees the value. */
START_TEST(eph_cleared_when_old_key_dies)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, key, test_cons(h, FIX(43), NULL));
    GROVE_LOCAL(h, void **, eph, new_eph(h, GROVE_GET(h, key), NULL, 2));
    struct pair *value = test_cons(h, FIX(44), NULL);
    store(h, GROVE_GET(h, eph), 1, value);
    GROVE_LOCAL(h, void **, value_box, new_box(h, grove_ephemeron_value(GROVE_GET(h, eph)), 1));
    MINOR(h);
    ck_assert(!young(h, GROVE_GET(h, key)));
    GROVE_SET(h, key, NULL);
    MINOR(h);
    ck_assert(holds(grove_ephemeron_key(GROVE_GET(h, eph)), 43));
    ck_assert(holds(grove_ephemeron_value(GROVE_GET(h, eph)), 44));
    MAJOR(h);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, value_box)));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A key reachable only from its own ephemeron's value is dead. */
START_TEST(eph_key_only_in_own_value_dies)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, eph, new_eph(h, NULL, NULL, 2));
    GROVE_LOCAL(h, void **, key_box, new_box(h, NULL, 1));
    GROVE_LOCAL(h, struct pair *, key, test_cons(h, FIX(50), NULL));
    struct pair *value = test_cons(h, FIX(51), GROVE_GET(h, key)); /* value -> key */
    store(h, GROVE_GET(h, eph), 0, GROVE_GET(h, key));
    store(h, GROVE_GET(h, eph), 1, value);
    store(h, GROVE_GET(h, key_box), 0, GROVE_GET(h, key));
    const bool all_young = young(h, GROVE_GET(h, key)) && young(h, value);
    GROVE_SET(h, key, NULL);
    collect_judging(h, all_young);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, key_box)));

    /* The same, old. */
    GROVE_SET(h, key, test_cons(h, FIX(52), NULL));
    value = test_cons(h, FIX(53), GROVE_GET(h, key));
    store(h, GROVE_GET(h, eph), 0, GROVE_GET(h, key));
    store(h, GROVE_GET(h, eph), 1, value);
    store(h, GROVE_GET(h, key_box), 0, GROVE_GET(h, key));
    MINOR(h);
    GROVE_SET(h, key, NULL);
    MAJOR(h);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, key_box)));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old ephemeron given a young key and value (through the barrier): the
 * key's death at a minor GC clears it; a rooted key is followed. */
START_TEST(eph_young_key_in_old_ephemeron)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, eph, new_eph(h, NULL, NULL, 2));
    MINOR(h);
    ck_assert(!young(h, GROVE_GET(h, eph)));

    GROVE_LOCAL(h, struct pair *, value, test_cons(h, FIX(61), NULL));
    struct pair *key = test_cons(h, FIX(60), NULL); /* the last allocation: young */
    store(h, GROVE_GET(h, eph), 0, key);
    store(h, GROVE_GET(h, eph), 1, GROVE_GET(h, value));
    GROVE_SET(h, value, NULL);
    MINOR(h);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));

    GROVE_SET(h, value, test_cons(h, FIX(63), NULL));
    GROVE_LOCAL(h, struct pair *, rooted_key, test_cons(h, FIX(62), NULL));
    store(h, GROVE_GET(h, eph), 0, GROVE_GET(h, rooted_key));
    store(h, GROVE_GET(h, eph), 1, GROVE_GET(h, value));
    GROVE_SET(h, value, NULL);
    const void *before = GROVE_GET(h, rooted_key);
    MINOR(h);
    ck_assert_ptr_ne(GROVE_GET(h, rooted_key), before);
    for (int round = 0; round < 2; round++) {
        ck_assert_ptr_eq(grove_ephemeron_key(GROVE_GET(h, eph)), GROVE_GET(h, rooted_key));
        ck_assert(holds(grove_ephemeron_value(GROVE_GET(h, eph)), 63));
        MAJOR(h);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An immediate key (a fixnum, another tag, NULL) is always live: the value
 * is strong. */
START_TEST(eph_immediate_key_keeps_value)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    void *const keys[] = {FIX(70), (void *)(uintptr_t)0x7a, NULL};
    const size_t n = sizeof keys / sizeof keys[0];
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, ephs, grove_alloc_array(h, tt.array, n));
    for (size_t i = 0; i < n; i++) {
        void **e = new_eph(h, keys[i], NULL, 2);
        store(h, GROVE_GET(h, ephs), i, e);
    }
    for (size_t i = 0; i < n; i++) {
        struct pair *value = test_cons(h, FIX(71 + i), NULL);
        store(h, GROVE_GET(h, ephs)[i], 1, value);
    }
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        for (size_t i = 0; i < n; i++) {
            void **e = GROVE_GET(h, ephs)[i];
            ck_assert_msg(grove_ephemeron_key(e) == keys[i], "key %p became %p", keys[i],
                          grove_ephemeron_key(e));
            ck_assert_msg(holds(grove_ephemeron_value(e), 71 + i),
                          "the value of the ephemeron keyed %p was lost", keys[i]);
        }
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- ephemerons: chains, cycles, tables ------------------------------------------ */

#define CHAIN_END 100000 /* the last link's value holds FIX(CHAIN_END) */

/* Links of a chain: link i is the ephemeron [k_i, k_{i+1}], the last one's
 * value the end marker (or k_0 for a cycle). `reverse` allocates them last
 * to first and stores them so: a tracer scanning the array meets each link
 * before the one whose value is its key. */
static size_t link_slot(size_t n, bool reverse, size_t i)
{
    return reverse ? n - 1 - i : i;
}

static void **link_at(void **links, size_t n, bool reverse, size_t i)
{
    return links[link_slot(n, reverse, i)];
}

/* An array of the n links and, in slot n, k_0 (strong; clear it to leave
 * the first key unreachable). */
static void **build_links(grove_heap *h, size_t n, bool reverse, bool cycle)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, keys, grove_alloc_array(h, tt.array, n + 1));
    GROVE_LOCAL(h, void **, links, grove_alloc_array(h, tt.array, n + 1));
    for (size_t i = 0; i < n; i++) {
        struct pair *k = test_cons(h, FIX(i), NULL);
        store(h, GROVE_GET(h, keys), i, k);
    }
    void *end = cycle ? GROVE_GET(h, keys)[0] : test_cons(h, FIX(CHAIN_END), NULL);
    store(h, GROVE_GET(h, keys), n, end);
    for (size_t j = 0; j < n; j++) {
        const size_t i = reverse ? n - 1 - j : j;
        void **k = GROVE_GET(h, keys);
        void **e = new_eph(h, k[i], k[i + 1], 2);
        store(h, GROVE_GET(h, links), link_slot(n, reverse, i), e);
    }
    store(h, GROVE_GET(h, links), n, GROVE_GET(h, keys)[0]);
    /* Emptied: promoted by zeal and then dead, it would keep young keys
     * alive through the remembered set until a major GC. */
    for (size_t i = 0; i <= n; i++)
        store(h, GROVE_GET(h, keys), i, NULL);
    void **result = GROVE_GET(h, links);
    grove_scope_exit(h, s);
    return result;
}

/* Links before first_live are cleared; the others hold k_i and k_{i+1}. */
static void check_links(void **links, size_t n, bool reverse, bool cycle, size_t first_live)
{
    for (size_t i = 0; i < n; i++) {
        void **e = link_at(links, n, reverse, i);
        void *key = grove_ephemeron_key(e), *value = grove_ephemeron_value(e);
        if (i < first_live) {
            ck_assert_msg(key == NULL && value == NULL,
                          "link %zu of %zu (live from %zu): key %p, value %p: not cleared", i, n,
                          first_live, key, value);
            continue;
        }
        ck_assert_msg(holds(key, i), "link %zu of %zu (live from %zu) lost its key", i, n,
                      first_live);
        if (i + 1 < n)
            ck_assert_ptr_eq(value, grove_ephemeron_key(link_at(links, n, reverse, i + 1)));
        else if (cycle)
            ck_assert_ptr_eq(value, grove_ephemeron_key(link_at(links, n, reverse, 0)));
        else
            ck_assert(holds(value, CHAIN_END));
    }
}

/* The first link whose key is old: at a minor GC, an old key is live, and
 * keeps every later key of the chain alive through the values. */
static size_t first_old_key(grove_heap *h, void **links, size_t n, bool reverse)
{
    for (size_t i = 0; i < n; i++)
        if (!young(h, grove_ephemeron_key(link_at(links, n, reverse, i))))
            return i;
    return n;
}

static void chain_test(int run, bool reverse)
{
    test_errors rec;
    grove_heap *h = weak_heap(run, &rec);
    const size_t n = 100;
    grove_scope s = grove_scope_enter(h);
    /* The first key rooted: every link survives minor and major GCs. */
    GROVE_LOCAL(h, void **, links, build_links(h, n, reverse, false));
    GROVE_LOCAL(h, void *, first, GROVE_GET(h, links)[n]);
    store(h, GROVE_GET(h, links), n, NULL);
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        check_links(GROVE_GET(h, links), n, reverse, false, 0);
    }
    /* Dropped: the keys are old, so minor GCs keep them; a major GC clears
     * every link. */
    GROVE_SET(h, first, NULL);
    MINOR(h);
    check_links(GROVE_GET(h, links), n, reverse, false, 0);
    MAJOR(h);
    check_links(GROVE_GET(h, links), n, reverse, false, n);

    /* A young chain whose first key is unreachable from the start. */
    GROVE_SET(h, links, build_links(h, n, reverse, false));
    store(h, GROVE_GET(h, links), n, NULL);
    const size_t first_live = first_old_key(h, GROVE_GET(h, links), n, reverse);
    ck_assert(first_live == n || test_zeal());
    MINOR(h);
    check_links(GROVE_GET(h, links), n, reverse, false, first_live);
    MAJOR(h);
    check_links(GROVE_GET(h, links), n, reverse, false, n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}

START_TEST(eph_chain_forward)
{
    chain_test(_i, false);
}
END_TEST

START_TEST(eph_chain_reverse)
{
    chain_test(_i, true);
}
END_TEST

/* A cycle of ephemerons (each value the next one's key) is garbage unless
 * one of its keys is reachable from outside. */
START_TEST(eph_cycles_die)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    const size_t sizes[] = {1, 2, 10};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const size_t n = sizes[k];
        const bool reverse = k % 2 == 1;
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, void **, links, build_links(h, n, reverse, true));
        /* Kept while k_0 is rooted (slot n), at minor and major GCs. */
        MINOR(h);
        check_links(GROVE_GET(h, links), n, reverse, true, 0);
        MAJOR(h);
        check_links(GROVE_GET(h, links), n, reverse, true, 0);
        store(h, GROVE_GET(h, links), n, NULL);
        MAJOR(h);
        check_links(GROVE_GET(h, links), n, reverse, true, n);

        /* A young cycle: a minor GC clears it, unless zeal made a key old. */
        GROVE_SET(h, links, build_links(h, n, reverse, true));
        store(h, GROVE_GET(h, links), n, NULL);
        const bool any_old = first_old_key(h, GROVE_GET(h, links), n, reverse) < n;
        ck_assert(!any_old || test_zeal());
        MINOR(h);
        check_links(GROVE_GET(h, links), n, reverse, true, any_old ? 0 : n);
        MAJOR(h);
        check_links(GROVE_GET(h, links), n, reverse, true, n);
        grove_scope_exit(h, s);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

#define TABLE_VALUE(i) ((i) + 1000000)

/* A table of ephemerons (entry i: key k_i, value (TABLE_VALUE(i) . k_i)),
 * every third key rooted: exactly the rooted keys' entries survive. */
START_TEST(eph_table_keeps_rooted_keys)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    const size_t n = test_size(3000, 300);
    bool *was_old = calloc(n, sizeof *was_old);
    ck_assert_ptr_nonnull(was_old);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, table, grove_alloc_array(h, tt.array, n));
    GROVE_LOCAL(h, void **, rooted, grove_alloc_array(h, tt.array, n));
    for (size_t i = 0; i < n; i++) {
        grove_scope si = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, key, test_cons(h, FIX(i), NULL));
        GROVE_LOCAL(h, struct pair *, value, test_cons(h, FIX(TABLE_VALUE(i)), GROVE_GET(h, key)));
        void **e = new_eph(h, GROVE_GET(h, key), GROVE_GET(h, value), 2);
        store(h, GROVE_GET(h, table), i, e);
        if (i % 3 == 0)
            store(h, GROVE_GET(h, rooted), i, GROVE_GET(h, key));
        grove_scope_exit(h, si);
    }
    /* Under zeal, earlier collections promoted some keys and cleared the
     * entries of some dead ones already. */
    size_t old_keys = 0;
    for (size_t i = 0; i < n; i++) {
        const void *key = grove_ephemeron_key(GROVE_GET(h, table)[i]);
        was_old[i] = key != NULL && !young(h, key);
        old_keys += was_old[i];
    }
    ck_assert(old_keys == 0 || test_zeal());
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        size_t live = 0;
        for (size_t i = 0; i < n; i++) {
            void **e = GROVE_GET(h, table)[i];
            /* A minor GC judges only the young keys. */
            const bool expect_live = i % 3 == 0 || (round == 0 && was_old[i]);
            if (!expect_live) {
                REQUIRE(grove_ephemeron_key(e) == NULL && grove_ephemeron_value(e) == NULL);
                continue;
            }
            live++;
            REQUIRE(holds(grove_ephemeron_key(e), i));
            REQUIRE(holds(grove_ephemeron_value(e), TABLE_VALUE(i)));
            REQUIRE(((struct pair *)grove_ephemeron_value(e))->cdr == grove_ephemeron_key(e));
            if (i % 3 == 0)
                REQUIRE(grove_ephemeron_key(e) == GROVE_GET(h, rooted)[i]);
        }
        if (round == 1)
            ck_assert_uint_eq(live, (n + 2) / 3);
    }
    /* Every key dropped: the whole table is cleared. */
    GROVE_SET(h, rooted, NULL);
    MAJOR(h);
    for (size_t i = 0; i < n; i++) {
        void **e = GROVE_GET(h, table)[i];
        REQUIRE(grove_ephemeron_key(e) == NULL && grove_ephemeron_value(e) == NULL);
    }
    grove_scope_exit(h, s);
    free(was_old);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A key reachable only through a weak box is dead. */
START_TEST(eph_key_only_weakly_reachable_dies)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, eph, new_eph(h, NULL, NULL, 2));
    GROVE_LOCAL(h, void **, key_box, new_box(h, NULL, 1));
    GROVE_LOCAL(h, struct pair *, value, test_cons(h, FIX(81), NULL));
    struct pair *key = test_cons(h, FIX(80), NULL);
    store(h, GROVE_GET(h, eph), 0, key);
    store(h, GROVE_GET(h, eph), 1, GROVE_GET(h, value));
    store(h, GROVE_GET(h, key_box), 0, key);
    GROVE_SET(h, value, NULL);
    MINOR(h);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, key_box)));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- guardians ------------------------------------------------------------------ */

static grove_guardian *new_guardian(grove_heap *h)
{
    grove_guardian *g = grove_guardian_create(h);
    ck_assert_msg(g != NULL, "grove_guardian_create: %s", grove_last_error_message(h));
    return g;
}

static void check_guardian(const grove_guardian *g, size_t queued, size_t registered)
{
    ck_assert_uint_eq(grove_guardian_queued(g), queued);
    ck_assert_uint_eq(grove_guardian_registered(g), registered);
}

/* A young registered object found dead is queued, not freed: it comes back
 * with everything it reaches (at a minor GC, then at a major GC). */
START_TEST(guardian_queues_dead_young)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    const size_t n = 50;
    for (int round = 0; round < 2; round++) {
        grove_scope s = grove_scope_enter(h);
        struct pair *list = test_list(h, n, 0); /* its head: the last allocation */
        ck_assert(young(h, list));
        ASSERT_CODE(grove_guardian_register(h, g, list), GROVE_OK);
        check_guardian(g, 0, 1);
        if (round == 0)
            MINOR(h);
        else
            MAJOR(h);
        check_guardian(g, 1, 0);
        GROVE_LOCAL(h, struct pair *, back, grove_guardian_take(h, g));
        ck_assert_ptr_nonnull(GROVE_GET(h, back));
        check_guardian(g, 0, 0);
        ck_assert_ptr_null(grove_guardian_take(h, g));
        ck_assert_uint_eq(test_list_check(GROVE_GET(h, back), n, 0), n);
        /* Taken and rooted: an ordinary object again. */
        test_list(h, 2000, 0);
        MINOR(h);
        MAJOR(h);
        ck_assert_uint_eq(test_list_check(GROVE_GET(h, back), n, 0), n);
        check_guardian(g, 0, 0);
        grove_scope_exit(h, s);
    }
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old registered object outlives minor GCs; a major GC queues it. */
START_TEST(guardian_queues_dead_old)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    const size_t n = 50;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, n, 7));
    MINOR(h);
    ck_assert(!young(h, GROVE_GET(h, list)));
    ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, list)), GROVE_OK);
    GROVE_SET(h, list, NULL);
    MINOR(h);
    check_guardian(g, 0, 1);
    MAJOR(h);
    check_guardian(g, 1, 0);
    GROVE_SET(h, list, grove_guardian_take(h, g));
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), n, 7), n);
    grove_scope_exit(h, s);
    /* The guardian is left for grove_heap_destroy to free. */
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(guardian_live_object_not_queued)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(90), NULL));
    ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, p)), GROVE_OK);
    for (int round = 0; round < 4; round++) {
        test_list(h, 2000, 0);
        ck_assert_int_eq(round % 2 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        check_guardian(g, 0, 1);
        ck_assert_ptr_null(grove_guardian_take(h, g));
        ck_assert(holds(GROVE_GET(h, p), 90));
    }
    /* Dropped now (old): queued by the next major GC. */
    GROVE_SET(h, p, NULL);
    MAJOR(h);
    check_guardian(g, 1, 0);
    ck_assert(holds(grove_guardian_take(h, g), 90));
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(guardian_registered_twice_queued_twice)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    struct pair *p = test_cons(h, FIX(91), NULL);
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    check_guardian(g, 0, 2);
    MINOR(h);
    check_guardian(g, 2, 0);
    struct pair *first = grove_guardian_take(h, g);
    struct pair *second = grove_guardian_take(h, g);
    ck_assert(holds(first, 91));
    ck_assert_ptr_eq(second, first);
    ck_assert_ptr_null(grove_guardian_take(h, g));
    check_guardian(g, 0, 0);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A dead guarded object reachable only from another dead guarded object
 * is unreachable too: both are queued, whatever the order. */
START_TEST(guardian_dead_reaching_dead_both_queued)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, inner, test_cons(h, FIX(2), NULL));
    struct pair *outer = test_cons(h, FIX(1), GROVE_GET(h, inner));
    ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, inner)), GROVE_OK);
    ASSERT_CODE(grove_guardian_register(h, g, outer), GROVE_OK);
    const bool all_young = young(h, GROVE_GET(h, inner)) && young(h, outer);
    GROVE_SET(h, inner, NULL);
    collect_judging(h, all_young);
    check_guardian(g, 2, 0);
    struct pair *first = grove_guardian_take(h, g);
    struct pair *second = grove_guardian_take(h, g);
    struct pair *o = holds(first, 1) ? first : second;
    struct pair *in = o == first ? second : first;
    ck_assert(holds(o, 1));
    ck_assert(holds(in, 2));
    ck_assert_ptr_eq(o->cdr, in);
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The queue is first in, first out across collections. */
START_TEST(guardian_queue_is_fifo)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    for (uintptr_t i = 0; i < 3; i++) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
        MINOR(h);
        check_guardian(g, i + 1, 0);
    }
    for (uintptr_t i = 0; i < 3; i++)
        ck_assert(holds(grove_guardian_take(h, g), i));
    ck_assert_ptr_null(grove_guardian_take(h, g));
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Taken, rooted, then dropped again: not queued again (the registration
 * was used up), and freed: a weak box made after the resurrection clears.
 * Registered again after the take, it is queued again. */
START_TEST(guardian_resurrected_then_dropped)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    struct pair *p = test_cons(h, FIX(92), NULL);
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    MINOR(h);
    GROVE_LOCAL(h, struct pair *, back, grove_guardian_take(h, g));
    ck_assert(holds(GROVE_GET(h, back), 92));
    GROVE_LOCAL(h, void **, box, new_box(h, GROVE_GET(h, back), 1));
    MAJOR(h);
    check_guardian(g, 0, 0);
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), GROVE_GET(h, back));
    GROVE_SET(h, back, NULL);
    MAJOR(h);
    check_guardian(g, 0, 0);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));

    p = test_cons(h, FIX(93), NULL);
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    MINOR(h);
    p = grove_guardian_take(h, g);
    ck_assert(holds(p, 93));
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    check_guardian(g, 0, 1);
    MAJOR(h); /* old since its first queueing */
    check_guardian(g, 1, 0);
    ck_assert(holds(grove_guardian_take(h, g), 93));
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Weak boxes are judged before guardians resurrect: a box to an object
 * that gets queued is NULL by then (young at a minor GC, old at a major). */
START_TEST(guardian_weak_box_cleared_when_queued)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, box, new_box(h, NULL, 1));
    for (int round = 0; round < 2; round++) {
        grove_scope sr = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(94 + round), NULL));
        store(h, GROVE_GET(h, box), 0, GROVE_GET(h, p));
        ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, p)), GROVE_OK);
        if (round == 1)
            MINOR(h); /* make it old */
        ck_assert(young(h, GROVE_GET(h, p)) == (round == 0));
        GROVE_SET(h, p, NULL);
        if (round == 0) {
            MINOR(h);
        } else {
            MINOR(h);
            check_guardian(g, 0, 1);
            ck_assert(holds(grove_weak_box_get(GROVE_GET(h, box)), 95));
            MAJOR(h);
        }
        check_guardian(g, 1, 0);
        ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));
        ck_assert(holds(grove_guardian_take(h, g), 94 + round));
        grove_scope_exit(h, sr);
    }
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An ephemeron keyed on an object a guardian queues is cleared, key and
 * value, and the value is not kept. */
START_TEST(guardian_ephemeron_cleared_when_queued)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, eph, new_eph(h, NULL, NULL, 2));
    GROVE_LOCAL(h, struct pair *, value, test_cons(h, FIX(97), NULL));
    GROVE_LOCAL(h, void **, value_box, new_box(h, GROVE_GET(h, value), 1));
    struct pair *key = test_cons(h, FIX(96), NULL); /* the last allocation: young */
    store(h, GROVE_GET(h, eph), 0, key);
    store(h, GROVE_GET(h, eph), 1, GROVE_GET(h, value));
    ASSERT_CODE(grove_guardian_register(h, g, key), GROVE_OK);
    GROVE_SET(h, value, NULL);
    MINOR(h);
    check_guardian(g, 1, 0);
    ck_assert_ptr_null(grove_ephemeron_key(GROVE_GET(h, eph)));
    ck_assert_ptr_null(grove_ephemeron_value(GROVE_GET(h, eph)));
    GROVE_LOCAL(h, struct pair *, back, grove_guardian_take(h, g));
    ck_assert(holds(GROVE_GET(h, back), 96));
    MAJOR(h);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, value_box)));
    ck_assert(holds(GROVE_GET(h, back), 96));
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Weak boxes and ephemerons reachable only from a resurrected object are
 * judged after the resurrection: their resurrected targets survive, an
 * object nothing resurrects does not. */
START_TEST(guardian_resurrected_weak_judged_after)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    enum { BOX, TARGET, EPH, LOST_BOX, SLOTS };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, guarded, grove_alloc_array(h, tt.array, SLOTS));
    struct pair *target = test_cons(h, FIX(100), NULL);
    store(h, GROVE_GET(h, guarded), TARGET, target);
    void **box = new_box(h, GROVE_GET(h, guarded)[TARGET], 1);
    store(h, GROVE_GET(h, guarded), BOX, box);
    void **eph = new_eph(h, GROVE_GET(h, guarded)[TARGET], NULL, 2);
    store(h, GROVE_GET(h, guarded), EPH, eph);
    struct pair *value = test_cons(h, FIX(101), NULL);
    store(h, GROVE_GET(h, guarded)[EPH], 1, value);
    void **lost_box = new_box(h, NULL, 1);
    store(h, GROVE_GET(h, guarded), LOST_BOX, lost_box);
    struct pair *lost = test_cons(h, FIX(102), NULL); /* reachable from nothing strong */
    store(h, GROVE_GET(h, guarded)[LOST_BOX], 0, lost);
    ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, guarded)), GROVE_OK);
    const bool all_young = young(h, GROVE_GET(h, guarded)) && young(h, lost);
    GROVE_SET(h, guarded, NULL);
    collect_judging(h, all_young);
    check_guardian(g, 1, 0);
    GROVE_SET(h, guarded, grove_guardian_take(h, g));
    void **o = GROVE_GET(h, guarded);
    ck_assert(holds(o[TARGET], 100));
    ck_assert_ptr_eq(grove_weak_box_get(o[BOX]), o[TARGET]);
    ck_assert_ptr_eq(grove_ephemeron_key(o[EPH]), o[TARGET]);
    ck_assert(holds(grove_ephemeron_value(o[EPH]), 101));
    ck_assert_ptr_null(grove_weak_box_get(o[LOST_BOX]));
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Queued objects stay alive, with what they reach, until taken. */
START_TEST(guardian_queued_survive_until_taken)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    const size_t n = 200;
    struct pair *list = test_list(h, n, 3);
    ASSERT_CODE(grove_guardian_register(h, g, list), GROVE_OK);
    MINOR(h);
    check_guardian(g, 1, 0);
    for (int round = 0; round < 3; round++) {
        test_list(h, 5000, 0);
        MINOR(h);
        MAJOR(h);
        check_guardian(g, 1, 0);
    }
    struct pair *back = grove_guardian_take(h, g);
    ck_assert_uint_eq(test_list_check(back, n, 3), n);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Many registrations, every other object rooted: exactly the others are
 * queued, each once. */
START_TEST(guardian_many_registrations)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    const size_t n = test_size(4000, 400);
    unsigned char *seen = calloc(n, 1);
    ck_assert_ptr_nonnull(seen);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, rooted, grove_alloc_array(h, tt.array, n));
    for (size_t i = 0; i < n; i++) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        REQUIRE(grove_guardian_register(h, g, p) == GROVE_OK);
        if (i % 2 == 0)
            store(h, GROVE_GET(h, rooted), i, p);
    }
    MAJOR(h);
    check_guardian(g, n / 2, n - n / 2);
    for (struct pair *p; (p = grove_guardian_take(h, g)) != NULL;) {
        REQUIRE(grove_object_type(p) == tt.pair && IS_FIX(p->car));
        const size_t i = UNFIX(p->car);
        REQUIRE(i < n && i % 2 == 1 && !seen[i]);
        seen[i] = 1;
    }
    for (size_t i = 1; i < n; i += 2)
        REQUIRE(seen[i]);
    for (size_t i = 0; i < n; i += 2)
        REQUIRE(holds(GROVE_GET(h, rooted)[i], i));
    grove_scope_exit(h, s);
    free(seen);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(guardian_take_empty)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    ck_assert_ptr_null(grove_guardian_take(h, g));
    MINOR(h);
    ck_assert_ptr_null(grove_guardian_take(h, g));
    check_guardian(g, 0, 0);
    grove_guardian_free(h, g);
    grove_guardian_free(h, NULL);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Freeing a guardian drops its registrations and lets its queued objects
 * go: the large objects die at the next major GC. */
START_TEST(guardian_free_drops_registrations)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    const size_t big = (size_t)1 << 20; /* far more than the test's other garbage */
    grove_guardian *registered = new_guardian(h);
    grove_guardian *queued = new_guardian(h);
    void *o = grove_alloc(h, tt.bytes, big);
    ck_assert_ptr_nonnull(o);
    ASSERT_CODE(grove_guardian_register(h, registered, o), GROVE_OK);
    o = grove_alloc(h, tt.bytes, big);
    ck_assert_ptr_nonnull(o);
    ASSERT_CODE(grove_guardian_register(h, queued, o), GROVE_OK);
    grove_guardian_free(h, registered);
    grove_stats before = test_stats(h);
    MAJOR(h);
    grove_stats after = test_stats(h);
    check_guardian(queued, 1, 0);
    ck_assert_uint_ge(after.bytes_freed - before.bytes_freed, big);
    ck_assert_uint_lt(after.bytes_freed - before.bytes_freed, 2 * big);
    grove_guardian_free(h, queued);
    before = after;
    MAJOR(h);
    after = test_stats(h);
    ck_assert_uint_ge(after.bytes_freed - before.bytes_freed, big);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A queued object's own weak box and ephemeron, reached only once it is
 * kept alive, still judge it dead: no weak reference yields an object a
 * guardian queued. */
START_TEST(guardian_queued_object_dead_to_its_own_weak_refs)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    enum { BOX, EPH, SLOTS };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, x, grove_alloc_array(h, tt.array, SLOTS));
    store(h, GROVE_GET(h, x), BOX, new_box(h, GROVE_GET(h, x), 1));
    store(h, GROVE_GET(h, x), EPH, new_eph(h, GROVE_GET(h, x), NULL, 2));
    store(h, GROVE_GET(h, x)[EPH], 1, test_cons(h, FIX(5), NULL));
    ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, x)), GROVE_OK);
    const bool all_young = young(h, GROVE_GET(h, x));
    GROVE_SET(h, x, NULL);
    collect_judging(h, all_young);
    check_guardian(g, 1, 0);
    GROVE_SET(h, x, grove_guardian_take(h, g));
    void **o = GROVE_GET(h, x);
    ck_assert_ptr_nonnull(o);
    ck_assert_ptr_null(grove_weak_box_get(o[BOX]));
    ck_assert_ptr_null(grove_ephemeron_key(o[EPH]));
    ck_assert_ptr_null(grove_ephemeron_value(o[EPH]));
    /* Resurrected: weak references made from now on work normally. */
    store(h, o, BOX, new_box(h, GROVE_GET(h, x), 1));
    MINOR(h);
    MAJOR(h);
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, x)[BOX]), GROVE_GET(h, x));
    grove_scope_exit(h, s);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A guardian freed with registrations and queued objects left: its queue
 * no longer keeps anything alive, its registrations' objects are freed
 * when they die and never queued, and other guardians are unaffected —
 * over many guardians created and freed. */
START_TEST(guardian_freed_with_registrations_left)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *kept = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, alive, test_cons(h, FIX(1), NULL));
    const int n = test_reduced() ? 50 : 500;
    for (int i = 0; i < n; i++) {
        grove_guardian *g = new_guardian(h);
        ASSERT_CODE(grove_guardian_register(h, g, GROVE_GET(h, alive)), GROVE_OK);
        ASSERT_CODE(grove_guardian_register(h, g, test_cons(h, FIX(2), NULL)), GROVE_OK);
        if (i % 2)
            MINOR(h); /* the dead one queued before the free */
        ASSERT_CODE(grove_guardian_register(h, kept, test_cons(h, FIX(3), NULL)), GROVE_OK);
        grove_guardian_free(h, g);
    }
    GROVE_SET(h, alive, NULL);
    MINOR(h);
    MAJOR(h);
    /* Only the kept guardian queued anything; every object it queued is intact. */
    check_guardian(kept, (size_t)n, 0);
    for (int i = 0; i < n; i++)
        ck_assert(holds(grove_guardian_take(h, kept), 3));
    grove_scope_exit(h, s);
    grove_guardian_free(h, kept);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- cleanup hooks ---------------------------------------------------------------- */

/* The tokens of the hooks run, in order. */
static uintptr_t hook_log[64];
static size_t hook_runs;

static void log_token(void *token)
{
    if (hook_runs < sizeof hook_log / sizeof hook_log[0])
        hook_log[hook_runs] = (uintptr_t)token;
    hook_runs++;
}

static void add_logged(grove_heap *h, void *object, uintptr_t token)
{
    ASSERT_CODE(grove_add_cleanup(h, object, log_token, (void *)token), GROVE_OK);
}

/* Assert the log holds `expect` (n tokens) in order, then empty it. */
static void check_log(const uintptr_t *expect, size_t n)
{
    ck_assert_uint_eq(hook_runs, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(hook_log[i] == expect[i], "hook %zu of %zu ran with token %lu, expected %lu",
                      i, n, (unsigned long)hook_log[i], (unsigned long)expect[i]);
    hook_runs = 0;
}

/* A young object's hooks run at the minor GC that finds it dead, with
 * their tokens, in the order added, once. */
START_TEST(cleanup_young_runs_at_minor)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    struct pair *p = test_cons(h, FIX(1), NULL); /* the last allocation: young */
    add_logged(h, p, 3);
    add_logged(h, p, 1);
    add_logged(h, p, 2);
    ck_assert_uint_eq(hook_runs, 0);
    MINOR(h);
    check_log((const uintptr_t[]){3, 1, 2}, 3);
    MINOR(h);
    MAJOR(h);
    check_log(NULL, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
    check_log(NULL, 0); /* not again at destroy */
}
END_TEST

/* Not run while the object lives; an old object's hooks wait for the
 * major GC. Each object's hooks keep their order. */
START_TEST(cleanup_old_runs_at_major)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, a, test_cons(h, FIX(1), NULL));
    GROVE_LOCAL(h, struct pair *, b, test_cons(h, FIX(2), NULL));
    add_logged(h, GROVE_GET(h, a), 1);
    add_logged(h, GROVE_GET(h, b), 10);
    add_logged(h, GROVE_GET(h, a), 2);
    add_logged(h, GROVE_GET(h, b), 11);
    add_logged(h, GROVE_GET(h, a), 3);
    for (int round = 0; round < 3; round++) {
        test_list(h, 2000, 0);
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        check_log(NULL, 0);
    }
    GROVE_SET(h, a, NULL);
    GROVE_SET(h, b, NULL);
    MINOR(h);
    check_log(NULL, 0);
    MAJOR(h);
    ck_assert_uint_eq(hook_runs, 5);
    uintptr_t of_a[5], of_b[5];
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < 5; i++) {
        if (hook_log[i] < 10)
            of_a[na++] = hook_log[i];
        else
            of_b[nb++] = hook_log[i];
    }
    ck_assert_uint_eq(na, 3);
    ck_assert_uint_eq(nb, 2);
    ck_assert(of_a[0] == 1 && of_a[1] == 2 && of_a[2] == 3);
    ck_assert(of_b[0] == 10 && of_b[1] == 11);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An allocation that collects returns after the hooks of what it found
 * dead have run. */
START_TEST(cleanup_runs_before_allocation_returns)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    struct pair *p = test_cons(h, FIX(1), NULL);
    add_logged(h, p, 7);
    const grove_stats before = test_stats(h);
    for (size_t i = 0;; i++) {
        REQUIRE(i < 1000000);
        REQUIRE(grove_alloc(h, tt.pair, sizeof(struct pair)) != NULL);
        const grove_stats now = test_stats(h);
        if (now.minor_collections != before.minor_collections ||
            now.major_collections != before.major_collections)
            break;
        REQUIRE(hook_runs == 0);
    }
    check_log((const uintptr_t[]){7}, 1);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A guardian keeps the object: its hook waits until it is dead for good
 * (taken and dropped, or its guardian freed). */
START_TEST(cleanup_waits_for_guardian)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    grove_guardian *g = new_guardian(h);
    grove_scope s = grove_scope_enter(h);
    struct pair *p = test_cons(h, FIX(1), NULL);
    add_logged(h, p, 1);
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    MINOR(h);
    check_guardian(g, 1, 0);
    check_log(NULL, 0);
    MAJOR(h);
    check_log(NULL, 0);
    GROVE_LOCAL(h, struct pair *, back, grove_guardian_take(h, g));
    MAJOR(h);
    check_log(NULL, 0);
    ck_assert(holds(GROVE_GET(h, back), 1));
    GROVE_SET(h, back, NULL);
    MAJOR(h);
    check_log((const uintptr_t[]){1}, 1);

    /* Queued, then the guardian freed. */
    p = test_cons(h, FIX(2), NULL);
    add_logged(h, p, 2);
    ASSERT_CODE(grove_guardian_register(h, g, p), GROVE_OK);
    MINOR(h);
    check_guardian(g, 1, 0);
    check_log(NULL, 0);
    grove_guardian_free(h, g);
    MAJOR(h);
    check_log((const uintptr_t[]){2}, 1);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Hooks still pending run at grove_heap_destroy: a live object's, and a
 * dead one's not collected yet. */
START_TEST(cleanup_runs_at_heap_destroy)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    grove_persistent live;
    grove_persistent_init(h, &live, test_cons(h, FIX(1), NULL));
    add_logged(h, grove_persistent_get(h, &live), 1);
    add_logged(h, grove_persistent_get(h, &live), 2);
    MAJOR(h);
    add_logged(h, test_cons(h, FIX(3), NULL), 3);
    check_log(NULL, 0);
    grove_persistent_drop(h, &live);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
    ck_assert_uint_eq(hook_runs, 3);
    bool seen[4] = {false};
    for (size_t i = 0; i < 3; i++) {
        ck_assert(hook_log[i] >= 1 && hook_log[i] <= 3 && !seen[hook_log[i]]);
        seen[hook_log[i]] = true;
    }
    for (size_t i = 0; i < 3; i++)
        if (hook_log[i] == 2)
            ck_assert(i > 0 && hook_log[i - 1] == 1); /* the live object's, in order */
}
END_TEST

/* What a hook did, and what the heap reported meanwhile. */
struct hook_probe {
    grove_heap *heap;
    test_errors *rec;
    grove_persistent *live; /* a live object the hook reads */
    unsigned runs;
    void *car_seen;
    void *allocated;
    test_errors alloc_report, collect_report, add_report;
    grove_error collect, add;
};

static void probing_hook(void *token)
{
    struct hook_probe *m = token;
    m->runs++;
    struct pair *live = grove_persistent_get(m->heap, m->live);
    m->car_seen = live->car;
    test_errors_reset(m->rec);
    m->allocated = grove_alloc(m->heap, tt.pair, sizeof(struct pair));
    m->alloc_report = *m->rec;
    test_errors_reset(m->rec);
    m->collect = grove_collect_minor(m->heap);
    m->collect_report = *m->rec;
    test_errors_reset(m->rec);
    m->add = grove_add_cleanup(m->heap, live, log_token, (void *)(uintptr_t)99);
    m->add_report = *m->rec;
    test_errors_reset(m->rec);
}

/* One GROVE_E_IN_GC report whose message names the call and the hook. */
static void check_in_gc_report(const test_errors *r, const char *what)
{
    ck_assert_msg(r->count == 1 && r->code == GROVE_E_IN_GC,
                  "%s from a cleanup hook: %u reports, the last %s (%s)", what, r->count,
                  grove_error_name(r->code), r->message);
    ck_assert_msg(strstr(r->message, what) != NULL && strstr(r->message, "cleanup hook") != NULL,
                  "%s from a cleanup hook: message \"%s\"", what, r->message);
}

/* From a hook: objects and roots may be read; allocating, collecting and
 * adding hooks on the heap are refused with GROVE_E_IN_GC. */
/* A hook's allocation is refused also after a major GC that could not
 * evacuate the nursery (the heap limit), when the nursery still has room
 * for the inline path. */
static grove_heap *hook_heap;
static void *hook_allocation;
static int hook_allocating_calls;
static char hook_error[256];

static void hook_allocating(void *token)
{
    (void)token;
    hook_allocating_calls++;
    hook_allocation = grove_alloc(hook_heap, tt.bytes, 8);
    snprintf(hook_error, sizeof hook_error, "%s", grove_last_error_message(hook_heap));
}

START_TEST(cleanup_allocation_refused_after_unevacuated_major)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.nursery_size = (size_t)1 << 20;
    c.max_heap_size = ((size_t)1 << 20) + ((size_t)256 << 10);
    grove_heap *h = weak_heap_config(&c, _i, &rec);
    hook_heap = h;
    hook_allocation = NULL;
    hook_allocating_calls = 0;
    ASSERT_CODE(grove_add_cleanup(h, grove_alloc(h, tt.bytes, 8), hook_allocating, NULL),
                GROVE_OK);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, list, NULL);
    for (int i = 0; i < 600; i++) { /* ~600 KiB of young survivors: more than fits */
        void **o = grove_alloc_array(h, tt.array, 125);
        if (!o)
            break;
        o[0] = GROVE_GET(h, list);
        GROVE_SET(h, list, o);
    }
    /* The limit may be reported; the hook runs either way (with zeal, maybe
     * at an earlier collection). */
    (void)grove_collect_major(h);
    ck_assert_int_eq(hook_allocating_calls, 1);
    ck_assert_ptr_null(hook_allocation);
    ck_assert_ptr_nonnull(strstr(hook_error, "allocation from a cleanup hook"));
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(cleanup_hook_misuse_refused)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    grove_persistent live;
    grove_persistent_init(h, &live, test_cons(h, FIX(5), NULL));
    struct hook_probe m = {.heap = h, .rec = &rec, .live = &live};
    struct pair *dying = test_cons(h, FIX(6), NULL);
    ASSERT_CODE(grove_add_cleanup(h, dying, probing_hook, &m), GROVE_OK);
    MINOR(h);
    ck_assert_uint_eq(m.runs, 1);
    ck_assert_ptr_eq(m.car_seen, FIX(5));
    ck_assert_ptr_null(m.allocated);
    check_in_gc_report(&m.alloc_report, "allocation");
    ck_assert_int_eq(m.collect, GROVE_E_IN_GC);
    check_in_gc_report(&m.collect_report, "grove_collect_minor");
    ck_assert_int_eq(m.add, GROVE_E_IN_GC);
    check_in_gc_report(&m.add_report, "grove_add_cleanup");
    /* The heap works afterwards, and the refused hook was not added. */
    ck_assert_ptr_nonnull(test_cons(h, FIX(7), NULL));
    grove_persistent_drop(h, &live);
    MAJOR(h);
    ck_assert_uint_eq(m.runs, 1);
    check_log(NULL, 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
    check_log(NULL, 0);
}
END_TEST

/* Immediates are not objects: no hook, no registration. A returned error,
 * recorded, not misuse (the handler is not called). */
START_TEST(immediates_refused)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    grove_guardian *g = new_guardian(h);
    void *const imm[] = {NULL, FIX(1), (void *)(uintptr_t)0x7a};
    for (size_t i = 0; i < sizeof imm / sizeof imm[0]; i++) {
        grove_clear_error(h);
        ASSERT_CODE(grove_add_cleanup(h, imm[i], log_token, NULL), GROVE_E_NOT_OBJECT);
        ASSERT_LAST_ERROR(h, GROVE_E_NOT_OBJECT);
        grove_clear_error(h);
        ASSERT_CODE(grove_guardian_register(h, g, imm[i]), GROVE_E_NOT_OBJECT);
        ASSERT_LAST_ERROR(h, GROVE_E_NOT_OBJECT);
    }
    check_guardian(g, 0, 0);
    ASSERT_NOT_REPORTED(&rec);
    hook_runs = 0;
    grove_heap_destroy(h);
    check_log(NULL, 0);
}
END_TEST

/* From inside a collection (a custom type's trace callback) every entry
 * point is refused with GROVE_E_IN_GC. */
static struct {
    grove_heap *heap;
    grove_guardian *guardian;
    unsigned refused;
} in_gc;

static void weak_calls_from_trace(void *object)
{
    grove_heap *h = in_gc.heap;
    if (grove_guardian_create(h) == NULL && grove_last_error(h) == GROVE_E_IN_GC)
        in_gc.refused++;
    if (grove_guardian_register(h, in_gc.guardian, object) == GROVE_E_IN_GC)
        in_gc.refused++;
    grove_clear_error(h);
    if (grove_guardian_take(h, in_gc.guardian) == NULL && grove_last_error(h) == GROVE_E_IN_GC)
        in_gc.refused++;
    if (grove_add_cleanup(h, object, log_token, NULL) == GROVE_E_IN_GC)
        in_gc.refused++;
}

START_TEST(misuse_during_collection)
{
    test_errors rec;
    grove_heap *h = weak_heap(_i, &rec);
    hook_runs = 0;
    in_gc.heap = h;
    in_gc.guardian = new_guardian(h);
    in_gc.refused = 0;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct custom *, c, grove_alloc(h, tt.custom, custom_size(0, 0)));
    custom_trace_hook = weak_calls_from_trace;
    MINOR(h);
    custom_trace_hook = NULL;
    /* Four refusals per call of the callback (verify may trace it too). */
    ck_assert_uint_gt(in_gc.refused, 0);
    ck_assert_uint_eq(in_gc.refused % 4, 0);
    ck_assert_uint_eq(rec.count, in_gc.refused);
    ck_assert_int_eq(rec.code, GROVE_E_IN_GC);
    test_errors_reset(&rec);
    check_guardian(in_gc.guardian, 0, 0);
    GROVE_SET(h, c, NULL);
    MAJOR(h);
    check_log(NULL, 0); /* the refused hook was not added */
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- under a heap limit ------------------------------------------------------------ */

/* Chunks of CHUNK bytes: their index, then a pattern seeded by it. */
#define CHUNK ((size_t)1000)

static void fill_chunk(unsigned char *chunk, size_t index)
{
    memcpy(chunk, &index, sizeof index);
    test_fill_pattern(chunk + sizeof index, CHUNK - sizeof index, (uint32_t)index);
}

static size_t chunk_index(const unsigned char *chunk)
{
    size_t index;
    memcpy(&index, chunk, sizeof index);
    return index;
}

static bool chunk_intact(const unsigned char *chunk)
{
    return grove_object_size(chunk) == CHUNK &&
           test_check_pattern(chunk + sizeof(size_t), CHUNK - sizeof(size_t),
                              (uint32_t)chunk_index(chunk));
}

/* Dead objects a guardian keeps fill the heap: allocation fails cleanly
 * with GROVE_E_OOM, within the limit; every object comes back intact, and
 * once they are taken the heap has room again. */
START_TEST(guardian_under_heap_limit)
{
    grove_config c;
    test_default_config(&c);
    c.nursery_size = test_size((size_t)256 << 10, (size_t)64 << 10);
    c.max_heap_size = test_size((size_t)4 << 20, (size_t)1 << 20);
    test_errors rec;
    grove_heap *h = weak_heap_config(&c, _i, &rec);
    grove_guardian *g = new_guardian(h);
    size_t made = 0;
    for (;;) {
        unsigned char *chunk = grove_alloc(h, tt.bytes, CHUNK);
        if (!chunk)
            break;
        fill_chunk(chunk, made);
        REQUIRE(grove_guardian_register(h, g, chunk) == GROVE_OK);
        made++;
        REQUIRE(made < 100000); /* the limit holds a few thousand */
    }
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_le(test_stats(h).peak_heap_bytes, c.max_heap_size);
    ck_assert_uint_gt(made, test_size(1000, 200));
    ck_assert_uint_gt(grove_guardian_queued(g), 0);
    ck_assert_uint_eq(grove_guardian_queued(g) + grove_guardian_registered(g), made);

    unsigned char *seen = calloc(made, 1);
    ck_assert_ptr_nonnull(seen);
    size_t taken = 0;
    for (int round = 0; taken < made; round++) {
        ck_assert_msg(round < 8, "%zu of %zu objects came back", taken, made);
        for (unsigned char *chunk; (chunk = grove_guardian_take(h, g)) != NULL; taken++) {
            const size_t i = chunk_index(chunk);
            REQUIRE(i < made && !seen[i] && chunk_intact(chunk));
            seen[i] = 1;
        }
        /* Queues what is still registered; until what was taken is freed,
         * the nursery's survivors may not fit (GROVE_E_OOM). */
        const grove_error e = grove_collect_major(h);
        ck_assert(e == GROVE_OK || e == GROVE_E_OOM);
    }
    check_guardian(g, 0, 0);
    MAJOR(h);
    ck_assert_uint_le(test_stats(h).peak_heap_bytes, c.max_heap_size);
    for (size_t i = 0; i < made; i++)
        REQUIRE(grove_alloc(h, tt.bytes, CHUNK) != NULL);
    free(seen);
    grove_guardian_free(h, g);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("weak");
    TCase *tc = test_tcase(s, "box");
    ADD_TEST(tc, weak_types_register);
    ADD_TEST(tc, box_cleared_when_young_target_dies);
    ADD_TEST(tc, box_follows_rooted_target);
    ADD_TEST(tc, old_box_young_target);
    ADD_TEST(tc, old_target_cleared_by_major_only);
    ADD_TEST(tc, box_immediates_left_alone);
    ADD_TEST(tc, box_extra_words_strong);
    ADD_TEST(tc, box_target_through_ephemeron_value);
    tc = test_tcase(s, "ephemeron");
    ADD_TEST(tc, eph_value_kept_while_key_reachable);
    ADD_TEST(tc, eph_cleared_when_young_key_dies);
    ADD_TEST(tc, eph_cleared_when_old_key_dies);
    ADD_TEST(tc, eph_key_only_in_own_value_dies);
    ADD_TEST(tc, eph_young_key_in_old_ephemeron);
    ADD_TEST(tc, eph_immediate_key_keeps_value);
    ADD_TEST(tc, eph_chain_forward);
    ADD_TEST(tc, eph_chain_reverse);
    ADD_TEST(tc, eph_cycles_die);
    ADD_TEST(tc, eph_table_keeps_rooted_keys);
    ADD_TEST(tc, eph_key_only_weakly_reachable_dies);
    tc = test_tcase(s, "guardian");
    ADD_TEST(tc, guardian_queues_dead_young);
    ADD_TEST(tc, guardian_queues_dead_old);
    ADD_TEST(tc, guardian_live_object_not_queued);
    ADD_TEST(tc, guardian_registered_twice_queued_twice);
    ADD_TEST(tc, guardian_dead_reaching_dead_both_queued);
    ADD_TEST(tc, guardian_queue_is_fifo);
    ADD_TEST(tc, guardian_resurrected_then_dropped);
    ADD_TEST(tc, guardian_weak_box_cleared_when_queued);
    ADD_TEST(tc, guardian_ephemeron_cleared_when_queued);
    ADD_TEST(tc, guardian_resurrected_weak_judged_after);
    ADD_TEST(tc, guardian_queued_survive_until_taken);
    ADD_TEST(tc, guardian_many_registrations);
    ADD_TEST(tc, guardian_take_empty);
    ADD_TEST(tc, guardian_free_drops_registrations);
    ADD_TEST(tc, guardian_queued_object_dead_to_its_own_weak_refs);
    ADD_TEST(tc, guardian_freed_with_registrations_left);
    tc = test_tcase(s, "cleanup");
    ADD_TEST(tc, cleanup_young_runs_at_minor);
    ADD_TEST(tc, cleanup_old_runs_at_major);
    ADD_TEST(tc, cleanup_runs_before_allocation_returns);
    ADD_TEST(tc, cleanup_waits_for_guardian);
    ADD_TEST(tc, cleanup_runs_at_heap_destroy);
    ADD_TEST(tc, cleanup_hook_misuse_refused);
    ADD_TEST(tc, cleanup_allocation_refused_after_unevacuated_major);
    ADD_TEST(tc, immediates_refused);
    ADD_TEST(tc, misuse_during_collection);
    tc = test_tcase(s, "limit");
    ADD_TEST(tc, guardian_under_heap_limit);
    return test_main(s);
}
