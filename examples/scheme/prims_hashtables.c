/*
 * prims_hashtables.c — eq? and eqv? hashtables (R6RS names), and weak ones
 * (Chez Scheme's make-weak-eq-hashtable, make-weak-eqv-hashtable).
 *
 * A table is RECORD {buckets, count, kind, pruned}; buckets is a vector, a
 * power of two long, of chains of RECORD {key, value, next, hash} entries. A
 * key that is a heap object hashes by grove_identity_hash: stable for the
 * object's whole life, so a collection that moves keys leaves every entry in
 * its bucket and the table is rehashed only when it grows. Immediates hash
 * from their bits; in an eqv? table a flonum hashes from its double, since
 * two flonums with the same bits are eqv? but distinct objects.
 *
 * Tables and entries live long and are typically promoted before they are
 * updated, and a big bucket vector is born old: every pointer store into
 * one goes through the barrier.
 *
 * A weak table's entries are ephemerons (scheme.h): an entry keeps its
 * value only while something else keeps its key, and a dead key breaks it.
 * Lookups never match a broken entry (its key is NULL, which no key is);
 * the table unlinks them, and counts what is left, when asked its count or
 * about to grow after a collection (sc.collections tells). Listing the
 * entries pushes the live ones on the VM stack, which keeps them alive
 * while the result is allocated.
 */
#include "scheme.h"

#include <string.h>

#define HT_INITIAL_BUCKETS 8

/* A 64-bit finalizer: spreads nearby words (aligned addresses, consecutive
 * fixnums) over the low bits the bucket index takes. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static bool is_eqv_table(obj table)
{
    return (fixnum_val(HT(table)->kind) & HT_EQV) != 0;
}

static bool is_weak_table(obj table)
{
    return (fixnum_val(HT(table)->kind) & HT_WEAK) != 0;
}

/* The key's hash as a non-negative fixnum, so an entry can keep it. */
static obj key_hash(obj table, obj key)
{
    uint64_t h;
    if (!is_heap(key)) {
        h = mix64((uint64_t)(uintptr_t)key);
    } else if (is_eqv_table(table) && is_flonum(key)) {
        uint64_t bits;
        memcpy(&bits, &FLO(key)->value, sizeof bits);
        h = mix64(bits);
    } else {
        h = grove_identity_hash(H, key); /* already well mixed */
    }
    return mk_fixnum((intptr_t)(h >> 2));
}

static bool keys_match(obj table, obj a, obj b)
{
    return is_eqv_table(table) ? scm_eqv(a, b) : a == b;
}

static intptr_t bucket_count(obj table)
{
    return vector_length(HT(table)->buckets);
}

static obj *bucket_of(obj table, obj hash)
{
    intptr_t i = fixnum_val(hash) & (bucket_count(table) - 1);
    return &VEC(HT(table)->buckets)->items[i];
}

/* The entry for `key`, or NIL (a broken entry's NULL key matches no key).
 * Never allocates. */
static obj find_entry(obj table, obj key, obj hash)
{
    for (obj e = *bucket_of(table, hash); e != NIL; e = HTE(e)->next)
        if (HTE(e)->hash == hash && keys_match(table, HTE(e)->key, key))
            return e;
    return NIL;
}

static obj arg_hashtable(const char *who, obj v)
{
    if (!is_hashtable(v))
        type_error(who, "a hashtable", v);
    return v;
}

intptr_t chains_prune(obj buckets)
{
    intptr_t left = 0;
    for (intptr_t i = 0; i < vector_length(buckets); i++) {
        obj holder = buckets; /* the object *link is a slot of */
        obj *link = &VEC(buckets)->items[i];
        while (*link != NIL) {
            obj e = *link;
            if (HTE(e)->key == NULL) {
                grove_write(H, holder, link, HTE(e)->next);
            } else {
                left++;
                holder = e;
                link = &HTE(e)->next;
            }
        }
    }
    return left;
}

intptr_t chains_relink(obj old, obj fresh)
{
    intptr_t mask = vector_length(fresh) - 1;
    intptr_t moved = 0;
    for (intptr_t i = 0; i < vector_length(old); i++) {
        obj e = VEC(old)->items[i];
        while (e != NIL) {
            obj next = HTE(e)->next;
            if (HTE(e)->key != NULL) {
                obj *head = &VEC(fresh)->items[fixnum_val(HTE(e)->hash) & mask];
                grove_write(H, e, &HTE(e)->next, *head);
                grove_write(H, fresh, head, e);
                moved++;
            }
            e = next;
        }
    }
    return moved;
}

/* Drop a weak table's broken entries, if a collection ran since it last
 * did: afterwards its count is exact until the next collection. */
static void prune(obj table)
{
    if (!is_weak_table(table) || fixnum_val(HT(table)->pruned) == (intptr_t)sc.collections)
        return;
    HT(table)->count = mk_fixnum(chains_prune(HT(table)->buckets)); /* immediates: no barrier */
    HT(table)->pruned = mk_fixnum((intptr_t)sc.collections);
}

static obj make_hashtable(int kind, intptr_t capacity)
{
    intptr_t n = HT_INITIAL_BUCKETS;
    while (n < capacity && n < FIXNUM_MAX / 4)
        n *= 2;
    obj buckets = make_vector(n, NIL);
    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, rbuckets, buckets);
    struct hashtable *t = scm_alloc(T_HASHTABLE, sizeof *t);
    /* Fresh small object: the initializing stores need no barrier. */
    t->buckets = GROVE_GET(H, rbuckets);
    t->count = mk_fixnum(0);
    t->kind = mk_fixnum(kind);
    t->pruned = mk_fixnum((intptr_t)sc.collections);
    grove_scope_exit(H, s);
    return t;
}

/* Twice the buckets, every entry relinked by its stored hash. The only
 * rehash a table ever does: keys that moved kept their identity hash.
 * Entries broken by the allocation's collection are dropped on the way.
 * May collect; the table is in *table_slot, a rooted slot. */
static void grow(obj *table_slot)
{
    obj fresh = make_vector(bucket_count(*table_slot) * 2, NIL);
    obj table = *table_slot;
    HT(table)->count = mk_fixnum(chains_relink(HT(table)->buckets, fresh));
    GROVE_STORE(H, HT(table), buckets, fresh);
}

static obj prim_make_eq_hashtable(int argc, obj *argv)
{
    return make_hashtable(HT_EQ, argc > 0 ? arg_fixnum("make-eq-hashtable", argv[0]) : 0);
}

static obj prim_make_eqv_hashtable(int argc, obj *argv)
{
    return make_hashtable(HT_EQV, argc > 0 ? arg_fixnum("make-eqv-hashtable", argv[0]) : 0);
}

static obj prim_make_weak_eq_hashtable(int argc, obj *argv)
{
    return make_hashtable(HT_EQ | HT_WEAK,
                          argc > 0 ? arg_fixnum("make-weak-eq-hashtable", argv[0]) : 0);
}

static obj prim_make_weak_eqv_hashtable(int argc, obj *argv)
{
    return make_hashtable(HT_EQV | HT_WEAK,
                          argc > 0 ? arg_fixnum("make-weak-eqv-hashtable", argv[0]) : 0);
}

static obj prim_hashtable_weak_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_weak_table(arg_hashtable("hashtable-weak?", argv[0])));
}

static obj prim_hashtable_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(is_hashtable(argv[0]));
}

static obj prim_hashtable_count(int argc, obj *argv)
{
    (void)argc;
    obj t = arg_hashtable("hashtable-count", argv[0]);
    prune(t);
    return HT(t)->count;
}

static obj prim_hashtable_ref(int argc, obj *argv)
{
    obj t = arg_hashtable("hashtable-ref", argv[0]);
    obj e = find_entry(t, argv[1], key_hash(t, argv[1]));
    if (e != NIL)
        return HTE(e)->value;
    return argc > 2 ? argv[2] : FALSE_OBJ;
}

static obj prim_hashtable_contains_p(int argc, obj *argv)
{
    (void)argc;
    obj t = arg_hashtable("hashtable-contains?", argv[0]);
    return mk_bool(find_entry(t, argv[1], key_hash(t, argv[1])) != NIL);
}

static obj prim_hashtable_set(int argc, obj *argv)
{
    (void)argc;
    obj t = arg_hashtable("hashtable-set!", argv[0]);
    obj hash = key_hash(t, argv[1]); /* a fixnum: survives the allocation */
    obj e = find_entry(t, argv[1], hash);
    if (e != NIL) {
        grove_write(H, e, &HTE(e)->value, argv[2]);
        return UNSPEC;
    }
    enum scm_type type = is_weak_table(t) ? T_WEAK_ENTRY : T_HT_ENTRY;
    struct ht_entry *fresh = scm_alloc(type, sizeof *fresh);
    t = argv[0]; /* argv is current after the allocation; t was not */
    fresh->key = argv[1];
    fresh->value = argv[2];
    fresh->hash = hash;
    obj *head = bucket_of(t, hash);
    fresh->next = *head;
    grove_write(H, HT(t)->buckets, head, fresh);
    HT(t)->count = mk_fixnum(fixnum_val(HT(t)->count) + 1); /* an immediate: no barrier */
    if (fixnum_val(HT(t)->count) > bucket_count(t)) { /* load factor above 1 */
        prune(t); /* broken entries do not count */
        if (fixnum_val(HT(t)->count) > bucket_count(t))
            grow(&argv[0]);
    }
    return UNSPEC;
}

static obj prim_hashtable_delete(int argc, obj *argv)
{
    (void)argc;
    obj t = arg_hashtable("hashtable-delete!", argv[0]);
    obj hash = key_hash(t, argv[1]);
    obj *link = bucket_of(t, hash);
    obj holder = HT(t)->buckets; /* the object *link is a slot of */
    for (obj e = *link; e != NIL; holder = e, link = &HTE(e)->next, e = *link) {
        if (HTE(e)->hash == hash && keys_match(t, HTE(e)->key, argv[1])) {
            grove_write(H, holder, link, HTE(e)->next);
            HT(t)->count = mk_fixnum(fixnum_val(HT(t)->count) - 1);
            break;
        }
    }
    return UNSPEC;
}

/* Push the key, the value or both of every entry not broken, in bucket
 * order: the order of addresses' hashes, so not stable from run to run. On
 * the VM stack they are rooted: a collection while the caller allocates the
 * result breaks no entry whose key was pushed. Returns the entries pushed. */
static size_t push_entries(obj table, bool keys, bool values)
{
    obj buckets = HT(table)->buckets;
    size_t n = 0;
    for (intptr_t i = 0; i < vector_length(buckets); i++) {
        for (obj e = VEC(buckets)->items[i]; e != NIL; e = HTE(e)->next) {
            if (HTE(e)->key == NULL)
                continue;
            if (keys)
                push(HTE(e)->key);
            if (values)
                push(HTE(e)->value);
            n++;
        }
    }
    return n;
}

/* Every key (want_values false) or value, into a fresh vector. */
static obj table_column(const char *who, obj *argv, bool want_values)
{
    size_t base = sc.sp;
    size_t n = push_entries(arg_hashtable(who, argv[0]), !want_values, want_values);
    obj v = make_vector((intptr_t)n, FALSE_OBJ);
    grove_write_n(H, v, VEC(v)->items, &sc.stack[base], n);
    sc.sp = base;
    return v;
}

static obj prim_hashtable_keys(int argc, obj *argv)
{
    (void)argc;
    return table_column("hashtable-keys", argv, false);
}

static obj prim_hashtable_values(int argc, obj *argv)
{
    (void)argc;
    return table_column("hashtable-values", argv, true);
}

/* A list of (key . value) pairs. The keys and values are pushed on the VM
 * stack first, then each pair is consed in place of its two stack slots. */
static obj prim_hashtable_to_alist(int argc, obj *argv)
{
    (void)argc;
    size_t base = sc.sp;
    size_t pairs = push_entries(arg_hashtable("hashtable->alist", argv[0]), true, true);
    for (size_t i = 0; i < pairs; i++) {
        /* Slot base+i is written after cons has read base+2i and base+2i+1,
         * and every later read is of a slot above base+i. */
        obj p = cons(sc.stack[base + 2 * i], sc.stack[base + 2 * i + 1]);
        sc.stack[base + i] = p;
    }
    sc.sp = base + pairs;
    return stack_to_list(base, NIL);
}

void prims_hashtables_init(void)
{
    define_primitive("make-eq-hashtable", prim_make_eq_hashtable, 0, 1);
    define_primitive("make-eqv-hashtable", prim_make_eqv_hashtable, 0, 1);
    define_primitive("make-weak-eq-hashtable", prim_make_weak_eq_hashtable, 0, 1);
    define_primitive("make-weak-eqv-hashtable", prim_make_weak_eqv_hashtable, 0, 1);
    define_primitive("hashtable-weak?", prim_hashtable_weak_p, 1, 1);
    define_primitive("hashtable?", prim_hashtable_p, 1, 1);
    define_primitive("hashtable-count", prim_hashtable_count, 1, 1);
    define_primitive("hashtable-ref", prim_hashtable_ref, 2, 3);
    define_primitive("hashtable-contains?", prim_hashtable_contains_p, 2, 2);
    define_primitive("hashtable-set!", prim_hashtable_set, 3, 3);
    define_primitive("hashtable-delete!", prim_hashtable_delete, 2, 2);
    define_primitive("hashtable-keys", prim_hashtable_keys, 1, 1);
    define_primitive("hashtable-values", prim_hashtable_values, 1, 1);
    define_primitive("hashtable->alist", prim_hashtable_to_alist, 1, 1);
}
