/* test_heap.c — heap lifecycle, configuration, errors, independent heaps,
 * one heap shared by threads one at a time and misused by two at once. */
#define _DEFAULT_SOURCE /* syscall(SYS_gettid) */
#include "support.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

START_TEST(config_defaults)
{
    grove_config c;
    memset(&c, 0xab, sizeof c);
    grove_config_init(&c);
    ck_assert_uint_eq(c.nursery_size, (size_t)4 << 20);
    ck_assert_double_eq(c.growth_factor, 2.0);
    ck_assert_uint_eq(c.major_min_bytes, (size_t)16 << 20);
    ck_assert_uint_eq(c.debug, 0);
    ck_assert_uint_eq(c.zeal_minor, 0);
    ck_assert_uint_eq(c.zeal_major, 0);
    ck_assert(c.error_handler == NULL);
    ck_assert_ptr_null(c.error_data);
    /* "No limit" by default: whatever the encoding, it admits the nursery. */
    ck_assert_uint_ge(c.max_heap_size == 0 ? SIZE_MAX : c.max_heap_size, c.nursery_size);

    /* The defaults make a working heap. */
    grove_error_info info = {GROVE_E_OOM, "x"};
    grove_heap *h = grove_heap_create(&c, &info);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    ck_assert_str_eq(grove_last_error_message(h), "");
    grove_heap_destroy(h);
}
END_TEST

START_TEST(create_null_config)
{
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    test_register_types(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), FIX(2)));
    ck_assert_ptr_nonnull(GROVE_GET(h, p));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(1));
    ck_assert_ptr_eq(GROVE_GET(h, p)->cdr, FIX(2));
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* Creating with `c` must fail with GROVE_E_BAD_CONFIG and a message. */
static void expect_bad_config(const grove_config *c, const char *what)
{
    grove_error_info info;
    memset(&info, 0, sizeof info);
    info.code = GROVE_OK;
    grove_heap *h = grove_heap_create(c, &info);
    if (h)
        grove_heap_destroy(h);
    ck_assert_msg(h == NULL, "%s: heap created", what);
    ck_assert_msg(info.code == GROVE_E_BAD_CONFIG, "%s: expected GROVE_E_BAD_CONFIG, got %s",
                  what, grove_error_name(info.code));
    ck_assert_msg(info.message[0] != '\0', "%s: empty message", what);
    ck_assert_msg(memchr(info.message, '\0', sizeof info.message) != NULL,
                  "%s: message not terminated", what);
    /* Without an error out-parameter it still fails cleanly. */
    h = grove_heap_create(c, NULL);
    if (h)
        grove_heap_destroy(h);
    ck_assert_msg(h == NULL, "%s: heap created with error == NULL", what);
}

START_TEST(bad_config_nursery_zero)
{
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = 0;
    expect_bad_config(&c, "nursery_size 0");
}
END_TEST

START_TEST(bad_config_nursery_too_small)
{
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = 1000;
    expect_bad_config(&c, "nursery_size 1000");
    c.nursery_size = ((size_t)64 << 10) - 8;
    expect_bad_config(&c, "nursery_size 64 KiB - 8");
}
END_TEST

START_TEST(bad_config_max_below_nursery)
{
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)1 << 20;
    c.max_heap_size = (size_t)512 << 10;
    expect_bad_config(&c, "max_heap_size < nursery_size");
    c.max_heap_size = 1;
    expect_bad_config(&c, "max_heap_size 1");
}
END_TEST

START_TEST(bad_config_growth_factor)
{
    const double bad[] = {1.0, 0.999, 0.5, 0.0, -2.0, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        grove_config c;
        grove_config_init(&c);
        c.growth_factor = bad[i];
        char what[64];
        snprintf(what, sizeof what, "growth_factor %g", bad[i]);
        expect_bad_config(&c, what);
    }
}
END_TEST

START_TEST(good_config_edges)
{
    /* The smallest legal nursery and a growth factor just above 1 work. */
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)64 << 10;
    c.growth_factor = 1.01;
    c.max_heap_size = (size_t)8 << 20;
    c.major_min_bytes = 0;
    test_errors rec;
    grove_heap *h = test_heap_config(&c, &rec);
    struct pair *l = test_list(h, 10000, 0);
    ck_assert_ptr_nonnull(l);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, l);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), 10000, 0), 10000);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(error_names)
{
    static const struct {
        grove_error code;
        const char *name;
    } names[] = {
        {GROVE_OK, "GROVE_OK"},
        {GROVE_E_OOM, "GROVE_E_OOM"},
        {GROVE_E_TOO_LARGE, "GROVE_E_TOO_LARGE"},
        {GROVE_E_BAD_CONFIG, "GROVE_E_BAD_CONFIG"},
        {GROVE_E_BAD_TYPE, "GROVE_E_BAD_TYPE"},
        {GROVE_E_IN_GC, "GROVE_E_IN_GC"},
        {GROVE_E_STALE_HANDLE, "GROVE_E_STALE_HANDLE"},
        {GROVE_E_FOREIGN_HANDLE, "GROVE_E_FOREIGN_HANDLE"},
        {GROVE_E_BAD_HANDLE, "GROVE_E_BAD_HANDLE"},
        {GROVE_E_DOUBLE_UNROOT, "GROVE_E_DOUBLE_UNROOT"},
        {GROVE_E_NO_SCOPE, "GROVE_E_NO_SCOPE"},
        {GROVE_E_BAD_SCOPE, "GROVE_E_BAD_SCOPE"},
        {GROVE_E_ROOT_ORDER, "GROVE_E_ROOT_ORDER"},
        {GROVE_E_BAD_NODE, "GROVE_E_BAD_NODE"},
        {GROVE_E_NOT_FOUND, "GROVE_E_NOT_FOUND"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *got = grove_error_name(names[i].code);
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, names[i].name);
    }
    /* Out-of-range codes still get a string, distinct from every real name. */
    const grove_error odd[] = {(grove_error)(GROVE_E_NOT_FOUND + 1), (grove_error)9999,
                               (grove_error)-1};
    for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
        const char *got = grove_error_name(odd[k]);
        ck_assert_ptr_nonnull(got);
        ck_assert_uint_gt(strlen(got), 0);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            ck_assert_str_ne(got, names[i].name);
    }
}
END_TEST

START_TEST(last_error_and_clear)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    ck_assert_str_eq(grove_last_error_message(h), "");

    ck_assert_ptr_null(grove_alloc(h, tt.bytes, SIZE_MAX));
    ASSERT_LAST_ERROR(h, GROVE_E_TOO_LARGE);
    /* Successful operations do not clear it... */
    ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    ASSERT_LAST_ERROR(h, GROVE_E_TOO_LARGE);
    /* ...grove_clear_error does. */
    grove_clear_error(h);
    ck_assert_int_eq(grove_last_error(h), GROVE_OK);
    ck_assert_str_eq(grove_last_error_message(h), "");

    /* A later error replaces an earlier one. */
    ck_assert_ptr_null(grove_alloc(h, tt.bytes, SIZE_MAX));
    ck_assert_ptr_null(grove_alloc(h, 4242, 16));
    ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
    ASSERT_LAST_ERROR(h, GROVE_E_BAD_TYPE);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(set_error_handler)
{
    grove_heap *h = test_heap_config(NULL, NULL); /* default handler */
    test_errors a, b;
    test_errors_reset(&a);
    test_errors_reset(&b);
    grove_set_error_handler(h, test_record_handler, &a);
    ck_assert_ptr_null(grove_alloc(h, 777, 16));
    ASSERT_REPORTED(&a, GROVE_E_BAD_TYPE);
    ck_assert_uint_eq(b.count, 0);
    grove_set_error_handler(h, test_record_handler, &b);
    ck_assert_ptr_null(grove_alloc(h, 778, 16));
    ck_assert_uint_eq(a.count, 0);
    ck_assert_ptr_eq(b.heap, h);
    ASSERT_REPORTED(&b, GROVE_E_BAD_TYPE);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(two_heaps_independent)
{
    test_errors ra, rb;
    grove_heap *a = test_heap(&ra);
    grove_heap *b = test_heap(&rb);
    ck_assert_ptr_ne(a, b);
    grove_scope sa = grove_scope_enter(a);
    grove_scope sb = grove_scope_enter(b);
    size_t n = test_size(20000, 2000);
    GROVE_LOCAL(a, struct pair *, la, test_list(a, n, 0));
    GROVE_LOCAL(b, struct pair *, lb, test_list(b, n, 1000000));
    grove_stats b0 = test_stats(b);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(grove_collect_minor(a), GROVE_OK);
        ck_assert_int_eq(grove_collect_major(a), GROVE_OK);
    }
    /* Collecting a does not collect b. */
    grove_stats b1 = test_stats(b);
    ck_assert_uint_eq(b1.minor_collections, b0.minor_collections);
    ck_assert_uint_eq(b1.major_collections, b0.major_collections);
    ck_assert_uint_eq(test_list_check(GROVE_GET(a, la), n, 0), n);
    ck_assert_uint_eq(test_list_check(GROVE_GET(b, lb), n, 1000000), n);
    ck_assert_int_eq(grove_collect_major(b), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(b, lb), n, 1000000), n);
    grove_scope_exit(b, sb);
    grove_heap_destroy(b);
    /* a is unaffected by b's destruction. */
    ck_assert_int_eq(grove_collect_major(a), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(a, la), n, 0), n);
    grove_scope_exit(a, sa);
    ASSERT_NOT_REPORTED(&ra);
    ASSERT_NOT_REPORTED(&rb);
    grove_heap_destroy(a);
}
END_TEST

struct thread_job {
    uintptr_t first;
    size_t n;
    int failures;
};

static void *thread_main(void *arg)
{
    struct thread_job *job = arg;
    grove_config c;
    test_default_config(&c);
    grove_heap *h = grove_heap_create(&c, NULL);
    if (!h) {
        job->failures++;
        return NULL;
    }
    /* Same registration order as test_register_types, but no Check asserts
     * off the main thread. */
    grove_type_desc d = {.name = "pair", .layout = GROVE_LAYOUT_RECORD,
                         .size = sizeof(struct pair), .pointer_map = 3};
    grove_type_id pair = grove_register_type(h, &d);
    if (pair == GROVE_TYPE_INVALID) {
        job->failures++;
        grove_heap_destroy(h);
        return NULL;
    }
    for (int round = 0; round < 4; round++) {
        grove_scope s = grove_scope_enter(h);
        GROVE_LOCAL(h, struct pair *, list, NULL);
        for (size_t i = job->n; i-- > 0;) {
            struct pair *p = grove_alloc(h, pair, sizeof *p);
            if (!p) {
                job->failures++;
                break;
            }
            p->car = FIX(job->first + i);
            grove_write(h, p, &p->cdr, GROVE_GET(h, list));
            GROVE_SET(h, list, p);
        }
        if (grove_collect_minor(h) != GROVE_OK || grove_collect_major(h) != GROVE_OK)
            job->failures++;
        if (test_list_check(GROVE_GET(h, list), job->n, job->first) != job->n)
            job->failures++;
        grove_scope_exit(h, s);
    }
    grove_heap_destroy(h);
    return NULL;
}

START_TEST(heaps_on_threads)
{
    enum { THREADS = 2 };
    pthread_t th[THREADS];
    struct thread_job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct thread_job){(uintptr_t)i * 10000000u, test_size(50000, 3000), 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
}
END_TEST

START_TEST(destroy_with_live_roots)
{
    /* Destroying a heap while roots are still held releases everything;
     * nothing is touched afterwards. */
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_list(h, 1000, 0));
    GROVE_LOCAL(h, void *, big, grove_alloc(h, tt.bytes, 100000));
    ck_assert_ptr_nonnull(GROVE_GET(h, big));
    grove_persistent g;
    grove_persistent_init(h, &g, GROVE_GET(h, p));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(grove_persistent_get(h, &g), 1000, 0), 1000);
    (void)s;
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- one heap, two threads --------------------------------------------------- */

/* The main thread collects; inside the collection its root visitor lets a
 * second thread try to use the heap and waits until it has. */
typedef struct overlap {
    grove_heap *heap;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stage;          /* 0 waiting, 1 the intruder may go, 2 it is done */
    long collector_tid; /* thread ids, to find in the messages */
    long intruder_tid;
    void *alloc_result;
    grove_error collect_result;
    grove_type_id register_result;
    test_errors rec; /* written by the intruder's misuse reports only */
} overlap;

static long this_tid(void)
{
    return (long)syscall(SYS_gettid);
}

static void set_stage(overlap *o, int stage)
{
    pthread_mutex_lock(&o->lock);
    o->stage = stage;
    pthread_cond_broadcast(&o->cond);
    pthread_mutex_unlock(&o->lock);
}

static void wait_stage(overlap *o, int stage)
{
    pthread_mutex_lock(&o->lock);
    while (o->stage < stage)
        pthread_cond_wait(&o->cond, &o->lock);
    pthread_mutex_unlock(&o->lock);
}

static void *intruder(void *arg)
{
    overlap *o = arg;
    wait_stage(o, 1);
    o->intruder_tid = this_tid();
    o->alloc_result = grove_alloc(o->heap, tt.pair, sizeof(struct pair));
    o->collect_result = grove_collect_major(o->heap);
    grove_type_desc d = {.name = "intruding", .layout = GROVE_LAYOUT_BYTES};
    o->register_result = grove_register_type(o->heap, &d);
    set_stage(o, 2);
    return NULL;
}

static void hold_collection_open(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)heap;
    (void)tracer;
    overlap *o = data;
    if (o->stage != 0)
        return; /* only the first collection waits */
    set_stage(o, 1);
    wait_stage(o, 2);
}

START_TEST(two_threads_at_once_reported)
{
    overlap o = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    o.heap = test_heap(&o.rec);
    o.collector_tid = this_tid();
    grove_scope s = grove_scope_enter(o.heap);
    GROVE_LOCAL(o.heap, struct pair *, l, test_list(o.heap, 1000, 0));
    ck_assert_int_eq(grove_add_root_visitor(o.heap, hold_collection_open, &o), GROVE_OK);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, intruder, &o), 0);
    ck_assert_int_eq(grove_collect_minor(o.heap), GROVE_OK);
    ck_assert_int_eq(pthread_join(th, NULL), 0);

    /* Each of the intruder's three operations was refused and reported. */
    ck_assert_ptr_null(o.alloc_result);
    ck_assert_int_eq(o.collect_result, GROVE_E_CONCURRENT_USE);
    ck_assert_uint_eq(o.register_result, GROVE_TYPE_INVALID);
    ck_assert_uint_eq(o.rec.count, 3);
    ck_assert_int_eq(o.rec.code, GROVE_E_CONCURRENT_USE);
    char intruder_name[64], collector_name[64];
    snprintf(intruder_name, sizeof intruder_name, "heap used by thread %ld ", o.intruder_tid);
    snprintf(collector_name, sizeof collector_name, "while thread %ld is using it",
             o.collector_tid);
    ck_assert_msg(strstr(o.rec.message, intruder_name) && strstr(o.rec.message, collector_name),
                  "message: %s", o.rec.message);
    test_errors_reset(&o.rec);

    /* The collection was not disturbed and the heap works on. */
    ck_assert_uint_eq(test_list_check(GROVE_GET(o.heap, l), 1000, 0), 1000);
    ck_assert_int_eq(grove_remove_root_visitor(o.heap, hold_collection_open, &o), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(o.heap), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(o.heap, l), 1000, 0), 1000);
    ASSERT_NOT_REPORTED(&o.rec);
    grove_scope_exit(o.heap, s);
    grove_heap_destroy(o.heap);
}
END_TEST

/* One thread after another is fine, including after a misuse handler that
 * longjmps out of the middle of an operation. */
static jmp_buf misuse_escape;

static void escaping_handler(grove_heap *heap, grove_error code, const char *message, void *data)
{
    test_record_handler(heap, code, message, data);
    longjmp(misuse_escape, 1);
}

static void misuse_and_escape(grove_heap *h)
{
    if (setjmp(misuse_escape) == 0)
        grove_alloc(h, 9999, 16); /* unknown type: the handler jumps back */
}

typedef struct relay {
    grove_heap *heap;
    size_t n;
    size_t checked;
} relay;

static void *relay_leg(void *arg)
{
    relay *r = arg;
    grove_scope s = grove_scope_enter(r->heap);
    GROVE_LOCAL(r->heap, struct pair *, l, test_list(r->heap, r->n, 0));
    ck_assert_int_eq(grove_collect_major(r->heap), GROVE_OK);
    r->checked = test_list_check(GROVE_GET(r->heap, l), r->n, 0);
    grove_scope_exit(r->heap, s);
    return NULL;
}

START_TEST(threads_one_after_another)
{
    test_errors rec;
    relay r = {.heap = test_heap(&rec), .n = test_size(20000, 2000)};
    /* A misuse on this thread first, escaped by longjmp: it must not leave
     * the heap claimed by this thread. */
    grove_set_error_handler(r.heap, escaping_handler, &rec);
    misuse_and_escape(r.heap);
    ASSERT_REPORTED(&rec, GROVE_E_BAD_TYPE);
    grove_set_error_handler(r.heap, test_record_handler, &rec);
    for (int leg = 0; leg < 3; leg++) {
        pthread_t th;
        r.checked = 0;
        ck_assert_int_eq(pthread_create(&th, NULL, relay_leg, &r), 0);
        ck_assert_int_eq(pthread_join(th, NULL), 0);
        ck_assert_uint_eq(r.checked, r.n);
        ASSERT_NOT_REPORTED(&rec);
    }
    relay_leg(&r); /* and back on the main thread */
    ck_assert_uint_eq(r.checked, r.n);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(r.heap);
}
END_TEST

static Suite *heap_suite(void)
{
    Suite *s = suite_create("heap");
    TCase *tc = test_tcase(s, "config");
    tcase_add_test(tc, config_defaults);
    tcase_add_test(tc, create_null_config);
    tcase_add_test(tc, bad_config_nursery_zero);
    tcase_add_test(tc, bad_config_nursery_too_small);
    tcase_add_test(tc, bad_config_max_below_nursery);
    tcase_add_test(tc, bad_config_growth_factor);
    tcase_add_test(tc, good_config_edges);
    tc = test_tcase(s, "errors");
    tcase_add_test(tc, error_names);
    tcase_add_test(tc, last_error_and_clear);
    tcase_add_test(tc, set_error_handler);
    tc = test_tcase(s, "lifecycle");
    tcase_add_test(tc, two_heaps_independent);
    tcase_add_test(tc, heaps_on_threads);
    tcase_add_test(tc, two_threads_at_once_reported);
    tcase_add_test(tc, threads_one_after_another);
    tcase_add_test(tc, destroy_with_live_roots);
    return s;
}

int main(void)
{
    return test_main(heap_suite());
}
