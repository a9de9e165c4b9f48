/* test_limits.c — max_heap_size: allocation fails with GROVE_E_OOM when a
 * collection cannot make room, the heap stays consistent, and dropping
 * roots makes allocation work again. */
#define _DEFAULT_SOURCE /* sysconf(_SC_PHYS_PAGES) */
#include "support.h"

#include <string.h>
#include <unistd.h>

#define NURSERY ((size_t)256 << 10)
#define MAX_HEAP ((size_t)4 << 20)

static grove_heap *limited_heap(test_errors *rec)
{
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = NURSERY;
    c.max_heap_size = MAX_HEAP;
    c.debug = GROVE_DEBUG_VERIFY;
    return test_heap_config(&c, rec);
}

/* Push cells (chunk of `chunk` patterned bytes . previous head) onto the
 * list held by *head until an allocation fails. Returns the cells pushed. */
/* Fail at once (rather than time out) if the heap has grown well past its
 * limit without refusing an allocation. */
static void check_not_runaway(grove_heap *h, size_t iteration)
{
    if (iteration % 64 != 0)
        return;
    grove_stats st = test_stats(h);
    ck_assert_msg(st.heap_bytes <= 2 * MAX_HEAP,
                  "heap holds %llu bytes, max_heap_size is %zu, and no allocation failed",
                  (unsigned long long)st.heap_bytes, MAX_HEAP);
}

static size_t fill_until_oom(grove_heap *h, grove_persistent *head, size_t chunk, uint32_t seed)
{
    size_t n = 0;
    for (size_t guard = 0; guard < 1000000; guard++) {
        check_not_runaway(h, guard);
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, unsigned char *, c, grove_alloc(h, tt.bytes, chunk));
        if (!GROVE_GET(h, c)) {
            grove_scope_exit(h, s);
            return n;
        }
        test_fill_pattern(GROVE_GET(h, c), chunk, seed + (uint32_t)n);
        struct pair *p = grove_alloc(h, tt.pair, sizeof *p);
        if (!p) {
            grove_scope_exit(h, s);
            return n;
        }
        grove_write(h, p, &p->car, GROVE_GET(h, c));
        grove_write(h, p, &p->cdr, grove_persistent_get(h, head));
        grove_persistent_set(h, head, p);
        grove_scope_exit(h, s);
        n++;
    }
    ck_abort_msg("a million allocations never reached max_heap_size");
    return n;
}

/* The list built by fill_until_oom is intact. */
static void check_filled(grove_heap *h, const grove_persistent *head, size_t n, size_t chunk,
                         uint32_t seed)
{
    size_t k = 0;
    for (const struct pair *p = grove_persistent_get(h, head); p; p = p->cdr, k++) {
        ck_assert_uint_lt(k, n);
        ck_assert_uint_eq(grove_object_size(p->car), chunk);
        ck_assert_msg(test_check_pattern(p->car, chunk, seed + (uint32_t)(n - 1 - k)),
                      "chunk %zu damaged", k);
    }
    ck_assert_uint_eq(k, n);
}

/* An explicit collection on a full heap either succeeds or, if the
 * nursery's survivors cannot fit, returns GROVE_E_OOM having left the heap
 * consistent (verify mode checks that). */
static void collect_at_limit(grove_heap *h, bool major)
{
    grove_clear_error(h);
    grove_error e = major ? grove_collect_major(h) : grove_collect_minor(h);
    ck_assert_msg(e == GROVE_OK || e == GROVE_E_OOM, "%s collection at the limit: %s",
                  major ? "major" : "minor", grove_error_name(e));
    if (e == GROVE_E_OOM)
        ASSERT_LAST_ERROR(h, GROVE_E_OOM);
}

static void check_within_limit(grove_heap *h)
{
    grove_stats st = test_stats(h);
    ck_assert_uint_le(st.heap_bytes, MAX_HEAP);
    ck_assert_uint_le(st.peak_heap_bytes, MAX_HEAP);
}

START_TEST(oom_then_recover_persistent)
{
    test_errors rec;
    grove_heap *h = limited_heap(&rec);
    const size_t chunk = 2000;
    grove_persistent head;
    grove_persistent_init(h, &head, NULL);

    size_t n1 = fill_until_oom(h, &head, chunk, 100);
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec); /* a resource failure, not misuse */
    /* The limit is neither ignored nor absurdly low. */
    ck_assert_uint_le(n1 * chunk, MAX_HEAP);
    ck_assert_uint_ge(n1 * chunk, MAX_HEAP / 4);
    check_filled(h, &head, n1, chunk, 100);
    /* Collections still work and verify on the full heap. */
    collect_at_limit(h, false);
    collect_at_limit(h, true);
    check_filled(h, &head, n1, chunk, 100);

    /* Drop everything: allocation works again, memory is really reused. */
    grove_persistent_drop(h, &head);
    grove_clear_error(h);
    unsigned char *b = grove_alloc(h, tt.bytes, chunk);
    ck_assert_ptr_nonnull(b);
    ck_assert(test_all_bytes(b, chunk, 0));
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);

    grove_persistent_init(h, &head, NULL);
    size_t n2 = fill_until_oom(h, &head, chunk, 7000);
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ck_assert_uint_ge(n2, n1 / 2);
    check_filled(h, &head, n2, chunk, 7000);
    grove_persistent_drop(h, &head);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The same with small objects only (everything goes through the nursery and
 * promotion) held by a scoped local. Cells are pointer arrays
 * [next, FIX(i), NULL...]; under zeal they are bigger, so that fewer of them
 * fill the heap and the verified collections stay quick. */
START_TEST(oom_then_recover_scope)
{
    test_errors rec;
    grove_heap *h = limited_heap(&rec);
    const size_t k = test_size(2, 120);
    const size_t cell_bytes = k * sizeof(void *) + 8;
    size_t n = 0;
    bool hit = false;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, list, NULL);
    for (size_t guard = 0; guard < 10000000; guard++) {
        check_not_runaway(h, guard);
        void **cell = grove_alloc_array(h, tt.array, k);
        if (!cell) {
            hit = true;
            break;
        }
        grove_write(h, cell, &cell[0], GROVE_GET(h, list));
        cell[1] = FIX(n);
        GROVE_SET(h, list, cell);
        n++;
    }
    ck_assert_msg(hit, "max_heap_size never reached");
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_le(n * cell_bytes, MAX_HEAP);
    ck_assert_uint_ge(n * cell_bytes, MAX_HEAP / 4);
    /* Consistent: every cell is there, newest first. */
    size_t i = 0;
    for (void *const *c = GROVE_GET(h, list); c; c = c[0], i++)
        ck_assert_ptr_eq(c[1], FIX(n - 1 - i));
    ck_assert_uint_eq(i, n);
    collect_at_limit(h, true);
    i = 0;
    for (void *const *c = GROVE_GET(h, list); c; c = c[0], i++)
        ck_assert_ptr_eq(c[1], FIX(n - 1 - i));
    ck_assert_uint_eq(i, n);
    grove_scope_exit(h, s);

    grove_clear_error(h);
    const size_t m = test_size(10000, 1000);
    grove_scope s2 = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, l, test_list(h, m, 0));
    ck_assert_ptr_nonnull(GROVE_GET(h, l));
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, l), m, 0), m);
    grove_scope_exit(h, s2);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(oom_large_request)
{
    test_errors rec;
    grove_heap *h = limited_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 100, 0));
    ck_assert_ptr_null(grove_alloc(h, tt.bytes, 2 * MAX_HEAP));
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    grove_clear_error(h);
    ck_assert_ptr_null(grove_alloc_array(h, tt.array, MAX_HEAP / sizeof(void *)));
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec);
    /* Smaller requests still work. */
    grove_clear_error(h);
    void *b = grove_alloc(h, tt.bytes, (size_t)1 << 20);
    ck_assert_ptr_nonnull(b);
    ck_assert(test_all_bytes(b, (size_t)1 << 20, 0));
    ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 100, 0), 100);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* With no heap limit, one object larger than the machine's memory is still
 * refused cleanly (it used to "succeed" through overcommit). */
START_TEST(oom_beyond_physical_memory)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    ck_assert_int_gt(pages, 0);
    size_t ram = (size_t)pages * (size_t)page;
    grove_stats before = test_stats(h);
    const size_t requests[] = {ram + ((size_t)1 << 20), 2 * ram, (size_t)256 << 30, (size_t)511 << 30};
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        grove_clear_error(h);
        ck_assert_ptr_null(grove_alloc(h, tt.bytes, requests[i]));
        ASSERT_LAST_ERROR(h, GROVE_E_OOM);
        ck_assert_ptr_nonnull(strstr(grove_last_error_message(h), "physical memory"));
    }
    ASSERT_NOT_REPORTED(&rec);
    grove_stats after = test_stats(h);
    ck_assert_uint_eq(after.heap_bytes, before.heap_bytes);
    ck_assert_uint_eq(after.peak_heap_bytes, before.peak_heap_bytes);
    /* The heap works on. */
    grove_clear_error(h);
    ck_assert_ptr_nonnull(grove_alloc(h, tt.bytes, (size_t)1 << 20));
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    grove_heap_destroy(h);
}
END_TEST

/* Filling the limit with large objects, then with small ones after dropping
 * them. */
START_TEST(oom_large_objects)
{
    test_errors rec;
    grove_heap *h = limited_heap(&rec);
    const size_t chunk = (size_t)256 << 10;
    grove_persistent head;
    grove_persistent_init(h, &head, NULL);
    size_t n = fill_until_oom(h, &head, chunk, 1);
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ASSERT_NOT_REPORTED(&rec);
    ck_assert_uint_ge(n, 4);
    ck_assert_uint_le(n * chunk, MAX_HEAP);
    check_filled(h, &head, n, chunk, 1);
    collect_at_limit(h, true);
    check_filled(h, &head, n, chunk, 1);
    grove_persistent_drop(h, &head);

    grove_clear_error(h);
    grove_persistent_init(h, &head, NULL);
    size_t m = fill_until_oom(h, &head, 1000, 3);
    ASSERT_LAST_ERROR(h, GROVE_E_OOM);
    ck_assert_uint_ge(m * 1000, MAX_HEAP / 4);
    check_filled(h, &head, m, 1000, 3);
    grove_persistent_drop(h, &head);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* max_heap_size bounds the memory held at every point, not only after
 * collections: fill to the limit three ways and look at the peak. */
START_TEST(peak_within_limit)
{
    test_errors rec;
    /* (Tiny chunks make ~100k objects: too many for zeal's verified
     * collections, so zeal runs use bigger ones.) */
    const size_t chunks[] = {test_size(24, 600), 2000, (size_t)256 << 10};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        grove_heap *h = limited_heap(&rec);
        grove_persistent head;
        grove_persistent_init(h, &head, NULL);
        size_t n = fill_until_oom(h, &head, chunks[i], 0);
        ASSERT_LAST_ERROR(h, GROVE_E_OOM);
        ck_assert_uint_gt(n, 0);
        grove_stats st = test_stats(h);
        ck_assert_msg(st.peak_heap_bytes <= MAX_HEAP,
                      "%zu-byte chunks: peak_heap_bytes %llu > max_heap_size %zu", chunks[i],
                      (unsigned long long)st.peak_heap_bytes, MAX_HEAP);
        check_within_limit(h);
        grove_persistent_drop(h, &head);
        ASSERT_NOT_REPORTED(&rec);
        grove_heap_destroy(h);
    }
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = test_tcase(s, "oom");
    tcase_add_test(tc, oom_then_recover_persistent);
    tcase_add_test(tc, oom_then_recover_scope);
    tcase_add_test(tc, oom_large_request);
    tcase_add_test(tc, oom_beyond_physical_memory);
    tcase_add_test(tc, oom_large_objects);
    tcase_add_test(tc, peak_within_limit);
    return s;
}

int main(void)
{
    return test_main(limits_suite());
}
