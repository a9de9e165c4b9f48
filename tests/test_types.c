/* test_types.c — type registration, invalid descriptions, unknown type ids,
 * oversized requests. */
#include "support.h"

#include <string.h>

/* A heap with no types registered yet, recording misuse into *rec. */
static grove_heap *bare_heap(test_errors *rec)
{
    grove_config c;
    test_default_config(&c);
    test_errors_reset(rec);
    c.error_handler = test_record_handler;
    c.error_data = rec;
    grove_heap *h = grove_heap_create(&c, NULL);
    ck_assert_ptr_nonnull(h);
    return h;
}

static void noop_trace(void *object, size_t size, grove_tracer *tracer)
{
    (void)object;
    (void)size;
    (void)tracer;
}

START_TEST(register_each_layout)
{
    test_errors rec;
    grove_heap *h = bare_heap(&rec);
    const grove_type_desc descs[] = {
        {.name = "rec", .layout = GROVE_LAYOUT_RECORD, .size = 24, .pointer_map = 0x5},
        {.name = "arr", .layout = GROVE_LAYOUT_ARRAY},
        {.name = "raw", .layout = GROVE_LAYOUT_BYTES},
        {.name = "odd", .layout = GROVE_LAYOUT_CUSTOM, .trace = noop_trace},
        {.name = "rec0", .layout = GROVE_LAYOUT_RECORD, .size = 8, .pointer_map = 0},
    };
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++) {
        grove_type_id id = grove_register_type(h, &descs[i]);
        ck_assert_msg(id == (grove_type_id)i, "type %zu got id %u: %s", i, (unsigned)id,
                      grove_last_error_message(h));
    }
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    /* Each id allocates objects of its own type. */
    const size_t sizes[] = {24, 40, 13, 32, 8};
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++) {
        void *o = grove_alloc(h, (grove_type_id)i, sizes[i]);
        ck_assert_ptr_nonnull(o);
        ck_assert_uint_eq(grove_object_type(o), i);
        ck_assert_uint_eq(grove_object_size(o), (sizes[i] + 7) & ~(size_t)7);
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Registering `d` must fail with GROVE_E_BAD_TYPE, and not use up an id. */
static void expect_bad_type(grove_heap *h, const grove_type_desc *d, const char *what)
{
    grove_clear_error(h);
    grove_type_id id = grove_register_type(h, d);
    ck_assert_msg(id == GROVE_TYPE_INVALID, "%s: registered as id %u", what, (unsigned)id);
    ck_assert_msg(grove_last_error(h) == GROVE_E_BAD_TYPE, "%s: last error %s", what,
                  grove_error_name(grove_last_error(h)));
    ck_assert_msg(grove_last_error_message(h)[0] != '\0', "%s: empty message", what);
}

START_TEST(invalid_descriptions)
{
    test_errors rec;
    grove_heap *h = bare_heap(&rec);
    grove_type_desc d;

    d = (grove_type_desc){.name = "zero layout", .layout = (grove_layout)0};
    expect_bad_type(h, &d, "layout 0");
    d = (grove_type_desc){.name = "odd layout", .layout = (grove_layout)42, .size = 16};
    expect_bad_type(h, &d, "layout 42");
    d = (grove_type_desc){.name = "custom", .layout = GROVE_LAYOUT_CUSTOM, .trace = NULL};
    expect_bad_type(h, &d, "CUSTOM without trace");
    d = (grove_type_desc){.name = "r", .layout = GROVE_LAYOUT_RECORD, .size = 16,
                          .pointer_map = 0x4};
    expect_bad_type(h, &d, "RECORD 2 words, map bit 2");
    d = (grove_type_desc){.name = "r", .layout = GROVE_LAYOUT_RECORD, .size = 8,
                          .pointer_map = 0x3};
    expect_bad_type(h, &d, "RECORD 1 word, map bit 1");
    d = (grove_type_desc){.name = "r", .layout = GROVE_LAYOUT_RECORD, .size = 12,
                          .pointer_map = (uint64_t)1 << 2};
    expect_bad_type(h, &d, "RECORD 12 bytes (2 words), map bit 2");
    d = (grove_type_desc){.name = "r", .layout = GROVE_LAYOUT_RECORD, .size = 80,
                          .pointer_map = (uint64_t)1 << 63};
    expect_bad_type(h, &d, "RECORD 10 words, map bit 63");
    d = (grove_type_desc){.name = "big", .layout = GROVE_LAYOUT_RECORD, .size = 65 * 8,
                          .pointer_map = 1};
    expect_bad_type(h, &d, "RECORD of 65 words");

    /* Failures did not use up ids: the first valid type is still id 0. */
    d = (grove_type_desc){.name = "ok", .layout = GROVE_LAYOUT_RECORD, .size = 16,
                          .pointer_map = 0x3};
    ck_assert_uint_eq(grove_register_type(h, &d), 0);
    d = (grove_type_desc){.name = "r", .layout = GROVE_LAYOUT_RECORD, .size = 16,
                          .pointer_map = 0x8};
    expect_bad_type(h, &d, "RECORD 2 words, map bit 3");
    d = (grove_type_desc){.name = "ok2", .layout = GROVE_LAYOUT_BYTES};
    ck_assert_uint_eq(grove_register_type(h, &d), 1);
    /* Registration failures are returned, not reported as misuse. */
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A RECORD of the full 64 words with every word a slot, and one whose only
 * slot is the last word. */
START_TEST(record_64_words)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_type_desc d = {.name = "wide", .layout = GROVE_LAYOUT_RECORD, .size = 64 * 8,
                         .pointer_map = ~(uint64_t)0};
    grove_type_id wide = grove_register_type(h, &d);
    ck_assert_uint_ne(wide, GROVE_TYPE_INVALID);
    d = (grove_type_desc){.name = "last", .layout = GROVE_LAYOUT_RECORD, .size = 64 * 8,
                          .pointer_map = (uint64_t)1 << 63};
    grove_type_id last = grove_register_type(h, &d);
    ck_assert_uint_ne(last, GROVE_TYPE_INVALID);

    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, w, grove_alloc(h, wide, 64 * 8));
    GROVE_LOCAL(h, void **, l, grove_alloc(h, last, 64 * 8));
    ck_assert_ptr_nonnull(GROVE_GET(h, w));
    ck_assert_ptr_nonnull(GROVE_GET(h, l));
    for (int i = 0; i < 64; i++) {
        struct pair *p = test_cons(h, FIX(i), FIX(i * 3));
        ck_assert_ptr_nonnull(p);
        void **obj = GROVE_GET(h, w);
        grove_write(h, obj, &obj[i], p);
    }
    {
        struct pair *p = test_cons(h, FIX(99), NULL);
        void **obj = GROVE_GET(h, l);
        for (int i = 0; i < 63; i++)
            obj[i] = (void *)(uintptr_t)(0x1000u * (unsigned)(i + 1)); /* raw, aligned */
        grove_write(h, obj, &obj[63], p);
    }
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(round ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        void **obj = GROVE_GET(h, w);
        for (int i = 0; i < 64; i++) {
            struct pair *p = obj[i];
            ck_assert_uint_eq(grove_object_type(p), tt.pair);
            ck_assert_ptr_eq(p->car, FIX(i));
            ck_assert_ptr_eq(p->cdr, FIX(i * 3));
        }
        obj = GROVE_GET(h, l);
        for (int i = 0; i < 63; i++)
            ck_assert_ptr_eq(obj[i], (void *)(uintptr_t)(0x1000u * (unsigned)(i + 1)));
        ck_assert_ptr_eq(((struct pair *)obj[63])->car, FIX(99));
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(alloc_unknown_type)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const grove_type_id bad[] = {tt.custom + 1, tt.custom + 2, 1000, 0xffff, 0x10000,
                                 GROVE_TYPE_INVALID};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        grove_clear_error(h);
        ck_assert_ptr_null(grove_alloc(h, bad[i], 16));
        ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
        ASSERT_LAST_ERROR(h, GROVE_E_BAD_TYPE);
        /* The large-object path checks too. */
        ck_assert_ptr_null(grove_alloc(h, bad[i], 100000));
        ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
        ck_assert_ptr_null(grove_alloc_array(h, bad[i], 4));
        ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
    }
    /* Nothing was allocated by the failures. */
    grove_stats st = test_stats(h);
    ck_assert_uint_eq(st.bytes_allocated, 0);
    /* The heap still works. */
    ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(alloc_too_large)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t sizes[] = {SIZE_MAX, SIZE_MAX - 7, SIZE_MAX - 15, SIZE_MAX / 2,
                            (size_t)1 << 62, (size_t)1 << 43 /* 2^40 words + header */};
    const grove_type_id types[] = {tt.bytes, tt.array, tt.custom};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            grove_clear_error(h);
            ck_assert_msg(grove_alloc(h, types[t], sizes[i]) == NULL, "size %zu allocated",
                          sizes[i]);
            ASSERT_LAST_ERROR(h, GROVE_E_TOO_LARGE);
        }
    }
    /* Counts whose byte size overflows size_t. */
    const size_t counts[] = {SIZE_MAX, SIZE_MAX / 8 + 1, SIZE_MAX / 4};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        grove_clear_error(h);
        ck_assert_ptr_null(grove_alloc_array(h, tt.array, counts[i]));
        ASSERT_LAST_ERROR(h, GROVE_E_TOO_LARGE);
    }
    /* A resource failure: returned, not reported to the handler. */
    ASSERT_NOT_REPORTED(&rec);
    /* And the heap is fine. */
    grove_clear_error(h);
    void *o = grove_alloc(h, tt.bytes, 100000);
    ck_assert_ptr_nonnull(o);
    ck_assert(test_all_bytes(o, 100000, 0));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(types_per_heap)
{
    /* Types belong to the heap that registered them: a second heap with
     * fewer types refuses the ids it does not know. */
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = bare_heap(&rb);
    grove_type_desc d = {.name = "only", .layout = GROVE_LAYOUT_BYTES};
    ck_assert_uint_eq(grove_register_type(b, &d), 0);
    ck_assert_ptr_nonnull(grove_alloc(a, tt.custom, custom_size(0, 0)));
    ck_assert_ptr_null(grove_alloc(b, tt.custom, custom_size(0, 0)));
    ASSERT_REPORTED(&rb, GROVE_E_BAD_TYPE);
    void *o = grove_alloc(b, 0, 24);
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(grove_object_type(o), 0);
    ASSERT_NOT_REPORTED(&ra);
    grove_heap_destroy(a);
    grove_heap_destroy(b);
}
END_TEST

START_TEST(name_is_copied)
{
    test_errors rec;
    grove_heap *h = bare_heap(&rec);
    char name[32];
    strcpy(name, "transient");
    grove_type_desc d = {.name = name, .layout = GROVE_LAYOUT_ARRAY};
    grove_type_id id = grove_register_type(h, &d);
    ck_assert_uint_eq(id, 0);
    memset(name, 0, sizeof name); /* the heap must not keep the pointer */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, id, 3));
    ck_assert_ptr_nonnull(GROVE_GET(h, arr));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(grove_object_type(GROVE_GET(h, arr)), id);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *types_suite(void)
{
    Suite *s = suite_create("types");
    TCase *tc = test_tcase(s, "register");
    tcase_add_test(tc, register_each_layout);
    tcase_add_test(tc, invalid_descriptions);
    tcase_add_test(tc, record_64_words);
    tcase_add_test(tc, types_per_heap);
    tcase_add_test(tc, name_is_copied);
    tc = test_tcase(s, "alloc");
    tcase_add_test(tc, alloc_unknown_type);
    tcase_add_test(tc, alloc_too_large);
    return s;
}

int main(void)
{
    return test_main(types_suite());
}
