/*
 * pause_samples.c — every GC pause of a benchmark's heap, for the pause
 * distribution plots. The heap itself keeps only a bounded ring of recent
 * pauses (grove_pause_samples), so the benchmark records each one from the
 * collection-end and slice-end events (grove_add_event_listener) when
 * $GROVE_BENCH_PAUSES asks for them: an incremental major GC's slices are
 * major pauses too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_grove.h"

typedef struct pause_series {
    uint64_t *ns;
    size_t len;
    size_t cap;
} pause_series;

/* One heap per benchmark process. */
static pause_series series[2]; /* by grove_collection_kind */

static void on_event(grove_heap *heap, const grove_event *e, void *data)
{
    (void)heap;
    (void)data;
    if (e->type != GROVE_EVENT_COLLECTION_END && e->type != GROVE_EVENT_SLICE_END)
        return;
    pause_series *s = &series[e->kind == GROVE_MAJOR];
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        uint64_t *ns = realloc(s->ns, cap * sizeof *ns);
        if (!ns)
            bench_fail("out of memory recording %zu pause samples", cap);
        s->ns = ns;
        s->cap = cap;
    }
    s->ns[s->len++] = e->duration_ns;
}

void bench_grove_record_pauses(grove_heap *heap)
{
    if (grove_add_event_listener(heap, on_event, NULL) != GROVE_OK)
        bench_fail("grove_add_event_listener: %s", grove_last_error_message(heap));
}

static void write_series(FILE *f, const char *name, const pause_series *s)
{
    fprintf(f, "\"%s\":[", name);
    for (size_t i = 0; i < s->len; i++)
        fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)s->ns[i]);
    fprintf(f, "]");
}

void bench_grove_write_pauses(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        bench_fail("cannot write pause samples to %s", path);
    fprintf(f, "{");
    write_series(f, "minor", &series[GROVE_MINOR]);
    fprintf(f, ",");
    write_series(f, "major", &series[GROVE_MAJOR]);
    fprintf(f, "}\n");
    if (fclose(f) != 0)
        bench_fail("writing pause samples to %s", path);
    for (size_t k = 0; k < 2; k++) {
        free(series[k].ns);
        series[k] = (pause_series){0};
    }
}
