/* events.h — collection event listeners (grove_add_event_listener). The
 * collector asks grove_events_wanted first, so with no listener it builds
 * no event and reads no clock for one. */
#ifndef GROVE_EVENTS_H
#define GROVE_EVENTS_H

#include <grove/grove.h>

#include "callbacks.h"

static inline bool grove_events_wanted(const grove_callbacks *listeners)
{
    return listeners->count != 0;
}

/* Call every listener with the event, in registration order. */
void grove_events_emit(grove_heap *heap, const grove_event *event);

#endif
