/*
 * prims_numbers.c — arithmetic and comparison on fixnums and flonums.
 *
 * Exact arguments stay exact: fixnum arithmetic, overflow an error (no
 * bignums). Any inexact argument makes the result inexact (a new flonum).
 * `/` of exact numbers must divide exactly: there are no rationals, and
 * (/ 1 3) is an error that says so rather than a silent approximation.
 *
 * A flonum result is allocated after the computation, from C doubles, so
 * nothing here holds a heap pointer across an allocation; argv is rooted
 * on the VM stack in any case.
 */
#include "scheme.h"

#include <math.h>
#include <string.h>

static obj fix_result(const char *who, intptr_t v, bool overflow)
{
    if (overflow || v > FIXNUM_MAX || v < FIXNUM_MIN)
        scm_error("%s: integer overflow", who);
    return mk_fixnum(v);
}

static obj check_number(const char *who, obj v)
{
    if (!is_number(v))
        type_error(who, "a number", v);
    return v;
}

/* The exact loop runs while every argument is a fixnum; the first flonum
 * switches to doubles for the rest. */
static obj prim_add(int argc, obj *argv)
{
    intptr_t acc = 0;
    int i = 0;
    for (; i < argc && is_fixnum(argv[i]); i++)
        if (__builtin_add_overflow(acc, fixnum_val(argv[i]), &acc) || acc > FIXNUM_MAX ||
            acc < FIXNUM_MIN)
            scm_error("+: integer overflow");
    if (i == argc)
        return mk_fixnum(acc);
    double d = (double)acc;
    for (; i < argc; i++)
        d += arg_real("+", argv[i]);
    return make_flonum(d);
}

static obj prim_mul(int argc, obj *argv)
{
    intptr_t acc = 1;
    int i = 0;
    for (; i < argc && is_fixnum(argv[i]); i++)
        if (__builtin_mul_overflow(acc, fixnum_val(argv[i]), &acc) || acc > FIXNUM_MAX ||
            acc < FIXNUM_MIN)
            scm_error("*: integer overflow");
    if (i == argc)
        return mk_fixnum(acc);
    double d = (double)acc;
    for (; i < argc; i++)
        d *= arg_real("*", argv[i]);
    return make_flonum(d);
}

static obj prim_sub(int argc, obj *argv)
{
    if (argc == 1) {
        if (is_fixnum(argv[0]))
            return fix_result("-", -fixnum_val(argv[0]), false);
        return make_flonum(-arg_real("-", argv[0]));
    }
    int i = 1;
    intptr_t acc = 0;
    if (is_fixnum(argv[0])) {
        acc = fixnum_val(argv[0]);
        for (; i < argc && is_fixnum(argv[i]); i++)
            if (__builtin_sub_overflow(acc, fixnum_val(argv[i]), &acc) || acc > FIXNUM_MAX ||
                acc < FIXNUM_MIN)
                scm_error("-: integer overflow");
        if (i == argc)
            return mk_fixnum(acc);
    }
    double d = i == 1 ? arg_real("-", argv[0]) : (double)acc;
    for (; i < argc; i++)
        d -= arg_real("-", argv[i]);
    return make_flonum(d);
}

static void inexact_quotient_error(intptr_t a, intptr_t b) SCM_NORETURN;
static void inexact_quotient_error(intptr_t a, intptr_t b)
{
    scm_error("/: %jd/%jd is not an integer (exact rationals are not supported: use quotient, "
              "or inexact arguments)",
              (intmax_t)a, (intmax_t)b);
}

static obj prim_div(int argc, obj *argv)
{
    /* (/ x) is (/ 1 x) */
    intptr_t acc = 1;
    int i = 0;
    if (argc > 1) {
        check_number("/", argv[0]);
        acc = is_fixnum(argv[0]) ? fixnum_val(argv[0]) : 0;
        i = 1;
    }
    bool exact = argc == 1 || is_fixnum(argv[0]);
    if (exact) {
        for (; i < argc && is_fixnum(argv[i]); i++) {
            intptr_t d = fixnum_val(argv[i]);
            if (d == 0)
                scm_error("/: division by zero");
            if (acc % d != 0)
                inexact_quotient_error(acc, d);
            acc /= d; /* |acc| <= 2^62: no overflow even for d = -1 */
        }
        if (i == argc)
            return mk_fixnum(acc);
    }
    double r = exact ? (double)acc : flonum_val(argv[0]);
    for (; i < argc; i++)
        r /= arg_real("/", argv[i]);
    return make_flonum(r);
}

/* Integer division on integers of either exactness: the exact case is the
 * fixnum fast path; an integral flonum makes the result inexact. */
enum int_div { DIV_TRUNCATE_Q, DIV_TRUNCATE_R, DIV_FLOOR_Q, DIV_FLOOR_R };

static obj integer_division(const char *who, enum int_div op, obj a, obj b)
{
    if (is_fixnum(a) && is_fixnum(b)) {
        intptr_t x = fixnum_val(a), y = fixnum_val(b);
        if (y == 0)
            scm_error("%s: division by zero", who);
        intptr_t q = x / y, r = x % y;
        if ((op == DIV_FLOOR_Q || op == DIV_FLOOR_R) && r != 0 && ((r < 0) != (y < 0))) {
            q -= 1;
            r += y;
        }
        return op == DIV_TRUNCATE_Q || op == DIV_FLOOR_Q ? fix_result(who, q, false)
                                                          : mk_fixnum(r);
    }
    double x = arg_real(who, a), y = arg_real(who, b);
    if (!number_is_integer(a) || !number_is_integer(b))
        scm_error("%s: expected integers", who);
    if (y == 0)
        scm_error("%s: division by zero", who);
    double q = trunc(x / y), r = fmod(x, y);
    if ((op == DIV_FLOOR_Q || op == DIV_FLOOR_R) && r != 0 && ((r < 0) != (y < 0))) {
        q -= 1;
        r += y;
    }
    return make_flonum(op == DIV_TRUNCATE_Q || op == DIV_FLOOR_Q ? q : r);
}

static obj prim_quotient(int argc, obj *argv)
{
    (void)argc;
    return integer_division("quotient", DIV_TRUNCATE_Q, argv[0], argv[1]);
}
static obj prim_remainder(int argc, obj *argv)
{
    (void)argc;
    return integer_division("remainder", DIV_TRUNCATE_R, argv[0], argv[1]);
}
static obj prim_modulo(int argc, obj *argv)
{
    (void)argc;
    return integer_division("modulo", DIV_FLOOR_R, argv[0], argv[1]);
}
static obj prim_floor_quotient(int argc, obj *argv)
{
    (void)argc;
    return integer_division("floor-quotient", DIV_FLOOR_Q, argv[0], argv[1]);
}

enum cmp { CMP_EQ, CMP_LT, CMP_GT, CMP_LE, CMP_GE };

static obj compare(const char *who, enum cmp op, int argc, obj *argv)
{
    for (int i = 0; i < argc; i++)
        check_number(who, argv[i]);
    bool ok = true;
    for (int i = 0; i + 1 < argc && ok; i++) {
        int c = number_compare(argv[i], argv[i + 1]);
        switch (op) {
        case CMP_EQ: ok = c == 0; break;
        case CMP_LT: ok = c == -1; break;
        case CMP_GT: ok = c == 1; break;
        case CMP_LE: ok = c == -1 || c == 0; break;
        case CMP_GE: ok = c == 1 || c == 0; break;
        }
    }
    return mk_bool(ok);
}

static obj prim_num_eq(int argc, obj *argv) { return compare("=", CMP_EQ, argc, argv); }
static obj prim_lt(int argc, obj *argv) { return compare("<", CMP_LT, argc, argv); }
static obj prim_gt(int argc, obj *argv) { return compare(">", CMP_GT, argc, argv); }
static obj prim_le(int argc, obj *argv) { return compare("<=", CMP_LE, argc, argv); }
static obj prim_ge(int argc, obj *argv) { return compare(">=", CMP_GE, argc, argv); }

static int sign_of(const char *who, obj v)
{
    if (is_fixnum(v))
        return (fixnum_val(v) > 0) - (fixnum_val(v) < 0);
    double d = arg_real(who, v);
    return (d > 0) - (d < 0);
}

static obj prim_zero_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(sign_of("zero?", argv[0]) == 0 && !isnan(number_as_double(argv[0])));
}
static obj prim_positive_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(sign_of("positive?", argv[0]) > 0);
}
static obj prim_negative_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(sign_of("negative?", argv[0]) < 0);
}

static bool is_odd(const char *who, obj v)
{
    if (is_fixnum(v))
        return (fixnum_val(v) & 1) != 0;
    if (!is_flonum(v) || !number_is_integer(v))
        type_error(who, "an integer", v);
    return fmod(flonum_val(v), 2.0) != 0;
}
static obj prim_odd_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_odd("odd?", argv[0]));
}
static obj prim_even_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(!is_odd("even?", argv[0]));
}

static obj prim_number_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_number(argv[0]));
}
static obj prim_integer_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_number(argv[0]) && number_is_integer(argv[0]));
}
static obj prim_rational_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_fixnum(argv[0]) || (is_flonum(argv[0]) && isfinite(flonum_val(argv[0]))));
}
static obj prim_exact_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_fixnum(check_number("exact?", argv[0])));
}
static obj prim_inexact_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_flonum(check_number("inexact?", argv[0])));
}
static obj prim_exact_integer_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_fixnum(argv[0]));
}
static obj prim_nan_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(isnan(arg_real("nan?", argv[0])));
}
static obj prim_infinite_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(isinf(arg_real("infinite?", argv[0])));
}
static obj prim_finite_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(isfinite(arg_real("finite?", argv[0])));
}

static obj prim_abs(int argc, obj *argv)
{
    (void)argc;
    if (is_fixnum(argv[0])) {
        intptr_t v = fixnum_val(argv[0]);
        return fix_result("abs", v < 0 ? -v : v, false);
    }
    return make_flonum(fabs(arg_real("abs", argv[0])));
}

/* min and max are inexact if any argument is (R7RS) */
static obj extremum(const char *who, int argc, obj *argv, int want)
{
    obj best = check_number(who, argv[0]);
    bool inexact = is_flonum(best);
    for (int i = 1; i < argc; i++) {
        check_number(who, argv[i]);
        inexact |= is_flonum(argv[i]);
        int c = number_compare(argv[i], best);
        if (c == want || (c == 2 && isnan(number_as_double(argv[i])))) /* NaN wins */
            best = argv[i];
    }
    if (inexact && is_fixnum(best))
        return make_flonum((double)fixnum_val(best));
    return best;
}
static obj prim_min(int argc, obj *argv) { return extremum("min", argc, argv, -1); }
static obj prim_max(int argc, obj *argv) { return extremum("max", argc, argv, 1); }

static intptr_t gcd2(intptr_t a, intptr_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        intptr_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static obj prim_gcd(int argc, obj *argv)
{
    intptr_t g = 0;
    for (int i = 0; i < argc; i++)
        g = gcd2(g, arg_fixnum("gcd", argv[i]));
    return mk_fixnum(g);
}

static obj prim_lcm(int argc, obj *argv)
{
    intptr_t l = 1;
    for (int i = 0; i < argc; i++) {
        intptr_t v = arg_fixnum("lcm", argv[i]);
        if (v == 0)
            return mk_fixnum(0);
        v = v < 0 ? -v : v;
        intptr_t r;
        if (__builtin_mul_overflow(l / gcd2(l, v), v, &r) || r > FIXNUM_MAX)
            scm_error("lcm: integer overflow");
        l = r;
    }
    return mk_fixnum(l);
}

static obj prim_expt(int argc, obj *argv)
{
    (void)argc;
    if (is_fixnum(argv[0]) && is_fixnum(argv[1])) {
        intptr_t b = fixnum_val(argv[0]), e = fixnum_val(argv[1]);
        if (e < 0) {
            if (b == 1 || b == -1)
                return mk_fixnum((e & 1) ? b : 1);
            scm_error("expt: (expt %jd %jd) is not an integer (exact rationals are not "
                      "supported: use an inexact base)",
                      (intmax_t)b, (intmax_t)e);
        }
        /* by squaring: b*b overflowing while bits of e remain means the
         * result overflows too (|b| >= 2 then) */
        intptr_t r = 1;
        for (;;) {
            if ((e & 1) && (__builtin_mul_overflow(r, b, &r) || r > FIXNUM_MAX || r < FIXNUM_MIN))
                scm_error("expt: integer overflow");
            e >>= 1;
            if (e == 0)
                return mk_fixnum(r);
            if (__builtin_mul_overflow(b, b, &b) || b > FIXNUM_MAX || b < FIXNUM_MIN)
                scm_error("expt: integer overflow");
        }
    }
    return make_flonum(pow(arg_real("expt", argv[0]), arg_real("expt", argv[1])));
}

static obj prim_square(int argc, obj *argv)
{
    (void)argc;
    if (is_fixnum(argv[0])) {
        intptr_t v = fixnum_val(argv[0]), r;
        bool overflow = __builtin_mul_overflow(v, v, &r);
        return fix_result("square", r, overflow);
    }
    double d = arg_real("square", argv[0]);
    return make_flonum(d * d);
}

static obj prim_exact(int argc, obj *argv)
{
    (void)argc;
    if (is_fixnum(argv[0]))
        return argv[0];
    double d = arg_real("exact", argv[0]);
    if (!isfinite(d) || d != floor(d)) {
        char text[64];
        format_number(argv[0], 10, text, sizeof text);
        scm_error("exact: %s has no exact integer value (exact rationals are not supported)", text);
    }
    if (d > (double)FIXNUM_MAX || d < (double)FIXNUM_MIN)
        scm_error("exact: integer overflow");
    return mk_fixnum((intptr_t)d);
}

static obj prim_inexact(int argc, obj *argv)
{
    (void)argc;
    if (is_flonum(argv[0]))
        return argv[0];
    return make_flonum(arg_real("inexact", argv[0]));
}

static int arg_radix(const char *who, int argc, obj *argv)
{
    if (argc < 2)
        return 10;
    intptr_t r = arg_fixnum(who, argv[1]);
    if (r != 2 && r != 8 && r != 10 && r != 16)
        scm_error("%s: radix must be 2, 8, 10 or 16, got %jd", who, (intmax_t)r);
    return (int)r;
}

static obj prim_number_to_string(int argc, obj *argv)
{
    check_number("number->string", argv[0]);
    int radix = arg_radix("number->string", argc, argv);
    if (radix != 10 && is_flonum(argv[0]))
        scm_error("number->string: inexact numbers are written in radix 10 only");
    char buf[80];
    size_t n = format_number(argv[0], radix, buf, sizeof buf);
    return make_string(buf, n);
}

static obj prim_string_to_number(int argc, obj *argv)
{
    obj s = arg_string("string->number", argv[0]);
    int radix = arg_radix("string->number", argc, argv);
    struct parsed_number n;
    /* parse from the heap string, then allocate: nothing reads it after */
    if (!parse_number(STR(s)->chars, radix, &n, NULL) ||
        (size_t)STR(s)->length != strlen(STR(s)->chars))
        return FALSE_OBJ;
    return number_from_parsed(&n);
}

void prims_numbers_init(void)
{
    define_primitive("+", prim_add, 0, -1);
    define_primitive("-", prim_sub, 1, -1);
    define_primitive("*", prim_mul, 0, -1);
    define_primitive("/", prim_div, 1, -1);
    define_primitive("quotient", prim_quotient, 2, 2);
    define_primitive("remainder", prim_remainder, 2, 2);
    define_primitive("modulo", prim_modulo, 2, 2);
    define_primitive("truncate-quotient", prim_quotient, 2, 2);
    define_primitive("truncate-remainder", prim_remainder, 2, 2);
    define_primitive("floor-quotient", prim_floor_quotient, 2, 2);
    define_primitive("floor-remainder", prim_modulo, 2, 2);
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
    define_primitive("complex?", prim_number_p, 1, 1);
    define_primitive("real?", prim_number_p, 1, 1);
    define_primitive("rational?", prim_rational_p, 1, 1);
    define_primitive("integer?", prim_integer_p, 1, 1);
    define_primitive("exact?", prim_exact_p, 1, 1);
    define_primitive("inexact?", prim_inexact_p, 1, 1);
    define_primitive("exact-integer?", prim_exact_integer_p, 1, 1);
    define_primitive("nan?", prim_nan_p, 1, 1);
    define_primitive("infinite?", prim_infinite_p, 1, 1);
    define_primitive("finite?", prim_finite_p, 1, 1);
    define_primitive("abs", prim_abs, 1, 1);
    define_primitive("min", prim_min, 1, -1);
    define_primitive("max", prim_max, 1, -1);
    define_primitive("gcd", prim_gcd, 0, -1);
    define_primitive("lcm", prim_lcm, 0, -1);
    define_primitive("expt", prim_expt, 2, 2);
    define_primitive("square", prim_square, 1, 1);
    define_primitive("exact", prim_exact, 1, 1);
    define_primitive("inexact", prim_inexact, 1, 1);
    define_primitive("inexact->exact", prim_exact, 1, 1);
    define_primitive("exact->inexact", prim_inexact, 1, 1);
    define_primitive("number->string", prim_number_to_string, 1, 2);
    define_primitive("string->number", prim_string_to_number, 1, 2);
}
