/* test_incremental.c — incremental major GC: cycles in slices, the barrier
 * that shades, promotion and allocation during marking, the young
 * generation and weak objects at the final pause, the heap limit, the
 * invariant check, and the codegen opt-out. */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv, strdup */
#include "support.h"

#include <grove/codegen.h>
#include <stdlib.h>
#include <string.h>

/* The tests' configuration, incremental, slices doing `slice` bytes of
 * work at least. */
static void incremental_config(grove_config *c, size_t slice)
{
    test_default_config(c);
    c->incremental = true;
    c->major_slice_bytes = slice;
}

/* An incremental heap whose slices do `slice` bytes of work at least. */
static grove_heap *incremental_heap(size_t slice, test_errors *rec)
{
    grove_config c;
    incremental_config(&c, slice);
    c.debug |= GROVE_DEBUG_POISON; /* a freed live object shows as poison */
    return test_heap_config(&c, rec);
}

/* Slices until the running cycle's final pause; returns the slices run. */
static uint64_t finish_cycle(grove_heap *h)
{
    uint64_t majors = test_stats(h).major_collections, slices = 0;
    while (test_stats(h).major_collections == majors) {
        ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
        ck_assert_uint_lt(++slices, 1000000);
    }
    return slices;
}

/* Slices until the cycle (started by the first) marks: a first sweeps
 * what the last major GC left, one block a slice at a small budget. */
static void start_marking(grove_heap *h)
{
    for (int i = 0; test_stats(h).major_cycle != 2; i++) {
        ck_assert_int_lt(i, 100000);
        ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
    }
}

/* A promoted list of n pairs FIX(first), FIX(first + 1), ... */
static struct pair *old_list(grove_heap *h, size_t n, uintptr_t first)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, n, first));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    struct pair *out = GROVE_GET(h, list);
    grove_scope_exit(h, s);
    ck_assert(!test_is_young(h, out));
    return out;
}

START_TEST(cycle_runs_in_slices)
{
    test_errors rec;
    grove_heap *h = incremental_heap(16 << 10, &rec);
    const size_t n = test_size(20000, 2000);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, old_list(h, n, 0));
    GROVE_LOCAL(h, struct pair *, garbage, old_list(h, n, 0));
    GROVE_SET(h, garbage, NULL);
    grove_stats s0 = test_stats(h);

    /* The first slice starts a cycle; after the last sweep it marks. */
    ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
    bool saw_marking = test_stats(h).major_cycle == 2;
    uint64_t slices = 1;
    while (test_stats(h).major_collections == s0.major_collections) {
        ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
        saw_marking |= test_stats(h).major_cycle == 2;
        slices++;
    }
    grove_stats s1 = test_stats(h);
    ck_assert(saw_marking);
    ck_assert_uint_eq(s1.major_cycle, 0);
    /* Each call ran a slice; the last, the final pause too. 16 KiB of work
     * per slice over a list of n pairs takes many. */
    ck_assert_uint_eq(s1.major_slices - s0.major_slices, slices);
    ck_assert_uint_ge(slices, n * 24 / (16 << 10));
    ck_assert_uint_eq(s1.major.count - s0.major.count, slices + 1);
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, n * 24);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), n, 0), n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Lists move between two old arrays while the cycle marks, each cut from
 * the one it leaves: whichever array is scanned first, the barrier shades
 * a list stored into a marked one. */
START_TEST(barrier_shades_what_moves_into_marked_objects)
{
    test_errors rec;
    grove_heap *h = incremental_heap(512, &rec);
    const size_t slots = 400, len = 20;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, a, grove_alloc_array(h, tt.array, slots));
    GROVE_LOCAL(h, void **, b, grove_alloc_array(h, tt.array, slots));
    for (size_t i = 0; i < slots; i++) {
        struct pair *l = test_list(h, len, i * len);
        void **arr = GROVE_GET(h, a);
        grove_write(h, arr, &arr[i], l);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
        for (size_t i = 0; i < slots; i++) {
            void **va = GROVE_GET(h, a), **vb = GROVE_GET(h, b);
            void **from = round ? vb : va, **to = round ? va : vb;
            grove_write(h, to, &to[i], from[i]);
            grove_write(h, from, &from[i], NULL);
            if (i % 8 == 0)
                ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
        }
        finish_cycle(h);
        void **arr = round ? GROVE_GET(h, a) : GROVE_GET(h, b);
        for (size_t i = 0; i < slots; i++)
            ck_assert_uint_eq(test_list_check(arr[i], len, i * len), len);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Cut `list` (an old list) before its cell `at`, which is returned: its
 * tail is reachable from nothing else. */
static struct pair *cut_tail(grove_heap *h, struct pair *list, size_t at)
{
    for (size_t i = 1; i < at; i++)
        list = list->cdr;
    struct pair *tail = list->cdr;
    grove_write(h, list, &list->cdr, NULL);
    return tail;
}

/* During marking, the tails of four old lists, deep enough to be white,
 * lose their only pointer from the heap and keep one from: a young cell
 * in a root; a young cell in an old slot (the remembered set); a root; a
 * cell promoted while marking. The final pause finds the first three,
 * promotion the fourth. */
START_TEST(young_objects_and_roots_rescanned_at_the_final_pause)
{
    test_errors rec;
    grove_heap *h = incremental_heap(256, &rec);
    const size_t len = 500, at = 400;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, holder, grove_alloc_array(h, tt.array, 8));
    for (uintptr_t i = 0; i < 4; i++) {
        struct pair *l = old_list(h, len, i * 1000);
        void **arr = GROVE_GET(h, holder);
        grove_write(h, arr, &arr[i], l);
    }
    start_marking(h);
    void **arr = GROVE_GET(h, holder);
    struct pair *fresh = test_cons(h, FIX(9), NULL);
    arr = GROVE_GET(h, holder);
    grove_write(h, fresh, &fresh->cdr, cut_tail(h, arr[3], at));
    grove_write(h, arr, &arr[5], fresh);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    /* The next ones stay young until the final pause: slices allocate
     * nothing. */
    GROVE_LOCAL(h, struct pair *, young_root, test_cons(h, FIX(7), NULL));
    struct pair *y = test_cons(h, FIX(8), NULL);
    arr = GROVE_GET(h, holder);
    struct pair *yr = GROVE_GET(h, young_root);
    grove_write(h, yr, &yr->cdr, cut_tail(h, arr[0], at));
    grove_write(h, y, &y->cdr, cut_tail(h, arr[1], at));
    grove_write(h, arr, &arr[4], y);
    GROVE_LOCAL(h, struct pair *, root, cut_tail(h, arr[2], at));
    finish_cycle(h);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK); /* frees what the cycle missed */

    arr = GROVE_GET(h, holder);
    const size_t rest = len - at;
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, young_root)->cdr, rest, at), rest);
    ck_assert_uint_eq(test_list_check(((struct pair *)arr[4])->cdr, rest, 1000 + at), rest);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, root), rest, 2000 + at), rest);
    ck_assert_uint_eq(test_list_check(((struct pair *)arr[5])->cdr, rest, 3000 + at), rest);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(test_list_check(arr[i], at, i * 1000), at);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Large objects allocated while marking are black: what they hold
 * survives, and they do when reachable. Unreachable ones die at the next
 * cycle. */
START_TEST(large_objects_allocated_while_marking)
{
    test_errors rec;
    grove_heap *h = incremental_heap(256, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, old_list(h, 2000, 0));
    start_marking(h);
    GROVE_LOCAL(h, void **, big, grove_alloc_array(h, tt.array, 1000));
    void **arr = GROVE_GET(h, big);
    grove_write(h, arr, &arr[999], GROVE_GET(h, list));
    GROVE_SET(h, list, NULL);
    ck_assert_ptr_nonnull(grove_alloc_array(h, tt.array, 1000)); /* garbage at once */
    finish_cycle(h);
    arr = GROVE_GET(h, big);
    ck_assert_uint_eq(test_list_check(arr[999], 2000, 0), 2000);
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
    finish_cycle(h);
    ck_assert_uint_ge(test_stats(h).bytes_freed - s0.bytes_freed, 8000);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static grove_type_id box_type, eph_type;

static void register_weak(grove_heap *h)
{
    const grove_type_desc box = {.name = "weak-box", .layout = GROVE_LAYOUT_WEAK_BOX};
    const grove_type_desc eph = {.name = "ephemeron", .layout = GROVE_LAYOUT_EPHEMERON};
    box_type = grove_register_type(h, &box);
    eph_type = grove_register_type(h, &eph);
    ck_assert(box_type != GROVE_TYPE_INVALID && eph_type != GROVE_TYPE_INVALID);
}

/* Weak boxes and ephemerons the slices scan are judged by the final pause:
 * a target dead before the cycle is cleared, a live one kept; an
 * ephemeron keeps its value while its key lives, and breaks when it is
 * dead. */
START_TEST(weak_objects_judged_at_the_final_pause)
{
    test_errors rec;
    grove_heap *h = incremental_heap(64, &rec);
    register_weak(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, live, test_cons(h, FIX(1), NULL));
    GROVE_LOCAL(h, void **, box_dead, grove_alloc(h, box_type, 8));
    GROVE_LOCAL(h, void **, box_live, grove_alloc(h, box_type, 8));
    GROVE_LOCAL(h, void **, eph_live, grove_alloc(h, eph_type, 16));
    GROVE_LOCAL(h, void **, eph_dead, grove_alloc(h, eph_type, 16));
    struct pair *dead = test_cons(h, FIX(2), NULL);
    void **b = GROVE_GET(h, box_dead);
    grove_write(h, b, &b[0], dead);
    b = GROVE_GET(h, box_live);
    grove_write(h, b, &b[0], GROVE_GET(h, live));
    struct pair *value = test_cons(h, FIX(3), NULL);
    void **e = GROVE_GET(h, eph_live);
    grove_write(h, e, &e[0], GROVE_GET(h, live));
    grove_write(h, e, &e[1], value);
    struct pair *dead_key = test_cons(h, FIX(4), NULL);
    e = GROVE_GET(h, eph_dead);
    grove_write(h, e, &e[0], dead_key);
    grove_write(h, e, &e[1], test_cons(h, FIX(5), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* all old, the dead ones too */
    finish_cycle(h);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box_dead)));
    ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box_live)), GROVE_GET(h, live));
    e = GROVE_GET(h, eph_live);
    ck_assert_ptr_eq(e[0], GROVE_GET(h, live));
    ck_assert_ptr_nonnull(e[1]);
    ck_assert_uint_eq(UNFIX(((struct pair *)e[1])->car), 3);
    e = GROVE_GET(h, eph_dead);
    ck_assert_ptr_null(e[0]);
    ck_assert_ptr_null(e[1]);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A cycle keeps what its roots reached when marking began, though it died
 * since (floating garbage); grove_collect_major during a cycle frees it
 * all the same: everything unreachable at the call is gone. */
START_TEST(collect_major_during_a_cycle_frees_what_died_in_it)
{
    test_errors rec;
    grove_heap *h = incremental_heap(64, &rec);
    register_weak(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, floating, old_list(h, 10, 0));
    GROVE_LOCAL(h, struct pair *, dropped, old_list(h, 10, 100));
    GROVE_LOCAL(h, void **, box_floating, grove_alloc(h, box_type, 8));
    GROVE_LOCAL(h, void **, box_dropped, grove_alloc(h, box_type, 8));
    void **b = GROVE_GET(h, box_floating);
    grove_write(h, b, &b[0], GROVE_GET(h, floating));
    b = GROVE_GET(h, box_dropped);
    grove_write(h, b, &b[0], GROVE_GET(h, dropped));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);

    start_marking(h); /* the roots are shaded: both lists are grey */
    GROVE_SET(h, floating, NULL);
    finish_cycle(h);
    ck_assert_ptr_nonnull(grove_weak_box_get(GROVE_GET(h, box_floating)));

    start_marking(h);
    GROVE_SET(h, dropped, NULL);
    uint64_t majors = test_stats(h).major_collections;
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_stats(h).major_cycle, 0);
    ck_assert_uint_eq(test_stats(h).major_collections, majors + 2); /* the cycle's end, a full GC */
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box_dropped)));
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box_floating)));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The slices a minor GC sets are paid as the nursery fills, by
 * grove_alloc_uninit too, whose inline path would otherwise bump to the
 * nursery's end: the nursery stops it where the next slice is due. */
START_TEST(slices_owed_are_paid_as_the_nursery_fills)
{
    test_errors rec;
    grove_config c;
    incremental_config(&c, 64);
    /* 1 MiB threshold: the list's 900 KB pass the goal (768 KiB), not the
     * deadline (1.5 MiB), so the debt is the most slices may owe. */
    c.major_min_bytes = (size_t)1 << 20;
    /* Zeal would collect every few allocations: verify and poison only. */
    const char *env = getenv("GROVE_DEBUG");
    char *saved = env ? strdup(env) : NULL;
    setenv("GROVE_DEBUG", "verify,poison", 1);
    grove_heap *h = test_heap_config(&c, &rec);
    if (saved)
        setenv("GROVE_DEBUG", saved, 1);
    else
        unsetenv("GROVE_DEBUG");
    free(saved);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, test_list(h, 28000, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* promotes it; a cycle starts */
    grove_stats before = test_stats(h);
    ck_assert_uint_eq(before.major_cycle, 2);
    for (size_t i = 0; i < (600 << 10) / sizeof(struct pair); i++) {
        struct pair *p = grove_alloc_uninit(h, tt.pair, sizeof *p);
        ck_assert_ptr_nonnull(p);
        p->car = p->cdr = FIX(i);
    }
    grove_stats after = test_stats(h);
    ck_assert_uint_eq(after.minor_collections, before.minor_collections);
    ck_assert_uint_ge(after.major_slices, before.major_slices + 2);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), 28000, 0), 28000);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Under a heap limit with a mutator that promotes faster than slices of
 * the least budget would mark: the heap never passes the limit, cycles
 * end (in a slice or at the threshold in one pause), and the data holds. */
START_TEST(heap_limit_never_passed_while_marking)
{
    test_errors rec;
    grove_config c;
    incremental_config(&c, 64);
    c.max_heap_size = (size_t)48 << 20;
    /* Reduced sizes (Valgrind) allocate a few MiB: a lower threshold
     * still brings cycles. */
    c.major_min_bytes = test_size((size_t)4 << 20, (size_t)256 << 10);
    grove_heap *h = test_heap_config(&c, &rec);
    const size_t slots = 64, len = test_size(2000, 200);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, ring, grove_alloc_array(h, tt.array, slots));
    /* Zeal verifies the heap at every few allocations: fewer rounds (its
     * own major GCs come every 97 allocations). */
    const size_t rounds = test_zeal() ? 2 * slots : test_size(1500, 600);
    for (size_t r = 0; r < rounds; r++) {
        struct pair *l = test_list(h, len, r);
        ck_assert_ptr_nonnull(l);
        void **arr = GROVE_GET(h, ring);
        grove_write(h, arr, &arr[r % slots], l);
    }
    grove_stats st = test_stats(h);
    ck_assert_uint_le(st.peak_heap_bytes, c.max_heap_size);
    ck_assert_uint_ge(st.major_collections, 1);
    void **arr = GROVE_GET(h, ring);
    for (size_t k = 0; k < slots; k++) {
        size_t r = rounds - slots + k;
        ck_assert_uint_eq(test_list_check(arr[r % slots], len, r), len);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A large array allocated while marking (black) gets a pointer to the
 * last cell of a 1000-cell list whose head alone has been scanned (white):
 * with the barrier, or (misuse) without. Returns the array. */
static void **store_into_black(grove_heap *h, bool barrier)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, old_list(h, 1000, 0));
    start_marking(h);
    GROVE_LOCAL(h, void **, big, grove_alloc_array(h, tt.array, 1000));
    struct pair *last = GROVE_GET(h, list);
    while (last->cdr)
        last = last->cdr;
    void **arr = GROVE_GET(h, big);
    if (barrier)
        grove_write(h, arr, &arr[0], last);
    else
        arr[0] = last;
    GROVE_SET(h, list, NULL);
    ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
    arr = GROVE_GET(h, big);
    grove_scope_exit(h, s);
    return arr; /* large: it does not move, and nothing collects before the caller roots it */
}

static void unshaded_store(void *arg)
{
    (void)arg;
    unsetenv("GROVE_DEBUG"); /* zeal would end the cycle at its own time */
    grove_config c;
    incremental_config(&c, 16);
    c.debug = GROVE_DEBUG_VERIFY;
    store_into_black(test_heap_config(&c, NULL), false);
}

START_TEST(verify_catches_a_store_without_barrier)
{
    test_expect_abort(unshaded_store, NULL,
                      "grove: fatal: verify (after a marking slice): black object ... (type "
                      "'array') slot 0 points at white object ... (type 'pair'): the incremental "
                      "mark would free a live object");
}
END_TEST

START_TEST(barrier_store_into_black_object_keeps_its_target)
{
    test_errors rec;
    grove_config c;
    incremental_config(&c, 16);
    c.debug |= GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, big, store_into_black(h, true));
    finish_cycle(h);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    struct pair *last = GROVE_GET(h, big)[0];
    ck_assert_uint_eq(UNFIX(last->car), 999);
    ck_assert_ptr_null(last->cdr);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Generated code built for ABI version 2 does not shade: asking for it
 * finishes the cycle, and later slices are whole major GCs. */
START_TEST(codegen_v2_stops_incremental_marking)
{
    test_errors rec;
    grove_heap *h = incremental_heap(64, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, old_list(h, 1000, 0));
    start_marking(h);
    grove_stats s0 = test_stats(h);
    grove_codegen_abi abi;
    ck_assert_int_eq(grove_codegen_abi_get(h, 2, &abi), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.major_cycle, 0);
    ck_assert_uint_eq(s1.major_collections, s0.major_collections + 1);
    ck_assert_int_eq(grove_collect_slice(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.major_collections, s1.major_collections + 1);
    ck_assert_uint_eq(s2.major_slices, s1.major_slices);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), 1000, 0), 1000);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Version 3 publishes the marking flag where the barrier reads it. */
START_TEST(codegen_v3_publishes_the_marking_flag)
{
    test_errors rec;
    grove_heap *h = incremental_heap(64, &rec);
    grove_codegen_abi abi;
    ck_assert_int_eq(grove_codegen_abi_get(h, 3, &abi), GROVE_OK);
    ck_assert_uint_eq(abi.size, sizeof abi);
    ck_assert_ptr_nonnull(abi.shade);
    const uint32_t *flag = (const uint32_t *)((const char *)h + abi.marking_offset);
    ck_assert_uint_eq(*flag, 0);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, old_list(h, 1000, 0));
    start_marking(h);
    ck_assert_uint_ne(*flag, 0);
    finish_cycle(h);
    ck_assert_uint_eq(*flag, 0);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), 1000, 0), 1000);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(options_set_incremental_mode)
{
    grove_config c;
    grove_config_init(&c);
    ck_assert(!c.incremental);
    ck_assert_uint_eq(c.major_slice_bytes, 1u << 20);
    grove_error_info info;
    ck_assert_int_eq(grove_config_parse(&c, "incremental,major-slice-bytes=64K,zeal-slice=3",
                                        &info),
                     GROVE_OK);
    ck_assert(c.incremental);
    ck_assert_uint_eq(c.major_slice_bytes, 64u << 10);
    ck_assert_uint_eq(c.zeal_slice, 3);
    ck_assert_int_eq(grove_config_parse(&c, "incremental=off", &info), GROVE_OK);
    ck_assert(!c.incremental);
    c.major_slice_bytes = 0;
    ck_assert_ptr_null(grove_heap_create(&c, &info));
    ck_assert_int_eq(info.code, GROVE_E_BAD_CONFIG);
    ck_assert_str_eq(info.message, "major_slice_bytes must be above 0 (a slice must make progress)");
}
END_TEST

static Suite *incremental_suite(void)
{
    Suite *s = suite_create("incremental");
    TCase *tc = test_tcase(s, "cycle");
    tcase_add_test(tc, cycle_runs_in_slices);
    tcase_add_test(tc, barrier_shades_what_moves_into_marked_objects);
    tcase_add_test(tc, young_objects_and_roots_rescanned_at_the_final_pause);
    tcase_add_test(tc, large_objects_allocated_while_marking);
    tcase_add_test(tc, weak_objects_judged_at_the_final_pause);
    tcase_add_test(tc, collect_major_during_a_cycle_frees_what_died_in_it);
    tcase_add_test(tc, slices_owed_are_paid_as_the_nursery_fills);
    tcase_add_test(tc, heap_limit_never_passed_while_marking);
    tc = test_tcase(s, "checks");
    tcase_add_test(tc, verify_catches_a_store_without_barrier);
    tcase_add_test(tc, barrier_store_into_black_object_keeps_its_target);
    tcase_add_test(tc, codegen_v2_stops_incremental_marking);
    tcase_add_test(tc, codegen_v3_publishes_the_marking_flag);
    tcase_add_test(tc, options_set_incremental_mode);
    return s;
}

int main(void)
{
    return test_main(incremental_suite());
}
