/*
 * scheme.h — the interpreter's shared definitions: how values are
 * represented, the heap object layouts registered with Grove, the
 * interpreter state, and the functions each file provides.
 *
 * Rooting convention used everywhere (see docs/embedding.md):
 *
 *   - A function that may allocate ("may collect") takes heap values as raw
 *     `obj` arguments and roots whatever it still needs after its first
 *     allocation itself (GROVE_LOCAL in a grove_scope). Its raw result is
 *     valid until the caller's next allocation.
 *   - A caller must not keep a raw heap pointer in a C variable across a call
 *     that may collect; it keeps it in a GROVE_LOCAL, on the VM stack, or
 *     re-reads it from something rooted after the call.
 *   - Primitives receive their arguments in `argv`, a window of the VM stack,
 *     which the collector traces and updates in place: argv[i] is always
 *     current, so primitives re-read argv[i] after every allocation.
 *   - Every store of a heap pointer into a heap object that may be old goes
 *     through GROVE_STORE / grove_write. Initializing stores into an object
 *     allocated just before, with no allocation in between, need no barrier
 *     when the object is small (it is in the nursery); objects that may be
 *     large (vectors, frames, strings) use the barrier anyway.
 */
#ifndef SCHEME_H
#define SCHEME_H

#include <grove/roots.h>

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define SCM_NORETURN __attribute__((noreturn))
#define SCM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SCM_NORETURN
#define SCM_PRINTF(a, b)
#endif

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

/* A Scheme value is one machine word. Its low three bits say what it is:
 *
 *   ...xx1  fixnum: a 63-bit signed integer shifted left by one
 *   ...010  character: the code point shifted left by three
 *   ...100  primitive: an index into the primitive table, shifted by three
 *   ...110  constant: (), #t, #f, the unspecified value, eof, ...
 *   ...000  a heap object: the address of a Grove payload (never NULL)
 *
 * Grove treats every word with a low bit set as an immediate and never
 * traces it, so only the last kind costs the collector anything. */
typedef void *obj;

#define TAG_MASK ((uintptr_t)7)
#define TAG_CHAR ((uintptr_t)2)
#define TAG_PRIM ((uintptr_t)4)
#define TAG_CONST ((uintptr_t)6)

#define MK_CONST(k) ((obj)(uintptr_t)(((uintptr_t)(k) << 3) | TAG_CONST))
#define NIL MK_CONST(0)
#define FALSE_OBJ MK_CONST(1)
#define TRUE_OBJ MK_CONST(2)
#define UNSPEC MK_CONST(3)     /* value of set!, display, ... (not printed by the REPL) */
#define EOF_OBJ MK_CONST(4)
#define UNASSIGNED MK_CONST(5) /* letrec variable before its initialization */
#define UNBOUND MK_CONST(6)    /* global symbol with no definition */

#define FIXNUM_MAX (INTPTR_MAX >> 1)
#define FIXNUM_MIN (INTPTR_MIN >> 1)

static inline obj mk_fixnum(intptr_t n)
{
    return (obj)(((uintptr_t)n << 1) | 1u);
}
static inline intptr_t fixnum_val(obj o)
{
    return (intptr_t)(uintptr_t)o >> 1;
}
static inline bool is_fixnum(obj o)
{
    return ((uintptr_t)o & 1u) != 0;
}
static inline obj mk_char(uint32_t c)
{
    return (obj)(((uintptr_t)c << 3) | TAG_CHAR);
}
static inline uint32_t char_val(obj o)
{
    return (uint32_t)((uintptr_t)o >> 3);
}
static inline bool is_char(obj o)
{
    return ((uintptr_t)o & TAG_MASK) == TAG_CHAR;
}
static inline obj mk_prim(size_t index)
{
    return (obj)(((uintptr_t)index << 3) | TAG_PRIM);
}
static inline size_t prim_index(obj o)
{
    return (size_t)((uintptr_t)o >> 3);
}
static inline bool is_prim(obj o)
{
    return ((uintptr_t)o & TAG_MASK) == TAG_PRIM;
}
static inline obj mk_bool(bool b)
{
    return b ? TRUE_OBJ : FALSE_OBJ;
}

/* ------------------------------------------------------------------------ */
/* Heap objects                                                             */
/* ------------------------------------------------------------------------ */

/* Type ids, in registration order: Grove numbers types densely from 0 per
 * heap, and heap.c checks that each registration returns the id below. */
enum scm_type {
    T_PAIR,         /* RECORD {car, cdr}, both slots */
    T_SYMBOL,       /* RECORD {name, value, hash, special}: name and value are slots */
    T_STRING,       /* BYTES {length, chars...} */
    T_VECTOR,       /* ARRAY {length (fixnum), items...} */
    T_CLOSURE,      /* RECORD {params, body, env, name, arity} */
    T_FRAME,        /* ARRAY {parent, vars, extras, count (fixnum), values...} */
    T_FLONUM,       /* BYTES {double}: a boxed inexact real */
    T_BYTEVECTOR,   /* BYTES {length, bytes...} */
    T_RECORD_TYPE,  /* RECORD {name, fields, field_count}: name and fields are slots */
    T_RECORD,       /* ARRAY {type, fields...}: an instance of a define-record-type */
    T_CONTINUATION, /* RECORD {frame_id (fixnum)}: an escaping continuation */
    T_ERROR,        /* RECORD {kind (fixnum), message, irritants} */
    T_PORT,         /* RECORD {flags, data, name, pos, line}: data and name are slots */
    T_HASHTABLE,    /* RECORD {buckets, count, kind, pruned}: buckets is a slot */
    T_HT_ENTRY,     /* RECORD {key, value, next, hash}: the first three are slots */
    T_WEAK_ENTRY,   /* EPHEMERON {key, value, next, hash}: a weak hashtable's entry */
    T_SYMBOL_LINK,  /* WEAK_BOX {symbol, keep, next, hash}: the symbol table's entry */
    T_WEAK_BOX,     /* WEAK_BOX {target} */
    T_EPHEMERON,    /* EPHEMERON {key, value} */
    T_GUARDIAN,     /* BYTES {grove_guardian *}: a procedure, (g obj) and (g) */
    T_COUNT
};

struct pair {
    obj car;
    obj cdr;
};

struct symbol {
    obj name;    /* a string */
    obj value;   /* global value, or UNBOUND */
    obj hash;    /* fixnum: hash of the name (never of an address: objects move) */
    obj special; /* fixnum: special form id, 0 for ordinary symbols */
};

struct string {
    intptr_t length;
    char chars[]; /* length bytes, then a NUL */
};

struct vector {
    obj length; /* fixnum: an immediate in an ARRAY slot is simply skipped */
    obj items[];
};

struct closure {
    obj params; /* lambda list: symbols, or (name init) bindings for named let */
    obj body;   /* list of expressions */
    obj env;    /* frame, or NIL for the global environment */
    obj name;   /* symbol, or #f */
    obj arity;  /* fixnum: required * 2 + (1 if a rest parameter) */
};

/* An environment frame. `vars` is the list the values were bound from:
 * a lambda list, or a let's binding list (whose elements are (name init)
 * pairs); only the first `count` entries belong to this frame, so let* can
 * point into the middle of one binding list. Internal defines that are not
 * in `vars` go to `extras`, an alist. The global environment is NIL: global
 * values live in the symbols themselves. */
struct frame {
    obj parent;
    obj vars;
    obj extras;
    obj count;
    obj vals[];
};
#define FRAME_HEADER_WORDS 4

/* An inexact real. Every flonum result is a fresh 16-byte object (header +
 * double): numeric code allocates at the rate it computes. */
struct flonum {
    double value;
};

struct bytevector {
    intptr_t length;
    uint8_t bytes[];
};

/* define-record-type: the type is an object of its own, and every instance
 * points to it from its first slot, so a type test is one load and one
 * compare. */
struct record_type {
    obj name;        /* symbol */
    obj fields;      /* list of field-name symbols */
    obj field_count; /* fixnum */
};

struct record {
    obj type; /* the record_type */
    obj fields[];
};

/* An escaping continuation names the catch frame (control.c) of the
 * call/cc that made it; the frame is on the C stack while it can be used. */
struct continuation {
    obj frame_id; /* fixnum */
};

enum error_kind { ERR_PLAIN, ERR_READ, ERR_FILE };

/* An R7RS error object: made by `error`, and by the interpreter for its own
 * errors when a Scheme handler is installed. */
struct error_object {
    obj kind;      /* fixnum: enum error_kind */
    obj message;   /* usually a string */
    obj irritants; /* list */
};

/* A port's state lives in the heap, not in C, so a port nobody references
 * is reclaimed like any object (Grove has no finalizers). A string input
 * port reads `data` from `pos`; a string output port appends to `data`, a
 * string used as a growable buffer (its length is the capacity, `pos` the
 * bytes written); an input file is read whole into a string when opened;
 * console ports go to the C streams. */
struct port {
    obj flags; /* fixnum: PORT_* bits */
    obj data;  /* string, or NIL for console ports */
    obj name;  /* string, for read errors */
    obj pos;   /* fixnum */
    obj line;  /* fixnum: the line reading has reached */
};
enum {
    PORT_INPUT = 1,
    PORT_OUTPUT = 2,
    PORT_CONSOLE = 4, /* stdin, or sc.out, or stderr with PORT_STDERR */
    PORT_STDERR = 8,
    PORT_CLOSED = 16
};

/* An eq? (or eqv?) hashtable: chains of entries hung from a vector of
 * buckets, a power of two long. Keys that are heap objects hash by
 * grove_identity_hash, which never changes when the collector moves them,
 * so the table is rehashed only when it grows (prims_hashtables.c).
 *
 * A weak table's entries are ephemerons: an entry does not keep its key
 * alive, and the collection that finds the key dead clears the entry's key
 * and value (NULL, never a Scheme value). Such a broken entry stays in its
 * chain, unseen by lookups, until the table prunes it: before it counts
 * its entries or grows, if a collection ran since it last pruned. */
struct hashtable {
    obj buckets; /* vector of entry chains (NIL-terminated) */
    obj count;   /* fixnum: entries in the table, broken ones not yet pruned included */
    obj kind;    /* fixnum: HT_EQ or HT_EQV, plus HT_WEAK */
    obj pruned;  /* fixnum: sc.collections when a weak table last pruned */
};
enum { HT_EQ = 0, HT_EQV = 1, HT_WEAK = 2 };

/* A hashtable entry, and also the symbol table's (T_SYMBOL_LINK): a weak
 * box whose key is the symbol and whose value is the symbol again when the
 * table must keep it, else #f. Both kinds of chains are pruned and relinked
 * by the same code (chains_prune, chains_relink). */
struct ht_entry {
    obj key;  /* NULL once a collection found a weak entry's key dead */
    obj value;
    obj next; /* next entry of the bucket, or NIL */
    obj hash; /* fixnum: the key's hash, kept for growing */
};

/* (make-weak-box obj): target is NULL once a collection found it dead. */
struct weak_box {
    obj target;
};

/* (make-ephemeron key value): value is kept only while key is; both are
 * NULL once a collection found key dead. */
struct ephemeron {
    obj key;
    obj value;
};

/* (make-guardian): the Grove guardian, C memory owned by the heap. A
 * cleanup hook on this object frees it when the object dies. */
struct guardian {
    grove_guardian *guardian;
};

static inline bool is_heap(obj o)
{
    return o != NULL && ((uintptr_t)o & TAG_MASK) == 0;
}
static inline bool has_type(obj o, enum scm_type t)
{
    return is_heap(o) && grove_object_type(o) == (grove_type_id)t;
}
static inline bool is_pair(obj o)
{
    return has_type(o, T_PAIR);
}
static inline bool is_symbol(obj o)
{
    return has_type(o, T_SYMBOL);
}
static inline bool is_string(obj o)
{
    return has_type(o, T_STRING);
}
static inline bool is_vector(obj o)
{
    return has_type(o, T_VECTOR);
}
static inline bool is_closure(obj o)
{
    return has_type(o, T_CLOSURE);
}
static inline bool is_flonum(obj o)
{
    return has_type(o, T_FLONUM);
}
static inline bool is_number(obj o)
{
    return is_fixnum(o) || is_flonum(o);
}
static inline bool is_bytevector(obj o)
{
    return has_type(o, T_BYTEVECTOR);
}
static inline bool is_continuation(obj o)
{
    return has_type(o, T_CONTINUATION);
}
static inline bool is_error_object(obj o)
{
    return has_type(o, T_ERROR);
}
static inline bool is_port(obj o)
{
    return has_type(o, T_PORT);
}
static inline bool is_hashtable(obj o)
{
    return has_type(o, T_HASHTABLE);
}
static inline bool is_guardian(obj o)
{
    return has_type(o, T_GUARDIAN);
}
static inline bool is_procedure(obj o)
{
    return is_prim(o) || is_closure(o) || is_continuation(o) || is_guardian(o);
}

#define PAIR(o) ((struct pair *)(o))
#define SYM(o) ((struct symbol *)(o))
#define STR(o) ((struct string *)(o))
#define VEC(o) ((struct vector *)(o))
#define CLO(o) ((struct closure *)(o))
#define FRM(o) ((struct frame *)(o))
#define FLO(o) ((struct flonum *)(o))
#define BVEC(o) ((struct bytevector *)(o))
#define RTD(o) ((struct record_type *)(o))
#define REC(o) ((struct record *)(o))
#define CONT(o) ((struct continuation *)(o))
#define ERROBJ(o) ((struct error_object *)(o))
#define PORT(o) ((struct port *)(o))
#define HT(o) ((struct hashtable *)(o))
#define HTE(o) ((struct ht_entry *)(o))
#define WBOX(o) ((struct weak_box *)(o))
#define EPH(o) ((struct ephemeron *)(o))
#define GUARD(o) ((struct guardian *)(o))

static inline obj car(obj o)
{
    return PAIR(o)->car;
}
static inline obj cdr(obj o)
{
    return PAIR(o)->cdr;
}
static inline intptr_t vector_length(obj v)
{
    return fixnum_val(VEC(v)->length);
}
static inline double flonum_val(obj o)
{
    return FLO(o)->value;
}

/* ------------------------------------------------------------------------ */
/* Catch frames (control.c)                                                 */
/* ------------------------------------------------------------------------ */

/* A point a non-local exit can land on: the REPL's (errors), a call/cc's
 * (its continuation), a dynamic-wind's (it runs the after thunk of a throw
 * passing through). Frames live on the C stack of the function that set
 * them up and are linked from sc.catch_top; landing exits the grove_scope
 * the frame entered, which drops the roots of every unwound C frame. */
enum catch_kind { CATCH_TOP, CATCH_ESCAPE, CATCH_WIND };

struct catch_frame {
    struct catch_frame *prev;
    enum catch_kind kind;
    intptr_t id;  /* unique: continuations name their frame by it */
    obj handlers; /* the handler list at entry; traced while the frame is linked */
    size_t sp;    /* VM stack, eval depth and roots to return to */
    long depth;
    grove_scope scope;
    jmp_buf jump;
};

/* ------------------------------------------------------------------------ */
/* Interpreter state                                                        */
/* ------------------------------------------------------------------------ */

/* One interpreter per process, used by one thread. */
struct interp {
    grove_heap *heap;

    /* The symbol table: a vector of buckets (chains of T_SYMBOL_LINK
     * entries, which hold their symbols weakly), held by a persistent root
     * because it lives as long as the interpreter (symbols.c). */
    grove_persistent symtab;
    size_t symbol_count; /* entries, those of collected symbols not yet pruned included */

    uint64_t collections; /* collections so far: weak hashtables prune after one */

    /* The VM stack: operands of calls in progress and primitive arguments.
     * A root visitor (heap.c) traces stack[0 .. sp) at every collection. */
    obj *stack;
    size_t sp;
    size_t stack_cap;

    long depth;     /* nesting of eval (and reader recursion) */
    long max_depth; /* beyond it: "recursion too deep" */
    uintptr_t c_stack_base;  /* address near the top of the interpreter's C stack */
    size_t c_stack_limit;    /* C stack bytes eval may use before "recursion too deep" */

    /* Non-local exits (control.c). A throw goes to the frame with id
     * throw_target, or to the innermost CATCH_TOP when it is 0, and runs
     * the after thunk of every dynamic-wind on the way. */
    struct catch_frame *catch_top;
    intptr_t catch_serial;
    intptr_t throw_target;
    grove_persistent thrown;   /* the value a continuation throw carries */
    grove_persistent handlers; /* exception handlers, innermost first */
    grove_persistent console;  /* vector of the console ports: stdin, output, stderr */
    char errmsg[1024];         /* the message an error throw reports */

    FILE *out; /* where display/write go */
};

extern struct interp sc;
#define H (sc.heap)

/* One more level of eval or reader recursion; false if that is too deep
 * (by count, or by C stack used: a local's address against the base). */
static inline bool depth_ok(void)
{
    char probe;
    return ++sc.depth <= sc.max_depth &&
           sc.c_stack_base - (uintptr_t)&probe <= sc.c_stack_limit;
}

/* ---- heap.c ----------------------------------------------------------- */

/* Create the heap, register the types, set up the VM stack and the symbol
 * table. Returns false (after printing why) on failure. */
bool heap_init(size_t nursery_size, size_t max_heap_size);
void heap_shutdown(void);

/* Allocate a zeroed object or raise a Scheme error ("out of memory").
 * May collect: every unrooted heap pointer is invalid afterwards. */
void alloc_failed(void) SCM_NORETURN;
static inline obj scm_alloc(enum scm_type type, size_t payload_bytes)
{
    obj p = grove_alloc(H, (grove_type_id)type, payload_bytes);
    if (GROVE_UNLIKELY(p == NULL))
        alloc_failed();
    return p;
}

obj cons(obj a, obj d);
obj list2(obj a, obj b);
obj make_string(const char *chars, size_t length);
obj make_vector(intptr_t length, obj fill);
obj make_frame(intptr_t count); /* all fields NIL / UNASSIGNED; caller fills */
obj make_flonum(double value);
obj make_bytevector(intptr_t length); /* zeroed */
/* The values sc.stack[base .. sp) as a list ending in `tail`, popped. The
 * VM stack is rooted, so it is the simplest place to collect the elements
 * of a list under construction. */
obj stack_to_list(size_t base, obj tail);

/* VM stack. push may raise "stack overflow" (it never allocates). */
void stack_overflow(void) SCM_NORETURN;
static inline void push(obj v)
{
    if (sc.sp == sc.stack_cap)
        stack_overflow();
    sc.stack[sc.sp++] = v;
}

/* ---- symbols.c ---------------------------------------------------------- */

void symbols_init(void);
obj intern(const char *name, size_t length);
obj intern_cstr(const char *name);
/* Set the global value of `sym`. A symbol with a global value is kept by
 * the symbol table for good (others are collected once unreferenced): a
 * later read of its name must find the same binding. Never allocates. */
void symbol_define(obj sym, obj value);

enum special_form {
    SF_NONE,
    SF_QUOTE,
    SF_IF,
    SF_DEFINE,
    SF_SET,
    SF_LAMBDA,
    SF_BEGIN,
    SF_LET,
    SF_LETSTAR,
    SF_LETREC,
    SF_COND,
    SF_CASE,
    SF_AND,
    SF_OR,
    SF_WHEN,
    SF_UNLESS,
    SF_DO,
    SF_QUASIQUOTE,
    SF_DEFINE_RECORD_TYPE,
    SF_ELSE, /* markers, not forms */
    SF_ARROW,
    SF_UNQUOTE,
    SF_UNQUOTE_SPLICING
};

/* ---- error.c ------------------------------------------------------------ */

/* Raise a Scheme error: format the message, then hand an error object to
 * the innermost Scheme exception handler, or, with none installed, throw
 * to the REPL, which reports it. */
void scm_error(const char *fmt, ...) SCM_PRINTF(1, 2) SCM_NORETURN;
/* The same, with the error object's kind (read-error?, file-error?). */
void scm_error_of(enum error_kind kind, const char *fmt, ...) SCM_PRINTF(2, 3) SCM_NORETURN;
/* An error no Scheme handler sees: the interpreter ran out of memory, C
 * stack or VM stack, where running a handler would only fail again. It goes
 * straight to the REPL (running dynamic-wind after thunks on the way). */
void scm_resource_error(const char *fmt, ...) SCM_PRINTF(1, 2) SCM_NORETURN;
/* "<who>: expected <what>, got <value>" */
void type_error(const char *who, const char *what, obj got) SCM_NORETURN;
/* Render a value as `write` would, into a malloc'ed string (for messages). */
char *value_to_cstr(obj v);

/* ---- control.c ---------------------------------------------------------- */

void control_init(void);
void control_shutdown(void);
/* Run body(data) with `f` linked as the innermost catch frame of `kind`.
 * True if body returned (its value in *result); false if a throw landed on
 * f: then the VM stack, eval depth, handlers and roots are back to what
 * they were at entry, and f is unlinked. May collect. */
bool catch_run(struct catch_frame *f, enum catch_kind kind, obj (*body)(void *), void *data,
               obj *result);
/* Go on with the throw described by sc.throw_target (and sc.thrown). */
void throw_continue(void) SCM_NORETURN;
/* Throw to the innermost REPL with sc.errmsg as the report. */
void throw_to_top(void) SCM_NORETURN;
/* Apply a continuation to its arguments (from eval's application). */
void continuation_throw(obj k, int argc, obj *argv) SCM_NORETURN;

/* ---- exceptions.c ------------------------------------------------------- */

obj make_error_object(enum error_kind kind, obj message, obj irritants);
/* raise: call the innermost handler with `value`; it must not return. */
void scm_raise(obj value) SCM_NORETURN;
/* The message of an error throw for `value`, written into sc.errmsg. */
void describe_condition(obj value);

/* ---- reader.c ----------------------------------------------------------- */

struct reader {
    FILE *in;       /* a C stream, or NULL to read the port in *port */
    obj *port;      /* a rooted slot holding a string input port */
    const char *name;
    int line;
};

/* Read one datum; EOF_OBJ at end of input. May collect. Raises on bad syntax. */
obj read_datum(struct reader *r);
/* Skip the rest of the current line (used by the REPL after a read error). */
void reader_skip_line(struct reader *r);

/* ---- printer.c ---------------------------------------------------------- */

/* Where printed text goes: a C stream, or a growable C buffer. */
struct sink {
    FILE *file;
    char *buf;
    size_t len;
    size_t cap;
};

/* Print `v` (write: strings and chars in read syntax). Never allocates in
 * the heap. */
void print_value(FILE *f, obj v, bool write);
void print_to_sink(struct sink *s, obj v, bool write);
void sink_write(struct sink *s, const char *bytes, size_t n);

/* ---- numbers.c ---------------------------------------------------------- */

/* A number read from text, before any allocation. */
struct parsed_number {
    bool inexact;
    intptr_t fixnum;
    double flonum;
};
/* Parse `text` as a number in `radix` (prefixes #x #e ... allowed). False if
 * it is not the syntax of a number; *error (if not NULL) then says why when
 * the syntax is a number's that cannot be represented (too large, a
 * rational), else is NULL. */
bool parse_number(const char *text, int radix, struct parsed_number *out, const char **error);
obj number_from_parsed(const struct parsed_number *n); /* may allocate a flonum */
/* Write a number in `radix` (10 only for flonums) into buf; its length. */
size_t format_number(obj n, int radix, char *buf, size_t cap);
double number_as_double(obj n); /* n must be a number */
double arg_real(const char *who, obj v);
bool number_is_integer(obj n);
/* -1, 0, 1, or 2 when unordered (a NaN); exact for fixnum / flonum pairs */
int number_compare(obj a, obj b);

/* ---- eval.c ------------------------------------------------------------- */

obj eval(obj expr, obj env);
/* Call the procedure at sc.stack[base] with the values above it as its
 * arguments, popping them all. May collect. */
obj apply_at(size_t base);
obj call0(obj f);
obj call1(obj f, obj a);
obj call2(obj f, obj a, obj b);

/* ---- quasiquote.c, records.c --------------------------------------------- */

/* The value of `(quasiquote template) in env. May collect. */
obj quasiquote(obj template_, obj env);
/* The expression (begin (define ...) ...) a define-record-type form stands
 * for. May collect. */
obj record_type_expand(obj form);

/* ---- prims*.c ----------------------------------------------------------- */

typedef obj (*prim_fn)(int argc, obj *argv);

struct primitive {
    const char *name;
    prim_fn fn;
    int min_args;
    int max_args; /* -1: any number */
};

extern struct primitive prim_table[];
extern size_t prim_count;

/* The primitive `apply`, which eval handles itself for proper tail calls. */
extern obj prim_apply_obj;

void define_primitive(const char *name, prim_fn fn, int min_args, int max_args);
void prims_init(void);
void prims_numbers_init(void);
void prims_lists_init(void);
void prims_strings_init(void);
void prims_vectors_init(void);
void prims_system_init(void);
void prims_math_init(void);
void prims_bytevectors_init(void);
void prims_records_init(void);
void prims_control_init(void);
void prims_exceptions_init(void);
void prims_ports_init(void);
void prims_hashtables_init(void);
void prims_weak_init(void);

/* Chains of struct ht_entry hung from a vector of buckets, a power of two
 * long: hashtables' and the symbol table's (prims_hashtables.c). Neither
 * allocates. chains_prune unlinks the entries whose key a collection
 * cleared; chains_relink moves every other entry of `old` to its bucket of
 * `fresh` by its stored hash. Both return the entries left. */
intptr_t chains_prune(obj buckets);
intptr_t chains_relink(obj old, obj fresh);

/* Apply a guardian (prims_weak.c): (g obj) registers obj, (g) returns an
 * object registered with g that was found dead, or #f. */
obj guardian_apply(obj g, int argc, obj *argv);

/* Argument checks for primitives. */
intptr_t arg_fixnum(const char *who, obj v);
obj arg_pair(const char *who, obj v);
obj arg_string(const char *who, obj v);
obj arg_vector(const char *who, obj v);
intptr_t arg_index(const char *who, obj v, intptr_t limit);
obj arg_procedure(const char *who, obj v);

bool scm_eqv(obj a, obj b);
bool scm_equal(obj a, obj b);
obj scm_reverse(obj list);
intptr_t list_length(obj list); /* -1 if not a proper list */

/* ---- ports.c ------------------------------------------------------------ */

void ports_init(void);
void ports_shutdown(void);

/* ---- prelude.c, repl.c -------------------------------------------------- */

extern const char scheme_prelude[];

/* Read-eval(-print) every datum of `in`. Errors are reported on sc.out and
 * the loop goes on. Returns the number of errors. */
int repl_run(FILE *in, const char *name, bool print_results, bool prompt);
/* Same, from a string (the prelude). */
int repl_run_string(const char *text, const char *name);

#endif /* SCHEME_H */
