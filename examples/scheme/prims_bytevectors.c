/*
 * prims_bytevectors.c — bytevectors: Grove BYTES objects {length, bytes},
 * never scanned by the collector, whatever their size. Like strings, their
 * bytes move with them, so a copy allocates the destination first and then
 * re-reads the source from argv.
 */
#include "scheme.h"

#include <string.h>

static obj arg_bytevector(const char *who, obj v)
{
    if (!is_bytevector(v))
        type_error(who, "a bytevector", v);
    return v;
}

static uint8_t arg_byte(const char *who, obj v)
{
    if (!is_fixnum(v) || fixnum_val(v) < 0 || fixnum_val(v) > 255)
        type_error(who, "a byte (an integer from 0 to 255)", v);
    return (uint8_t)fixnum_val(v);
}

/* [start [end]] arguments at argv[first], checked against length */
static void arg_range(const char *who, int argc, obj *argv, int first, intptr_t length,
                      intptr_t *start, intptr_t *end)
{
    *start = argc > first ? arg_fixnum(who, argv[first]) : 0;
    *end = argc > first + 1 ? arg_fixnum(who, argv[first + 1]) : length;
    if (*start < 0 || *end > length || *start > *end)
        scm_error("%s: range [%jd, %jd) invalid for a length of %jd", who, (intmax_t)*start,
                  (intmax_t)*end, (intmax_t)length);
}

static obj prim_bytevector_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_bytevector(argv[0]));
}

static obj prim_make_bytevector(int argc, obj *argv)
{
    intptr_t n = arg_fixnum("make-bytevector", argv[0]);
    uint8_t fill = argc > 1 ? arg_byte("make-bytevector", argv[1]) : 0;
    obj b = make_bytevector(n);
    memset(BVEC(b)->bytes, fill, (size_t)n);
    return b;
}

static obj prim_bytevector(int argc, obj *argv)
{
    for (int i = 0; i < argc; i++)
        arg_byte("bytevector", argv[i]);
    obj b = make_bytevector(argc);
    for (int i = 0; i < argc; i++)
        BVEC(b)->bytes[i] = (uint8_t)fixnum_val(argv[i]);
    return b;
}

static obj prim_bytevector_length(int argc, obj *argv)
{
    (void)argc;
    return mk_fixnum(BVEC(arg_bytevector("bytevector-length", argv[0]))->length);
}

static obj prim_bytevector_u8_ref(int argc, obj *argv)
{
    (void)argc;
    obj b = arg_bytevector("bytevector-u8-ref", argv[0]);
    return mk_fixnum(BVEC(b)->bytes[arg_index("bytevector-u8-ref", argv[1], BVEC(b)->length)]);
}

static obj prim_bytevector_u8_set(int argc, obj *argv)
{
    (void)argc;
    obj b = arg_bytevector("bytevector-u8-set!", argv[0]);
    intptr_t i = arg_index("bytevector-u8-set!", argv[1], BVEC(b)->length);
    BVEC(b)->bytes[i] = arg_byte("bytevector-u8-set!", argv[2]); /* bytes: no barrier */
    return UNSPEC;
}

static obj prim_bytevector_copy(int argc, obj *argv)
{
    obj b = arg_bytevector("bytevector-copy", argv[0]);
    intptr_t start, end;
    arg_range("bytevector-copy", argc, argv, 1, BVEC(b)->length, &start, &end);
    obj r = make_bytevector(end - start);
    memcpy(BVEC(r)->bytes, BVEC(argv[0])->bytes + start, (size_t)(end - start));
    return r;
}

/* (bytevector-copy! to at from [start [end]]): memmove, so it may overlap */
static obj prim_bytevector_copy_into(int argc, obj *argv)
{
    obj to = arg_bytevector("bytevector-copy!", argv[0]);
    intptr_t at = arg_fixnum("bytevector-copy!", argv[1]);
    obj from = arg_bytevector("bytevector-copy!", argv[2]);
    intptr_t start, end;
    arg_range("bytevector-copy!", argc, argv, 3, BVEC(from)->length, &start, &end);
    if (at < 0 || at > BVEC(to)->length || end - start > BVEC(to)->length - at)
        scm_error("bytevector-copy!: %jd bytes do not fit at %jd in a length of %jd",
                  (intmax_t)(end - start), (intmax_t)at, (intmax_t)BVEC(to)->length);
    memmove(BVEC(to)->bytes + at, BVEC(from)->bytes + start, (size_t)(end - start));
    return UNSPEC;
}

static obj prim_bytevector_append(int argc, obj *argv)
{
    intptr_t total = 0;
    for (int i = 0; i < argc; i++)
        total += BVEC(arg_bytevector("bytevector-append", argv[i]))->length;
    obj r = make_bytevector(total);
    intptr_t at = 0;
    for (int i = 0; i < argc; i++) { /* argv[i] re-read after the allocation */
        memcpy(BVEC(r)->bytes + at, BVEC(argv[i])->bytes, (size_t)BVEC(argv[i])->length);
        at += BVEC(argv[i])->length;
    }
    return r;
}

/* Strings are byte strings: utf8->string and string->utf8 copy bytes. */
static obj prim_utf8_to_string(int argc, obj *argv)
{
    obj b = arg_bytevector("utf8->string", argv[0]);
    intptr_t start, end;
    arg_range("utf8->string", argc, argv, 1, BVEC(b)->length, &start, &end);
    obj s = make_string(NULL, (size_t)(end - start));
    memcpy(STR(s)->chars, BVEC(argv[0])->bytes + start, (size_t)(end - start));
    return s;
}

static obj prim_string_to_utf8(int argc, obj *argv)
{
    obj s = arg_string("string->utf8", argv[0]);
    intptr_t start, end;
    arg_range("string->utf8", argc, argv, 1, STR(s)->length, &start, &end);
    obj b = make_bytevector(end - start);
    memcpy(BVEC(b)->bytes, STR(argv[0])->chars + start, (size_t)(end - start));
    return b;
}

void prims_bytevectors_init(void)
{
    define_primitive("bytevector?", prim_bytevector_p, 1, 1);
    define_primitive("make-bytevector", prim_make_bytevector, 1, 2);
    define_primitive("bytevector", prim_bytevector, 0, -1);
    define_primitive("bytevector-length", prim_bytevector_length, 1, 1);
    define_primitive("bytevector-u8-ref", prim_bytevector_u8_ref, 2, 2);
    define_primitive("bytevector-u8-set!", prim_bytevector_u8_set, 3, 3);
    define_primitive("bytevector-copy", prim_bytevector_copy, 1, 3);
    define_primitive("bytevector-copy!", prim_bytevector_copy_into, 3, 5);
    define_primitive("bytevector-append", prim_bytevector_append, 0, -1);
    define_primitive("utf8->string", prim_utf8_to_string, 1, 3);
    define_primitive("string->utf8", prim_string_to_utf8, 1, 3);
}
