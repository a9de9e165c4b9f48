/*
 * prims_math.c — rounding, roots and the transcendental functions. Exact
 * integers round to themselves; everything else computes in doubles and
 * returns a fresh flonum, except sqrt of an exact perfect square, which
 * stays exact as R7RS asks.
 */
#include "scheme.h"

#include <math.h>

static obj rounding(const char *who, obj v, double (*fn)(double))
{
    if (is_fixnum(v))
        return v;
    return make_flonum(fn(arg_real(who, v)));
}

static obj prim_floor(int argc, obj *argv)
{
    (void)argc;
    return rounding("floor", argv[0], floor);
}
static obj prim_ceiling(int argc, obj *argv)
{
    (void)argc;
    return rounding("ceiling", argv[0], ceil);
}
static obj prim_truncate(int argc, obj *argv)
{
    (void)argc;
    return rounding("truncate", argv[0], trunc);
}
/* R7RS rounds halves to even: rint does, in the default rounding mode */
static obj prim_round(int argc, obj *argv)
{
    (void)argc;
    return rounding("round", argv[0], rint);
}

static obj prim_sqrt(int argc, obj *argv)
{
    (void)argc;
    double d = arg_real("sqrt", argv[0]);
    if (d < 0)
        scm_error("sqrt: negative argument (complex numbers are not supported)");
    double r = sqrt(d);
    if (is_fixnum(argv[0])) {
        /* exact when the root is an integer; check with integers, since the
         * double may be rounded for large arguments */
        intptr_t n = fixnum_val(argv[0]), k = (intptr_t)r;
        for (intptr_t c = k > 0 ? k - 1 : 0; c <= k + 1; c++)
            if (c * c == n)
                return mk_fixnum(c);
    }
    return make_flonum(r);
}

#define UNARY(fn, name, cfn)                                                                    \
    static obj fn(int argc, obj *argv)                                                          \
    {                                                                                           \
        (void)argc;                                                                             \
        return make_flonum(cfn(arg_real(name, argv[0])));                                       \
    }
UNARY(prim_exp, "exp", exp)
UNARY(prim_sin, "sin", sin)
UNARY(prim_cos, "cos", cos)
UNARY(prim_tan, "tan", tan)
UNARY(prim_asin, "asin", asin)
UNARY(prim_acos, "acos", acos)

static obj prim_log(int argc, obj *argv)
{
    double x = log(arg_real("log", argv[0]));
    if (argc > 1)
        x /= log(arg_real("log", argv[1]));
    return make_flonum(x);
}

static obj prim_atan(int argc, obj *argv)
{
    double y = arg_real("atan", argv[0]);
    return make_flonum(argc > 1 ? atan2(y, arg_real("atan", argv[1])) : atan(y));
}

void prims_math_init(void)
{
    define_primitive("floor", prim_floor, 1, 1);
    define_primitive("ceiling", prim_ceiling, 1, 1);
    define_primitive("truncate", prim_truncate, 1, 1);
    define_primitive("round", prim_round, 1, 1);
    define_primitive("sqrt", prim_sqrt, 1, 1);
    define_primitive("exp", prim_exp, 1, 1);
    define_primitive("log", prim_log, 1, 2);
    define_primitive("sin", prim_sin, 1, 1);
    define_primitive("cos", prim_cos, 1, 1);
    define_primitive("tan", prim_tan, 1, 1);
    define_primitive("asin", prim_asin, 1, 1);
    define_primitive("acos", prim_acos, 1, 1);
    define_primitive("atan", prim_atan, 1, 2);
}
