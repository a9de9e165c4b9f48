/*
 * error.c — Scheme errors. An error formats its message into sc.errmsg.
 * With no Scheme exception handler installed it then throws to the REPL
 * (control.c), which reports it; the throw unwinds with longjmp, and the
 * catch frame it lands on exits the grove_scope it opened, dropping every
 * root created by the frames it unwound. Up to that point nothing touches
 * the heap, so an error can be raised anywhere, including halfway through
 * building an object. With a handler installed, the message becomes an
 * error object (an allocation: the heap is consistent at every place an
 * error is raised, since objects are initialized right after allocation)
 * and is raised to the handler (exceptions.c).
 */
#include "scheme.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Set while the error object for a handler is being made: an error there
 * (out of memory) must not try to make another one. */
static bool making_error_object;

static void raise_formatted(enum error_kind kind, bool catchable) SCM_NORETURN;
static void raise_formatted(enum error_kind kind, bool catchable)
{
    if (!catchable || making_error_object || grove_persistent_get(H, &sc.handlers) == NIL) {
        making_error_object = false;
        throw_to_top();
    }
    making_error_object = true;
    obj message = make_string(sc.errmsg, strlen(sc.errmsg));
    obj e = make_error_object(kind, message, NIL);
    making_error_object = false;
    scm_raise(e);
}

void scm_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc.errmsg, sizeof sc.errmsg, fmt, ap);
    va_end(ap);
    raise_formatted(ERR_PLAIN, true);
}

void scm_error_of(enum error_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc.errmsg, sizeof sc.errmsg, fmt, ap);
    va_end(ap);
    raise_formatted(kind, true);
}

void scm_resource_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc.errmsg, sizeof sc.errmsg, fmt, ap);
    va_end(ap);
    raise_formatted(ERR_PLAIN, false);
}

char *value_to_cstr(obj v)
{
    struct sink s = {0};
    print_to_sink(&s, v, true);
    if (s.len > 200) {
        s.buf[197] = s.buf[198] = s.buf[199] = '.';
        s.buf[200] = '\0';
    }
    return s.buf; /* the sink keeps its buffer NUL-terminated */
}

void type_error(const char *who, const char *what, obj got)
{
    char *s = value_to_cstr(got);
    char text[256];
    snprintf(text, sizeof text, "%s", s ? s : "?");
    free(s);
    scm_error("%s: expected %s, got %s", who, what, text);
}
