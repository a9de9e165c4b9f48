/* callbacks.h — a registry of embedder callbacks with their data pointers:
 * root visitors and event listeners. Registration is refused during a
 * collection (GROVE_E_IN_GC): the collector is walking the list. */
#ifndef GROVE_CALLBACKS_H
#define GROVE_CALLBACKS_H

#include <grove/grove.h>

/* Stored as a generic function pointer; the owner casts it back to its own
 * type before calling it. */
typedef void (*grove_callback_fn)(void);

typedef struct grove_callback {
    grove_callback_fn fn;
    void *data;
} grove_callback;

typedef struct grove_callbacks {
    grove_callback *entries;
    size_t count;
    size_t cap;
} grove_callbacks;

/* Append (fn, data); `what` names the kind in messages ("root visitor"). */
grove_error grove_callbacks_add(grove_heap *heap, grove_callbacks *list, grove_callback_fn fn,
                                void *data, const char *what);
/* Remove the registration with this exact (fn, data); GROVE_E_NOT_FOUND if none. */
grove_error grove_callbacks_remove(grove_heap *heap, grove_callbacks *list, grove_callback_fn fn,
                                   void *data, const char *what);
void grove_callbacks_free(grove_callbacks *list);

#endif
