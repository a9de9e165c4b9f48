/* errors.c — recording, reporting and naming errors. */
#include "errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "heap.h"

static const char *const error_names[] = {
    [GROVE_OK] = "GROVE_OK",
    [GROVE_E_OOM] = "GROVE_E_OOM",
    [GROVE_E_TOO_LARGE] = "GROVE_E_TOO_LARGE",
    [GROVE_E_BAD_CONFIG] = "GROVE_E_BAD_CONFIG",
    [GROVE_E_BAD_TYPE] = "GROVE_E_BAD_TYPE",
    [GROVE_E_IN_GC] = "GROVE_E_IN_GC",
    [GROVE_E_STALE_HANDLE] = "GROVE_E_STALE_HANDLE",
    [GROVE_E_FOREIGN_HANDLE] = "GROVE_E_FOREIGN_HANDLE",
    [GROVE_E_BAD_HANDLE] = "GROVE_E_BAD_HANDLE",
    [GROVE_E_DOUBLE_UNROOT] = "GROVE_E_DOUBLE_UNROOT",
    [GROVE_E_NO_SCOPE] = "GROVE_E_NO_SCOPE",
    [GROVE_E_BAD_SCOPE] = "GROVE_E_BAD_SCOPE",
    [GROVE_E_ROOT_ORDER] = "GROVE_E_ROOT_ORDER",
    [GROVE_E_BAD_NODE] = "GROVE_E_BAD_NODE",
    [GROVE_E_NOT_FOUND] = "GROVE_E_NOT_FOUND",
    [GROVE_E_CONCURRENT_USE] = "GROVE_E_CONCURRENT_USE",
    [GROVE_E_NOT_OBJECT] = "GROVE_E_NOT_OBJECT",
    [GROVE_E_NOT_PINNED] = "GROVE_E_NOT_PINNED",
};

const char *grove_error_name(grove_error code)
{
    if ((unsigned)code < sizeof error_names / sizeof error_names[0] && error_names[code])
        return error_names[code];
    return "GROVE_E_UNKNOWN";
}

static void record(grove_heap *heap, grove_error code, const char *fmt, va_list ap)
{
    heap->last_error = code;
    vsnprintf(heap->last_message, sizeof heap->last_message, fmt, ap);
}

grove_error grove_fail(grove_heap *heap, grove_error code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(heap, code, fmt, ap);
    va_end(ap);
    return code;
}

grove_error grove_misuse(grove_heap *heap, grove_error code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(heap, code, fmt, ap);
    va_end(ap);
    /* The handler may longjmp out of the operation: it must not leave the
     * heap claimed by this thread. */
    grove_heap_unclaim(heap);
    if (heap->config.error_handler) {
        heap->config.error_handler(heap, code, heap->last_message, heap->config.error_data);
        return code;
    }
    fprintf(stderr, "grove: %s: %s\n", grove_error_name(code), heap->last_message);
    abort();
}

void grove_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("grove: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void grove_error_info_set(grove_error_info *info, grove_error code, const char *fmt, ...)
{
    if (!info)
        return;
    va_list ap;
    va_start(ap, fmt);
    info->code = code;
    vsnprintf(info->message, sizeof info->message, fmt, ap);
    va_end(ap);
}

grove_error grove_last_error(const grove_heap *heap)
{
    return heap->last_error;
}

const char *grove_last_error_message(const grove_heap *heap)
{
    return heap->last_message;
}

void grove_clear_error(grove_heap *heap)
{
    heap->last_error = GROVE_OK;
    heap->last_message[0] = '\0';
}

void grove_set_error_handler(grove_heap *heap, grove_error_handler handler, void *data)
{
    heap->config.error_handler = handler;
    heap->config.error_data = data;
}
