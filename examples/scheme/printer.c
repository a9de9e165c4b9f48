/*
 * printer.c — display and write. The printer never allocates in the heap,
 * so it may hold raw heap pointers freely: nothing can move while it runs.
 * It writes to a sink: a C stream, or a growable C buffer (for string ports
 * and messages), whose text the caller copies into the heap afterwards.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

void sink_write(struct sink *s, const char *bytes, size_t n)
{
    if (s->file) {
        fwrite(bytes, 1, n, s->file);
        return;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 64;
        while (s->len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b) {
            fprintf(stderr, "scheme: out of memory printing a value\n");
            abort();
        }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, bytes, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

static void out_char(struct sink *s, char c)
{
    if (s->file)
        putc(c, s->file);
    else
        sink_write(s, &c, 1);
}

static void out_str(struct sink *s, const char *str)
{
    sink_write(s, str, strlen(str));
}

static void print_char_utf8(struct sink *s, uint32_t c)
{
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xc0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xe0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        b[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (c >> 18));
        b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        b[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    sink_write(s, b, n);
}

static void write_char_literal(struct sink *s, uint32_t c)
{
    out_str(s, "#\\");
    switch (c) {
    case ' ': out_str(s, "space"); return;
    case '\n': out_str(s, "newline"); return;
    case '\t': out_str(s, "tab"); return;
    case '\r': out_str(s, "return"); return;
    case 0: out_str(s, "nul"); return;
    case 127: out_str(s, "delete"); return;
    default:
        if (c < 32) {
            char b[16];
            snprintf(b, sizeof b, "x%x", (unsigned)c);
            out_str(s, b);
        } else {
            print_char_utf8(s, c);
        }
    }
}

static void write_string_literal(struct sink *s, obj str)
{
    out_char(s, '"');
    for (intptr_t i = 0; i < STR(str)->length; i++) {
        char c = STR(str)->chars[i];
        switch (c) {
        case '"': out_str(s, "\\\""); break;
        case '\\': out_str(s, "\\\\"); break;
        case '\n': out_str(s, "\\n"); break;
        case '\t': out_str(s, "\\t"); break;
        case '\r': out_str(s, "\\r"); break;
        case '\0': out_str(s, "\\0"); break;
        default: out_char(s, c);
        }
    }
    out_char(s, '"');
}

static void print_rec(struct sink *s, obj v, bool write, long depth);

/* 'x `x ,x ,@x for the two-element lists the reader makes of them */
static const char *abbreviation(obj v)
{
    if (!is_symbol(car(v)) || !is_pair(cdr(v)) || cdr(cdr(v)) != NIL)
        return NULL;
    switch ((enum special_form)fixnum_val(SYM(car(v))->special)) {
    case SF_QUOTE: return "'";
    case SF_QUASIQUOTE: return "`";
    case SF_UNQUOTE: return ",";
    case SF_UNQUOTE_SPLICING: return ",@";
    default: return NULL;
    }
}

static void print_list(struct sink *s, obj v, bool write, long depth)
{
    const char *abbrev = abbreviation(v);
    if (abbrev) {
        out_str(s, abbrev);
        print_rec(s, car(cdr(v)), write, depth + 1);
        return;
    }
    out_char(s, '(');
    bool first = true;
    while (is_pair(v)) { /* iterative along the spine, recursive on elements */
        if (!first)
            out_char(s, ' ');
        first = false;
        print_rec(s, car(v), write, depth + 1);
        v = cdr(v);
    }
    if (v != NIL) {
        out_str(s, " . ");
        print_rec(s, v, write, depth + 1);
    }
    out_char(s, ')');
}

static void print_symbol(struct sink *s, obj sym)
{
    obj name = SYM(sym)->name;
    sink_write(s, STR(name)->chars, (size_t)STR(name)->length);
}

static void print_record(struct sink *s, obj r, bool write, long depth)
{
    obj type = REC(r)->type;
    out_str(s, "#<");
    print_symbol(s, RTD(type)->name);
    intptr_t i = 0;
    for (obj f = RTD(type)->fields; is_pair(f); f = cdr(f), i++) {
        out_char(s, ' ');
        print_symbol(s, car(f));
        out_char(s, '=');
        print_rec(s, REC(r)->fields[i], write, depth + 1);
    }
    out_char(s, '>');
}

static void print_heap_object(struct sink *s, obj v, bool write, long depth)
{
    switch ((enum scm_type)grove_object_type(v)) {
    case T_PAIR:
        print_list(s, v, write, depth);
        return;
    case T_SYMBOL:
        print_symbol(s, v);
        return;
    case T_STRING:
        if (write)
            write_string_literal(s, v);
        else
            sink_write(s, STR(v)->chars, (size_t)STR(v)->length);
        return;
    case T_VECTOR:
        out_str(s, "#(");
        for (intptr_t i = 0; i < vector_length(v); i++) {
            if (i)
                out_char(s, ' ');
            print_rec(s, VEC(v)->items[i], write, depth + 1);
        }
        out_char(s, ')');
        return;
    case T_CLOSURE:
        if (is_symbol(CLO(v)->name)) {
            out_str(s, "#<procedure ");
            print_symbol(s, CLO(v)->name);
            out_char(s, '>');
        } else {
            out_str(s, "#<procedure>");
        }
        return;
    case T_FRAME:
        out_str(s, "#<environment>");
        return;
    case T_FLONUM: {
        char b[64];
        sink_write(s, b, format_number(v, 10, b, sizeof b));
        return;
    }
    case T_BYTEVECTOR: {
        out_str(s, "#u8(");
        for (intptr_t i = 0; i < BVEC(v)->length; i++) {
            char b[8];
            snprintf(b, sizeof b, i ? " %u" : "%u", (unsigned)BVEC(v)->bytes[i]);
            out_str(s, b);
        }
        out_char(s, ')');
        return;
    }
    case T_RECORD_TYPE:
        out_str(s, "#<record-type ");
        print_symbol(s, RTD(v)->name);
        out_char(s, '>');
        return;
    case T_RECORD:
        print_record(s, v, write, depth);
        return;
    case T_CONTINUATION:
        out_str(s, "#<continuation>");
        return;
    case T_ERROR:
        out_str(s, "#<error ");
        print_rec(s, ERROBJ(v)->message, true, depth + 1);
        for (obj l = ERROBJ(v)->irritants; is_pair(l); l = cdr(l)) {
            out_char(s, ' ');
            print_rec(s, car(l), true, depth + 1);
        }
        out_char(s, '>');
        return;
    case T_PORT: {
        intptr_t flags = fixnum_val(PORT(v)->flags);
        out_str(s, flags & PORT_INPUT ? "#<input-port " : "#<output-port ");
        sink_write(s, STR(PORT(v)->name)->chars, (size_t)STR(PORT(v)->name)->length);
        out_char(s, '>');
        return;
    }
    case T_HASHTABLE:
        out_str(s, "#<hashtable>");
        return;
    case T_WEAK_BOX:
        out_str(s, "#<weak-box>");
        return;
    case T_EPHEMERON:
        out_str(s, "#<ephemeron>");
        return;
    case T_GUARDIAN:
        out_str(s, "#<guardian>");
        return;
    case T_HT_ENTRY: /* internal, never Scheme values */
    case T_WEAK_ENTRY:
    case T_SYMBOL_LINK:
    case T_COUNT:
        break;
    }
    char b[32];
    snprintf(b, sizeof b, "#<object type %u>", (unsigned)grove_object_type(v));
    out_str(s, b);
}

static void print_rec(struct sink *s, obj v, bool write, long depth)
{
    if (depth > 100000) {
        out_str(s, "...");
        return;
    }
    char b[64];
    if (is_fixnum(v)) {
        sink_write(s, b, format_number(v, 10, b, sizeof b));
    } else if (is_char(v)) {
        if (write)
            write_char_literal(s, char_val(v));
        else
            print_char_utf8(s, char_val(v));
    } else if (is_prim(v)) {
        out_str(s, "#<primitive ");
        out_str(s, prim_table[prim_index(v)].name);
        out_char(s, '>');
    } else if (v == NIL) {
        out_str(s, "()");
    } else if (v == TRUE_OBJ) {
        out_str(s, "#t");
    } else if (v == FALSE_OBJ) {
        out_str(s, "#f");
    } else if (v == UNSPEC) {
        out_str(s, "#<unspecified>");
    } else if (v == EOF_OBJ) {
        out_str(s, "#<eof>");
    } else if (v == UNASSIGNED) {
        out_str(s, "#<unassigned>");
    } else if (!is_heap(v)) {
        snprintf(b, sizeof b, "#<immediate %p>", v);
        out_str(s, b);
    } else {
        print_heap_object(s, v, write, depth);
    }
}

void print_to_sink(struct sink *s, obj v, bool write)
{
    print_rec(s, v, write, 0);
}

void print_value(FILE *f, obj v, bool write)
{
    struct sink s = {.file = f};
    print_rec(&s, v, write, 0);
}
