/*
 * records.c — define-record-type. A record type is an object of its own
 * (RECORD {name, fields, field_count}); an instance is an ARRAY whose first
 * slot is its type and whose other slots are the fields, so instances of
 * every record type share one Grove type and a type test is a load and a
 * compare.
 *
 * The form is expanded, when evaluated, into the definitions it stands for:
 *
 *   (begin (define point <type>)
 *          (define make-point (lambda (x y) (#<%record> <type> x y)))
 *          (define point? (lambda (x) (#<%record?> <type> x)))
 *          (define point-x (lambda (x) (#<%record-ref> <type> x 0))) ...)
 *
 * where <type> is the record type object itself and #<...> the primitive
 * itself, not a variable: the generated code refers to nothing a program
 * could rebind, and the accessor's body is a call eval evaluates without
 * entering a new eval (eval_simple_call).
 */
#include "scheme.h"

#include <stdlib.h>

enum { RP_MAKE, RP_TEST, RP_REF, RP_SET, RP_COUNT };
static obj record_prims[RP_COUNT];

static void bad_form(obj form) SCM_NORETURN;
static void bad_form(obj form)
{
    char *s = value_to_cstr(form);
    char text[256];
    snprintf(text, sizeof text, "%s", s ? s : "?");
    free(s);
    scm_error("bad syntax: %s", text);
}

static bool is_symbol_list(obj l)
{
    for (; is_pair(l); l = cdr(l))
        if (!is_symbol(car(l)))
            return false;
    return l == NIL;
}

static obj field_name(obj spec)
{
    return is_pair(spec) ? car(spec) : spec;
}

/* The parts of (define-record-type name ctor pred field-spec ...) */
static obj form_name(obj form) { return car(cdr(form)); }
static obj form_ctor(obj form) { return car(cdr(cdr(form))); }
static obj form_pred(obj form) { return car(cdr(cdr(cdr(form)))); }
static obj form_specs(obj form) { return cdr(cdr(cdr(cdr(form)))); }

static intptr_t field_index(obj form, obj name)
{
    intptr_t i = 0;
    for (obj l = form_specs(form); l != NIL; l = cdr(l), i++)
        if (field_name(car(l)) == name)
            return i;
    return -1;
}

/* Allocates nothing. */
static void check_form(obj form)
{
    obj r = cdr(form);
    if (!is_pair(r) || !is_symbol(car(r)) || !is_pair(cdr(r)) || !is_pair(cdr(cdr(r))) ||
        list_length(form_specs(form)) < 0)
        bad_form(form);
    for (obj l = form_specs(form); l != NIL; l = cdr(l)) {
        obj spec = car(l);
        intptr_t n = list_length(spec);
        if (!is_symbol(spec) && (n < 1 || n > 3 || !is_symbol_list(spec)))
            bad_form(form);
    }
    obj ctor = form_ctor(form);
    if (is_pair(ctor)) {
        if (!is_symbol_list(ctor))
            bad_form(form);
        for (obj l = cdr(ctor); l != NIL; l = cdr(l))
            if (field_index(form, car(l)) < 0)
                scm_error("define-record-type: constructor field %s is not a field",
                          STR(SYM(car(l))->name)->chars);
    } else if (!is_symbol(ctor) && ctor != FALSE_OBJ) {
        bad_form(form);
    }
    if (!is_symbol(form_pred(form)) && form_pred(form) != FALSE_OBJ)
        bad_form(form);
}

static obj make_record_type(obj name, obj fields)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, rn, name);
    GROVE_LOCAL(H, obj, rf, fields);
    struct record_type *t = scm_alloc(T_RECORD_TYPE, sizeof *t);
    t->name = GROVE_GET(H, rn);
    t->fields = GROVE_GET(H, rf);
    t->field_count = mk_fixnum(list_length(t->fields));
    grove_scope_exit(H, s);
    return t;
}

/* The expansion is assembled on the VM stack: a pushed value is rooted at
 * once, so nothing is held raw across the allocations; close_list turns
 * the values pushed since `base` into one list, pushed in their place. */
static void close_list(size_t base)
{
    obj l = stack_to_list(base, NIL);
    push(l);
}

static void push_symbol(const char *name)
{
    obj sym = intern_cstr(name);
    push(sym);
}

static obj nth_tail(obj l, intptr_t n)
{
    while (n-- > 0)
        l = cdr(l);
    return l;
}

/* (define <name> <type>) */
static void push_type_definition(obj *form, obj *type)
{
    size_t def = sc.sp;
    push_symbol("define");
    push(form_name(*form));
    push(*type);
    close_list(def);
}

/* (define make-point (lambda (x y) (%record <type> x y))): a field the
 * constructor does not take starts as #f; a constructor given as a bare
 * name takes every field in order. */
static void push_constructor(obj *form, obj *type)
{
    size_t def = sc.sp;
    push_symbol("define");
    obj ctor = form_ctor(*form);
    push(is_pair(ctor) ? car(ctor) : ctor);
    size_t lambda = sc.sp;
    push_symbol("lambda");
    ctor = form_ctor(*form);
    if (is_pair(ctor)) {
        size_t params = sc.sp;
        for (obj p = cdr(ctor); p != NIL; p = cdr(p)) /* pushes allocate nothing */
            push(car(p));
        close_list(params);
    } else {
        push(RTD(*type)->fields); /* code is never mutated: the list can be shared */
    }
    size_t call = sc.sp;
    push(record_prims[RP_MAKE]);
    push(*type);
    ctor = form_ctor(*form);
    for (obj l = RTD(*type)->fields; l != NIL; l = cdr(l)) {
        bool taken = !is_pair(ctor);
        for (obj p = is_pair(ctor) ? cdr(ctor) : NIL; p != NIL; p = cdr(p))
            taken |= car(p) == car(l);
        push(taken ? car(l) : FALSE_OBJ);
    }
    close_list(call);
    close_list(lambda);
    close_list(def);
}

/* (define point? (lambda (x) (%record? <type> x))) */
static void push_predicate(obj *form, obj *type)
{
    size_t def = sc.sp;
    push_symbol("define");
    push(form_pred(*form));
    size_t lambda = sc.sp;
    push_symbol("lambda");
    size_t params = sc.sp;
    push_symbol("x");
    close_list(params);
    size_t call = sc.sp;
    push(record_prims[RP_TEST]);
    push(*type);
    push_symbol("x");
    close_list(call);
    close_list(lambda);
    close_list(def);
}

/* (define point-x (lambda (x) (%record-ref <type> x i))), or with a
 * modifier (define set-point-x! (lambda (x v) (%record-set! <type> x i v))) */
static void push_field_procedure(obj *form, obj *type, intptr_t i, bool modifier)
{
    size_t def = sc.sp;
    push_symbol("define");
    push(car(nth_tail(car(nth_tail(form_specs(*form), i)), modifier ? 2 : 1)));
    size_t lambda = sc.sp;
    push_symbol("lambda");
    size_t params = sc.sp;
    push_symbol("x");
    if (modifier)
        push_symbol("v");
    close_list(params);
    size_t call = sc.sp;
    push(record_prims[modifier ? RP_SET : RP_REF]);
    push(*type);
    push_symbol("x");
    push(mk_fixnum(i));
    if (modifier)
        push_symbol("v");
    close_list(call);
    close_list(lambda);
    close_list(def);
}

obj record_type_expand(obj form)
{
    check_form(form);
    /* The form and its type sit on the VM stack too: the helpers get their
     * slots, which every collection updates in place, and read them afresh
     * after each allocation. */
    size_t base = sc.sp;
    push(form);
    for (obj l = form_specs(form); l != NIL; l = cdr(l))
        push(field_name(car(l)));
    obj fields = stack_to_list(base + 1, NIL);
    obj type = make_record_type(form_name(sc.stack[base]), fields);
    push(type);
    obj *f = &sc.stack[base], *t = &sc.stack[base + 1];

    size_t begin = sc.sp;
    push_symbol("begin");
    push_type_definition(f, t);
    if (form_ctor(*f) != FALSE_OBJ)
        push_constructor(f, t);
    if (form_pred(*f) != FALSE_OBJ)
        push_predicate(f, t);
    intptr_t n = fixnum_val(RTD(*t)->field_count);
    for (intptr_t i = 0; i < n; i++) {
        if (list_length(car(nth_tail(form_specs(*f), i))) >= 2)
            push_field_procedure(f, t, i, false);
        if (list_length(car(nth_tail(form_specs(*f), i))) >= 3)
            push_field_procedure(f, t, i, true);
    }
    obj result = stack_to_list(begin, NIL);
    sc.sp = base;
    return result;
}

/* ---- the primitives the expansion calls ------------------------------------ */

static obj checked_record(obj type, obj r, intptr_t i)
{
    if (!has_type(r, T_RECORD) || REC(r)->type != type) {
        obj field = car(nth_tail(RTD(type)->fields, i));
        char *got = value_to_cstr(r);
        char text[256];
        snprintf(text, sizeof text, "%s", got ? got : "?");
        free(got);
        scm_error("field %s of %s: expected a %s record, got %s", STR(SYM(field)->name)->chars,
                  STR(SYM(RTD(type)->name)->name)->chars, STR(SYM(RTD(type)->name)->name)->chars,
                  text);
    }
    return r;
}

/* (%record type v0 v1 ...): argc - 1 is the type's field count, since the
 * expansion made the call */
static obj prim_record_make(int argc, obj *argv)
{
    size_t bytes = (size_t)argc * sizeof(obj);
    struct record *r = scm_alloc(T_RECORD, bytes);
    r->type = argv[0]; /* argv is re-read after the allocation */
    for (int i = 1; i < argc; i++)
        r->fields[i - 1] = argv[i];
    /* a record of more than ~500 fields is born old: barrier the stores */
    if (bytes > GROVE_MAX_SMALL_PAYLOAD)
        for (int i = 0; i < argc; i++)
            grove_barrier(H, r, argv[i]);
    return r;
}

static obj prim_record_test(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(has_type(argv[1], T_RECORD) && REC(argv[1])->type == argv[0]);
}

static obj prim_record_ref(int argc, obj *argv)
{
    (void)argc;
    intptr_t i = fixnum_val(argv[2]);
    return REC(checked_record(argv[0], argv[1], i))->fields[i];
}

static obj prim_record_set(int argc, obj *argv)
{
    (void)argc;
    intptr_t i = fixnum_val(argv[2]);
    obj r = checked_record(argv[0], argv[1], i);
    grove_write(H, r, &REC(r)->fields[i], argv[3]); /* the record may be old */
    return UNSPEC;
}

static obj register_internal(const char *name, prim_fn fn, int min_args, int max_args)
{
    define_primitive(name, fn, min_args, max_args);
    return mk_prim(prim_count - 1);
}

void prims_records_init(void)
{
    record_prims[RP_MAKE] = register_internal("%record", prim_record_make, 1, -1);
    record_prims[RP_TEST] = register_internal("%record?", prim_record_test, 2, 2);
    record_prims[RP_REF] = register_internal("%record-ref", prim_record_ref, 3, 3);
    record_prims[RP_SET] = register_internal("%record-set!", prim_record_set, 4, 4);
}
