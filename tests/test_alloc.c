/* test_alloc.c — zeroed allocation, object type and size, alignment, large
 * objects, and the fast paths as generated code would run them. */
#include "support.h"

#include <grove/codegen.h>

#include <stdlib.h>
#include <string.h>

START_TEST(zeroed_each_type)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t sizes[] = {1, 7, 8, 9, 16, 100, 1000, 4000, GROVE_MAX_SMALL_PAYLOAD};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *b = grove_alloc(h, tt.bytes, sizes[i]);
        ck_assert_ptr_nonnull(b);
        ck_assert(test_all_bytes(b, grove_object_size(b), 0));
        void *a = grove_alloc(h, tt.array, sizes[i]);
        ck_assert_ptr_nonnull(a);
        ck_assert(test_all_bytes(a, grove_object_size(a), 0));
    }
    struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
    ck_assert_ptr_nonnull(p);
    ck_assert(test_all_bytes(p, sizeof *p, 0));
    struct mixed *m = grove_alloc(h, tt.mixed, sizeof *m);
    ck_assert_ptr_nonnull(m);
    ck_assert(test_all_bytes(m, sizeof *m, 0));
    struct custom *c = grove_alloc(h, tt.custom, custom_size(10, 3));
    ck_assert_ptr_nonnull(c);
    ck_assert(test_all_bytes(c, custom_size(10, 3), 0));
    void **arr = grove_alloc_array(h, tt.array, 300);
    ck_assert_ptr_nonnull(arr);
    for (int i = 0; i < 300; i++)
        ck_assert_ptr_null(arr[i]);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Allocate several nurseries' worth of objects, each checked zero at birth
 * and then dirtied, so the nursery is reused after collections. Some objects
 * survive (rooted in a ring) so evacuation has work to do. */
START_TEST(zeroed_after_reuse)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)256 << 10;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    enum { RING = 64 };
    GROVE_LOCAL(h, void **, ring, grove_alloc_array(h, tt.array, RING));
    ck_assert_ptr_nonnull(GROVE_GET(h, ring));
    size_t total = 0, target = test_size(6 * c.nursery_size, c.nursery_size);
    uint64_t rng = 42;
    unsigned n = 0;
    while (total < target) {
        size_t size = 8 + (size_t)(test_rand(&rng) % 600);
        grove_type_id type = (n % 3 == 0) ? tt.bytes : (n % 3 == 1) ? tt.array : tt.pair;
        if (type == tt.pair)
            size = sizeof(struct pair);
        void *o = grove_alloc(h, type, size);
        ck_assert_ptr_nonnull(o);
        size_t osize = grove_object_size(o);
        ck_assert_msg(test_all_bytes(o, osize, 0), "object %u (%zu bytes) not zeroed", n,
                      osize);
        /* 0xA5 words have the low bit set: immediates, safe in slots. */
        memset(o, 0xA5, osize);
        if (n % 7 == 0) {
            void **r = GROVE_GET(h, ring);
            grove_write(h, r, &r[n % RING], o);
        }
        if (n % 997 == 0)
            ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        total += osize + 8;
        n++;
    }
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    /* Survivors kept their dirty contents. */
    void **r = GROVE_GET(h, ring);
    for (int i = 0; i < RING; i++)
        if (r[i])
            ck_assert(test_all_bytes(r[i], grove_object_size(r[i]), 0xA5));
    grove_stats st = test_stats(h);
    ck_assert_uint_ge(st.minor_collections, test_reduced() ? 1 : 5);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(object_type_and_size)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    static const struct {
        size_t request, expect;
    } bytes_sizes[] = {{1, 8},       {7, 8},       {8, 8},         {9, 16},
                       {100, 104},   {4087, 4088}, {4088, 4088},   {4089, 4096},
                       {10000, 10000}, {65537, 65544}, {1 << 20, 1 << 20}};
    enum { N = sizeof bytes_sizes / sizeof bytes_sizes[0] };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, keep, grove_alloc_array(h, tt.array, N + 4));
    for (size_t i = 0; i < N; i++) {
        void *o = grove_alloc(h, tt.bytes, bytes_sizes[i].request);
        ck_assert_ptr_nonnull(o);
        ck_assert_uint_eq(grove_object_type(o), tt.bytes);
        ck_assert_uint_eq(grove_object_size(o), bytes_sizes[i].expect);
        void **k = GROVE_GET(h, keep);
        grove_write(h, k, &k[i], o);
    }
    void *o = grove_alloc(h, tt.pair, sizeof(struct pair));
    ck_assert_uint_eq(grove_object_size(o), sizeof(struct pair));
    void **k = GROVE_GET(h, keep);
    grove_write(h, k, &k[N], o);
    o = grove_alloc(h, tt.mixed, sizeof(struct mixed));
    ck_assert_uint_eq(grove_object_size(o), sizeof(struct mixed));
    k = GROVE_GET(h, keep);
    grove_write(h, k, &k[N + 1], o);
    o = grove_alloc_array(h, tt.array, 17);
    ck_assert_uint_eq(grove_object_type(o), tt.array);
    ck_assert_uint_eq(grove_object_size(o), 17 * sizeof(void *));
    k = GROVE_GET(h, keep);
    grove_write(h, k, &k[N + 2], o);
    o = grove_alloc(h, tt.custom, custom_size(0, 5));
    ck_assert_uint_eq(grove_object_type(o), tt.custom);
    ck_assert_uint_eq(grove_object_size(o), custom_size(0, 5));
    k = GROVE_GET(h, keep);
    grove_write(h, k, &k[N + 3], o);

    /* Type and size survive promotion and a major collection. */
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        k = GROVE_GET(h, keep);
        ck_assert_uint_eq(grove_object_size(k), (N + 4) * sizeof(void *));
        for (size_t i = 0; i < N; i++) {
            ck_assert_uint_eq(grove_object_type(k[i]), tt.bytes);
            ck_assert_uint_eq(grove_object_size(k[i]), bytes_sizes[i].expect);
        }
        ck_assert_uint_eq(grove_object_type(k[N]), tt.pair);
        ck_assert_uint_eq(grove_object_type(k[N + 1]), tt.mixed);
        ck_assert_uint_eq(grove_object_size(k[N + 1]), sizeof(struct mixed));
        ck_assert_uint_eq(grove_object_size(k[N + 2]), 17 * sizeof(void *));
        ck_assert_uint_eq(grove_object_type(k[N + 3]), tt.custom);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Live objects are 8-byte aligned and do not overlap: each keeps its own
 * pattern while many others are allocated and collected. */
START_TEST(aligned_and_disjoint)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 2000 };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, keep, grove_alloc_array(h, tt.array, N));
    uint64_t rng = 7;
    for (uint32_t i = 0; i < N; i++) {
        size_t size = 1 + (size_t)(test_rand(&rng) % (i % 100 == 0 ? 9000 : 300));
        void *o = grove_alloc(h, tt.bytes, size);
        ck_assert_ptr_nonnull(o);
        ck_assert_uint_eq((uintptr_t)o % 8, 0);
        test_fill_pattern(o, grove_object_size(o), i);
        void **k = GROVE_GET(h, keep);
        grove_write(h, k, &k[i], o);
        if (i % 500 == 499)
            ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    }
    for (int round = 0; round < 2; round++) {
        void **k = GROVE_GET(h, keep);
        for (uint32_t i = 0; i < N; i++) {
            ck_assert_uint_eq((uintptr_t)k[i] % 8, 0);
            ck_assert_msg(test_check_pattern(k[i], grove_object_size(k[i]), i),
                          "object %u overwritten", i);
        }
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(large_objects)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t big = (size_t)1 << 20;
    const size_t slots = test_size(100000, 10000); /* 800 KB of pointer slots */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, unsigned char *, b, grove_alloc(h, tt.bytes, big));
    ck_assert_ptr_nonnull(GROVE_GET(h, b));
    ck_assert_uint_gt(big, GROVE_MAX_SMALL_PAYLOAD);
    ck_assert_uint_eq(grove_object_size(GROVE_GET(h, b)), big);
    ck_assert(test_all_bytes(GROVE_GET(h, b), big, 0));
    test_fill_pattern(GROVE_GET(h, b), big, 1234);

    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, slots));
    ck_assert_ptr_nonnull(GROVE_GET(h, arr));
    ck_assert_uint_eq(grove_object_type(GROVE_GET(h, arr)), tt.array);
    ck_assert_uint_eq(grove_object_size(GROVE_GET(h, arr)), slots * sizeof(void *));
    for (size_t i = 0; i < slots; i++) {
        void **a = GROVE_GET(h, arr);
        REQUIRE(a[i] == NULL);
        a[i] = FIX(i * 5);
    }
    /* The smallest large object and the largest small one. */
    GROVE_LOCAL(h, unsigned char *, edge_small, grove_alloc(h, tt.bytes, GROVE_MAX_SMALL_PAYLOAD));
    GROVE_LOCAL(h, unsigned char *, edge_large,
                grove_alloc(h, tt.bytes, GROVE_MAX_SMALL_PAYLOAD + 1));
    ck_assert_ptr_nonnull(GROVE_GET(h, edge_small));
    ck_assert_ptr_nonnull(GROVE_GET(h, edge_large));
    ck_assert(test_all_bytes(GROVE_GET(h, edge_large), GROVE_MAX_SMALL_PAYLOAD + 1, 0));
    test_fill_pattern(GROVE_GET(h, edge_small), GROVE_MAX_SMALL_PAYLOAD, 5);
    test_fill_pattern(GROVE_GET(h, edge_large), GROVE_MAX_SMALL_PAYLOAD + 1, 6);

    for (int round = 0; round < 4; round++) {
        /* Churn between collections. */
        ck_assert_ptr_nonnull(test_list(h, test_size(5000, 300), 0));
        ck_assert_ptr_nonnull(grove_alloc(h, tt.bytes, 300000)); /* large garbage */
        ck_assert_int_eq(round % 2 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        ck_assert(test_check_pattern(GROVE_GET(h, b), big, 1234));
        ck_assert(test_check_pattern(GROVE_GET(h, edge_small), GROVE_MAX_SMALL_PAYLOAD, 5));
        ck_assert(test_check_pattern(GROVE_GET(h, edge_large), GROVE_MAX_SMALL_PAYLOAD + 1, 6));
        void **a = GROVE_GET(h, arr);
        for (size_t i = 0; i < slots; i++)
            REQUIRE(a[i] == FIX(i * 5));
    }
    grove_scope_exit(h, s);

    /* Freed large memory comes back zeroed. */
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    for (int i = 0; i < 4; i++) {
        unsigned char *again = grove_alloc(h, tt.bytes, big);
        ck_assert_ptr_nonnull(again);
        ck_assert(test_all_bytes(again, big, 0));
        memset(again, 0x77, big);
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A large pointer array whose slots point at small objects keeps them alive
 * and updated. */
START_TEST(large_array_of_objects)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t n = test_size(20000, 1500);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, n));
    ck_assert_ptr_nonnull(GROVE_GET(h, arr));
    for (size_t i = 0; i < n; i++) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        ck_assert_ptr_nonnull(p);
        void **a = GROVE_GET(h, arr);
        grove_write(h, a, &a[i], p);
    }
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        void **a = GROVE_GET(h, arr);
        for (size_t i = 0; i < n; i++) {
            struct pair *p = a[i];
            REQUIRE(grove_object_type(p) == tt.pair);
            REQUIRE(p->car == FIX(i));
        }
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- the fast paths through grove/codegen.h ------------------------------- */

/* What a JIT would emit, written only against the published description. */
static void *field(grove_heap *h, size_t offset)
{
    return (char *)h + offset;
}

/* Allocation as codegen.h spells it: up to the zeroed part's limit, or
 * (uninit, version 2) up to the uninitialised limit, emptying the zeroed
 * part when it passes it. */
static void *abi_alloc_as(grove_heap *h, const grove_codegen_abi *a, grove_type_id type,
                          size_t size, bool uninit)
{
    size_t bytes = (size + 8 + 7) & ~(size_t)7;
    if (bytes < a->min_object_bytes)
        bytes = a->min_object_bytes;
    uintptr_t p = *(uintptr_t *)field(h, a->alloc_ptr_offset);
    uintptr_t limit = *(uintptr_t *)field(h, a->alloc_limit_offset);
    uintptr_t up_to = uninit ? *(uintptr_t *)field(h, a->uninit_limit_offset) : limit;
    if (size <= a->max_small_payload && up_to - p >= bytes &&
        type < *(uint32_t *)field(h, a->type_count_offset)) {
        if (limit - p < bytes)
            *(uintptr_t *)field(h, a->alloc_limit_offset) = p + bytes;
        *(uintptr_t *)field(h, a->alloc_ptr_offset) = p + bytes;
        *(uint64_t *)p = a->header_live | (uint64_t)type << a->header_type_shift |
                         (uint64_t)(bytes / 8) << a->header_size_shift;
        return (void *)(p + 8);
    }
    return a->alloc_slow(h, type, size);
}

static void *abi_alloc(grove_heap *h, const grove_codegen_abi *a, grove_type_id type, size_t size)
{
    return abi_alloc_as(h, a, type, size, false);
}

static void *abi_alloc_uninit(grove_heap *h, const grove_codegen_abi *a, grove_type_id type,
                              size_t size)
{
    return abi_alloc_as(h, a, type, size, true);
}

static bool abi_young(grove_heap *h, const grove_codegen_abi *a, const void *x)
{
    return (uintptr_t)x - *(uintptr_t *)field(h, a->young_start_offset) <
           *(size_t *)field(h, a->young_size_offset);
}

static void abi_store(grove_heap *h, const grove_codegen_abi *a, void *object, void **slot,
                      void *value)
{
    *slot = value;
    if (abi_young(h, a, value) && !abi_young(h, a, object) &&
        !(((uint64_t *)object)[-1] & a->header_logged))
        a->remember(h, object);
}

/* The same knowing the slot (version 2), marking old-space cards inline
 * when `inline_cards`. */
static void abi_store_slot(grove_heap *h, const grove_codegen_abi *a, void *object, void **slot,
                           void *value, bool inline_cards)
{
    *slot = value;
    uint64_t hdr = ((uint64_t *)object)[-1];
    if (!abi_young(h, a, value) || abi_young(h, a, object) || (hdr & a->header_logged))
        return;
    if (inline_cards && (hdr & a->header_carded) &&
        hdr >> a->header_size_shift <= a->block_object_max_words) {
        uintptr_t block = (uintptr_t)object & ~(uintptr_t)(a->block_size - 1);
        size_t card = (((uintptr_t)slot - block) >> a->card_shift) &
                      ((a->block_size >> a->card_shift) - 1);
        *(uint8_t *)(block + a->block_cards_offset + card) = 1;
        if (*(uint8_t *)(block + a->block_dirty_offset))
            return;
    }
    a->remember_slot(h, object, slot);
}

START_TEST(codegen_abi_version_checked)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_codegen_abi a;
    memset(&a, 0xab, sizeof a);
    ASSERT_CODE(grove_codegen_abi_get(h, GROVE_CODEGEN_ABI_VERSION + 1, &a), GROVE_E_BAD_CONFIG);
    ck_assert_ptr_nonnull(strstr(grove_last_error_message(h), "version"));
    ck_assert_uint_eq(a.version, 0xabababab); /* untouched */
    ck_assert_int_eq(grove_codegen_abi_get(h, GROVE_CODEGEN_ABI_VERSION, &a), GROVE_OK);
    ck_assert_uint_eq(a.version, GROVE_CODEGEN_ABI_VERSION);
    ck_assert_uint_eq(a.size, sizeof a);
    ck_assert_uint_eq(a.max_small_payload, GROVE_MAX_SMALL_PAYLOAD);
    ck_assert_ptr_nonnull(a.remember_slot);
    /* Version 1 (no remember_slot): the same fields, written up to where
     * its struct ended; nothing after. */
    grove_codegen_abi v1;
    memset(&v1, 0xab, sizeof v1);
    ck_assert_int_eq(grove_codegen_abi_get(h, 1, &v1), GROVE_OK);
    ck_assert_uint_eq(v1.version, 1);
    ck_assert_uint_eq(v1.size, offsetof(grove_codegen_abi, remember_slot));
    ck_assert_uint_eq(v1.alloc_ptr_offset, a.alloc_ptr_offset);
    ck_assert_ptr_eq(v1.remember, a.remember);
    unsigned char tail[sizeof v1.remember_slot];
    memset(tail, 0xab, sizeof tail);
    ck_assert_int_eq(memcmp(&v1.remember_slot, tail, sizeof tail), 0);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Objects made through the description are ordinary objects: the right
 * type and size, zeroed, adjacent to what grove_alloc makes, traced,
 * moved and kept by collections (a list several nurseries long, checked
 * after every collection kind). */
START_TEST(codegen_alloc_makes_ordinary_objects)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_codegen_abi a;
    ck_assert_int_eq(grove_codegen_abi_get(h, GROVE_CODEGEN_ABI_VERSION, &a), GROVE_OK);
    grove_scope s = grove_scope_enter(h);

    struct pair *p = abi_alloc(h, &a, tt.pair, sizeof *p);
    ck_assert_uint_eq(grove_object_type(p), tt.pair);
    ck_assert_uint_eq(grove_object_size(p), sizeof *p);
    ck_assert(test_all_bytes(p, sizeof *p, 0));
    void *b = abi_alloc(h, &a, tt.bytes, 1);
    ck_assert_uint_eq(grove_object_size(b), 8);
    void *next = grove_alloc(h, tt.bytes, 8);
    if (abi_young(h, &a, b) && abi_young(h, &a, next)) /* not across a refill */
        ck_assert_ptr_eq(next, (char *)b + 16);

    const long n = test_reduced() ? 20000 : 200000;
    GROVE_LOCAL(h, struct pair *, list, NULL);
    for (long i = 0; i < n; i++) {
        struct pair *cell = abi_alloc(h, &a, tt.pair, sizeof *cell);
        REQUIRE(cell != NULL);
        cell->car = FIX(i);
        cell->cdr = GROVE_GET(h, list); /* a young cell: no barrier needed */
        GROVE_SET(h, list, cell);
        if (i == n / 2)
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    long expect = n - 1;
    for (struct pair *c = GROVE_GET(h, list); c; c = c->cdr, expect--)
        REQUIRE(c->car == FIX(expect));
    ck_assert_int_eq(expect, -1);
    /* Uninitialised ones, filled at once, interleaved with zeroing ones
     * (which stay zeroed) over several nurseries. */
    for (long i = 0; i < n; i++) {
        struct pair *u = abi_alloc_uninit(h, &a, tt.pair, sizeof *u);
        REQUIRE(u != NULL);
        u->car = FIX(i);
        u->cdr = GROVE_GET(h, list);
        GROVE_SET(h, list, u);
        if (i % 5 == 0) {
            struct pair *z = abi_alloc(h, &a, tt.pair, sizeof *z);
            REQUIRE(z != NULL && z->car == NULL && z->cdr == NULL);
        }
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    expect = n - 1;
    for (struct pair *c = GROVE_GET(h, list); expect >= 0; c = c->cdr, expect--)
        REQUIRE(c->car == FIX(expect));
    /* Too big for the fast path: the slow path makes a large object. */
    void *big = abi_alloc(h, &a, tt.bytes, a.max_small_payload + 8);
    ck_assert_ptr_nonnull(big);
    ck_assert(!abi_young(h, &a, big));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The barrier through the description logs an old object that gains a
 * young pointer: the young object survives a minor GC through it alone,
 * and the slot follows the copy. */
START_TEST(codegen_barrier_logs_old_objects)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_codegen_abi a;
    ck_assert_int_eq(grove_codegen_abi_get(h, GROVE_CODEGEN_ABI_VERSION, &a), GROVE_OK);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, NULL, NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(!abi_young(h, &a, GROVE_GET(h, old)));
    for (int round = 0; round < 3; round++) {
        struct pair *young = test_cons(h, FIX(round), NULL);
        ck_assert(abi_young(h, &a, young));
        struct pair *o = GROVE_GET(h, old);
        abi_store(h, &a, o, &o->car, young);
        ck_assert(((uint64_t *)o)[-1] & a.header_logged);
        abi_store(h, &a, o, &o->cdr, FIX(7)); /* an immediate: nothing to log */
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        struct pair *moved = GROVE_GET(h, old)->car;
        ck_assert(!abi_young(h, &a, moved));
        ck_assert_ptr_eq(moved->car, FIX(round));
        ck_assert(!(((uint64_t *)GROVE_GET(h, old))[-1] & a.header_logged));
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* remember_slot remembers old 2 KiB arrays by card (not logged whole),
 * with the card marked by the call or inline as codegen.h describes (the
 * second array, in the same block, then needs no call), and a small object
 * by logging it; all keep their young pairs. */
START_TEST(codegen_remember_slot_marks_cards)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_codegen_abi a;
    ck_assert_int_eq(grove_codegen_abi_get(h, GROVE_CODEGEN_ABI_VERSION, &a), GROVE_OK);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, 256));
    GROVE_LOCAL(h, void **, arr2, grove_alloc_array(h, tt.array, 256));
    GROVE_LOCAL(h, struct pair *, old, test_cons(h, NULL, NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    struct pair *young = test_cons(h, FIX(11), NULL); /* no allocation until the GC */
    ck_assert_ptr_nonnull(young);
    void **ar = GROVE_GET(h, arr), **ar2 = GROVE_GET(h, arr2);
    struct pair *o = GROVE_GET(h, old);
    ck_assert(((uint64_t *)ar)[-1] & a.header_carded);
    ck_assert(!(((uint64_t *)o)[-1] & a.header_carded));
    abi_store_slot(h, &a, ar, &ar[128], young, false);
    abi_store_slot(h, &a, ar2, &ar2[3], young, true);
    abi_store_slot(h, &a, o, &o->car, young, true);
    ck_assert(!(((uint64_t *)ar)[-1] & a.header_logged));
    ck_assert(((uint64_t *)o)[-1] & a.header_logged);
    grove_stats st;
    grove_get_stats(h, &st);
    ck_assert_uint_eq(st.remembered_cards, 2);
    ck_assert_uint_eq(st.remembered_set_size, 1);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ar = GROVE_GET(h, arr);
    ar2 = GROVE_GET(h, arr2);
    ck_assert(!abi_young(h, &a, ar[128]));
    ck_assert_ptr_eq(((struct pair *)ar[128])->car, FIX(11));
    ck_assert_ptr_eq(ar2[3], ar[128]);
    ck_assert_ptr_eq(GROVE_GET(h, old)->car, ar[128]);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- grove_alloc_uninit --------------------------------------------------- */

/* Uninitialised allocations, each filled at once, interleaved with zeroing
 * ones over several nursery cycles: grove_alloc still returns zeroed memory
 * however far grove_alloc_uninit took the nursery past its zeroed part. */
START_TEST(zeroed_alloc_after_uninit)
{
    test_errors rec;
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)256 << 10;
    grove_heap *h = test_heap_config(&c, &rec);
    size_t total = 0, target = test_size(6 * c.nursery_size, c.nursery_size);
    uint64_t rng = 7;
    unsigned n = 0;
    while (total < target) {
        size_t size = 8 + (size_t)(test_rand(&rng) % 3000) / 8 * 8;
        bool uninit = test_rand(&rng) % 4 != 0; /* runs of them cross the zeroed end */
        void *o = uninit ? grove_alloc_uninit(h, tt.array, size) : grove_alloc(h, tt.array, size);
        ck_assert_ptr_nonnull(o);
        ck_assert_uint_eq(grove_object_type(o), tt.array);
        ck_assert_uint_eq(grove_object_size(o), size);
        if (!uninit)
            ck_assert_msg(test_all_bytes(o, size, 0), "grove_alloc object %u not zeroed", n);
        memset(o, 0xA5, size); /* immediates: every slot written before the next allocation */
        total += size + 8;
        n++;
    }
    ck_assert_uint_ge(test_stats(h).minor_collections, test_reduced() ? 1 : 5);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Objects made by grove_alloc_uninit, filled at once, are ordinary
 * objects: a list several nurseries long survives minor and major
 * collections, its cells adjacent to what the next allocation makes. */
START_TEST(uninit_objects_are_ordinary)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    const long n = test_reduced() ? 20000 : 200000;
    GROVE_LOCAL(h, struct pair *, list, NULL);
    for (long i = 0; i < n; i++) {
        struct pair *cell = grove_alloc_uninit(h, tt.pair, sizeof *cell);
        REQUIRE(cell != NULL);
        cell->car = FIX(i);
        cell->cdr = GROVE_GET(h, list); /* young, or old in an old-to-old store */
        GROVE_SET(h, list, cell);
        if (i == n / 2)
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    }
    struct pair *last = GROVE_GET(h, list);
    void *next = grove_alloc_uninit(h, tt.bytes, 8);
    ck_assert_uint_eq(grove_object_size(last), sizeof *last);
    if (next == (char *)last + sizeof *last + 8)
        ck_assert_uint_eq(grove_object_type(next), tt.bytes);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    long expect = n - 1;
    for (struct pair *c = GROVE_GET(h, list); c; c = c->cdr, expect--)
        REQUIRE(c->car == FIX(expect));
    ck_assert_int_eq(expect, -1);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* What grove_alloc_uninit returns right after a minor collection, where
 * nothing is zeroed yet: memory as it was. Dirty in a plain heap (the last
 * cycle's bytes), the poison pattern in poison mode; zeroed where the
 * uninitialised path is not taken (ASan keeps it within the zeroed part;
 * zeal sends every allocation through the slow path). */
START_TEST(uninit_payload_is_memory_as_it_was)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    for (int i = 0; i < 64; i++) { /* 128 KiB of dirty garbage */
        void *g = grove_alloc(h, tt.bytes, 2000);
        ck_assert_ptr_nonnull(g);
        memset(g, 0xA5, 2000);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    void *o = grove_alloc_uninit(h, tt.bytes, 2000);
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(grove_object_size(o), 2000);
    const char *debug = getenv("GROVE_DEBUG");
#ifdef TEST_ASAN
    ck_assert(test_all_bytes(o, 2000, 0));
#else
    if (test_zeal())
        ck_assert(test_all_bytes(o, 2000, 0));
    else if (debug && strstr(debug, "poison"))
        ck_assert(test_all_bytes(o, 2000, 0xdb));
    else
        ck_assert_msg(!test_all_bytes(o, 2000, 0), "the uninitialised payload was zeroed");
#endif
    void *z = grove_alloc(h, tt.bytes, 2000); /* and the next zeroing one is zero */
    ck_assert(test_all_bytes(z, 2000, 0));
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = test_tcase(s, "small");
    tcase_add_test(tc, zeroed_each_type);
    tcase_add_test(tc, zeroed_after_reuse);
    tcase_add_test(tc, object_type_and_size);
    tcase_add_test(tc, aligned_and_disjoint);
    tc = test_tcase(s, "large");
    tcase_add_test(tc, large_objects);
    tcase_add_test(tc, large_array_of_objects);
    tc = test_tcase(s, "codegen");
    tcase_add_test(tc, codegen_abi_version_checked);
    tcase_add_test(tc, codegen_alloc_makes_ordinary_objects);
    tcase_add_test(tc, codegen_barrier_logs_old_objects);
    tcase_add_test(tc, codegen_remember_slot_marks_cards);
    tc = test_tcase(s, "uninit");
    tcase_add_test(tc, zeroed_alloc_after_uninit);
    tcase_add_test(tc, uninit_objects_are_ordinary);
    tcase_add_test(tc, uninit_payload_is_memory_as_it_was);
    return s;
}

int main(void)
{
    return test_main(alloc_suite());
}
