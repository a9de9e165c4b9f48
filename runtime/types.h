/* types.h — the per-heap type registry the tracer walks. */
#ifndef GROVE_TYPES_H
#define GROVE_TYPES_H

#include <grove/grove.h>

typedef struct grove_type_info {
    grove_layout layout;
    uint64_t pointer_map;   /* RECORD */
    grove_trace_fn trace;   /* CUSTOM */
    char *name;
} grove_type_info;

typedef struct grove_type_registry {
    grove_type_info *info;
    uint32_t count;
    uint32_t cap;
} grove_type_registry;

void grove_types_free(grove_type_registry *types);

#endif
