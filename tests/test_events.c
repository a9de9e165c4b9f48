/* test_events.c — collection event listeners: what each collection
 * reports, in which order, with which reason and figures, and the misuse
 * rules (no allocation or registration inside a collection). */
#include "support.h"

#include <string.h>

#define MAX_EVENTS 256

typedef struct event_log {
    grove_event events[MAX_EVENTS];
    size_t count;
    size_t dropped;
    grove_heap *heap; /* the heap each event was reported for */
    bool wrong_heap;
} event_log;

static void record_event(grove_heap *heap, const grove_event *e, void *data)
{
    event_log *log = data;
    if (heap != log->heap)
        log->wrong_heap = true;
    if (log->count < MAX_EVENTS)
        log->events[log->count++] = *e;
    else
        log->dropped++;
}

static void log_init(event_log *log, grove_heap *h)
{
    memset(log, 0, sizeof *log);
    log->heap = h;
}

/* The indexes of the COLLECTION_START events in the log, up to max. */
static size_t collection_starts(const event_log *log, size_t *at, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < log->count; i++)
        if (log->events[i].type == GROVE_EVENT_COLLECTION_START && n < max)
            at[n++] = i;
    return n;
}

/* Check that log->events[from...] is one whole collection of `kind` with
 * the phases `phases` (n of them) in order, each started and ended, with
 * consistent numbers and times. Returns the index after its end event. */
static size_t check_collection(const event_log *log, size_t from, grove_collection_kind kind,
                               grove_gc_reason reason, const grove_phase *phases, size_t n)
{
    ck_assert_uint_le(from + 2 + 2 * n, log->count);
    const grove_event *start = &log->events[from];
    ck_assert_int_eq(start->type, GROVE_EVENT_COLLECTION_START);
    ck_assert_int_eq(start->kind, kind);
    ck_assert_msg(start->reason == reason, "reason %s, expected %s",
                  grove_gc_reason_name(start->reason), grove_gc_reason_name(reason));
    ck_assert_int_eq(start->phase, GROVE_PHASE_NONE);
    ck_assert_uint_eq(start->duration_ns, 0);
    uint64_t last_time = start->time_ns;
    uint64_t phase_total = 0;
    for (size_t i = 0; i < n; i++) {
        const grove_event *ps = &log->events[from + 1 + 2 * i];
        const grove_event *pe = &log->events[from + 2 + 2 * i];
        ck_assert_int_eq(ps->type, GROVE_EVENT_PHASE_START);
        ck_assert_int_eq(pe->type, GROVE_EVENT_PHASE_END);
        ck_assert_msg(ps->phase == phases[i] && pe->phase == phases[i],
                      "phase %zu is %s/%s, expected %s", i, grove_phase_name(ps->phase),
                      grove_phase_name(pe->phase), grove_phase_name(phases[i]));
        ck_assert_uint_eq(ps->collection, start->collection);
        ck_assert_uint_eq(pe->collection, start->collection);
        ck_assert_int_eq(ps->kind, kind);
        ck_assert_int_eq(pe->reason, reason);
        ck_assert_uint_ge(ps->time_ns, last_time);
        ck_assert_uint_ge(pe->time_ns, ps->time_ns);
        ck_assert_uint_eq(pe->duration_ns, pe->time_ns - ps->time_ns);
        last_time = pe->time_ns;
        phase_total += pe->duration_ns;
    }
    const grove_event *end = &log->events[from + 1 + 2 * n];
    ck_assert_int_eq(end->type, GROVE_EVENT_COLLECTION_END);
    ck_assert_int_eq(end->kind, kind);
    ck_assert_uint_eq(end->collection, start->collection);
    ck_assert_uint_ge(end->time_ns, last_time);
    ck_assert_uint_eq(end->duration_ns, end->time_ns - start->time_ns);
    ck_assert_uint_ge(end->duration_ns, phase_total); /* the phases lie inside the pause */
    return from + 2 + 2 * n;
}

static const grove_phase minor_phases[] = {GROVE_PHASE_ROOTS, GROVE_PHASE_REMEMBERED,
                                           GROVE_PHASE_DRAIN, GROVE_PHASE_WEAK,
                                           GROVE_PHASE_RESET};
static const grove_phase major_phases[] = {GROVE_PHASE_FINISH_SWEEP, GROVE_PHASE_ROOTS,
                                           GROVE_PHASE_DRAIN,        GROVE_PHASE_WEAK,
                                           GROVE_PHASE_SWEEP,        GROVE_PHASE_RESET};
#define NPHASES(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(minor_collection_events)
{
    grove_heap *h = test_heap(NULL);
    event_log log;
    log_init(&log, h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, l, test_list(h, 1000, 0));
    ck_assert_int_eq(grove_add_event_listener(h, record_event, &log), GROVE_OK);
    grove_stats before = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = test_stats(h);

    /* Nothing allocated between: exactly one collection (also under zeal). */
    size_t end = check_collection(&log, 0, GROVE_MINOR, GROVE_REASON_EXPLICIT, minor_phases,
                                  NPHASES(minor_phases));
    ck_assert_uint_eq(end, log.count);
    ck_assert(!log.wrong_heap);
    const grove_event *e = &log.events[log.count - 1];
    ck_assert_uint_eq(e->bytes_promoted, after.bytes_promoted - before.bytes_promoted);
    ck_assert_uint_eq(e->bytes_freed, 0);
    ck_assert_uint_eq(e->heap_bytes, after.heap_bytes);
    /* The pause the stats record is the one the end event reports. */
    ck_assert_uint_eq(after.minor.total_ns - before.minor.total_ns, e->duration_ns);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, l), 1000, 0), 1000);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(major_collection_events_then_evacuation)
{
    grove_heap *h = test_heap(NULL);
    event_log log;
    log_init(&log, h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, keep, test_list(h, 500, 0));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* keep is old now */
    test_list(h, 3000, 0);                             /* young garbage */
    GROVE_SET(h, keep, GROVE_GET(h, keep)->cdr);       /* one old pair dies */
    ck_assert_int_eq(grove_add_event_listener(h, record_event, &log), GROVE_OK);
    grove_stats before = test_stats(h);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    grove_stats after = test_stats(h);

    /* A major GC, then the minor GC that evacuates the nursery. */
    size_t next = check_collection(&log, 0, GROVE_MAJOR, GROVE_REASON_EXPLICIT, major_phases,
                                   NPHASES(major_phases));
    const grove_event *major_end = &log.events[next - 1];
    ck_assert_uint_eq(major_end->bytes_freed, after.bytes_freed - before.bytes_freed);
    ck_assert_uint_ge(major_end->bytes_freed, 24); /* at least the dropped pair */
    ck_assert_uint_eq(major_end->bytes_promoted, 0);
    size_t end = check_collection(&log, next, GROVE_MINOR, GROVE_REASON_AFTER_MAJOR,
                                  minor_phases, NPHASES(minor_phases));
    ck_assert_uint_eq(end, log.count);
    ck_assert_uint_eq(log.events[next].collection, log.events[0].collection + 1);
    ck_assert_uint_eq(after.major.total_ns - before.major.total_ns, major_end->duration_ns);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, keep), 499, 1), 499);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(nursery_full_reason)
{
    grove_config c;
    test_default_config(&c);
    c.zeal_minor = c.zeal_major = 0;
    grove_heap *h = test_heap_config(&c, NULL);
    event_log log;
    log_init(&log, h);
    ck_assert_int_eq(grove_add_event_listener(h, record_event, &log), GROVE_OK);
    /* Fill the nursery with garbage until a collection happens. */
    grove_stats st = test_stats(h);
    for (size_t i = 0; st.minor_collections == 0 && i < 100000000; i++) {
        ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
        if (i % 1024 == 0)
            st = test_stats(h);
    }
    st = test_stats(h);
    ck_assert_uint_ge(st.minor_collections, 1);
    size_t starts[8];
    size_t n = collection_starts(&log, starts, 8);
    ck_assert_uint_ge(n, 1);
    /* Under GROVE_DEBUG zeal the first collection is zeal's, else the
     * nursery filled up. */
    grove_gc_reason want = test_zeal() ? GROVE_REASON_ZEAL : GROVE_REASON_NURSERY_FULL;
    check_collection(&log, starts[0], log.events[starts[0]].kind, want,
                     log.events[starts[0]].kind == GROVE_MINOR ? minor_phases : major_phases,
                     5);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(zeal_reason)
{
    grove_config c;
    test_default_config(&c);
    c.zeal_minor = 3;
    grove_heap *h = test_heap_config(&c, NULL);
    event_log log;
    log_init(&log, h);
    ck_assert_int_eq(grove_add_event_listener(h, record_event, &log), GROVE_OK);
    /* 200 pairs do not fill the nursery: every collection is zeal's (the
     * zeal run's GROVE_DEBUG may change the schedule, not the reason). */
    for (int i = 0; i < 200; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    size_t starts[8];
    size_t n = collection_starts(&log, starts, 8);
    ck_assert_uint_ge(n, 1);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(log.events[starts[i]].reason == GROVE_REASON_ZEAL ||
                          log.events[starts[i]].reason == GROVE_REASON_AFTER_MAJOR,
                      "collection %zu: reason %s", i,
                      grove_gc_reason_name(log.events[starts[i]].reason));
    ck_assert_int_eq(log.events[starts[0]].reason, GROVE_REASON_ZEAL);
    grove_heap_destroy(h);
}
END_TEST

static void second_listener(grove_heap *heap, const grove_event *e, void *data)
{
    (void)heap;
    event_log *first = data;
    /* Called after the first listener saw the same event. */
    ck_assert_uint_ge(first->count, 1);
    ck_assert_int_eq(first->events[first->count - 1].type, e->type);
    ck_assert_int_eq(first->events[first->count - 1].phase, e->phase);
    first->dropped += 1000; /* mark that we ran */
}

START_TEST(listeners_in_order_and_removed)
{
    grove_heap *h = test_heap(NULL);
    event_log log;
    log_init(&log, h);
    ck_assert_int_eq(grove_add_event_listener(h, record_event, &log), GROVE_OK);
    ck_assert_int_eq(grove_add_event_listener(h, second_listener, &log), GROVE_OK);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(log.count, 2 + 2 * NPHASES(minor_phases));
    ck_assert_uint_eq(log.dropped, 1000 * log.count);

    ck_assert_int_eq(grove_remove_event_listener(h, second_listener, &log), GROVE_OK);
    ck_assert_int_eq(grove_remove_event_listener(h, second_listener, &log), GROVE_E_NOT_FOUND);
    ASSERT_LAST_ERROR(h, GROVE_E_NOT_FOUND);
    ck_assert_int_eq(grove_remove_event_listener(h, record_event, NULL), GROVE_E_NOT_FOUND);
    size_t seen = log.count, marks = log.dropped;
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(log.count, 2 * seen);
    ck_assert_uint_eq(log.dropped, marks);
    ck_assert_int_eq(grove_remove_event_listener(h, record_event, &log), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(log.count, 2 * seen);
    grove_heap_destroy(h);
}
END_TEST

/* A listener that breaks the rules: allocates, collects, registers. */
typedef struct rude_state {
    unsigned calls;
    unsigned refused;
} rude_state;

static void rude_listener(grove_heap *heap, const grove_event *e, void *data)
{
    rude_state *st = data;
    (void)e;
    st->calls++;
    if (grove_alloc(heap, tt.pair, sizeof(struct pair)) == NULL &&
        grove_last_error(heap) == GROVE_E_IN_GC)
        st->refused++;
    if (grove_collect_minor(heap) == GROVE_E_IN_GC)
        st->refused++;
    if (grove_add_event_listener(heap, rude_listener, NULL) == GROVE_E_IN_GC)
        st->refused++;
    if (grove_remove_event_listener(heap, rude_listener, data) == GROVE_E_IN_GC)
        st->refused++;
}

START_TEST(listener_misuse_refused)
{
    test_errors rec;
    grove_heap *h = test_heap(&rec);
    rude_state st = {0};
    ck_assert_int_eq(grove_add_event_listener(h, rude_listener, &st), GROVE_OK);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(st.calls, 2 + 2 * NPHASES(minor_phases));
    ck_assert_uint_eq(st.refused, 4 * st.calls);
    ck_assert_uint_eq(rec.count, 4 * st.calls); /* each misuse reported */
    ck_assert_int_eq(rec.code, GROVE_E_IN_GC);
    test_errors_reset(&rec);
    /* The listener is still registered and the heap works. */
    ck_assert_int_eq(grove_remove_event_listener(h, rude_listener, &st), GROVE_OK);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, l, test_list(h, 100, 0));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, l), 100, 0), 100);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

START_TEST(names)
{
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_ROOTS), "roots");
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_REMEMBERED), "remembered");
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_DRAIN), "drain");
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_WEAK), "weak");
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_SWEEP), "sweep");
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_RESET), "reset");
    ck_assert_str_eq(grove_phase_name(GROVE_PHASE_FINISH_SWEEP), "finish-sweep");
    ck_assert_str_eq(grove_phase_name((grove_phase)99), "unknown");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_NURSERY_FULL), "nursery-full");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_EXPLICIT), "explicit");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_ZEAL), "zeal");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_OLD_THRESHOLD), "old-threshold");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_HEAP_LIMIT), "heap-limit");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_LARGE_OBJECT), "large-object");
    ck_assert_str_eq(grove_gc_reason_name(GROVE_REASON_AFTER_MAJOR), "after-major");
    ck_assert_str_eq(grove_gc_reason_name((grove_gc_reason)-1), "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("events");
    TCase *tc = test_tcase(s, "events");
    tcase_add_test(tc, minor_collection_events);
    tcase_add_test(tc, major_collection_events_then_evacuation);
    tcase_add_test(tc, nursery_full_reason);
    tcase_add_test(tc, zeal_reason);
    tcase_add_test(tc, listeners_in_order_and_removed);
    tcase_add_test(tc, listener_misuse_refused);
    tcase_add_test(tc, names);
    return test_main(s);
}
