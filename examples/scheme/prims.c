/*
 * prims.c — the primitive table, argument checks shared by the primitive
 * files, and the list and equality helpers the evaluator also uses.
 *
 * A primitive is an immediate value (tag 100) holding an index into
 * prim_table, so it costs the collector nothing. Each is bound as the global
 * value of its symbol.
 */
#include "scheme.h"

#include <string.h>

#define MAX_PRIMS 512

struct primitive prim_table[MAX_PRIMS];
size_t prim_count;
obj prim_apply_obj;

void define_primitive(const char *name, prim_fn fn, int min_args, int max_args)
{
    if (prim_count == MAX_PRIMS) {
        fprintf(stderr, "scheme: too many primitives\n");
        return;
    }
    prim_table[prim_count] = (struct primitive){name, fn, min_args, max_args};
    obj p = mk_prim(prim_count++);
    symbol_define(intern_cstr(name), p);
}

/* Never called: eval intercepts `apply` to keep the call in tail position. */
static obj prim_apply(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    scm_error("apply: internal error");
}

void prims_init(void)
{
    define_primitive("apply", prim_apply, 2, -1);
    prim_apply_obj = mk_prim(prim_count - 1);
    prims_numbers_init();
    prims_lists_init();
    prims_strings_init();
    prims_vectors_init();
    prims_system_init();
    prims_math_init();
    prims_bytevectors_init();
    prims_records_init();
    prims_control_init();
    prims_exceptions_init();
    prims_ports_init();
    prims_hashtables_init();
    prims_weak_init();
}

/* ---- argument checks -------------------------------------------------------- */

intptr_t arg_fixnum(const char *who, obj v)
{
    if (!is_fixnum(v))
        type_error(who, "an integer", v);
    return fixnum_val(v);
}

obj arg_pair(const char *who, obj v)
{
    if (!is_pair(v))
        type_error(who, "a pair", v);
    return v;
}

obj arg_string(const char *who, obj v)
{
    if (!is_string(v))
        type_error(who, "a string", v);
    return v;
}

obj arg_vector(const char *who, obj v)
{
    if (!is_vector(v))
        type_error(who, "a vector", v);
    return v;
}

obj arg_procedure(const char *who, obj v)
{
    if (!is_procedure(v))
        type_error(who, "a procedure", v);
    return v;
}

intptr_t arg_index(const char *who, obj v, intptr_t limit)
{
    intptr_t i = arg_fixnum(who, v);
    if (i < 0 || i >= limit)
        scm_error("%s: index %jd out of range [0, %jd)", who, (intmax_t)i, (intmax_t)limit);
    return i;
}

/* ---- helpers ------------------------------------------------------------------ */

intptr_t list_length(obj list)
{
    intptr_t n = 0;
    obj slow = list;
    while (is_pair(list)) {
        list = cdr(list);
        n++;
        if (!is_pair(list))
            break;
        list = cdr(list);
        n++;
        slow = cdr(slow);
        if (list == slow)
            return -1; /* circular */
    }
    return list == NIL ? n : -1;
}

obj scm_reverse(obj list)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, l, list); /* the cursor must survive each cons */
    obj r = NIL; /* handed to cons, which roots it, and replaced by its result */
    while (is_pair(GROVE_GET(H, l))) {
        r = cons(car(GROVE_GET(H, l)), r);
        GROVE_SET(H, l, cdr(GROVE_GET(H, l)));
    }
    grove_scope_exit(H, s);
    return r;
}

bool scm_eqv(obj a, obj b)
{
    /* fixnums and chars are immediates: equal values, equal words. Flonums
     * are boxed: the same bits (so 0.0 and -0.0 differ, a NaN is itself). */
    return a == b || (is_flonum(a) && is_flonum(b) &&
                      memcmp(&FLO(a)->value, &FLO(b)->value, sizeof(double)) == 0);
}

bool scm_equal(obj a, obj b)
{
    for (;;) {
        if (a == b)
            return true;
        if (!is_heap(a) || !is_heap(b) || grove_object_type(a) != grove_object_type(b))
            return false;
        switch ((enum scm_type)grove_object_type(a)) {
        case T_PAIR:
            if (!scm_equal(car(a), car(b)))
                return false;
            a = cdr(a);
            b = cdr(b);
            continue;
        case T_FLONUM:
            return scm_eqv(a, b);
        case T_BYTEVECTOR:
            return BVEC(a)->length == BVEC(b)->length &&
                   memcmp(BVEC(a)->bytes, BVEC(b)->bytes, (size_t)BVEC(a)->length) == 0;
        case T_STRING:
            return STR(a)->length == STR(b)->length &&
                   memcmp(STR(a)->chars, STR(b)->chars, (size_t)STR(a)->length) == 0;
        case T_VECTOR:
            if (vector_length(a) != vector_length(b))
                return false;
            for (intptr_t i = 0; i < vector_length(a); i++)
                if (!scm_equal(VEC(a)->items[i], VEC(b)->items[i]))
                    return false;
            return true;
        default:
            return false;
        }
    }
}
