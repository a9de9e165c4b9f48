/*
 * heap.c — the interpreter's use of Grove: heap creation, type
 * registration, the VM stack (an embedder root visitor) and the
 * constructors every other file allocates through.
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

struct interp sc;

/* Registered in this order; ids are dense from 0, so they equal the enum. */
static const grove_type_desc type_descs[T_COUNT] = {
    [T_PAIR] = {"pair", GROVE_LAYOUT_RECORD, sizeof(struct pair), 0x3, NULL},
    /* name and value are pointers; hash and special are fixnums, left out of
     * the map (they would be skipped as immediates anyway). */
    [T_SYMBOL] = {"symbol", GROVE_LAYOUT_RECORD, sizeof(struct symbol), 0x3, NULL},
    [T_STRING] = {"string", GROVE_LAYOUT_BYTES, 0, 0, NULL},
    [T_VECTOR] = {"vector", GROVE_LAYOUT_ARRAY, 0, 0, NULL},
    [T_CLOSURE] = {"closure", GROVE_LAYOUT_RECORD, sizeof(struct closure), 0xf, NULL},
    [T_FRAME] = {"frame", GROVE_LAYOUT_ARRAY, 0, 0, NULL},
    /* A double has no pointers: never scanned, only copied when it
     * survives. */
    [T_FLONUM] = {"flonum", GROVE_LAYOUT_BYTES, 0, 0, NULL},
    [T_BYTEVECTOR] = {"bytevector", GROVE_LAYOUT_BYTES, 0, 0, NULL},
    [T_RECORD_TYPE] = {"record-type", GROVE_LAYOUT_RECORD, sizeof(struct record_type), 0x3, NULL},
    /* Instances vary in size with their type: an ARRAY whose every word
     * (the type, then the fields) is a slot. */
    [T_RECORD] = {"record", GROVE_LAYOUT_ARRAY, 0, 0, NULL},
    /* Only a fixnum: no slots. */
    [T_CONTINUATION] = {"continuation", GROVE_LAYOUT_RECORD, sizeof(struct continuation), 0, NULL},
    [T_ERROR] = {"error-object", GROVE_LAYOUT_RECORD, sizeof(struct error_object), 0x6, NULL},
    [T_PORT] = {"port", GROVE_LAYOUT_RECORD, sizeof(struct port), 0x6, NULL},
    [T_HASHTABLE] = {"hashtable", GROVE_LAYOUT_RECORD, sizeof(struct hashtable), 0x1, NULL},
    [T_HT_ENTRY] = {"hashtable-entry", GROVE_LAYOUT_RECORD, sizeof(struct ht_entry), 0x7, NULL},
    /* The same struct, weak: an ephemeron (key, value; next is strong), and
     * a weak box (the symbol; keep and next are strong). */
    [T_WEAK_ENTRY] = {"weak-hashtable-entry", GROVE_LAYOUT_EPHEMERON, 0, 0, NULL},
    [T_SYMBOL_LINK] = {"symbol-link", GROVE_LAYOUT_WEAK_BOX, 0, 0, NULL},
    [T_WEAK_BOX] = {"weak-box", GROVE_LAYOUT_WEAK_BOX, 0, 0, NULL},
    [T_EPHEMERON] = {"ephemeron", GROVE_LAYOUT_EPHEMERON, 0, 0, NULL},
    /* A C pointer: never traced. */
    [T_GUARDIAN] = {"guardian", GROVE_LAYOUT_BYTES, 0, 0, NULL},
};

#define VM_STACK_SLOTS ((size_t)1 << 20)

/* The VM stack is memory Grove knows nothing about: this visitor, called at
 * every collection, offers each live slot to the tracer, which keeps the
 * object alive and rewrites the slot if the object moved. */
static void visit_vm_stack(grove_heap *heap, grove_tracer *tracer, void *data)
{
    (void)heap;
    struct interp *in = data;
    grove_trace_slots(tracer, in->stack, in->sp);
}

/* Counts collections, after which weak hashtables have entries to prune. */
static void count_collection(grove_heap *heap, const grove_event *event, void *data)
{
    (void)heap;
    if (event->type == GROVE_EVENT_COLLECTION_END)
        ((struct interp *)data)->collections++;
}

bool heap_init(size_t nursery_size, size_t max_heap_size)
{
    grove_config cfg;
    grove_config_init(&cfg);
    if (nursery_size)
        cfg.nursery_size = nursery_size;
    if (max_heap_size)
        cfg.max_heap_size = max_heap_size;

    grove_error_info err;
    sc.heap = grove_heap_create(&cfg, &err);
    if (!sc.heap) {
        fprintf(stderr, "scheme: cannot create the heap: %s (%s)\n", err.message,
                grove_error_name(err.code));
        return false;
    }
    for (int t = 0; t < T_COUNT; t++) {
        grove_type_id id = grove_register_type(H, &type_descs[t]);
        if (id != (grove_type_id)t) {
            fprintf(stderr, "scheme: registering type %s gave id %u, expected %d: %s\n",
                    type_descs[t].name, (unsigned)id, t, grove_last_error_message(H));
            return false;
        }
    }

    sc.stack_cap = VM_STACK_SLOTS;
    sc.stack = calloc(sc.stack_cap, sizeof *sc.stack);
    if (!sc.stack) {
        fprintf(stderr, "scheme: out of memory for the VM stack\n");
        return false;
    }
    sc.sp = 0;
    sc.collections = 0;
    if (grove_add_root_visitor(H, visit_vm_stack, &sc) != GROVE_OK ||
        grove_add_event_listener(H, count_collection, &sc) != GROVE_OK) {
        fprintf(stderr, "scheme: %s\n", grove_last_error_message(H));
        return false;
    }
    symbols_init();
    control_init();
    ports_init();
    return true;
}

void heap_shutdown(void)
{
    ports_shutdown();
    control_shutdown();
    grove_persistent_drop(H, &sc.symtab);
    grove_remove_event_listener(H, count_collection, &sc);
    grove_remove_root_visitor(H, visit_vm_stack, &sc);
    grove_heap *heap = sc.heap;
    sc.heap = NULL; /* the cleanup hooks the destruction runs must not use it */
    grove_heap_destroy(heap);
    free(sc.stack);
    sc.stack = NULL;
}

/* grove_alloc returned NULL: a resource failure, recorded in the heap. The
 * heap is still consistent; unwinding to the REPL drops the roots that kept
 * the data alive, and the next collection reclaims it. */
void alloc_failed(void)
{
    grove_error code = grove_last_error(H);
    /* The detail (sizes held, limit) goes to stderr; the Scheme error
     * message stays the same from run to run. */
    fprintf(stderr, "scheme: %s\n", grove_last_error_message(H));
    grove_clear_error(H);
    if (code == GROVE_E_TOO_LARGE)
        scm_resource_error("object too large (%s)", grove_error_name(code));
    scm_resource_error("out of memory (%s)", grove_error_name(code));
}

void stack_overflow(void)
{
    scm_resource_error("stack overflow: more than %zu values on the VM stack", sc.stack_cap);
}

/* ---- constructors --------------------------------------------------------- */

obj cons(obj a, obj d)
{
    /* a and d must survive the allocation: root them for its duration. */
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, ra, a);
    GROVE_LOCAL(H, obj, rd, d);
    struct pair *p = scm_alloc(T_PAIR, sizeof *p);
    /* Fresh small object, nothing allocated since: it is in the nursery and
     * these initializing stores need no barrier. */
    p->car = GROVE_GET(H, ra);
    p->cdr = GROVE_GET(H, rd);
    grove_scope_exit(H, s);
    return p;
}

obj list2(obj a, obj b)
{
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, ra, a);
    obj tail = cons(b, NIL);
    obj result = cons(GROVE_GET(H, ra), tail); /* tail is consumed before cons allocates */
    grove_scope_exit(H, s);
    return result;
}

obj make_string(const char *chars, size_t length)
{
    /* chars must be C memory, not a heap string: the allocation may move
     * heap strings. */
    if (length > SIZE_MAX / 2)
        scm_error("make-string: length %zu too large", length);
    struct string *s = scm_alloc(T_STRING, sizeof(struct string) + length + 1);
    s->length = (intptr_t)length;
    if (chars)
        memcpy(s->chars, chars, length);
    s->chars[length] = '\0';
    return s;
}

obj make_vector(intptr_t length, obj fill)
{
    if (length < 0 || (uintmax_t)length > SIZE_MAX / sizeof(obj) - 1)
        scm_error("make-vector: bad length %jd", (intmax_t)length);
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, rfill, fill);
    struct vector *v = scm_alloc(T_VECTOR, ((size_t)length + 1) * sizeof(obj));
    obj f = GROVE_GET(H, rfill);
    v->length = mk_fixnum(length);
    for (intptr_t i = 0; i < length; i++)
        v->items[i] = f;
    /* A vector above GROVE_MAX_SMALL_PAYLOAD is born old (large-object
     * space): if `f` is young it must be remembered. One barrier after the
     * stores covers them all, since the barrier logs the whole object. */
    grove_barrier(H, v, f);
    grove_scope_exit(H, s);
    return v;
}

obj make_frame(intptr_t count)
{
    struct frame *f = scm_alloc(T_FRAME, ((size_t)count + FRAME_HEADER_WORDS) * sizeof(obj));
    f->parent = NIL;
    f->vars = NIL;
    f->extras = NIL;
    f->count = mk_fixnum(count);
    for (intptr_t i = 0; i < count; i++)
        f->vals[i] = UNASSIGNED;
    return f;
}

obj make_flonum(double value)
{
    struct flonum *f = scm_alloc(T_FLONUM, sizeof *f);
    f->value = value;
    return f;
}

obj make_bytevector(intptr_t length)
{
    if (length < 0 || (uintmax_t)length > SIZE_MAX / 2)
        scm_error("make-bytevector: bad length %jd", (intmax_t)length);
    struct bytevector *b = scm_alloc(T_BYTEVECTOR, sizeof *b + (size_t)length);
    b->length = length;
    return b; /* grove_alloc returns zeroed memory */
}

obj stack_to_list(size_t base, obj tail)
{
    obj r = tail;
    while (sc.sp > base) {
        r = cons(sc.stack[sc.sp - 1], r); /* cons roots r; the stack is rooted */
        sc.sp--;
    }
    return r;
}
