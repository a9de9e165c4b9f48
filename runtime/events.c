/* events.c — registering listeners, dispatching events, naming phases and
 * reasons. */
#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "heap.h"

void grove_events_emit(grove_heap *heap, const grove_event *event)
{
    const grove_event_listeners *l = &heap->listeners;
    for (size_t i = 0; i < l->count; i++)
        l->entries[i].listen(heap, event, l->entries[i].data);
}

void grove_event_listeners_free(grove_event_listeners *l)
{
    free(l->entries);
    *l = (grove_event_listeners){0};
}

grove_error grove_add_event_listener(grove_heap *heap, grove_event_listener listen, void *data)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "event listener added during a collection");
    grove_event_listeners *l = &heap->listeners;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        grove_event_listener_entry *e = realloc(l->entries, cap * sizeof *e);
        if (!e)
            return grove_fail(heap, GROVE_E_OOM, "out of memory adding an event listener");
        l->entries = e;
        l->cap = cap;
    }
    l->entries[l->count++] = (grove_event_listener_entry){listen, data};
    return GROVE_OK;
}

grove_error grove_remove_event_listener(grove_heap *heap, grove_event_listener listen,
                                        void *data)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "event listener removed during a collection");
    grove_event_listeners *l = &heap->listeners;
    for (size_t i = 0; i < l->count; i++)
        if (l->entries[i].listen == listen && l->entries[i].data == data) {
            memmove(&l->entries[i], &l->entries[i + 1], (l->count - i - 1) * sizeof *l->entries);
            l->count--;
            return GROVE_OK;
        }
    return grove_fail(heap, GROVE_E_NOT_FOUND,
                      "no event listener registered with that function and data");
}

const char *grove_phase_name(grove_phase phase)
{
    static const char *const names[] = {
        [GROVE_PHASE_NONE] = "none",         [GROVE_PHASE_ROOTS] = "roots",
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
    };
    return (unsigned)reason < sizeof names / sizeof names[0] ? names[reason] : "unknown";
}
