/* errors.h — the one way errors leave the runtime and the backends.
 *
 * grove_fail records a resource failure (returned to the caller);
 * grove_misuse records a programming error and calls the heap's handler;
 * grove_fatal is for broken invariants (verify mode, a collection that
 * cannot get memory) where no caller could recover: print and abort. */
#ifndef GROVE_ERRORS_H
#define GROVE_ERRORS_H

#include <grove/grove.h>

#if defined(__GNUC__)
#define GROVE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GROVE_PRINTF(f, a)
#endif

grove_error grove_fail(grove_heap *heap, grove_error code, const char *fmt, ...)
    GROVE_PRINTF(3, 4);
grove_error grove_misuse(grove_heap *heap, grove_error code, const char *fmt, ...)
    GROVE_PRINTF(3, 4);
_Noreturn void grove_fatal(const char *fmt, ...) GROVE_PRINTF(1, 2);

void grove_error_info_set(grove_error_info *info, grove_error code, const char *fmt, ...)
    GROVE_PRINTF(3, 4);

#endif
