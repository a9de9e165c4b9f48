/*
 * prims_strings.c — strings (byte strings), characters and symbols.
 *
 * A heap string's bytes move with it, so nothing here keeps a char pointer
 * into a string across an allocation: lengths are computed first, the new
 * string is allocated, then the sources are re-read from argv (rooted on the
 * VM stack) and copied.
 */
#include "scheme.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static obj prim_string_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_string(argv[0]));
}

static obj prim_string_length(int argc, obj *argv)
{
    (void)argc;
    return mk_fixnum(STR(arg_string("string-length", argv[0]))->length);
}

static obj prim_string_ref(int argc, obj *argv)
{
    (void)argc;
    obj s = arg_string("string-ref", argv[0]);
    intptr_t i = arg_index("string-ref", argv[1], STR(s)->length);
    return mk_char((unsigned char)STR(s)->chars[i]);
}

static char arg_byte_char(const char *who, obj c)
{
    if (!is_char(c))
        type_error(who, "a character", c);
    if (char_val(c) > 255)
        scm_error("%s: character U+%X does not fit in a byte string", who, char_val(c));
    return (char)char_val(c);
}

static obj prim_string_set(int argc, obj *argv)
{
    (void)argc;
    obj s = arg_string("string-set!", argv[0]);
    intptr_t i = arg_index("string-set!", argv[1], STR(s)->length);
    STR(s)->chars[i] = arg_byte_char("string-set!", argv[2]); /* bytes: no barrier */
    return UNSPEC;
}

static obj prim_make_string(int argc, obj *argv)
{
    intptr_t n = arg_fixnum("make-string", argv[0]);
    if (n < 0)
        scm_error("make-string: negative length");
    char fill = argc > 1 ? arg_byte_char("make-string", argv[1]) : ' ';
    obj s = make_string(NULL, (size_t)n);
    memset(STR(s)->chars, fill, (size_t)n);
    return s;
}

static obj prim_string(int argc, obj *argv)
{
    for (int i = 0; i < argc; i++)
        arg_byte_char("string", argv[i]);
    obj s = make_string(NULL, (size_t)argc);
    for (int i = 0; i < argc; i++)
        STR(s)->chars[i] = (char)char_val(argv[i]);
    return s;
}

static obj prim_substring(int argc, obj *argv)
{
    obj s = arg_string("substring", argv[0]);
    intptr_t len = STR(s)->length;
    intptr_t start = arg_fixnum("substring", argv[1]);
    intptr_t end = argc > 2 ? arg_fixnum("substring", argv[2]) : len;
    if (start < 0 || end > len || start > end)
        scm_error("substring: range [%jd, %jd) invalid for a string of length %jd",
                  (intmax_t)start, (intmax_t)end, (intmax_t)len);
    obj r = make_string(NULL, (size_t)(end - start));
    s = argv[0]; /* re-read: make_string may have moved it */
    memcpy(STR(r)->chars, STR(s)->chars + start, (size_t)(end - start));
    return r;
}

static obj prim_string_append(int argc, obj *argv)
{
    size_t total = 0;
    for (int i = 0; i < argc; i++)
        total += (size_t)STR(arg_string("string-append", argv[i]))->length;
    obj r = make_string(NULL, total);
    size_t at = 0;
    for (int i = 0; i < argc; i++) { /* argv[i] re-read after the allocation */
        memcpy(STR(r)->chars + at, STR(argv[i])->chars, (size_t)STR(argv[i])->length);
        at += (size_t)STR(argv[i])->length;
    }
    return r;
}

static obj prim_string_copy(int argc, obj *argv)
{
    (void)argc;
    arg_string("string-copy", argv[0]);
    obj r = make_string(NULL, (size_t)STR(argv[0])->length);
    memcpy(STR(r)->chars, STR(argv[0])->chars, (size_t)STR(argv[0])->length);
    return r;
}

static int string_compare(const char *who, obj a, obj b)
{
    arg_string(who, a);
    arg_string(who, b);
    size_t la = (size_t)STR(a)->length, lb = (size_t)STR(b)->length;
    int c = memcmp(STR(a)->chars, STR(b)->chars, la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : la > lb;
}

static obj prim_string_eq(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(string_compare("string=?", argv[0], argv[1]) == 0);
}
static obj prim_string_lt(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(string_compare("string<?", argv[0], argv[1]) < 0);
}
static obj prim_string_gt(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(string_compare("string>?", argv[0], argv[1]) > 0);
}

static obj prim_string_to_list(int argc, obj *argv)
{
    (void)argc;
    arg_string("string->list", argv[0]);
    obj r = NIL;
    for (intptr_t i = STR(argv[0])->length - 1; i >= 0; i--)
        r = cons(mk_char((unsigned char)STR(argv[0])->chars[i]), r);
    return r;
}

static obj prim_list_to_string(int argc, obj *argv)
{
    (void)argc;
    intptr_t n = list_length(argv[0]);
    if (n < 0)
        type_error("list->string", "a proper list", argv[0]);
    for (obj l = argv[0]; l != NIL; l = cdr(l))
        arg_byte_char("list->string", car(l));
    obj s = make_string(NULL, (size_t)n);
    intptr_t i = 0;
    for (obj l = argv[0]; l != NIL; l = cdr(l))
        STR(s)->chars[i++] = (char)char_val(car(l));
    return s;
}

static obj prim_string_to_symbol(int argc, obj *argv)
{
    (void)argc;
    obj s = arg_string("string->symbol", argv[0]);
    /* intern may allocate: give it a C copy of the name, not the heap bytes. */
    size_t n = (size_t)STR(s)->length;
    char *copy = malloc(n + 1);
    if (!copy)
        scm_error("string->symbol: out of memory");
    memcpy(copy, STR(s)->chars, n);
    obj sym = intern(copy, n);
    free(copy);
    return sym;
}

static obj prim_symbol_to_string(int argc, obj *argv)
{
    (void)argc;
    if (!is_symbol(argv[0]))
        type_error("symbol->string", "a symbol", argv[0]);
    obj name = SYM(argv[0])->name;
    obj r = make_string(NULL, (size_t)STR(name)->length);
    name = SYM(argv[0])->name; /* re-read after the allocation */
    memcpy(STR(r)->chars, STR(name)->chars, (size_t)STR(name)->length);
    return r;
}

static obj prim_symbol_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_symbol(argv[0]));
}

/* ---- characters ---- */

static uint32_t arg_char(const char *who, obj c)
{
    if (!is_char(c))
        type_error(who, "a character", c);
    return char_val(c);
}

static obj prim_char_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_char(argv[0]));
}
static obj prim_char_to_integer(int argc, obj *argv)
{
    (void)argc;
    return mk_fixnum(arg_char("char->integer", argv[0]));
}
static obj prim_integer_to_char(int argc, obj *argv)
{
    (void)argc;
    intptr_t v = arg_fixnum("integer->char", argv[0]);
    if (v < 0 || v >= 0x110000)
        scm_error("integer->char: %jd is not a code point", (intmax_t)v);
    return mk_char((uint32_t)v);
}
static obj prim_char_eq(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(arg_char("char=?", argv[0]) == arg_char("char=?", argv[1]));
}
static obj prim_char_lt(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(arg_char("char<?", argv[0]) < arg_char("char<?", argv[1]));
}
static obj prim_char_gt(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(arg_char("char>?", argv[0]) > arg_char("char>?", argv[1]));
}
static obj prim_char_upcase(int argc, obj *argv)
{
    (void)argc;
    uint32_t c = arg_char("char-upcase", argv[0]);
    return mk_char(c < 128 ? (uint32_t)toupper((int)c) : c);
}
static obj prim_char_downcase(int argc, obj *argv)
{
    (void)argc;
    uint32_t c = arg_char("char-downcase", argv[0]);
    return mk_char(c < 128 ? (uint32_t)tolower((int)c) : c);
}
static obj prim_char_alphabetic_p(int argc, obj *argv)
{
    (void)argc;
    uint32_t c = arg_char("char-alphabetic?", argv[0]);
    return mk_bool(c < 128 && isalpha((int)c));
}
static obj prim_char_numeric_p(int argc, obj *argv)
{
    (void)argc;
    uint32_t c = arg_char("char-numeric?", argv[0]);
    return mk_bool(c < 128 && isdigit((int)c));
}
static obj prim_char_whitespace_p(int argc, obj *argv)
{
    (void)argc;
    uint32_t c = arg_char("char-whitespace?", argv[0]);
    return mk_bool(c < 128 && isspace((int)c));
}

void prims_strings_init(void)
{
    define_primitive("string?", prim_string_p, 1, 1);
    define_primitive("string-length", prim_string_length, 1, 1);
    define_primitive("string-ref", prim_string_ref, 2, 2);
    define_primitive("string-set!", prim_string_set, 3, 3);
    define_primitive("make-string", prim_make_string, 1, 2);
    define_primitive("string", prim_string, 0, -1);
    define_primitive("substring", prim_substring, 2, 3);
    define_primitive("string-append", prim_string_append, 0, -1);
    define_primitive("string-copy", prim_string_copy, 1, 1);
    define_primitive("string=?", prim_string_eq, 2, 2);
    define_primitive("string<?", prim_string_lt, 2, 2);
    define_primitive("string>?", prim_string_gt, 2, 2);
    define_primitive("string->list", prim_string_to_list, 1, 1);
    define_primitive("list->string", prim_list_to_string, 1, 1);
    define_primitive("string->symbol", prim_string_to_symbol, 1, 1);
    define_primitive("symbol->string", prim_symbol_to_string, 1, 1);
    define_primitive("symbol?", prim_symbol_p, 1, 1);
    define_primitive("char?", prim_char_p, 1, 1);
    define_primitive("char->integer", prim_char_to_integer, 1, 1);
    define_primitive("integer->char", prim_integer_to_char, 1, 1);
    define_primitive("char=?", prim_char_eq, 2, 2);
    define_primitive("char<?", prim_char_lt, 2, 2);
    define_primitive("char>?", prim_char_gt, 2, 2);
    define_primitive("char-upcase", prim_char_upcase, 1, 1);
    define_primitive("char-downcase", prim_char_downcase, 1, 1);
    define_primitive("char-alphabetic?", prim_char_alphabetic_p, 1, 1);
    define_primitive("char-numeric?", prim_char_numeric_p, 1, 1);
    define_primitive("char-whitespace?", prim_char_whitespace_p, 1, 1);
}
