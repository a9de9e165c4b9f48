/* bench_weak.c — the weak phase's durations, from collection events; a
 * loud allocation. */
#include "bench_weak.h"

static void on_event(grove_heap *heap, const grove_event *e, void *data)
{
    (void)heap;
    bench_weak_clock *c = data;
    if (e->type == GROVE_EVENT_PHASE_END && e->phase == GROVE_PHASE_WEAK) {
        c->phases[e->kind]++;
        c->total_ns[e->kind] += e->duration_ns;
        c->last_ns[e->kind] = e->duration_ns;
    } else if (e->type == GROVE_EVENT_COLLECTION_END) {
        c->last_pause_ns[e->kind] = e->duration_ns;
    }
}

void bench_weak_clock_start(grove_heap *heap, bench_weak_clock *clock)
{
    if (grove_add_event_listener(heap, on_event, clock) != GROVE_OK)
        bench_fail("grove_add_event_listener: %s", grove_last_error_message(heap));
}

void bench_weak_clock_report(bench_json *j, const bench_weak_clock *clock)
{
    bench_json_num(j, "weak_minor_ms", (double)clock->total_ns[GROVE_MINOR] / 1e6);
    bench_json_num(j, "weak_major_ms", (double)clock->total_ns[GROVE_MAJOR] / 1e6);
}

void *bench_alloc(grove_heap *heap, grove_type_id type, size_t size)
{
    void *p = grove_alloc(heap, type, size);
    if (!p)
        bench_fail("allocation failed: %s", grove_last_error_message(heap));
    return p;
}
