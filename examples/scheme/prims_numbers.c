/*
 * prims_numbers.c — integer arithmetic on fixnums (63-bit, overflow is an
 * error: there are no bignums or flonums). Nothing here allocates.
 */
#include "scheme.h"

static obj fix_result(const char *who, intptr_t v, bool overflow)
{
    if (overflow || v > FIXNUM_MAX || v < FIXNUM_MIN)
        scm_error("%s: integer overflow", who);
    return mk_fixnum(v);
}

static obj prim_add(int argc, obj *argv)
{
    intptr_t acc = 0;
    for (int i = 0; i < argc; i++) {
        intptr_t v = arg_fixnum("+", argv[i]);
        if (__builtin_add_overflow(acc, v, &acc) || acc > FIXNUM_MAX || acc < FIXNUM_MIN)
            scm_error("+: integer overflow");
    }
    return mk_fixnum(acc);
}

static obj prim_sub(int argc, obj *argv)
{
    intptr_t acc = arg_fixnum("-", argv[0]);
    if (argc == 1)
        return fix_result("-", -acc, false);
    for (int i = 1; i < argc; i++) {
        intptr_t v = arg_fixnum("-", argv[i]);
        if (__builtin_sub_overflow(acc, v, &acc) || acc > FIXNUM_MAX || acc < FIXNUM_MIN)
            scm_error("-: integer overflow");
    }
    return mk_fixnum(acc);
}

static obj prim_mul(int argc, obj *argv)
{
    intptr_t acc = 1;
    for (int i = 0; i < argc; i++) {
        intptr_t v = arg_fixnum("*", argv[i]);
        if (__builtin_mul_overflow(acc, v, &acc) || acc > FIXNUM_MAX || acc < FIXNUM_MIN)
            scm_error("*: integer overflow");
    }
    return mk_fixnum(acc);
}

static intptr_t divisor(const char *who, obj v)
{
    intptr_t d = arg_fixnum(who, v);
    if (d == 0)
        scm_error("%s: division by zero", who);
    return d;
}

static obj prim_quotient(int argc, obj *argv)
{
    (void)argc;
    intptr_t a = arg_fixnum("quotient", argv[0]);
    intptr_t b = divisor("quotient", argv[1]);
    return fix_result("quotient", a / b, false);
}

static obj prim_remainder(int argc, obj *argv)
{
    (void)argc;
    intptr_t a = arg_fixnum("remainder", argv[0]);
    intptr_t b = divisor("remainder", argv[1]);
    return mk_fixnum(a % b);
}

static obj prim_modulo(int argc, obj *argv)
{
    (void)argc;
    intptr_t a = arg_fixnum("modulo", argv[0]);
    intptr_t b = divisor("modulo", argv[1]);
    intptr_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0)))
        m += b;
    return mk_fixnum(m);
}

enum cmp { CMP_EQ, CMP_LT, CMP_GT, CMP_LE, CMP_GE };

static obj compare(const char *who, enum cmp op, int argc, obj *argv)
{
    bool ok = true;
    for (int i = 0; i < argc; i++)
        arg_fixnum(who, argv[i]);
    for (int i = 0; i + 1 < argc && ok; i++) {
        intptr_t a = fixnum_val(argv[i]), b = fixnum_val(argv[i + 1]);
        switch (op) {
        case CMP_EQ: ok = a == b; break;
        case CMP_LT: ok = a < b; break;
        case CMP_GT: ok = a > b; break;
        case CMP_LE: ok = a <= b; break;
        case CMP_GE: ok = a >= b; break;
        }
    }
    return mk_bool(ok);
}

static obj prim_num_eq(int argc, obj *argv) { return compare("=", CMP_EQ, argc, argv); }
static obj prim_lt(int argc, obj *argv) { return compare("<", CMP_LT, argc, argv); }
static obj prim_gt(int argc, obj *argv) { return compare(">", CMP_GT, argc, argv); }
static obj prim_le(int argc, obj *argv) { return compare("<=", CMP_LE, argc, argv); }
static obj prim_ge(int argc, obj *argv) { return compare(">=", CMP_GE, argc, argv); }

static obj prim_zero_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(arg_fixnum("zero?", argv[0]) == 0);
}
static obj prim_positive_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(arg_fixnum("positive?", argv[0]) > 0);
}
static obj prim_negative_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(arg_fixnum("negative?", argv[0]) < 0);
}
static obj prim_odd_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool((arg_fixnum("odd?", argv[0]) & 1) != 0);
}
static obj prim_even_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool((arg_fixnum("even?", argv[0]) & 1) == 0);
}
static obj prim_number_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_fixnum(argv[0]));
}

static obj prim_abs(int argc, obj *argv)
{
    (void)argc;
    intptr_t v = arg_fixnum("abs", argv[0]);
    return fix_result("abs", v < 0 ? -v : v, false);
}

static obj prim_min(int argc, obj *argv)
{
    intptr_t m = arg_fixnum("min", argv[0]);
    for (int i = 1; i < argc; i++) {
        intptr_t v = arg_fixnum("min", argv[i]);
        if (v < m)
            m = v;
    }
    return mk_fixnum(m);
}

static obj prim_max(int argc, obj *argv)
{
    intptr_t m = arg_fixnum("max", argv[0]);
    for (int i = 1; i < argc; i++) {
        intptr_t v = arg_fixnum("max", argv[i]);
        if (v > m)
            m = v;
    }
    return mk_fixnum(m);
}

static obj prim_expt(int argc, obj *argv)
{
    (void)argc;
    intptr_t b = arg_fixnum("expt", argv[0]);
    intptr_t e = arg_fixnum("expt", argv[1]);
    if (e < 0)
        scm_error("expt: negative exponent %jd (no rationals)", (intmax_t)e);
    intptr_t r = 1;
    while (e-- > 0)
        if (__builtin_mul_overflow(r, b, &r) || r > FIXNUM_MAX || r < FIXNUM_MIN)
            scm_error("expt: integer overflow");
    return mk_fixnum(r);
}

static obj prim_gcd(int argc, obj *argv)
{
    intptr_t g = 0;
    for (int i = 0; i < argc; i++) {
        intptr_t v = arg_fixnum("gcd", argv[i]);
        if (v < 0)
            v = -v;
        while (v) {
            intptr_t t = g % v;
            g = v;
            v = t;
        }
    }
    return mk_fixnum(g);
}

void prims_numbers_init(void)
{
    define_primitive("+", prim_add, 0, -1);
    define_primitive("-", prim_sub, 1, -1);
    define_primitive("*", prim_mul, 0, -1);
    define_primitive("quotient", prim_quotient, 2, 2);
    define_primitive("remainder", prim_remainder, 2, 2);
    define_primitive("modulo", prim_modulo, 2, 2);
    define_primitive("=", prim_num_eq, 1, -1);
    define_primitive("<", prim_lt, 1, -1);
    define_primitive(">", prim_gt, 1, -1);
    define_primitive("<=", prim_le, 1, -1);
    define_primitive(">=", prim_ge, 1, -1);
    define_primitive("zero?", prim_zero_p, 1, 1);
    define_primitive("positive?", prim_positive_p, 1, 1);
    define_primitive("negative?", prim_negative_p, 1, 1);
    define_primitive("odd?", prim_odd_p, 1, 1);
    define_primitive("even?", prim_even_p, 1, 1);
    define_primitive("number?", prim_number_p, 1, 1);
    define_primitive("integer?", prim_number_p, 1, 1);
    define_primitive("abs", prim_abs, 1, 1);
    define_primitive("min", prim_min, 1, -1);
    define_primitive("max", prim_max, 1, -1);
    define_primitive("expt", prim_expt, 2, 2);
    define_primitive("gcd", prim_gcd, 0, -1);
}
