/*
 * printer.c — display and write. The printer never allocates, so it may
 * hold raw heap pointers freely: nothing can move while it runs.
 */
#include "scheme.h"

static void print_char_utf8(FILE *f, uint32_t c)
{
    if (c < 0x80) {
        putc((int)c, f);
    } else if (c < 0x800) {
        putc((int)(0xc0 | (c >> 6)), f);
        putc((int)(0x80 | (c & 0x3f)), f);
    } else if (c < 0x10000) {
        putc((int)(0xe0 | (c >> 12)), f);
        putc((int)(0x80 | ((c >> 6) & 0x3f)), f);
        putc((int)(0x80 | (c & 0x3f)), f);
    } else {
        putc((int)(0xf0 | (c >> 18)), f);
        putc((int)(0x80 | ((c >> 12) & 0x3f)), f);
        putc((int)(0x80 | ((c >> 6) & 0x3f)), f);
        putc((int)(0x80 | (c & 0x3f)), f);
    }
}

static void write_char_literal(FILE *f, uint32_t c)
{
    fputs("#\\", f);
    switch (c) {
    case ' ': fputs("space", f); return;
    case '\n': fputs("newline", f); return;
    case '\t': fputs("tab", f); return;
    case '\r': fputs("return", f); return;
    case 0: fputs("nul", f); return;
    case 127: fputs("delete", f); return;
    default:
        if (c < 32)
            fprintf(f, "x%x", (unsigned)c);
        else
            print_char_utf8(f, c);
    }
}

static void write_string_literal(FILE *f, obj s)
{
    putc('"', f);
    for (intptr_t i = 0; i < STR(s)->length; i++) {
        char c = STR(s)->chars[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        case '\0': fputs("\\0", f); break;
        default: putc(c, f);
        }
    }
    putc('"', f);
}

static void print_rec(FILE *f, obj v, bool write, long depth);

static void print_list(FILE *f, obj v, bool write, long depth)
{
    /* 'x for (quote x) */
    if (is_symbol(car(v)) && is_pair(cdr(v)) && cdr(cdr(v)) == NIL &&
        fixnum_val(SYM(car(v))->special) == SF_QUOTE) {
        putc('\'', f);
        print_rec(f, car(cdr(v)), write, depth + 1);
        return;
    }
    putc('(', f);
    bool first = true;
    while (is_pair(v)) { /* iterative along the spine, recursive on elements */
        if (!first)
            putc(' ', f);
        first = false;
        print_rec(f, car(v), write, depth + 1);
        v = cdr(v);
    }
    if (v != NIL) {
        fputs(" . ", f);
        print_rec(f, v, write, depth + 1);
    }
    putc(')', f);
}

static void print_rec(FILE *f, obj v, bool write, long depth)
{
    if (depth > 100000) {
        fputs("...", f);
        return;
    }
    if (is_fixnum(v)) {
        fprintf(f, "%jd", (intmax_t)fixnum_val(v));
    } else if (is_char(v)) {
        if (write)
            write_char_literal(f, char_val(v));
        else
            print_char_utf8(f, char_val(v));
    } else if (is_prim(v)) {
        fprintf(f, "#<primitive %s>", prim_table[prim_index(v)].name);
    } else if (v == NIL) {
        fputs("()", f);
    } else if (v == TRUE_OBJ) {
        fputs("#t", f);
    } else if (v == FALSE_OBJ) {
        fputs("#f", f);
    } else if (v == UNSPEC) {
        fputs("#<unspecified>", f);
    } else if (v == EOF_OBJ) {
        fputs("#<eof>", f);
    } else if (v == UNASSIGNED) {
        fputs("#<unassigned>", f);
    } else if (!is_heap(v)) {
        fprintf(f, "#<immediate %p>", v);
    } else {
        switch ((enum scm_type)grove_object_type(v)) {
        case T_PAIR:
            print_list(f, v, write, depth);
            break;
        case T_SYMBOL:
            fwrite(STR(SYM(v)->name)->chars, 1, (size_t)STR(SYM(v)->name)->length, f);
            break;
        case T_STRING:
            if (write)
                write_string_literal(f, v);
            else
                fwrite(STR(v)->chars, 1, (size_t)STR(v)->length, f);
            break;
        case T_VECTOR:
            fputs("#(", f);
            for (intptr_t i = 0; i < vector_length(v); i++) {
                if (i)
                    putc(' ', f);
                print_rec(f, VEC(v)->items[i], write, depth + 1);
            }
            putc(')', f);
            break;
        case T_CLOSURE:
            if (is_symbol(CLO(v)->name)) {
                fputs("#<procedure ", f);
                print_rec(f, CLO(v)->name, false, depth + 1);
                putc('>', f);
            } else {
                fputs("#<procedure>", f);
            }
            break;
        case T_FRAME:
            fputs("#<environment>", f);
            break;
        default:
            fprintf(f, "#<object type %u>", (unsigned)grove_object_type(v));
        }
    }
}

void print_value(FILE *f, obj v, bool write)
{
    print_rec(f, v, write, 0);
}
