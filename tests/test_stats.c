/* test_stats.c — statistics add up; JSON output. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t PAIR_BYTES = sizeof(struct pair) + 8;

static void check_invariants(const grove_stats *st)
{
    ck_assert_uint_eq(st->live_bytes, st->bytes_promoted + st->bytes_large - st->bytes_freed);
    ck_assert_uint_le(st->heap_bytes, st->peak_heap_bytes);
    ck_assert_uint_eq(st->minor.count, st->minor_collections);
    ck_assert_uint_eq(st->major.count, st->major_collections);
    const grove_pause_stats *ps[2] = {&st->minor, &st->major};
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_le(ps[i]->p50_ns, ps[i]->p99_ns);
        ck_assert_uint_le(ps[i]->p99_ns, ps[i]->max_ns);
        ck_assert_uint_le(ps[i]->max_ns, ps[i]->total_ns);
        if (ps[i]->count == 0)
            ck_assert_uint_eq(ps[i]->total_ns, 0);
    }
    ck_assert_uint_le(st->bytes_promoted + st->bytes_large, st->bytes_allocated);
}

START_TEST(fresh_heap)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_stats st = test_stats(h);
    ck_assert_uint_eq(st.minor_collections, 0);
    ck_assert_uint_eq(st.major_collections, 0);
    ck_assert_uint_eq(st.bytes_allocated, 0);
    ck_assert_uint_eq(st.bytes_promoted, 0);
    ck_assert_uint_eq(st.bytes_large, 0);
    ck_assert_uint_eq(st.bytes_freed, 0);
    ck_assert_uint_eq(st.live_bytes, 0);
    ck_assert_uint_eq(st.remembered_set_size, 0);
    ck_assert_uint_eq(st.remembered_objects_scanned, 0);
    ck_assert_uint_eq(st.roots_scanned, 0);
    ck_assert_uint_eq(st.minor.count, 0);
    ck_assert_uint_eq(st.major.count, 0);
    ck_assert_uint_eq(st.minor.max_ns, 0);
    /* The nursery is held from the start. */
    grove_config c;
    test_default_config(&c);
    ck_assert_uint_ge(st.heap_bytes, c.nursery_size);
    check_invariants(&st);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(bytes_allocated_counts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_stats s0 = test_stats(h);
    for (int i = 0; i < 100; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.bytes_allocated - s0.bytes_allocated, 100 * PAIR_BYTES);
    for (int i = 0; i < 10; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.bytes, 100)); /* 104 + header */
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.bytes_allocated - s1.bytes_allocated, 10 * 112);
    ck_assert_ptr_nonnull(grove_alloc(h, tt.bytes, 100000));
    grove_stats s3 = test_stats(h);
    ck_assert_uint_ge(s3.bytes_allocated - s2.bytes_allocated, 100000);
    ck_assert_uint_ge(s3.bytes_large - s2.bytes_large, 100000);
    ck_assert_uint_ge(s3.live_bytes - s2.live_bytes, 100000);
    check_invariants(&s3);
    /* Counting survives collections (no double counting of the nursery). */
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s4 = test_stats(h);
    ck_assert_uint_eq(s4.bytes_allocated, s3.bytes_allocated);
    ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    grove_stats s5 = test_stats(h);
    ck_assert_uint_eq(s5.bytes_allocated - s4.bytes_allocated, PAIR_BYTES);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(live_bytes_identity)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    const size_t nkeep = test_size(3000, 300);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, nkeep, 0));
    for (int round = 0; round < 6; round++) {
        grove_scope g = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, tmp, test_list(h, test_size(2000, 300), 0));
        GROVE_LOCAL(h, void *, big, grove_alloc(h, tt.bytes, 50000));
        ck_assert_ptr_nonnull(GROVE_GET(h, tmp));
        ck_assert_ptr_nonnull(GROVE_GET(h, big));
        grove_stats st = test_stats(h);
        check_invariants(&st);
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        st = test_stats(h);
        check_invariants(&st);
        grove_scope_exit(h, g);
        if (round % 2) {
            ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
            st = test_stats(h);
            check_invariants(&st);
        }
    }
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), nkeep, 0), nkeep);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats st = test_stats(h);
    check_invariants(&st);
    ck_assert_uint_eq(st.live_bytes, 0); /* nothing is rooted any more */
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(collection_counts_and_pauses)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    const size_t nkeep = test_size(5000, 500);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, nkeep, 0));
    grove_stats s0 = test_stats(h);
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.minor_collections - s0.minor_collections, 7);
    ck_assert_uint_eq(s1.major_collections, s0.major_collections);
    ck_assert_uint_eq(s1.minor.count - s0.minor.count, 7);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_eq(s2.major_collections - s1.major_collections, 3);
    ck_assert_uint_eq(s2.major.count - s1.major.count, 3);
    ck_assert_uint_ge(s2.minor.total_ns, s1.minor.total_ns);
    ck_assert_uint_ge(s2.major.total_ns, s1.major.total_ns);
    check_invariants(&s2);
    /* Many more, so the percentiles have something to sort. */
    for (int i = 0; i < 120; i++) {
        ck_assert_ptr_nonnull(test_list(h, 200, 0));
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    }
    grove_stats s3 = test_stats(h);
    ck_assert_uint_ge(s3.minor_collections - s2.minor_collections, 120);
    check_invariants(&s3);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), nkeep, 0), nkeep);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(roots_scanned_counts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    enum { N = 50 };
    GROVE_LOCAL(h, void **, arr, grove_alloc_array(h, tt.array, N));
    grove_persistent g[N];
    for (int i = 0; i < N; i++)
        grove_persistent_init(h, &g[i], test_cons(h, FIX(i), NULL));
    grove_stats s0 = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.roots_scanned - s0.roots_scanned, N + 1);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_ge(s2.roots_scanned - s1.roots_scanned, N + 1);
    for (int i = 0; i < N; i++) {
        ck_assert_ptr_eq(((struct pair *)grove_persistent_get(h, &g[i]))->car, FIX(i));
        grove_persistent_drop(h, &g[i]);
    }
    ck_assert_ptr_nonnull(GROVE_GET(h, arr));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(remembered_set_counts)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, o1, test_cons(h, NULL, NULL));
    GROVE_LOCAL(h, struct pair *, o2, test_cons(h, NULL, NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* o1, o2 old */
    /* One young object, stored with no allocation in between. */
    struct pair *y = grove_alloc(h, tt.pair, sizeof *y);
    ck_assert_ptr_nonnull(y);
    y->car = FIX(1);
    grove_stats s0 = test_stats(h);
    ck_assert_uint_eq(s0.remembered_set_size, 0);
    struct pair *a = GROVE_GET(h, o1), *b = GROVE_GET(h, o2);
    grove_write(h, a, &a->car, y);
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    grove_write(h, a, &a->cdr, y); /* logged once */
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    grove_write(h, b, &b->car, y);
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 2);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(s1.remembered_set_size, 0);
    ck_assert_uint_ge(s1.remembered_objects_scanned - s0.remembered_objects_scanned, 2);
    a = GROVE_GET(h, o1);
    b = GROVE_GET(h, o2);
    ck_assert_ptr_eq(((struct pair *)a->car)->car, FIX(1));
    ck_assert_ptr_eq(a->car, a->cdr);
    ck_assert_ptr_eq(a->car, b->car);
    /* The promoted object is old now: storing it logs nothing. */
    grove_write(h, b, &b->cdr, a->car);
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(heap_bytes_follow_large_objects)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t big = (size_t)4 << 20;
    grove_stats s0 = test_stats(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, b, grove_alloc(h, tt.bytes, big));
    ck_assert_ptr_nonnull(GROVE_GET(h, b));
    grove_stats s1 = test_stats(h);
    ck_assert_uint_ge(s1.heap_bytes - s0.heap_bytes, big);
    ck_assert_uint_ge(s1.peak_heap_bytes, s1.heap_bytes);
    grove_scope_exit(h, s);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s2 = test_stats(h);
    ck_assert_uint_le(s2.heap_bytes + big, s1.heap_bytes);
    ck_assert_uint_ge(s2.peak_heap_bytes, s1.heap_bytes); /* the peak is remembered */
    ck_assert_uint_ge(s2.bytes_freed - s1.bytes_freed, big);
    check_invariants(&s2);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- JSON ------------------------------------------------------------------ */

/* The unsigned number following "key": in json (top level or not), or
 * fails the test if the key is absent. */
static unsigned long long json_number(const char *json, const char *key)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *p = strstr(json, quoted);
    ck_assert_msg(p != NULL, "key %s missing from %s", quoted, json);
    p += strlen(quoted);
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    ck_assert_msg(*p == ':', "no ':' after %s", quoted);
    p++;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    ck_assert_msg(end != p, "no number after %s", quoted);
    return v;
}

/* Braces and brackets balance outside strings, and the text is one object. */
static void check_balanced(const char *json)
{
    int depth = 0;
    bool in_string = false;
    size_t len = strlen(json);
    size_t first = 0, last = len;
    while (first < len && (json[first] == ' ' || json[first] == '\n'))
        first++;
    while (last > first && (json[last - 1] == ' ' || json[last - 1] == '\n'))
        last--;
    ck_assert_msg(first < last && json[first] == '{' && json[last - 1] == '}',
                  "not one object: %s", json);
    for (size_t i = first; i < last; i++) {
        char ch = json[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
            continue;
        }
        if (ch == '"')
            in_string = true;
        else if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']')
            depth--;
        ck_assert_msg(depth >= 0, "unbalanced at %zu: %s", i, json);
        if (depth == 0)
            ck_assert_msg(i == last - 1, "text after the object: %s", json);
    }
    ck_assert(!in_string);
    ck_assert_int_eq(depth, 0);
}

START_TEST(json_output)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, test_size(5000, 500), 0));
    ck_assert_ptr_nonnull(GROVE_GET(h, keep));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats st = test_stats(h);
    grove_scope_exit(h, s);

    size_t need = grove_stats_json(&st, NULL, 0);
    ck_assert_uint_gt(need, 2);
    char *buf = malloc(need + 1);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 'x', need + 1);
    ck_assert_uint_eq(grove_stats_json(&st, buf, need + 1), need);
    ck_assert_uint_eq(strlen(buf), need);
    check_balanced(buf);

    static const char *const keys[] = {
        "minor_collections", "major_collections", "bytes_allocated", "bytes_promoted",
        "bytes_large",       "bytes_freed",       "live_bytes",      "heap_bytes",
        "peak_heap_bytes",   "roots_scanned",     "remembered_set_size",
        "remembered_objects_scanned"};
    const uint64_t values[] = {st.minor_collections, st.major_collections, st.bytes_allocated,
                               st.bytes_promoted,    st.bytes_large,       st.bytes_freed,
                               st.live_bytes,        st.heap_bytes,        st.peak_heap_bytes,
                               st.roots_scanned,     st.remembered_set_size,
                               st.remembered_objects_scanned};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_msg(json_number(buf, keys[i]) == values[i], "%s: JSON %llu, struct %llu",
                      keys[i], json_number(buf, keys[i]), (unsigned long long)values[i]);
    static const char *const pause_keys[] = {"\"minor\"", "\"major\"", "\"count\"",
                                             "\"total_ns\"", "\"max_ns\"", "\"p50_ns\"",
                                             "\"p99_ns\""};
    for (size_t i = 0; i < sizeof pause_keys / sizeof pause_keys[0]; i++)
        ck_assert_msg(strstr(buf, pause_keys[i]) != NULL, "%s missing from %s", pause_keys[i],
                      buf);

    /* snprintf semantics: truncated, terminated, same return value. */
    char small[16];
    memset(small, 'x', sizeof small);
    ck_assert_uint_eq(grove_stats_json(&st, small, sizeof small), need);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    ck_assert(memcmp(small, buf, sizeof small - 1) == 0);
    char one[1] = {'x'};
    ck_assert_uint_eq(grove_stats_json(&st, one, 1), need);
    ck_assert_int_eq(one[0], '\0');
    free(buf);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = test_tcase(s, "counters");
    tcase_add_test(tc, fresh_heap);
    tcase_add_test(tc, bytes_allocated_counts);
    tcase_add_test(tc, live_bytes_identity);
    tcase_add_test(tc, collection_counts_and_pauses);
    tcase_add_test(tc, roots_scanned_counts);
    tcase_add_test(tc, remembered_set_counts);
    tcase_add_test(tc, heap_bytes_follow_large_objects);
    tc = test_tcase(s, "json");
    tcase_add_test(tc, json_output);
    return s;
}

int main(void)
{
    return test_main(stats_suite());
}
