/*
 * numbers.c — the numeric tower the interpreter has: exact integers
 * (fixnums, 63 bits, overflow is an error: no bignums) and inexact reals
 * (flonums, boxed doubles). No rationals: `/` of exact numbers must give an
 * integer (prims_numbers.c). Here: reading, printing and comparing numbers,
 * none of which allocates except number_from_parsed.
 */
#include "scheme.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* digits of `radix` from s[*i]; how many */
static size_t scan_digits(const char *s, size_t *i, int radix)
{
    size_t start = *i;
    for (;; (*i)++) {
        int c = tolower((unsigned char)s[*i]);
        int d = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : 99;
        if (d >= radix)
            break;
    }
    return *i - start;
}

/* Decimal syntax: [sign] digits [. digits] [e [sign] digits], with at
 * least one digit before the exponent; or +inf.0 -inf.0 +nan.0 -nan.0. */
static bool parse_decimal(const char *s, double *out)
{
    if (strcmp(s, "+inf.0") == 0 || strcmp(s, "-inf.0") == 0) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (strcmp(s, "+nan.0") == 0 || strcmp(s, "-nan.0") == 0) {
        *out = NAN;
        return true;
    }
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    size_t digits = scan_digits(s, &i, 10);
    if (s[i] == '.') {
        i++;
        digits += scan_digits(s, &i, 10);
    }
    if (digits == 0)
        return false;
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-')
            i++;
        if (scan_digits(s, &i, 10) == 0)
            return false;
    }
    if (s[i] != '\0')
        return false;
    *out = strtod(s, NULL); /* the syntax is checked: strtod's extensions are not reached */
    return true;
}

bool parse_number(const char *text, int radix, struct parsed_number *out, const char **error)
{
    if (error)
        *error = NULL;
    char exactness = 0;
    while (text[0] == '#') { /* prefixes: #x #b #o #d, #e #i, in either order */
        char c = (char)tolower((unsigned char)text[1]);
        if (c == 'x' || c == 'b' || c == 'o' || c == 'd')
            radix = c == 'x' ? 16 : c == 'b' ? 2 : c == 'o' ? 8 : 10;
        else if ((c == 'e' || c == 'i') && !exactness)
            exactness = c;
        else
            return false;
        text += 2;
    }
    size_t i = (text[0] == '+' || text[0] == '-') ? 1 : 0;
    size_t n = strlen(text);
    size_t integer_digits = scan_digits(text, &i, radix);
    if (integer_digits > 0 && i == n) {
        errno = 0;
        long long v = strtoll(text, NULL, radix);
        if (errno == ERANGE || v > FIXNUM_MAX || v < FIXNUM_MIN) {
            if (exactness != 'i') {
                if (error)
                    *error = "integer too large (exact integers are 63-bit fixnums)";
                return false;
            }
            *out = (struct parsed_number){.inexact = true, .flonum = strtod(text, NULL)};
            return true;
        }
        *out = exactness == 'i' ? (struct parsed_number){.inexact = true, .flonum = (double)v}
                                : (struct parsed_number){.fixnum = (intptr_t)v};
        return true;
    }
    if (integer_digits > 0 && text[i] == '/') { /* n/d */
        size_t j = i + 1;
        if (scan_digits(text, &j, radix) > 0 && j == n) {
            if (error)
                *error = "exact rationals are not supported";
            return false;
        }
    }
    double d;
    if (radix != 10 || !parse_decimal(text, &d))
        return false;
    if (exactness == 'e') {
        if (d != floor(d) || d > (double)FIXNUM_MAX || d < (double)FIXNUM_MIN) {
            if (error)
                *error = "#e of a number with no exact integer value";
            return false;
        }
        *out = (struct parsed_number){.fixnum = (intptr_t)d};
        return true;
    }
    *out = (struct parsed_number){.inexact = true, .flonum = d};
    return true;
}

obj number_from_parsed(const struct parsed_number *n)
{
    return n->inexact ? make_flonum(n->flonum) : mk_fixnum(n->fixnum);
}

/* The fewest significant digits that read back as the same double, placed
 * as Scheme writes reals: positional for exponents -6 .. 20 ("100.0",
 * "0.001"), else scientific ("1.5e-9", "1.0e21"); always a '.' in it. */
static size_t format_flonum(double d, char *buf, size_t cap)
{
    if (isnan(d))
        return (size_t)snprintf(buf, cap, "+nan.0");
    if (isinf(d))
        return (size_t)snprintf(buf, cap, d < 0 ? "-inf.0" : "+inf.0");
    if (d == 0)
        return (size_t)snprintf(buf, cap, signbit(d) ? "-0.0" : "0.0");
    char tmp[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp is [-]D[.DDD]e(+|-)XX */
    char digits[24];
    size_t nd = 0;
    const char *t = tmp + (tmp[0] == '-');
    for (; *t != 'e'; t++)
        if (*t != '.')
            digits[nd++] = *t;
    digits[nd] = '\0';
    int exponent = atoi(t + 1);
    char out[64];
    size_t o = 0;
    if (d < 0)
        out[o++] = '-';
    if (exponent > -7 && exponent < 21) {
        if (exponent >= 0) {
            for (int k = 0; k <= exponent; k++)
                out[o++] = (size_t)k < nd ? digits[k] : '0';
            out[o++] = '.';
            if ((size_t)exponent + 1 < nd)
                for (size_t k = (size_t)exponent + 1; k < nd; k++)
                    out[o++] = digits[k];
            else
                out[o++] = '0';
        } else {
            out[o++] = '0';
            out[o++] = '.';
            for (int k = -1; k > exponent; k--)
                out[o++] = '0';
            for (size_t k = 0; k < nd; k++)
                out[o++] = digits[k];
        }
        out[o] = '\0';
    } else {
        out[o++] = digits[0];
        out[o++] = '.';
        if (nd > 1)
            for (size_t k = 1; k < nd; k++)
                out[o++] = digits[k];
        else
            out[o++] = '0';
        snprintf(out + o, sizeof out - o, "e%d", exponent);
    }
    return (size_t)snprintf(buf, cap, "%s", out);
}

size_t format_number(obj n, int radix, char *buf, size_t cap)
{
    if (is_flonum(n))
        return format_flonum(flonum_val(n), buf, cap);
    intptr_t v = fixnum_val(n);
    if (radix == 10)
        return (size_t)snprintf(buf, cap, "%jd", (intmax_t)v);
    char digits[72];
    size_t k = 0;
    uintmax_t u = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
    do {
        digits[k++] = "0123456789abcdef"[u % (unsigned)radix];
        u /= (unsigned)radix;
    } while (u);
    size_t o = 0;
    if (v < 0 && o + 1 < cap)
        buf[o++] = '-';
    while (k > 0 && o + 1 < cap)
        buf[o++] = digits[--k];
    buf[o] = '\0';
    return o;
}

double number_as_double(obj n)
{
    return is_fixnum(n) ? (double)fixnum_val(n) : flonum_val(n);
}

double arg_real(const char *who, obj v)
{
    if (is_fixnum(v))
        return (double)fixnum_val(v);
    if (!is_flonum(v))
        type_error(who, "a number", v);
    return flonum_val(v);
}

bool number_is_integer(obj n)
{
    if (is_fixnum(n))
        return true;
    double d = flonum_val(n);
    return isfinite(d) && d == floor(d);
}

/* A fixnum against a double, exactly: (double)i rounds, but monotonically,
 * so when it differs from d it orders i as it orders (double)i; when equal,
 * d is an integer within +-2^62 and converts to intptr_t exactly. */
static int compare_fixnum_double(intptr_t i, double d)
{
    if (isnan(d))
        return 2;
    double di = (double)i;
    if (di != d)
        return di < d ? -1 : 1;
    intptr_t j = (intptr_t)d;
    return i < j ? -1 : i > j;
}

int number_compare(obj a, obj b)
{
    if (is_fixnum(a) && is_fixnum(b)) {
        intptr_t x = fixnum_val(a), y = fixnum_val(b);
        return x < y ? -1 : x > y;
    }
    if (is_fixnum(a))
        return compare_fixnum_double(fixnum_val(a), flonum_val(b));
    if (is_fixnum(b)) {
        int c = compare_fixnum_double(fixnum_val(b), flonum_val(a));
        return c == 2 ? 2 : -c;
    }
    double x = flonum_val(a), y = flonum_val(b);
    if (isnan(x) || isnan(y))
        return 2;
    return x < y ? -1 : x > y;
}
