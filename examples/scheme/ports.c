/*
 * ports.c — textual ports: string ports, input files, the console.
 *
 * A port is a heap record (scheme.h, struct port) and all its state is in
 * the heap: a string input port reads its string from a position; a string
 * output port appends to a buffer string, replaced by one twice as large
 * when full (the old one is garbage); an input file is read whole into a
 * string when it is opened, so no C resource outlives the open. Grove has
 * no finalizers, and none is needed: a port nobody references is reclaimed
 * like a pair. Console ports (stdin, the output stream, stderr) go to the C
 * streams and are kept in the persistent root sc.console.
 *
 * Port procedures take the port in argv, on the VM stack, so they pass its
 * slot (&argv[i]) down and re-read it after every allocation.
 */
#include "scheme.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { CONSOLE_IN, CONSOLE_OUT, CONSOLE_ERR, CONSOLE_COUNT };

/* display/write into a string port print here first (C memory), then copy */
static struct sink text = {0};

static obj make_port(intptr_t flags, obj data, obj name)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, d, data);
    GROVE_LOCAL(H, obj, n, name);
    struct port *p = scm_alloc(T_PORT, sizeof *p);
    p->flags = mk_fixnum(flags);
    p->data = GROVE_GET(H, d); /* fresh and small: no barrier */
    p->name = GROVE_GET(H, n);
    p->pos = mk_fixnum(0);
    p->line = mk_fixnum(1);
    grove_scope_exit(H, s);
    return p;
}

void ports_init(void)
{
    static const struct {
        const char *name;
        intptr_t flags;
    } console[CONSOLE_COUNT] = {
        [CONSOLE_IN] = {"stdin", PORT_CONSOLE | PORT_INPUT},
        [CONSOLE_OUT] = {"stdout", PORT_CONSOLE | PORT_OUTPUT},
        [CONSOLE_ERR] = {"stderr", PORT_CONSOLE | PORT_OUTPUT | PORT_STDERR},
    };
    grove_persistent_init(H, &sc.console, make_vector(CONSOLE_COUNT, FALSE_OBJ));
    for (int i = 0; i < CONSOLE_COUNT; i++) {
        obj name = make_string(console[i].name, strlen(console[i].name));
        obj port = make_port(console[i].flags, NIL, name);
        obj v = grove_persistent_get(H, &sc.console);
        grove_write(H, v, &VEC(v)->items[i], port);
    }
}

void ports_shutdown(void)
{
    grove_persistent_drop(H, &sc.console);
    free(text.buf);
    text = (struct sink){0};
}

static intptr_t port_flags(obj p)
{
    return fixnum_val(PORT(p)->flags);
}

static bool is_string_port_of(obj p, intptr_t direction)
{
    return (port_flags(p) & direction) && !(port_flags(p) & PORT_CONSOLE);
}

static obj check_port(const char *who, obj p, intptr_t direction)
{
    if (!is_port(p) || !(port_flags(p) & direction))
        type_error(who, direction == PORT_INPUT ? "an input port" : "an output port", p);
    if (port_flags(p) & PORT_CLOSED)
        scm_error("%s: the port is closed", who);
    return p;
}

/* ---- output ---------------------------------------------------------------- */

/* The output port at argv[i] (the console when absent). For a console port
 * returns NULL and sets *file; for a string port, its slot. */
static obj *output_port(const char *who, int argc, obj *argv, int i, FILE **file)
{
    *file = sc.out;
    if (argc <= i)
        return NULL;
    obj p = check_port(who, argv[i], PORT_OUTPUT);
    if (port_flags(p) & PORT_CONSOLE) {
        if (port_flags(p) & PORT_STDERR)
            *file = stderr;
        return NULL;
    }
    return &argv[i];
}

/* Room for n more bytes in the string port in *slot; where to write them,
 * valid until the next allocation. May collect (a larger buffer). */
static char *port_reserve(obj *slot, size_t n)
{
    size_t used = (size_t)fixnum_val(PORT(*slot)->pos);
    size_t cap = (size_t)STR(PORT(*slot)->data)->length;
    if (used + n > cap) {
        size_t grown = cap < 32 ? 64 : cap * 2;
        while (grown < used + n)
            grown *= 2;
        obj buffer = make_string(NULL, grown); /* *slot is updated if the port moves */
        memcpy(STR(buffer)->chars, STR(PORT(*slot)->data)->chars, used);
        GROVE_STORE(H, PORT(*slot), data, buffer); /* the port may be old */
    }
    PORT(*slot)->pos = mk_fixnum((intptr_t)(used + n));
    return STR(PORT(*slot)->data)->chars + used;
}

static void emit(FILE *file, obj *slot, const char *bytes, size_t n)
{
    if (slot)
        memcpy(port_reserve(slot, n), bytes, n);
    else
        fwrite(bytes, 1, n, file);
}

static obj print_to_port(const char *who, int argc, obj *argv, bool write)
{
    FILE *file;
    obj *slot = output_port(who, argc, argv, 1, &file);
    if (!slot) {
        print_value(file, argv[0], write);
        return UNSPEC;
    }
    text.len = 0; /* the printer allocates nothing in the heap */
    print_to_sink(&text, argv[0], write);
    memcpy(port_reserve(slot, text.len), text.buf, text.len);
    return UNSPEC;
}

static obj prim_display(int argc, obj *argv)
{
    return print_to_port("display", argc, argv, false);
}

static obj prim_write(int argc, obj *argv)
{
    return print_to_port("write", argc, argv, true);
}

static obj prim_newline(int argc, obj *argv)
{
    FILE *file;
    obj *slot = output_port("newline", argc, argv, 0, &file);
    emit(file, slot, "\n", 1);
    return UNSPEC;
}

static obj prim_write_char(int argc, obj *argv)
{
    if (!is_char(argv[0]))
        type_error("write-char", "a character", argv[0]);
    text.len = 0;
    print_to_sink(&text, argv[0], false); /* UTF-8 */
    FILE *file;
    obj *slot = output_port("write-char", argc, argv, 1, &file);
    emit(file, slot, text.buf, text.len);
    return UNSPEC;
}

/* (write-string string [port [start [end]]]) */
static obj prim_write_string(int argc, obj *argv)
{
    obj s = arg_string("write-string", argv[0]);
    FILE *file;
    obj *slot = output_port("write-string", argc, argv, 1, &file);
    intptr_t len = STR(s)->length;
    intptr_t start = argc > 2 ? arg_fixnum("write-string", argv[2]) : 0;
    intptr_t end = argc > 3 ? arg_fixnum("write-string", argv[3]) : len;
    if (start < 0 || end > len || start > end)
        scm_error("write-string: range [%jd, %jd) invalid for a string of length %jd",
                  (intmax_t)start, (intmax_t)end, (intmax_t)len);
    size_t n = (size_t)(end - start);
    if (!slot) {
        fwrite(STR(s)->chars + start, 1, n, file);
        return UNSPEC;
    }
    char *to = port_reserve(slot, n);
    memcpy(to, STR(argv[0])->chars + start, n); /* argv[0] re-read after the allocation */
    return UNSPEC;
}

static obj prim_flush_output_port(int argc, obj *argv)
{
    FILE *file;
    if (!output_port("flush-output-port", argc, argv, 0, &file))
        fflush(file);
    return UNSPEC;
}

static obj prim_open_output_string(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    obj name = make_string("string", 6);
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, n, name);
    obj buffer = make_string(NULL, 0); /* grows on the first write */
    obj p = make_port(PORT_OUTPUT, buffer, GROVE_GET(H, n));
    grove_scope_exit(H, s);
    return p;
}

static obj prim_get_output_string(int argc, obj *argv)
{
    (void)argc;
    obj p = argv[0];
    if (!is_port(p) || !is_string_port_of(p, PORT_OUTPUT))
        type_error("get-output-string", "a string output port", p);
    size_t n = (size_t)fixnum_val(PORT(p)->pos);
    obj r = make_string(NULL, n);
    memcpy(STR(r)->chars, STR(PORT(argv[0])->data)->chars, n); /* re-read */
    return r;
}

/* ---- input ------------------------------------------------------------------ */

/* The input port at argv[i] (stdin when absent): NULL for the console,
 * else its slot. */
static obj *input_port(const char *who, int argc, obj *argv, int i)
{
    if (argc <= i)
        return NULL;
    obj p = check_port(who, argv[i], PORT_INPUT);
    return (port_flags(p) & PORT_CONSOLE) ? NULL : &argv[i];
}

static obj prim_read(int argc, obj *argv)
{
    obj *slot = input_port("read", argc, argv, 0);
    struct reader r = {slot ? NULL : stdin, slot, "stdin", 1};
    if (slot)
        r.line = (int)fixnum_val(PORT(*slot)->line);
    obj datum = read_datum(&r);
    if (slot)
        PORT(*slot)->line = mk_fixnum(r.line); /* a fixnum: no barrier */
    return datum;
}

/* The next character of a string port, or EOF; advance if `take`. */
static int string_port_char(obj p, bool take)
{
    intptr_t pos = fixnum_val(PORT(p)->pos);
    if (pos >= STR(PORT(p)->data)->length)
        return EOF;
    int c = (unsigned char)STR(PORT(p)->data)->chars[pos];
    if (take) {
        PORT(p)->pos = mk_fixnum(pos + 1);
        if (c == '\n')
            PORT(p)->line = mk_fixnum(fixnum_val(PORT(p)->line) + 1);
    }
    return c;
}

static obj char_or_eof(int c)
{
    return c == EOF ? EOF_OBJ : mk_char((unsigned char)c);
}

static obj prim_read_char(int argc, obj *argv)
{
    obj *slot = input_port("read-char", argc, argv, 0);
    return char_or_eof(slot ? string_port_char(*slot, true) : getc(stdin));
}

static obj prim_peek_char(int argc, obj *argv)
{
    obj *slot = input_port("peek-char", argc, argv, 0);
    if (slot)
        return char_or_eof(string_port_char(*slot, false));
    int c = getc(stdin);
    if (c != EOF)
        ungetc(c, stdin);
    return char_or_eof(c);
}

static obj prim_char_ready_p(int argc, obj *argv)
{
    input_port("char-ready?", argc, argv, 0);
    return TRUE_OBJ; /* a string is always ready; the console is treated as ready */
}

/* Up to `limit` characters, stopping after a newline if `line` (which is
 * then not part of the result); EOF_OBJ if there are none. */
static obj read_run(obj *slot, intptr_t limit, bool line)
{
    if (!slot) { /* the console, through C memory */
        text.len = 0;
        int c = EOF;
        for (intptr_t n = 0; n < limit && (c = getc(stdin)) != EOF; n++) {
            if (line && c == '\n')
                break;
            char ch = (char)c;
            sink_write(&text, &ch, 1);
        }
        if (text.len == 0 && c == EOF)
            return EOF_OBJ;
        return make_string(text.buf ? text.buf : "", text.len);
    }
    obj p = *slot;
    intptr_t pos = fixnum_val(PORT(p)->pos), len = STR(PORT(p)->data)->length;
    if (pos >= len)
        return EOF_OBJ;
    intptr_t end = pos;
    while (end < len && end - pos < limit && !(line && STR(PORT(p)->data)->chars[end] == '\n'))
        end++;
    obj s = make_string(NULL, (size_t)(end - pos));
    p = *slot; /* re-read after the allocation */
    memcpy(STR(s)->chars, STR(PORT(p)->data)->chars + pos, (size_t)(end - pos));
    bool newline = line && end < len;
    PORT(p)->pos = mk_fixnum(end + newline);
    if (newline)
        PORT(p)->line = mk_fixnum(fixnum_val(PORT(p)->line) + 1);
    return s;
}

static obj prim_read_line(int argc, obj *argv)
{
    return read_run(input_port("read-line", argc, argv, 0), INTPTR_MAX, true);
}

static obj prim_read_string(int argc, obj *argv)
{
    intptr_t k = arg_fixnum("read-string", argv[0]);
    if (k < 0)
        scm_error("read-string: negative count %jd", (intmax_t)k);
    obj *slot = input_port("read-string", argc, argv, 1);
    if (k == 0)
        return make_string(NULL, 0);
    return read_run(slot, k, false);
}

static obj prim_open_input_string(int argc, obj *argv)
{
    (void)argc;
    arg_string("open-input-string", argv[0]);
    /* a copy: string-set! on the argument must not change what is read */
    obj copy = make_string(NULL, (size_t)STR(argv[0])->length);
    memcpy(STR(copy)->chars, STR(argv[0])->chars, (size_t)STR(argv[0])->length);
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, data, copy);
    obj name = make_string("string", 6);
    obj p = make_port(PORT_INPUT, GROVE_GET(H, data), name);
    grove_scope_exit(H, s);
    return p;
}

/* The whole file named by the string in *name, as an input port. */
static obj open_input_file(const char *who, obj *name)
{
    arg_string(who, *name);
    FILE *f = fopen(STR(*name)->chars, "rb"); /* no allocation until the file is read */
    if (!f)
        scm_error_of(ERR_FILE, "%s: cannot open %s: %s", who, STR(*name)->chars, strerror(errno));
    text.len = 0;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sink_write(&text, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed)
        scm_error_of(ERR_FILE, "%s: cannot read %s", who, STR(*name)->chars);
    obj data = make_string(text.buf ? text.buf : "", text.len);
    return make_port(PORT_INPUT, data, *name); /* make_port roots data before allocating */
}

static obj prim_open_input_file(int argc, obj *argv)
{
    (void)argc;
    return open_input_file("open-input-file", &argv[0]);
}

/* (call-with-input-file name proc): the port is closed when proc returns */
static obj prim_call_with_input_file(int argc, obj *argv)
{
    (void)argc;
    arg_procedure("call-with-input-file", argv[1]);
    size_t base = sc.sp;
    push(open_input_file("call-with-input-file", &argv[0])); /* rooted for the call */
    obj result = call1(argv[1], sc.stack[base]);
    PORT(sc.stack[base])->flags = mk_fixnum(port_flags(sc.stack[base]) | PORT_CLOSED);
    sc.sp = base;
    return result;
}

/* ---- either direction --------------------------------------------------------- */

static obj close_port(const char *who, obj p, intptr_t direction)
{
    if (!is_port(p) || !(port_flags(p) & direction))
        type_error(who, "a port", p);
    if (!(port_flags(p) & PORT_CONSOLE))
        PORT(p)->flags = mk_fixnum(port_flags(p) | PORT_CLOSED);
    return UNSPEC;
}

static obj prim_close_port(int argc, obj *argv)
{
    (void)argc;
    return close_port("close-port", argv[0], PORT_INPUT | PORT_OUTPUT);
}
static obj prim_close_input_port(int argc, obj *argv)
{
    (void)argc;
    return close_port("close-input-port", argv[0], PORT_INPUT);
}
static obj prim_close_output_port(int argc, obj *argv)
{
    (void)argc;
    return close_port("close-output-port", argv[0], PORT_OUTPUT);
}

static obj prim_port_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_port(argv[0]));
}
static obj prim_input_port_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_port(argv[0]) && (port_flags(argv[0]) & PORT_INPUT));
}
static obj prim_output_port_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_port(argv[0]) && (port_flags(argv[0]) & PORT_OUTPUT));
}
static obj prim_port_open_p(int argc, obj *argv)
{
    (void)argc;
    if (!is_port(argv[0]))
        type_error("port-open?", "a port", argv[0]);
    return mk_bool(!(port_flags(argv[0]) & PORT_CLOSED));
}

static obj console(int which)
{
    return VEC(grove_persistent_get(H, &sc.console))->items[which];
}
static obj prim_current_input_port(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    return console(CONSOLE_IN);
}
static obj prim_current_output_port(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    return console(CONSOLE_OUT);
}
static obj prim_current_error_port(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    return console(CONSOLE_ERR);
}

static obj prim_eof_object(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    return EOF_OBJ;
}
static obj prim_eof_object_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(argv[0] == EOF_OBJ);
}

void prims_ports_init(void)
{
    define_primitive("display", prim_display, 1, 2);
    define_primitive("write", prim_write, 1, 2);
    define_primitive("newline", prim_newline, 0, 1);
    define_primitive("write-char", prim_write_char, 1, 2);
    define_primitive("write-string", prim_write_string, 1, 4);
    define_primitive("flush-output-port", prim_flush_output_port, 0, 1);
    define_primitive("open-output-string", prim_open_output_string, 0, 0);
    define_primitive("get-output-string", prim_get_output_string, 1, 1);
    define_primitive("read", prim_read, 0, 1);
    define_primitive("read-char", prim_read_char, 0, 1);
    define_primitive("peek-char", prim_peek_char, 0, 1);
    define_primitive("char-ready?", prim_char_ready_p, 0, 1);
    define_primitive("read-line", prim_read_line, 0, 1);
    define_primitive("read-string", prim_read_string, 1, 2);
    define_primitive("open-input-string", prim_open_input_string, 1, 1);
    define_primitive("open-input-file", prim_open_input_file, 1, 1);
    define_primitive("call-with-input-file", prim_call_with_input_file, 2, 2);
    define_primitive("close-port", prim_close_port, 1, 1);
    define_primitive("close-input-port", prim_close_input_port, 1, 1);
    define_primitive("close-output-port", prim_close_output_port, 1, 1);
    define_primitive("port?", prim_port_p, 1, 1);
    define_primitive("input-port?", prim_input_port_p, 1, 1);
    define_primitive("output-port?", prim_output_port_p, 1, 1);
    define_primitive("textual-port?", prim_port_p, 1, 1);
    define_primitive("input-port-open?", prim_port_open_p, 1, 1);
    define_primitive("output-port-open?", prim_port_open_p, 1, 1);
    define_primitive("current-input-port", prim_current_input_port, 0, 0);
    define_primitive("current-output-port", prim_current_output_port, 0, 0);
    define_primitive("current-error-port", prim_current_error_port, 0, 0);
    define_primitive("eof-object", prim_eof_object, 0, 0);
    define_primitive("eof-object?", prim_eof_object_p, 1, 1);
}
