/* stats.h — counters and pause samples behind grove_get_stats. */
#ifndef GROVE_STATS_H
#define GROVE_STATS_H

#include <grove/grove.h>

typedef struct grove_pause_log {
    uint64_t *samples_ns; /* every pause, for exact percentiles */
    size_t count;
    size_t cap;
    uint64_t total_ns;
    uint64_t max_ns;
} grove_pause_log;

typedef struct grove_stats_state {
    grove_stats counters; /* pause fields filled on read */
    grove_pause_log minor;
    grove_pause_log major;
} grove_stats_state;

uint64_t grove_now_ns(void);
void grove_pause_record(grove_pause_log *log, uint64_t ns);
void grove_stats_free(grove_stats_state *stats);
void grove_stats_note_heap_size(grove_heap *heap);

#endif
