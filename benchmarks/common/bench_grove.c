/* bench_grove.c — heap creation and the grove part of the result line. */
#include "bench_grove.h"

#include <stdio.h>
#include <stdlib.h>

grove_heap *bench_heap_create(void)
{
    grove_config config;
    grove_config_init(&config);
    const char *nursery = getenv("GROVE_BENCH_NURSERY");
    if (nursery && *nursery)
        config.nursery_size = (size_t)bench_arg_long(nursery, "GROVE_BENCH_NURSERY", 1, 1L << 40);
    grove_error_info error;
    grove_heap *heap = grove_heap_create(&config, &error);
    if (!heap)
        bench_fail("grove_heap_create: %s: %s", grove_error_name(error.code), error.message);
    const char *pauses = getenv("GROVE_BENCH_PAUSES");
    if (pauses && *pauses)
        bench_grove_record_pauses(heap);
    return heap;
}

grove_type_id bench_register(grove_heap *heap, const char *name, grove_layout layout, size_t size,
                             uint64_t pointer_map)
{
    grove_type_desc desc = {
        .name = name, .layout = layout, .size = size, .pointer_map = pointer_map, .trace = NULL};
    grove_type_id id = grove_register_type(heap, &desc);
    if (id == GROVE_TYPE_INVALID)
        bench_fail("registering type %s: %s", name, grove_last_error_message(heap));
    return id;
}

void bench_grove_report(bench_json *j, grove_heap *heap)
{
    grove_stats stats;
    grove_get_stats(heap, &stats);
    size_t need = grove_stats_json(&stats, NULL, 0);
    char *buf = malloc(need + 1);
    if (!buf)
        bench_fail("out of memory formatting stats");
    grove_stats_json(&stats, buf, need + 1);
    bench_json_str(j, "backend", GROVE_ROOTING_NAME);
    bench_json_raw(j, "grove", buf);
    free(buf);

    const char *path = getenv("GROVE_BENCH_PAUSES");
    if (path && *path)
        bench_grove_write_pauses(path);
}
