/*
 * prims_lists.c — pairs and lists. The allocating ones show the rooting
 * discipline at its smallest: argv[] is on the VM stack (rooted, updated in
 * place), a list under construction is handed from cons to cons, and a
 * cursor that must survive a cons lives in a GROVE_LOCAL.
 */
#include "scheme.h"

#include <string.h>

static obj prim_cons(int argc, obj *argv)
{
    (void)argc;
    return cons(argv[0], argv[1]);
}

static obj prim_car(int argc, obj *argv)
{
    (void)argc;
    return car(arg_pair("car", argv[0]));
}

static obj prim_cdr(int argc, obj *argv)
{
    (void)argc;
    return cdr(arg_pair("cdr", argv[0]));
}

/* c[ad]+r: apply the letters between c and r from right to left */
static obj cxr(const char *name, obj v)
{
    for (const char *p = name + strlen(name) - 2; *p != 'c'; p--) {
        if (!is_pair(v))
            type_error(name, "a pair", v);
        v = *p == 'a' ? car(v) : cdr(v);
    }
    return v;
}

/* Every c[ad]{2,4}r accessor: one function each, so that an error names
 * the accessor the program called. */
#define CXR_NAMES(X) \
    X(caar) \
    X(cadr) \
    X(cdar) \
    X(cddr) \
    X(caaar) \
    X(caadr) \
    X(cadar) \
    X(caddr) \
    X(cdaar) \
    X(cdadr) \
    X(cddar) \
    X(cdddr) \
    X(caaaar) \
    X(caaadr) \
    X(caadar) \
    X(caaddr) \
    X(cadaar) \
    X(cadadr) \
    X(caddar) \
    X(cadddr) \
    X(cdaaar) \
    X(cdaadr) \
    X(cdadar) \
    X(cdaddr) \
    X(cddaar) \
    X(cddadr) \
    X(cdddar) \
    X(cddddr)
#define CXR_DEFINE(name)                                                                        \
    static obj prim_##name(int argc, obj *argv)                                                 \
    {                                                                                           \
        (void)argc;                                                                             \
        return cxr(#name, argv[0]);                                                             \
    }
CXR_NAMES(CXR_DEFINE)

static obj prim_set_car(int argc, obj *argv)
{
    (void)argc;
    struct pair *p = arg_pair("set-car!", argv[0]);
    GROVE_STORE(H, p, car, argv[1]); /* the pair may be old, the value young */
    return UNSPEC;
}

static obj prim_set_cdr(int argc, obj *argv)
{
    (void)argc;
    struct pair *p = arg_pair("set-cdr!", argv[0]);
    GROVE_STORE(H, p, cdr, argv[1]);
    return UNSPEC;
}

static obj prim_list(int argc, obj *argv)
{
    obj r = NIL;
    for (int i = argc - 1; i >= 0; i--)
        r = cons(argv[i], r); /* argv[i] is read after the previous cons moved things */
    return r;
}

static obj prim_length(int argc, obj *argv)
{
    (void)argc;
    intptr_t n = list_length(argv[0]);
    if (n < 0)
        type_error("length", "a proper list", argv[0]);
    return mk_fixnum(n);
}

static obj prim_reverse(int argc, obj *argv)
{
    (void)argc;
    if (list_length(argv[0]) < 0)
        type_error("reverse", "a proper list", argv[0]);
    return scm_reverse(argv[0]);
}

static obj prim_append(int argc, obj *argv)
{
    if (argc == 0)
        return NIL;
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, result, argv[argc - 1]);
    GROVE_LOCAL(H, obj, rev, NIL);
    for (int k = argc - 2; k >= 0; k--) {
        if (list_length(argv[k]) < 0)
            type_error("append", "a proper list", argv[k]);
        GROVE_SET(H, rev, scm_reverse(argv[k]));
        while (GROVE_GET(H, rev) != NIL) {
            obj cell = cons(car(GROVE_GET(H, rev)), GROVE_GET(H, result));
            GROVE_SET(H, result, cell);
            GROVE_SET(H, rev, cdr(GROVE_GET(H, rev)));
        }
    }
    obj r = GROVE_GET(H, result);
    grove_scope_exit(H, s);
    return r;
}

static obj prim_list_tail(int argc, obj *argv)
{
    (void)argc;
    obj l = argv[0];
    intptr_t k = arg_fixnum("list-tail", argv[1]);
    for (; k > 0; k--) {
        if (!is_pair(l))
            scm_error("list-tail: list too short");
        l = cdr(l);
    }
    return l;
}

static obj prim_list_ref(int argc, obj *argv)
{
    (void)argc;
    obj l = argv[0];
    intptr_t k = arg_fixnum("list-ref", argv[1]);
    for (; k > 0 && is_pair(l); k--)
        l = cdr(l);
    if (k != 0 || !is_pair(l))
        scm_error("list-ref: index %jd out of range", (intmax_t)fixnum_val(argv[1]));
    return car(l);
}

static obj prim_memq(int argc, obj *argv)
{
    (void)argc;
    for (obj l = argv[1]; is_pair(l); l = cdr(l))
        if (car(l) == argv[0])
            return l;
    return FALSE_OBJ;
}

static obj prim_memv(int argc, obj *argv)
{
    (void)argc;
    for (obj l = argv[1]; is_pair(l); l = cdr(l))
        if (scm_eqv(car(l), argv[0]))
            return l;
    return FALSE_OBJ;
}

static obj prim_assq(int argc, obj *argv)
{
    (void)argc;
    for (obj l = argv[1]; is_pair(l); l = cdr(l))
        if (is_pair(car(l)) && car(car(l)) == argv[0])
            return car(l);
    return FALSE_OBJ;
}

static obj prim_assv(int argc, obj *argv)
{
    (void)argc;
    for (obj l = argv[1]; is_pair(l); l = cdr(l))
        if (is_pair(car(l)) && scm_eqv(car(car(l)), argv[0]))
            return car(l);
    return FALSE_OBJ;
}

/* (member x list [compare]) and (assoc key alist [compare]). With a Scheme
 * predicate each test is a call that may collect, so the cursor lives on
 * the VM stack (argv[1] itself) and is re-read after each call. */
static bool same(int argc, obj *argv, obj item)
{
    if (argc < 3)
        return scm_equal(argv[0], item);
    return call2(argv[2], argv[0], item) != FALSE_OBJ;
}

static obj prim_member(int argc, obj *argv)
{
    if (argc > 2)
        arg_procedure("member", argv[2]);
    for (; is_pair(argv[1]); argv[1] = cdr(argv[1]))
        if (same(argc, argv, car(argv[1])))
            return argv[1];
    return FALSE_OBJ;
}

static obj prim_assoc(int argc, obj *argv)
{
    if (argc > 2)
        arg_procedure("assoc", argv[2]);
    for (; is_pair(argv[1]); argv[1] = cdr(argv[1]))
        if (is_pair(car(argv[1])) && same(argc, argv, car(car(argv[1]))))
            return car(argv[1]);
    return FALSE_OBJ;
}

static obj prim_null_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(argv[0] == NIL);
}

static obj prim_pair_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_pair(argv[0]));
}

static obj prim_list_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(list_length(argv[0]) >= 0);
}

void prims_lists_init(void)
{
    define_primitive("cons", prim_cons, 2, 2);
    define_primitive("car", prim_car, 1, 1);
    define_primitive("cdr", prim_cdr, 1, 1);
#define CXR_REGISTER(name) define_primitive(#name, prim_##name, 1, 1);
    CXR_NAMES(CXR_REGISTER)
    define_primitive("set-car!", prim_set_car, 2, 2);
    define_primitive("set-cdr!", prim_set_cdr, 2, 2);
    define_primitive("list", prim_list, 0, -1);
    define_primitive("length", prim_length, 1, 1);
    define_primitive("reverse", prim_reverse, 1, 1);
    define_primitive("append", prim_append, 0, -1);
    define_primitive("list-tail", prim_list_tail, 2, 2);
    define_primitive("list-ref", prim_list_ref, 2, 2);
    define_primitive("memq", prim_memq, 2, 2);
    define_primitive("memv", prim_memv, 2, 2);
    define_primitive("member", prim_member, 2, 3);
    define_primitive("assq", prim_assq, 2, 2);
    define_primitive("assv", prim_assv, 2, 2);
    define_primitive("assoc", prim_assoc, 2, 3);
    define_primitive("null?", prim_null_p, 1, 1);
    define_primitive("pair?", prim_pair_p, 1, 1);
    define_primitive("list?", prim_list_p, 1, 1);
}
