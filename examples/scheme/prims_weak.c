/*
 * prims_weak.c — weak boxes, ephemerons and guardians, on Grove's (see
 * grove/weak.h for what a collection does to each).
 *
 *   (make-weak-box obj)          a box that does not keep obj alive
 *   (weak-box-value box [dflt])  obj, or dflt (default #f) once collected
 *   (make-ephemeron key value)   value is kept only while key is
 *   (ephemeron-key e), (ephemeron-value e)   #f once key was collected
 *   (ephemeron-broken? e)        whether key was collected
 *   (make-guardian)              Chez Scheme's: (g obj) registers obj;
 *                                (g) is the next registered object found
 *                                dead (kept for the program again), or #f
 *
 * An immediate (a fixnum, a character, #f, ...) is never collected: a
 * weak box or an ephemeron key holding one stays, and registering one with
 * a guardian does nothing. Weak boxes and ephemerons are judged before
 * guardians: an object a guardian hands back is already gone from every
 * weak box and every ephemeron keyed by it.
 *
 * These objects are fresh and small when filled, so in the nursery: the
 * initializing stores need no barrier.
 */
#include "scheme.h"

static obj arg_weak_box(const char *who, obj v)
{
    if (!has_type(v, T_WEAK_BOX))
        type_error(who, "a weak box", v);
    return v;
}

static obj arg_ephemeron(const char *who, obj v)
{
    if (!has_type(v, T_EPHEMERON))
        type_error(who, "an ephemeron", v);
    return v;
}

/* A weak slot's value for Scheme: NULL (collected) reads as `dflt`. */
static obj or_default(obj v, obj dflt)
{
    return v != NULL ? v : dflt;
}

static obj prim_make_weak_box(int argc, obj *argv)
{
    (void)argc;
    struct weak_box *b = scm_alloc(T_WEAK_BOX, sizeof *b);
    b->target = argv[0]; /* argv is current after the allocation */
    return b;
}

static obj prim_weak_box_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(has_type(argv[0], T_WEAK_BOX));
}

static obj prim_weak_box_value(int argc, obj *argv)
{
    obj b = arg_weak_box("weak-box-value", argv[0]);
    return or_default(WBOX(b)->target, argc > 1 ? argv[1] : FALSE_OBJ);
}

static obj prim_make_ephemeron(int argc, obj *argv)
{
    (void)argc;
    struct ephemeron *e = scm_alloc(T_EPHEMERON, sizeof *e);
    e->key = argv[0];
    e->value = argv[1];
    return e;
}

static obj prim_ephemeron_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(has_type(argv[0], T_EPHEMERON));
}

static obj prim_ephemeron_key(int argc, obj *argv)
{
    (void)argc;
    return or_default(EPH(arg_ephemeron("ephemeron-key", argv[0]))->key, FALSE_OBJ);
}

static obj prim_ephemeron_value(int argc, obj *argv)
{
    (void)argc;
    return or_default(EPH(arg_ephemeron("ephemeron-value", argv[0]))->value, FALSE_OBJ);
}

static obj prim_ephemeron_broken_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(EPH(arg_ephemeron("ephemeron-broken?", argv[0]))->key == NULL);
}

/* The cleanup hook of a Scheme guardian: it died, so nothing can register
 * with or take from its Grove guardian any more. Frees C memory only. When
 * the heap is being destroyed (sc.heap is NULL then), the heap frees its
 * guardians itself. */
static void free_guardian(void *guardian)
{
    if (H != NULL)
        grove_guardian_free(H, guardian);
}

/* A Grove failure that is the heap's resource, not the program's error. */
static void guardian_failed(const char *who) SCM_NORETURN;
static void guardian_failed(const char *who)
{
    grove_error code = grove_last_error(H);
    grove_clear_error(H);
    scm_resource_error("%s: %s", who, grove_error_name(code));
}

static obj prim_make_guardian(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, g, scm_alloc(T_GUARDIAN, sizeof(struct guardian)));
    grove_guardian *guardian = grove_guardian_create(H);
    if (guardian == NULL)
        guardian_failed("make-guardian");
    GUARD(GROVE_GET(H, g))->guardian = guardian;
    if (grove_add_cleanup(H, GROVE_GET(H, g), free_guardian, guardian) != GROVE_OK) {
        grove_guardian_free(H, guardian);
        guardian_failed("make-guardian");
    }
    obj result = GROVE_GET(H, g);
    grove_scope_exit(H, s);
    return result;
}

obj guardian_apply(obj g, int argc, obj *argv)
{
    grove_guardian *guardian = GUARD(g)->guardian;
    if (argc == 0) {
        obj dead = grove_guardian_take(H, guardian);
        return dead != NULL ? dead : FALSE_OBJ;
    }
    if (argc > 1)
        scm_error("arity: guardian expects 0 to 1 arguments, got %d", argc);
    if (is_heap(argv[0]) && grove_guardian_register(H, guardian, argv[0]) != GROVE_OK)
        guardian_failed("guardian");
    return UNSPEC;
}

static obj prim_guardian_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_guardian(argv[0]));
}

void prims_weak_init(void)
{
    define_primitive("make-weak-box", prim_make_weak_box, 1, 1);
    define_primitive("weak-box?", prim_weak_box_p, 1, 1);
    define_primitive("weak-box-value", prim_weak_box_value, 1, 2);
    define_primitive("make-ephemeron", prim_make_ephemeron, 2, 2);
    define_primitive("ephemeron?", prim_ephemeron_p, 1, 1);
    define_primitive("ephemeron-key", prim_ephemeron_key, 1, 1);
    define_primitive("ephemeron-value", prim_ephemeron_value, 1, 1);
    define_primitive("ephemeron-broken?", prim_ephemeron_broken_p, 1, 1);
    define_primitive("make-guardian", prim_make_guardian, 0, 0);
    define_primitive("guardian?", prim_guardian_p, 1, 1);
}
