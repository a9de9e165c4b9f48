/* callbacks.c — adding and removing registered callbacks. */
#include "callbacks.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "heap.h"

static grove_error add(grove_heap *heap, grove_callbacks *list, grove_callback_fn fn, void *data,
                       const char *what)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "%s added during a collection", what);
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        grove_callback *e = realloc(list->entries, cap * sizeof *e);
        if (!e)
            return grove_fail(heap, GROVE_E_OOM, "out of memory adding a %s", what);
        list->entries = e;
        list->cap = cap;
    }
    list->entries[list->count++] = (grove_callback){fn, data};
    return GROVE_OK;
}

static grove_error remove_entry(grove_heap *heap, grove_callbacks *list, grove_callback_fn fn,
                                void *data, const char *what)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "%s removed during a collection", what);
    for (size_t i = 0; i < list->count; i++)
        if (list->entries[i].fn == fn && list->entries[i].data == data) {
            memmove(&list->entries[i], &list->entries[i + 1],
                    (list->count - i - 1) * sizeof *list->entries);
            list->count--;
            return GROVE_OK;
        }
    return grove_fail(heap, GROVE_E_NOT_FOUND, "no %s registered with that function and data",
                      what);
}

grove_error grove_callbacks_add(grove_heap *heap, grove_callbacks *list, grove_callback_fn fn,
                                void *data, const char *what)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error e = add(heap, list, fn, data, what);
    grove_heap_release(heap);
    return e;
}

grove_error grove_callbacks_remove(grove_heap *heap, grove_callbacks *list, grove_callback_fn fn,
                                   void *data, const char *what)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error e = remove_entry(heap, list, fn, data, what);
    grove_heap_release(heap);
    return e;
}

void grove_callbacks_free(grove_callbacks *list)
{
    free(list->entries);
    *list = (grove_callbacks){0};
}
