/*
 * control.c — non-local exits: catch frames, escaping continuations
 * (call/cc) and dynamic-wind, all on the longjmp path errors have always
 * taken to the REPL.
 *
 * A catch frame is a C struct in the frame of the function that runs code
 * under it (the REPL, call/cc, dynamic-wind). catch_run enters a
 * grove_scope, records the VM stack pointer and eval depth, links the frame
 * and calls setjmp. A throw longjmps to the innermost frame that must see
 * it; landing exits the scope — dropping the roots of every C frame the
 * longjmp skipped, with either rooting backend — before anything can
 * collect, then restores the VM stack, the depth and the handler list.
 *
 * Continuations escape only: one names its call/cc's frame by id, and can
 * be invoked while that frame is linked, i.e. from inside the dynamic
 * extent of the call/cc. Re-entering an extent that has ended would need
 * the C frames of eval back, with their rooted locals: both backends keep
 * scopes strictly LIFO, and the intrusive one's roots are nodes whose
 * address is their identity, so the C stack cannot be copied and
 * reinstated. Such a call is a Scheme error, never undefined behaviour.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

/* The handler list saved in each linked frame is a heap pointer in C
 * memory: this visitor reports it at every collection, and the collector
 * updates it in place. A frame is unlinked before the C frame holding it
 * returns or is unwound, so the chain never reaches dead stack. */
static void visit_catch_frames(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)heap;
    (void)data;
    for (struct catch_frame *f = sc.catch_top; f; f = f->prev)
        grove_trace_slot(tracer, &f->handlers);
}

void control_init(void)
{
    sc.catch_top = NULL;
    sc.catch_serial = 0;
    grove_persistent_init(H, &sc.thrown, UNSPEC);
    grove_persistent_init(H, &sc.handlers, NIL);
    if (grove_add_root_visitor(H, visit_catch_frames, NULL) != GROVE_OK) {
        fprintf(stderr, "scheme: %s\n", grove_last_error_message(H));
        exit(2);
    }
}

void control_shutdown(void)
{
    grove_remove_root_visitor(H, visit_catch_frames, NULL);
    grove_persistent_drop(H, &sc.handlers);
    grove_persistent_drop(H, &sc.thrown);
}

bool catch_run(struct catch_frame *f, enum catch_kind kind, obj (*body)(void *), void *data,
               obj *result)
{
    f->kind = kind;
    f->id = ++sc.catch_serial;
    f->handlers = grove_persistent_get(H, &sc.handlers);
    f->sp = sc.sp;
    f->depth = sc.depth;
    f->scope = grove_scope_enter(H);
    f->prev = sc.catch_top;
    sc.catch_top = f;
    /* Nothing here changes after setjmp but what f points to, so no local
     * needs to be volatile. */
    if (setjmp(f->jump) == 0) {
        obj r = body(data);
        grove_scope_exit(H, f->scope); /* every inner scope exited normally */
        sc.catch_top = f->prev;
        *result = r;
        return true;
    }
    /* Landed. Exit the scope first: until then the intrusive backend's list
     * still runs through the dead frames. Nothing below collects. */
    grove_scope_exit(H, f->scope);
    sc.catch_top = f->prev;
    sc.sp = f->sp;
    sc.depth = f->depth;
    grove_persistent_set(H, &sc.handlers, f->handlers);
    return false;
}

void throw_continue(void)
{
    for (struct catch_frame *f = sc.catch_top; f; f = f->prev) {
        bool target = sc.throw_target == 0 ? f->kind == CATCH_TOP : f->id == sc.throw_target;
        if (target || f->kind == CATCH_WIND)
            longjmp(f->jump, 1);
        if (f->kind == CATCH_TOP) /* a continuation never crosses a top-level form */
            break;
    }
    if (sc.throw_target != 0) {
        snprintf(sc.errmsg, sizeof sc.errmsg, "internal error: a continuation lost its frame");
        throw_to_top();
    }
    fprintf(stderr, "scheme: error outside the REPL: %s\n", sc.errmsg);
    exit(2);
}

void throw_to_top(void)
{
    sc.throw_target = 0;
    throw_continue();
}

/* ---- continuations -------------------------------------------------------- */

void continuation_throw(obj k, int argc, obj *argv)
{
    if (argc > 1)
        scm_error("continuation: called with %d values (multiple values are not supported)", argc);
    intptr_t id = fixnum_val(CONT(k)->frame_id);
    struct catch_frame *f = sc.catch_top;
    while (f && f->id != id && f->kind != CATCH_TOP)
        f = f->prev;
    if (!f || f->id != id)
        scm_error("continuation called outside the extent of its call/cc (only escaping "
                  "continuations are supported)");
    grove_persistent_set(H, &sc.thrown, argc == 1 ? argv[0] : UNSPEC);
    sc.throw_target = id;
    throw_continue();
}

struct call_cc {
    obj *receiver; /* a rooted slot: argv of call/cc */
    struct catch_frame *frame;
};

static obj call_receiver(void *data)
{
    struct call_cc *c = data;
    struct continuation *k = scm_alloc(T_CONTINUATION, sizeof *k);
    k->frame_id = mk_fixnum(c->frame->id);
    return call1(*c->receiver, k); /* call1 reads *receiver after nothing allocates */
}

static obj prim_call_cc(int argc, obj *argv)
{
    (void)argc;
    arg_procedure("call-with-current-continuation", argv[0]);
    struct catch_frame f;
    struct call_cc c = {&argv[0], &f};
    obj result;
    if (catch_run(&f, CATCH_ESCAPE, call_receiver, &c, &result))
        return result;
    return grove_persistent_get(H, &sc.thrown); /* the value k was called with */
}

/* ---- dynamic-wind ----------------------------------------------------------- */

static obj call_thunk(void *data)
{
    return call0(*(obj *)data);
}

/* (dynamic-wind before thunk after). The three procedures stay in argv, on
 * the VM stack, below the catch frame's saved stack pointer: a throw that
 * lands here still finds them. */
static obj prim_dynamic_wind(int argc, obj *argv)
{
    (void)argc;
    for (int i = 0; i < 3; i++)
        arg_procedure("dynamic-wind", argv[i]);
    call0(argv[0]);
    struct catch_frame f;
    obj result;
    if (catch_run(&f, CATCH_WIND, call_thunk, &argv[1], &result)) {
        grove_scope s = grove_scope_enter(H);
        GROVE_LOCAL(H, obj, value, result);
        call0(argv[2]);
        result = GROVE_GET(H, value);
        grove_scope_exit(H, s);
        return result;
    }
    /* A throw passing through: run `after` outside the wind, then let the
     * throw go on. `after` may itself throw and catch, so the pending throw
     * is saved: its value rooted, its target and message in C. */
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, pending, grove_persistent_get(H, &sc.thrown));
    intptr_t target = sc.throw_target;
    char message[sizeof sc.errmsg];
    memcpy(message, sc.errmsg, sizeof message);
    call0(argv[2]);
    grove_persistent_set(H, &sc.thrown, GROVE_GET(H, pending));
    sc.throw_target = target;
    memcpy(sc.errmsg, message, sizeof message);
    grove_scope_exit(H, s);
    throw_continue();
}

static obj prim_procedure_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_procedure(argv[0]));
}

void prims_control_init(void)
{
    define_primitive("call-with-current-continuation", prim_call_cc, 1, 1);
    define_primitive("call/cc", prim_call_cc, 1, 1);
    define_primitive("dynamic-wind", prim_dynamic_wind, 3, 3);
    define_primitive("procedure?", prim_procedure_p, 1, 1);
}
