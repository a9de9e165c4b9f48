/*
 * pause_samples.c — every GC pause the heap recorded, for the pause
 * distribution plots (grove_pause_samples).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_grove.h"

static void write_samples(FILE *f, grove_heap *heap, const char *name,
                          grove_collection_kind kind)
{
    size_t n = grove_pause_samples(heap, kind, NULL, 0);
    uint64_t *ns = malloc((n ? n : 1) * sizeof *ns);
    if (!ns)
        bench_fail("out of memory reading %zu pause samples", n);
    grove_pause_samples(heap, kind, ns, n);
    fprintf(f, "\"%s\":[", name);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)ns[i]);
    fprintf(f, "]");
    free(ns);
}

void bench_grove_write_pauses(grove_heap *heap, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        bench_fail("cannot write pause samples to %s", path);
    fprintf(f, "{");
    write_samples(f, heap, "minor", GROVE_MINOR);
    fprintf(f, ",");
    write_samples(f, heap, "major", GROVE_MAJOR);
    fprintf(f, "}\n");
    if (fclose(f) != 0)
        bench_fail("writing pause samples to %s", path);
}
