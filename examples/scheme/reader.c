/*
 * reader.c — the reader: text to data. Lists are built front to back with
 * the head and the last cell in rooted locals, because every cons may move
 * what was read so far. Tokens are collected in C memory, so interning and
 * string creation never read from a heap object that could move.
 */
#include "scheme.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Characters come from a C stream, or from the string of the port in the
 * rooted slot *r->port, re-read at every character: reading allocates, and
 * the port and its string move. */
static int next_char(struct reader *r)
{
    int c;
    if (r->in) {
        c = getc(r->in);
    } else {
        struct port *p = PORT(*r->port);
        intptr_t pos = fixnum_val(p->pos);
        if (pos >= STR(p->data)->length)
            return EOF;
        c = (unsigned char)STR(p->data)->chars[pos];
        p->pos = mk_fixnum(pos + 1); /* a fixnum: no barrier */
    }
    if (c == '\n')
        r->line++;
    return c;
}

static int peek_char(struct reader *r)
{
    if (!r->in) {
        struct port *p = PORT(*r->port);
        intptr_t pos = fixnum_val(p->pos);
        return pos < STR(p->data)->length ? (unsigned char)STR(p->data)->chars[pos] : EOF;
    }
    int c = getc(r->in);
    if (c != EOF)
        ungetc(c, r->in);
    return c;
}

/* Put back `c`, the character just read (never a newline). */
static void unread_char(struct reader *r, int c)
{
    if (r->in)
        ungetc(c, r->in);
    else
        PORT(*r->port)->pos = mk_fixnum(fixnum_val(PORT(*r->port)->pos) - 1);
}

static void read_error(struct reader *r, const char *what) SCM_NORETURN;
static void read_error(struct reader *r, const char *what)
{
    const char *name = r->in ? r->name : STR(PORT(*r->port)->name)->chars;
    scm_error_of(ERR_READ, "read error: %s:%d: %s", name, r->line, what);
}

void reader_skip_line(struct reader *r)
{
    int c;
    while ((c = next_char(r)) != EOF && c != '\n')
        ;
}

static bool is_delimiter(int c)
{
    return c == EOF || isspace(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' ||
           c == ';' || c == '\'';
}

/* Skip whitespace and comments; return the next character without taking it. */
static int skip_atmosphere(struct reader *r)
{
    for (;;) {
        int c = peek_char(r);
        if (c == EOF)
            return c;
        if (isspace(c)) {
            next_char(r);
        } else if (c == ';') {
            reader_skip_line(r);
        } else if (c == '#') {
            next_char(r);
            int d = peek_char(r);
            if (d == '|') { /* #| block comment |# */
                next_char(r);
                int prev = 0;
                for (;;) {
                    int e = next_char(r);
                    if (e == EOF)
                        read_error(r, "end of input in a #| comment");
                    if (prev == '|' && e == '#')
                        break;
                    prev = e;
                }
            } else {
                unread_char(r, '#');
                return '#';
            }
        } else {
            return c;
        }
    }
}

/* A growable token buffer in C memory. */
struct token {
    char *buf;
    size_t len;
    size_t cap;
};

static void token_add(struct token *t, char c)
{
    if (t->len + 1 >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char *b = realloc(t->buf, cap);
        if (!b)
            scm_error("out of memory reading a token");
        t->buf = b;
        t->cap = cap;
    }
    t->buf[t->len++] = c;
    t->buf[t->len] = '\0';
}

/* The token buffer is shared and reused; it is C memory the collector
 * never sees, and a longjmp out of the reader leaves it for the next read. */
static struct token tok;

static void read_token(struct reader *r, int first)
{
    tok.len = 0;
    token_add(&tok, (char)first);
    while (!is_delimiter(peek_char(r)))
        token_add(&tok, (char)next_char(r));
}

static obj parse_atom(struct reader *r)
{
    struct parsed_number n;
    const char *why;
    if (parse_number(tok.buf, 10, &n, &why))
        return number_from_parsed(&n);
    if (why)
        read_error(r, why);
    return intern(tok.buf, tok.len);
}

static obj read_list(struct reader *r, int close);
static obj read_bytevector(struct reader *r);

static obj read_string(struct reader *r)
{
    tok.len = 0;
    token_add(&tok, 0);
    tok.len = 0;
    for (;;) {
        int c = next_char(r);
        if (c == EOF)
            read_error(r, "end of input in a string");
        if (c == '"')
            break;
        if (c == '\\') {
            c = next_char(r);
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            case '\\': case '"': break;
            case EOF: read_error(r, "end of input in a string");
            default: read_error(r, "unknown escape in a string");
            }
        }
        token_add(&tok, (char)c);
    }
    return make_string(tok.buf, tok.len);
}

static obj read_char_literal(struct reader *r)
{
    int c = next_char(r);
    if (c == EOF)
        read_error(r, "end of input after #\\");
    read_token(r, c);
    if (tok.len == 1)
        return mk_char((unsigned char)tok.buf[0]);
    static const struct {
        const char *name;
        uint32_t code;
    } names[] = {{"space", ' '}, {"newline", '\n'}, {"tab", '\t'}, {"nul", 0},
                 {"null", 0},    {"return", '\r'},  {"linefeed", '\n'}, {"delete", 127},
                 {"escape", 27}, {"alarm", 7},      {"backspace", 8}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(tok.buf, names[i].name) == 0)
            return mk_char(names[i].code);
    if (tok.buf[0] == 'x' && tok.len > 1) {
        char *end;
        unsigned long v = strtoul(tok.buf + 1, &end, 16);
        if (*end == '\0' && v < 0x110000)
            return mk_char((uint32_t)v);
    }
    read_error(r, "unknown character name");
}

static obj read_hash(struct reader *r)
{
    next_char(r); /* '#' */
    int c = next_char(r);
    switch (c) {
    case '(': {
        obj list = read_list(r, ')');
        /* list->vector, written out: the list must survive the allocation. */
        grove_scope s = grove_scope_enter(H);
        GROVE_LOCAL(H, obj, l, list);
        intptr_t n = list_length(list);
        if (n < 0)
            read_error(r, "dotted list in a vector literal");
        obj v = make_vector(n, UNSPEC);
        obj p = GROVE_GET(H, l);
        /* A long vector is born old (large-object space): barriered stores. */
        for (intptr_t i = 0; i < n; i++, p = cdr(p))
            grove_write(H, v, &VEC(v)->items[i], car(p));
        grove_scope_exit(H, s);
        return v;
    }
    case ';': /* #; datum comment */
        read_datum(r);
        return read_datum(r);
    case '\\':
        return read_char_literal(r);
    case EOF:
        read_error(r, "end of input after #");
    case 'u':
        if (next_char(r) != '8' || next_char(r) != '(')
            read_error(r, "unknown # syntax");
        return read_bytevector(r);
    default:
        read_token(r, c);
        if (strcmp(tok.buf, "t") == 0 || strcmp(tok.buf, "true") == 0)
            return TRUE_OBJ;
        if (strcmp(tok.buf, "f") == 0 || strcmp(tok.buf, "false") == 0)
            return FALSE_OBJ;
        if (c != 0 && strchr("eEiIxXbBoOdD", c)) { /* #x1f #e1.5 ...: a number with a prefix */
            char prefixed[128];
            struct parsed_number n;
            const char *why = NULL;
            snprintf(prefixed, sizeof prefixed, "#%s", tok.buf);
            if (tok.len + 1 < sizeof prefixed && parse_number(prefixed, 10, &n, &why))
                return number_from_parsed(&n);
            read_error(r, why ? why : "bad number");
        }
        read_error(r, "unknown # syntax");
    }
}

/* #u8(byte ...) */
static obj read_bytevector(struct reader *r)
{
    obj list = read_list(r, ')');
    intptr_t n = list_length(list);
    if (n < 0)
        read_error(r, "dotted list in a bytevector literal");
    for (obj l = list; l != NIL; l = cdr(l))
        if (!is_fixnum(car(l)) || fixnum_val(car(l)) < 0 || fixnum_val(car(l)) > 255)
            read_error(r, "a bytevector literal holds bytes (0 to 255)");
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, l, list);
    obj b = make_bytevector(n);
    obj p = GROVE_GET(H, l);
    for (intptr_t i = 0; i < n; i++, p = cdr(p))
        BVEC(b)->bytes[i] = (uint8_t)fixnum_val(car(p));
    grove_scope_exit(H, s);
    return b;
}

static obj read_quoted(struct reader *r, const char *keyword)
{
    obj datum = read_datum(r);
    if (datum == EOF_OBJ)
        read_error(r, "end of input after a quote");
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, d, datum);
    obj kw = intern_cstr(keyword); /* may allocate the first time */
    obj result = list2(kw, GROVE_GET(H, d));
    grove_scope_exit(H, s);
    return result;
}

static obj read_list(struct reader *r, int close)
{
    if (!depth_ok())
        read_error(r, "lists nested too deeply");
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, head, NIL);
    GROVE_LOCAL(H, obj, tail, NIL);
    for (;;) {
        int c = skip_atmosphere(r);
        if (c == EOF)
            read_error(r, "end of input in a list");
        if (c == ')' || c == ']') {
            next_char(r);
            if (c != close)
                read_error(r, "mismatched closing bracket");
            break;
        }
        if (c == '.') {
            next_char(r);
            if (is_delimiter(peek_char(r))) {
                if (GROVE_GET(H, tail) == NIL)
                    read_error(r, "dot at the start of a list");
                obj last = read_datum(r);
                if (last == EOF_OBJ)
                    read_error(r, "end of input in a list");
                /* tail may have been promoted while reading: barrier. */
                struct pair *t = GROVE_GET(H, tail);
                GROVE_STORE(H, t, cdr, last);
                c = skip_atmosphere(r);
                next_char(r);
                if (c != close)
                    read_error(r, "expected the end of a dotted list");
                break;
            }
            unread_char(r, '.');
        }
        obj item = read_datum(r);
        obj cell = cons(item, NIL);
        if (GROVE_GET(H, head) == NIL) {
            GROVE_SET(H, head, cell);
        } else {
            struct pair *t = GROVE_GET(H, tail);
            GROVE_STORE(H, t, cdr, cell);
        }
        GROVE_SET(H, tail, cell);
    }
    obj result = GROVE_GET(H, head);
    grove_scope_exit(H, s);
    sc.depth--;
    return result;
}

obj read_datum(struct reader *r)
{
    int c = skip_atmosphere(r);
    switch (c) {
    case EOF:
        return EOF_OBJ;
    case '(':
        next_char(r);
        return read_list(r, ')');
    case '[':
        next_char(r);
        return read_list(r, ']');
    case ')':
    case ']':
        next_char(r);
        read_error(r, "unexpected closing bracket");
    case '\'':
        next_char(r);
        return read_quoted(r, "quote");
    case '`':
        next_char(r);
        return read_quoted(r, "quasiquote");
    case ',':
        next_char(r);
        if (peek_char(r) == '@') {
            next_char(r);
            return read_quoted(r, "unquote-splicing");
        }
        return read_quoted(r, "unquote");
    case '"':
        next_char(r);
        return read_string(r);
    case '#':
        return read_hash(r);
    default:
        next_char(r);
        read_token(r, c);
        return parse_atom(r);
    }
}
