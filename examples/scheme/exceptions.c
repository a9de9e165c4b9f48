/*
 * exceptions.c — R7RS exceptions: error objects, raise, raise-continuable,
 * with-exception-handler, error.
 *
 * The handlers in force are a Scheme list (innermost first) in the
 * persistent root sc.handlers. A handler runs in the dynamic context of the
 * raise, deeper on the C stack, with the outer handlers in force; to leave,
 * it escapes with a continuation (or returns, for raise-continuable). Every
 * catch frame records the list when it is set up and restores it when a
 * throw lands on it, so an escape out of a handler — or out of
 * with-exception-handler's thunk — leaves the right handlers installed.
 * With no handler, a raise throws to the REPL, which reports the condition.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

obj make_error_object(enum error_kind kind, obj message, obj irritants)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, m, message);
    GROVE_LOCAL(H, obj, irr, irritants);
    struct error_object *e = scm_alloc(T_ERROR, sizeof *e);
    e->kind = mk_fixnum(kind);
    e->message = GROVE_GET(H, m); /* fresh and small: no barrier */
    e->irritants = GROVE_GET(H, irr);
    grove_scope_exit(H, s);
    return e;
}

void describe_condition(obj value)
{
    struct sink s = {0};
    if (is_error_object(value)) {
        /* the message displayed, the irritants written, as `error` always did */
        print_to_sink(&s, ERROBJ(value)->message, false);
        for (obj l = ERROBJ(value)->irritants; is_pair(l); l = cdr(l)) {
            sink_write(&s, " ", 1);
            print_to_sink(&s, car(l), true);
        }
    } else {
        sink_write(&s, "uncaught exception: ", 20);
        print_to_sink(&s, value, true);
    }
    snprintf(sc.errmsg, sizeof sc.errmsg, "%s", s.buf ? s.buf : "");
    free(s.buf);
}

/* Call the innermost handler with `value`, the outer ones in force. The
 * value stays on the VM stack below the call, rooted. Returns what the
 * handler returned, with sc.handlers still the outer list; false if there
 * is no handler. */
static bool call_handler(obj value, obj *result)
{
    obj handlers = grove_persistent_get(H, &sc.handlers);
    if (handlers == NIL)
        return false;
    grove_persistent_set(H, &sc.handlers, cdr(handlers));
    size_t base = sc.sp;
    push(value);
    push(car(handlers));
    push(value);
    *result = apply_at(base + 1);
    sc.sp = base;
    return true;
}

void scm_raise(obj value)
{
    obj ignored;
    size_t base = sc.sp;
    push(value); /* still needed for the message below */
    if (!call_handler(sc.stack[base], &ignored)) {
        describe_condition(sc.stack[base]);
        throw_to_top();
    }
    /* R7RS: a secondary exception, in the handler's dynamic environment,
     * i.e. with the outer handlers: the innermost one is not asked twice. */
    char *what = value_to_cstr(sc.stack[base]);
    char text[256];
    snprintf(text, sizeof text, "%s", what ? what : "?");
    free(what);
    sc.sp = base;
    scm_error("exception handler returned from a non-continuable raise of %s", text);
}

static obj prim_raise(int argc, obj *argv)
{
    (void)argc;
    scm_raise(argv[0]);
}

static obj prim_raise_continuable(int argc, obj *argv)
{
    (void)argc;
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, saved, grove_persistent_get(H, &sc.handlers));
    obj result;
    if (!call_handler(argv[0], &result)) {
        describe_condition(argv[0]);
        throw_to_top();
    }
    grove_persistent_set(H, &sc.handlers, GROVE_GET(H, saved));
    grove_scope_exit(H, s);
    return result;
}

static obj prim_with_exception_handler(int argc, obj *argv)
{
    (void)argc;
    arg_procedure("with-exception-handler", argv[0]);
    arg_procedure("with-exception-handler", argv[1]);
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, saved, grove_persistent_get(H, &sc.handlers));
    obj installed = cons(argv[0], GROVE_GET(H, saved));
    grove_persistent_set(H, &sc.handlers, installed);
    obj result = call0(argv[1]);
    grove_persistent_set(H, &sc.handlers, GROVE_GET(H, saved));
    grove_scope_exit(H, s);
    return result;
}

/* (error message irritant ...) */
static obj prim_error(int argc, obj *argv)
{
    size_t base = sc.sp;
    for (int i = 1; i < argc; i++)
        push(argv[i]);
    obj irritants = stack_to_list(base, NIL);
    scm_raise(make_error_object(ERR_PLAIN, argv[0], irritants));
}

static obj arg_error_object(const char *who, obj v)
{
    if (!is_error_object(v))
        type_error(who, "an error object", v);
    return v;
}

static obj prim_error_object_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_error_object(argv[0]));
}

static obj prim_error_object_message(int argc, obj *argv)
{
    (void)argc;
    return ERROBJ(arg_error_object("error-object-message", argv[0]))->message;
}

static obj prim_error_object_irritants(int argc, obj *argv)
{
    (void)argc;
    return ERROBJ(arg_error_object("error-object-irritants", argv[0]))->irritants;
}

static obj prim_read_error_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_error_object(argv[0]) && fixnum_val(ERROBJ(argv[0])->kind) == ERR_READ);
}

static obj prim_file_error_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_error_object(argv[0]) && fixnum_val(ERROBJ(argv[0])->kind) == ERR_FILE);
}

void prims_exceptions_init(void)
{
    define_primitive("raise", prim_raise, 1, 1);
    define_primitive("raise-continuable", prim_raise_continuable, 1, 1);
    define_primitive("with-exception-handler", prim_with_exception_handler, 2, 2);
    define_primitive("error", prim_error, 1, -1);
    define_primitive("error-object?", prim_error_object_p, 1, 1);
    define_primitive("error-object-message", prim_error_object_message, 1, 1);
    define_primitive("error-object-irritants", prim_error_object_irritants, 1, 1);
    define_primitive("read-error?", prim_read_error_p, 1, 1);
    define_primitive("file-error?", prim_file_error_p, 1, 1);
}
