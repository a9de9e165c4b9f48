/* events.c — registering listeners, dispatching events, naming phases and
 * reasons. */
#include "events.h"

#include "heap.h"

void grove_events_emit(grove_heap *heap, const grove_event *event)
{
    const grove_callbacks *l = &heap->listeners;
    for (size_t i = 0; i < l->count; i++)
        ((grove_event_listener)l->entries[i].fn)(heap, event, l->entries[i].data);
}

grove_error grove_add_event_listener(grove_heap *heap, grove_event_listener listen, void *data)
{
    return grove_callbacks_add(heap, &heap->listeners, (grove_callback_fn)listen, data,
                               "event listener");
}

grove_error grove_remove_event_listener(grove_heap *heap, grove_event_listener listen,
                                        void *data)
{
    return grove_callbacks_remove(heap, &heap->listeners, (grove_callback_fn)listen, data,
                                  "event listener");
}

const char *grove_phase_name(grove_phase phase)
{
    static const char *const names[] = {
        [GROVE_PHASE_NONE] = "none",         [GROVE_PHASE_FINISH_SWEEP] = "finish-sweep",
        [GROVE_PHASE_ROOTS] = "roots",
        [GROVE_PHASE_REMEMBERED] = "remembered", [GROVE_PHASE_DRAIN] = "drain",
        [GROVE_PHASE_WEAK] = "weak",         [GROVE_PHASE_SWEEP] = "sweep",
        [GROVE_PHASE_RESET] = "reset",
    };
    return (unsigned)phase < sizeof names / sizeof names[0] ? names[phase] : "unknown";
}

const char *grove_gc_reason_name(grove_gc_reason reason)
{
    static const char *const names[] = {
        [GROVE_REASON_NURSERY_FULL] = "nursery-full",
        [GROVE_REASON_EXPLICIT] = "explicit",
        [GROVE_REASON_ZEAL] = "zeal",
        [GROVE_REASON_OLD_THRESHOLD] = "old-threshold",
        [GROVE_REASON_HEAP_LIMIT] = "heap-limit",
        [GROVE_REASON_LARGE_OBJECT] = "large-object",
        [GROVE_REASON_AFTER_MAJOR] = "after-major",
        [GROVE_REASON_PIN] = "pin",
        [GROVE_REASON_MARKING_DONE] = "marking-done",
    };
    return (unsigned)reason < sizeof names / sizeof names[0] ? names[reason] : "unknown";
}
