/*
 * error.c — Scheme errors. A runtime error in a Scheme program formats its
 * message into sc.errmsg and longjmps to the REPL (repl.c), which reports
 * it, exits the grove_scope it opened before the setjmp — dropping every
 * root created by the frames it unwound — and goes on with the next form.
 * Nothing here touches the heap, so an error can be raised anywhere,
 * including halfway through building an object.
 */
#include "scheme.h"

#include <stdarg.h>
#include <stdlib.h>

void scm_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc.errmsg, sizeof sc.errmsg, fmt, ap);
    va_end(ap);
    if (!sc.on_error) {
        fprintf(stderr, "scheme: error outside the REPL: %s\n", sc.errmsg);
        exit(2);
    }
    longjmp(*sc.on_error, 1);
}

char *value_to_cstr(obj v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    print_value(f, v, true);
    fclose(f);
    if (len > 200) {
        buf[197] = buf[198] = buf[199] = '.';
        buf[200] = '\0';
    }
    return buf;
}

void type_error(const char *who, const char *what, obj got)
{
    char *s = value_to_cstr(got);
    char text[256];
    snprintf(text, sizeof text, "%s", s ? s : "?");
    free(s);
    scm_error("%s: expected %s, got %s", who, what, text);
}
