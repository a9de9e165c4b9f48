/* events.h — collection event listeners (grove_add_event_listener). The
 * collector asks grove_events_wanted first, so with no listener it builds
 * no event and reads no clock for one. */
#ifndef GROVE_EVENTS_H
#define GROVE_EVENTS_H

#include <grove/grove.h>

typedef struct grove_event_listener_entry {
    grove_event_listener listen;
    void *data;
} grove_event_listener_entry;

typedef struct grove_event_listeners {
    grove_event_listener_entry *entries;
    size_t count;
    size_t cap;
} grove_event_listeners;

static inline bool grove_events_wanted(const grove_event_listeners *l)
{
    return l->count != 0;
}

/* Call every listener with the event, in registration order. */
void grove_events_emit(grove_heap *heap, const grove_event *event);

void grove_event_listeners_free(grove_event_listeners *l);

#endif
