/* test_visitors.c — CUSTOM types' trace callbacks, embedder root visitors,
 * and misuse from inside a collection. */
#include "support.h"

#include <string.h>

/* ---- custom trace callbacks ------------------------------------------------ */

START_TEST(custom_type_traced)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    enum { N = 5, TAIL = 2 };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct custom *, c, grove_alloc(h, tt.custom, custom_size(N, TAIL)));
    ck_assert_ptr_nonnull(GROVE_GET(h, c));
    GROVE_GET(h, c)->nslots = N;
    for (int i = 0; i < N; i++) {
        struct pair *p = test_cons(h, FIX(i), FIX(i + 100));
        ck_assert_ptr_nonnull(p);
        struct custom *cc = GROVE_GET(h, c);
        grove_write(h, cc, &cc->slots[i], p);
    }
    /* Raw words holding the address of a live young object: the callback
     * does not visit them, so they must come back unchanged. */
    struct custom *cc = GROVE_GET(h, c);
    const uintptr_t guard = (uintptr_t)cc->slots[0];
    cc->guard = guard;
    cc->slots[N] = (void *)guard;           /* tail raw word 0 */
    cc->slots[N + 1] = (void *)(uintptr_t)0x2000; /* tail raw word 1 */
    unsigned long calls0 = custom_trace_calls;

    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        cc = GROVE_GET(h, c);
        ck_assert_uint_eq(cc->nslots, N);
        ck_assert_uint_eq(cc->guard, guard);
        ck_assert_uint_eq((uintptr_t)cc->slots[N], guard);
        ck_assert_uint_eq((uintptr_t)cc->slots[N + 1], 0x2000);
        if (!test_zeal()) /* under zeal slot 0 may have been old already */
            ck_assert_uint_ne((uintptr_t)cc->slots[0], guard); /* the slot moved on */
        for (int i = 0; i < N; i++) {
            struct pair *p = cc->slots[i];
            ck_assert_uint_eq(grove_object_type(p), tt.pair);
            ck_assert_ptr_eq(p->car, FIX(i));
            ck_assert_ptr_eq(p->cdr, FIX(i + 100));
        }
    }
    ck_assert_uint_gt(custom_trace_calls, calls0);
    ck_assert_uint_eq(custom_trace_bad_size, 0);
    ck_assert_uint_eq(custom_trace_last_size, custom_size(N, TAIL));
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An old custom object gaining a young pointer is traced through its
 * callback from the remembered set; a large custom object likewise. */
START_TEST(custom_type_barrier_and_large)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    const size_t big_n = 1000; /* > GROVE_MAX_SMALL_PAYLOAD */
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct custom *, small, grove_alloc(h, tt.custom, custom_size(3, 0)));
    GROVE_LOCAL(h, struct custom *, big, grove_alloc(h, tt.custom, custom_size(big_n, 0)));
    ck_assert_ptr_nonnull(GROVE_GET(h, small));
    ck_assert_ptr_nonnull(GROVE_GET(h, big));
    GROVE_GET(h, small)->nslots = 3;
    GROVE_GET(h, big)->nslots = big_n;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* small is old now */
    for (size_t i = 0; i < big_n; i++) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        ck_assert_ptr_nonnull(p);
        struct custom *b = GROVE_GET(h, big);
        grove_write(h, b, &b->slots[i], p);
        if (i < 3) {
            struct custom *sm = GROVE_GET(h, small);
            grove_write(h, sm, &sm->slots[i], p);
        }
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_nonnull(test_list(h, test_size(20000, 1000), 0)); /* reuse the nursery */
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    struct custom *b = GROVE_GET(h, big);
    struct custom *sm = GROVE_GET(h, small);
    for (size_t i = 0; i < big_n; i++) {
        ck_assert_ptr_eq(((struct pair *)b->slots[i])->car, FIX(i));
        if (i < 3)
            ck_assert_ptr_eq(sm->slots[i], b->slots[i]);
    }
    ck_assert_uint_eq(custom_trace_bad_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A second custom type using grove_trace_slot one slot at a time: even
 * words are slots, odd words raw. */
static void even_trace(void *object, size_t size, grove_tracer *tracer)
{
    void **w = object;
    for (size_t i = 0; i < size / sizeof(void *); i += 2)
        grove_trace_slot(tracer, &w[i]);
}

START_TEST(custom_trace_slot_each)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    grove_type_desc d = {.name = "even", .layout = GROVE_LAYOUT_CUSTOM, .trace = even_trace};
    grove_type_id even = grove_register_type(h, &d);
    ck_assert_uint_ne(even, GROVE_TYPE_INVALID);
    enum { W = 10 };
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, o, grove_alloc(h, even, W * sizeof(void *)));
    uintptr_t raw[W];
    for (int i = 0; i < W; i += 2) {
        struct pair *p = test_cons(h, FIX(i), NULL);
        void **w = GROVE_GET(h, o);
        grove_write(h, w, &w[i], p);
        raw[i + 1] = (uintptr_t)p; /* an address-looking raw word */
        w[i + 1] = (void *)raw[i + 1];
    }
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(round == 1 ? grove_collect_major(h) : grove_collect_minor(h), GROVE_OK);
        void **w = GROVE_GET(h, o);
        for (int i = 0; i < W; i += 2) {
            ck_assert_ptr_eq(((struct pair *)w[i])->car, FIX(i));
            ck_assert_uint_eq((uintptr_t)w[i + 1], raw[i + 1]);
        }
    }
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- root visitors ------------------------------------------------------- */

struct operand_stack {
    void *slots[64];
    size_t n;
    unsigned long visits;
    grove_heap *seen_heap;
};

static void visit_stack(grove_heap *heap, grove_tracer *tracer, void *data)
{
    struct operand_stack *st = data;
    st->visits++;
    st->seen_heap = heap;
    grove_trace_slots(tracer, st->slots, st->n);
}

START_TEST(root_visitor_keeps_and_updates)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    static struct operand_stack st;
    memset(&st, 0, sizeof st);
    ASSERT_CODE(grove_add_root_visitor(h, visit_stack, &st), GROVE_OK);
    enum { N = 40 };
    uintptr_t before[N];
    for (int i = 0; i < N; i++) {
        void *v;
        if (i % 5 == 4)
            v = FIX(i); /* immediates among the slots */
        else
            v = test_cons(h, FIX(i), FIX(-i));
        ck_assert_ptr_nonnull(v);
        st.slots[st.n++] = v;
    }
    for (int i = 0; i < N; i++)
        before[i] = (uintptr_t)st.slots[i];
    unsigned long v0 = st.visits;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_ge(st.visits, v0 + 1);
    ck_assert_ptr_eq(st.seen_heap, h);
    for (int i = 0; i < N; i++) {
        if (i % 5 == 4) {
            ck_assert_ptr_eq(st.slots[i], FIX(i));
            continue;
        }
        if (!test_zeal()) /* zeal may have promoted it before `before` was taken */
            ck_assert_uint_ne((uintptr_t)st.slots[i], before[i]);
        struct pair *p = st.slots[i];
        ck_assert_ptr_eq(p->car, FIX(i));
        ck_assert_ptr_eq(p->cdr, FIX(-i));
    }
    ck_assert_ptr_nonnull(test_list(h, test_size(30000, 1000), 0)); /* reuse the nursery */
    unsigned long v1 = st.visits;
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_ge(st.visits, v1 + 1);
    for (int i = 0; i < N; i++) {
        if (i % 5 == 4)
            ck_assert_ptr_eq(st.slots[i], FIX(i));
        else
            ck_assert_ptr_eq(((struct pair *)st.slots[i])->car, FIX(i));
    }
    ASSERT_CODE(grove_remove_root_visitor(h, visit_stack, &st), GROVE_OK);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(root_visitor_remove)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    static struct operand_stack a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    const size_t big = 400000;
    ASSERT_CODE(grove_add_root_visitor(h, visit_stack, &a), GROVE_OK);
    ASSERT_CODE(grove_add_root_visitor(h, visit_stack, &b), GROVE_OK);
    void *o = grove_alloc(h, tt.bytes, big);
    ck_assert_ptr_nonnull(o);
    test_fill_pattern(o, big, 1);
    a.slots[a.n++] = o;
    o = grove_alloc(h, tt.bytes, big);
    ck_assert_ptr_nonnull(o);
    test_fill_pattern(o, big, 2);
    b.slots[b.n++] = o;
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert(test_check_pattern(a.slots[0], big, 1));
    ck_assert(test_check_pattern(b.slots[0], big, 2));

    /* Removing needs the exact (visit, data) pair. */
    static struct operand_stack other;
    grove_clear_error(h);
    ASSERT_CODE(grove_remove_root_visitor(h, visit_stack, &other), GROVE_E_NOT_FOUND);
    ASSERT_LAST_ERROR(h, GROVE_E_NOT_FOUND);
    test_errors_reset(&rec); /* whether NOT_FOUND also reaches the handler is not specified */

    grove_stats s0 = test_stats(h);
    ASSERT_CODE(grove_remove_root_visitor(h, visit_stack, &a), GROVE_OK);
    unsigned long av = a.visits, bv = b.visits;
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats s1 = test_stats(h);
    ck_assert_uint_eq(a.visits, av);    /* no longer called */
    ck_assert_uint_gt(b.visits, bv);    /* still called */
    ck_assert_uint_ge(s1.bytes_freed - s0.bytes_freed, big); /* a's object is gone */
    ck_assert(test_check_pattern(b.slots[0], big, 2)); /* b's is kept */

    /* Removing again: not found. */
    grove_clear_error(h);
    ASSERT_CODE(grove_remove_root_visitor(h, visit_stack, &a), GROVE_E_NOT_FOUND);
    ASSERT_LAST_ERROR(h, GROVE_E_NOT_FOUND);
    ASSERT_CODE(grove_remove_root_visitor(h, visit_stack, &b), GROVE_OK);
    ASSERT_CODE(grove_remove_root_visitor(h, visit_stack, &b), GROVE_E_NOT_FOUND);
    grove_heap_destroy(h);
}
END_TEST

static unsigned long counting_calls;
static void counting_visitor(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)heap;
    (void)tracer;
    (void)data;
    counting_calls++;
}

START_TEST(root_visitor_called_every_collection)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    counting_calls = 0;
    ASSERT_CODE(grove_add_root_visitor(h, counting_visitor, NULL), GROVE_OK);
    for (int i = 0; i < 5; i++) {
        unsigned long c0 = counting_calls;
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_uint_ge(counting_calls, c0 + 1);
        c0 = counting_calls;
        ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
        ck_assert_uint_ge(counting_calls, c0 + 1);
    }
    ASSERT_CODE(grove_remove_root_visitor(h, counting_visitor, NULL), GROVE_OK);
    unsigned long c1 = counting_calls;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(counting_calls, c1);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* ---- misuse inside a collection ------------------------------------------ */

static grove_heap *gc_heap;
static unsigned in_gc_attempts, in_gc_alloc_ok, in_gc_collect_bad;
static unsigned in_gc_reports, other_reports;

static void counting_handler(grove_heap *heap, grove_error code, const char *message, void *data)
{
    (void)heap;
    (void)data;
    if (code == GROVE_E_IN_GC && message && message[0])
        in_gc_reports++;
    else
        other_reports++;
}

static void try_everything(void)
{
    if (in_gc_attempts >= 4)
        return;
    in_gc_attempts++;
    if (grove_alloc(gc_heap, tt.pair, sizeof(struct pair)) != NULL)
        in_gc_alloc_ok++;
    if (grove_alloc(gc_heap, tt.bytes, 100000) != NULL)
        in_gc_alloc_ok++;
    if (grove_collect_minor(gc_heap) != GROVE_E_IN_GC)
        in_gc_collect_bad++;
    if (grove_collect_major(gc_heap) != GROVE_E_IN_GC)
        in_gc_collect_bad++;
    /* The tracer reads the type registry the collection started with. */
    grove_type_desc d = {.name = "late", .layout = GROVE_LAYOUT_BYTES};
    if (grove_register_type(gc_heap, &d) != GROVE_TYPE_INVALID)
        in_gc_collect_bad++;
    if (grove_add_event_listener(gc_heap, NULL, NULL) != GROVE_E_IN_GC)
        in_gc_collect_bad++;
}

static void hook_from_trace(void *object)
{
    (void)object;
    try_everything();
}

static void visitor_misuse(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)heap;
    (void)tracer;
    (void)data;
    try_everything();
}

static void reset_in_gc(grove_heap *h)
{
    gc_heap = h;
    in_gc_attempts = in_gc_alloc_ok = in_gc_collect_bad = 0;
    in_gc_reports = other_reports = 0;
}

/* After the misuse, the heap still works. */
static void check_heap_usable(grove_heap *h)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, l, test_list(h, 2000, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, l), 2000, 0), 2000);
    grove_scope_exit(h, s);
}

START_TEST(alloc_in_trace_callback_refused)
{
    grove_heap *h = test_heap_config(NULL, NULL);
    grove_set_error_handler(h, counting_handler, NULL);
    reset_in_gc(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct custom *, c, grove_alloc(h, tt.custom, custom_size(1, 0)));
    GROVE_GET(h, c)->nslots = 1;
    struct pair *p = test_cons(h, FIX(7), NULL);
    struct custom *cc = GROVE_GET(h, c);
    grove_write(h, cc, &cc->slots[0], p);
    custom_trace_hook = hook_from_trace;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    custom_trace_hook = NULL;
    ck_assert_uint_gt(in_gc_attempts, 0);
    ck_assert_uint_eq(in_gc_alloc_ok, 0);
    ck_assert_uint_eq(in_gc_collect_bad, 0);
    ck_assert_uint_eq(in_gc_reports, 6 * in_gc_attempts); /* every attempt reported */
    ck_assert_uint_eq(other_reports, 0);
    ck_assert_ptr_eq(((struct pair *)GROVE_GET(h, c)->slots[0])->car, FIX(7));
    grove_scope_exit(h, s);
    check_heap_usable(h);
    ck_assert_uint_eq(other_reports, 0);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(alloc_in_root_visitor_refused)
{
    grove_heap *h = test_heap_config(NULL, NULL);
    grove_set_error_handler(h, counting_handler, NULL);
    reset_in_gc(h);
    ASSERT_CODE(grove_add_root_visitor(h, visitor_misuse, NULL), GROVE_OK);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, l, test_list(h, 100, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_gt(in_gc_attempts, 0);
    ck_assert_uint_eq(in_gc_alloc_ok, 0);
    ck_assert_uint_eq(in_gc_collect_bad, 0);
    ck_assert_uint_eq(in_gc_reports, 6 * in_gc_attempts);
    ck_assert_uint_eq(other_reports, 0);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, l), 100, 0), 100);
    grove_scope_exit(h, s);
    ASSERT_CODE(grove_remove_root_visitor(h, visitor_misuse, NULL), GROVE_OK);
    check_heap_usable(h);
    ck_assert_uint_eq(other_reports, 0);
    grove_heap_destroy(h);
}
END_TEST

static Suite *visitors_suite(void)
{
    Suite *s = suite_create("visitors");
    TCase *tc = test_tcase(s, "custom");
    tcase_add_test(tc, custom_type_traced);
    tcase_add_test(tc, custom_type_barrier_and_large);
    tcase_add_test(tc, custom_trace_slot_each);
    tc = test_tcase(s, "root_visitors");
    tcase_add_test(tc, root_visitor_keeps_and_updates);
    tcase_add_test(tc, root_visitor_remove);
    tcase_add_test(tc, root_visitor_called_every_collection);
    tc = test_tcase(s, "in_gc");
    tcase_add_test(tc, alloc_in_trace_callback_refused);
    tcase_add_test(tc, alloc_in_root_visitor_refused);
    return s;
}

int main(void)
{
    return test_main(visitors_suite());
}
