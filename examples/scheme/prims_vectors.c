/*
 * prims_vectors.c — vectors. A vector is a Grove ARRAY whose first slot is
 * its length as a fixnum. Vectors of more than ~500 items are allocated in
 * the large-object space and are old from birth, and any vector may have
 * been promoted since it was made: every store into one goes through the
 * write barrier.
 */
#include "scheme.h"

static obj prim_vector_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_vector(argv[0]));
}

static obj prim_make_vector(int argc, obj *argv)
{
    intptr_t n = arg_fixnum("make-vector", argv[0]);
    if (n < 0)
        scm_error("make-vector: negative length");
    return make_vector(n, argc > 1 ? argv[1] : FALSE_OBJ);
}

static obj prim_vector(int argc, obj *argv)
{
    obj v = make_vector(argc, FALSE_OBJ);
    for (int i = 0; i < argc; i++)
        grove_write(H, v, &VEC(v)->items[i], argv[i]);
    return v;
}

static obj prim_vector_length(int argc, obj *argv)
{
    (void)argc;
    return mk_fixnum(vector_length(arg_vector("vector-length", argv[0])));
}

static obj prim_vector_ref(int argc, obj *argv)
{
    (void)argc;
    obj v = arg_vector("vector-ref", argv[0]);
    return VEC(v)->items[arg_index("vector-ref", argv[1], vector_length(v))];
}

static obj prim_vector_set(int argc, obj *argv)
{
    (void)argc;
    obj v = arg_vector("vector-set!", argv[0]);
    intptr_t i = arg_index("vector-set!", argv[1], vector_length(v));
    grove_write(H, v, &VEC(v)->items[i], argv[2]);
    return UNSPEC;
}

static obj prim_vector_fill(int argc, obj *argv)
{
    (void)argc;
    obj v = arg_vector("vector-fill!", argv[0]);
    for (intptr_t i = 0; i < vector_length(v); i++)
        VEC(v)->items[i] = argv[1];
    grove_barrier(H, v, argv[1]); /* one barrier covers every slot of v */
    return UNSPEC;
}

static obj prim_vector_to_list(int argc, obj *argv)
{
    (void)argc;
    arg_vector("vector->list", argv[0]);
    obj r = NIL;
    for (intptr_t i = vector_length(argv[0]) - 1; i >= 0; i--)
        r = cons(VEC(argv[0])->items[i], r);
    return r;
}

static obj prim_list_to_vector(int argc, obj *argv)
{
    (void)argc;
    intptr_t n = list_length(argv[0]);
    if (n < 0)
        type_error("list->vector", "a proper list", argv[0]);
    obj v = make_vector(n, FALSE_OBJ);
    obj l = argv[0];
    for (intptr_t i = 0; i < n; i++, l = cdr(l))
        grove_write(H, v, &VEC(v)->items[i], car(l));
    return v;
}

void prims_vectors_init(void)
{
    define_primitive("vector?", prim_vector_p, 1, 1);
    define_primitive("make-vector", prim_make_vector, 1, 2);
    define_primitive("vector", prim_vector, 0, -1);
    define_primitive("vector-length", prim_vector_length, 1, 1);
    define_primitive("vector-ref", prim_vector_ref, 2, 2);
    define_primitive("vector-set!", prim_vector_set, 3, 3);
    define_primitive("vector-fill!", prim_vector_fill, 2, 2);
    define_primitive("vector->list", prim_vector_to_list, 1, 1);
    define_primitive("list->vector", prim_list_to_vector, 1, 1);
}
