/*
 * symbols.c — the symbol table. Symbols are interned: one object per name,
 * so eq? is pointer equality (which stays true when objects move, because
 * every reference is updated together).
 *
 * The table is a heap object (a vector of buckets, each a list of symbols)
 * held by a persistent root for the life of the interpreter. Buckets are
 * chosen by a hash of the name, never of an address: addresses change at
 * every collection.
 */
#include "scheme.h"

#include <string.h>

#define INITIAL_BUCKETS 512

static uint64_t hash_name(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static const struct {
    const char *name;
    enum special_form id;
} special_forms[] = {
    {"quote", SF_QUOTE},   {"if", SF_IF},         {"define", SF_DEFINE}, {"set!", SF_SET},
    {"lambda", SF_LAMBDA}, {"begin", SF_BEGIN},   {"let", SF_LET},       {"let*", SF_LETSTAR},
    {"letrec", SF_LETREC}, {"letrec*", SF_LETREC}, {"cond", SF_COND},    {"case", SF_CASE},
    {"and", SF_AND},       {"or", SF_OR},         {"when", SF_WHEN},     {"unless", SF_UNLESS},
    {"do", SF_DO},         {"else", SF_ELSE},     {"=>", SF_ARROW},
    {"quasiquote", SF_QUASIQUOTE},                 {"unquote", SF_UNQUOTE},
    {"unquote-splicing", SF_UNQUOTE_SPLICING},     {"define-record-type", SF_DEFINE_RECORD_TYPE},
};

void symbols_init(void)
{
    obj table = make_vector(INITIAL_BUCKETS, NIL);
    grove_persistent_init(H, &sc.symtab, table);
    sc.symbol_count = 0;
    for (size_t i = 0; i < sizeof special_forms / sizeof special_forms[0]; i++) {
        obj sym = intern_cstr(special_forms[i].name);
        /* A fixnum is an immediate: storing it needs no barrier. */
        SYM(sym)->special = mk_fixnum(special_forms[i].id);
    }
}

/* Double the bucket count. The existing list cells are relinked, not
 * copied, so nothing is allocated after the new table: raw pointers are
 * safe in the loop. Cells may be old and the table young (or the reverse:
 * a big table is born in the large-object space), so every store has the
 * barrier. */
static void grow_table(void)
{
    intptr_t old_n = vector_length(grove_persistent_get(H, &sc.symtab));
    obj fresh = make_vector(old_n * 2, NIL); /* may collect */
    obj old = grove_persistent_get(H, &sc.symtab);
    uintptr_t mask = (uintptr_t)(old_n * 2 - 1);
    for (intptr_t i = 0; i < old_n; i++) {
        obj cell = VEC(old)->items[i];
        while (cell != NIL) {
            obj next = cdr(cell);
            uintptr_t b = (uintptr_t)fixnum_val(SYM(car(cell))->hash) & mask;
            grove_write(H, cell, &PAIR(cell)->cdr, VEC(fresh)->items[b]);
            grove_write(H, fresh, &VEC(fresh)->items[b], cell);
            cell = next;
        }
    }
    grove_persistent_set(H, &sc.symtab, fresh);
}

obj intern(const char *name, size_t length)
{
    /* `name` is C memory (a reader buffer, a copy): never a heap string,
     * which the allocations below could move. */
    intptr_t h = (intptr_t)(hash_name(name, length) & (uint64_t)FIXNUM_MAX);
    obj table = grove_persistent_get(H, &sc.symtab);
    uintptr_t b = (uintptr_t)h & (uintptr_t)(vector_length(table) - 1);
    for (obj l = VEC(table)->items[b]; l != NIL; l = cdr(l)) {
        obj nm = SYM(car(l))->name;
        if (STR(nm)->length == (intptr_t)length && memcmp(STR(nm)->chars, name, length) == 0)
            return car(l);
    }

    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, str, make_string(name, length));
    struct symbol *y = scm_alloc(T_SYMBOL, sizeof *y);
    y->name = GROVE_GET(H, str); /* fresh and small: no barrier */
    y->value = UNBOUND;
    y->hash = mk_fixnum(h);
    y->special = mk_fixnum(SF_NONE);
    GROVE_LOCAL(H, obj, sym, y);

    obj cell = cons(y, NIL);
    table = grove_persistent_get(H, &sc.symtab); /* re-read: cons may have moved it */
    PAIR(cell)->cdr = VEC(table)->items[b];     /* cell is young: no barrier needed */
    grove_write(H, table, &VEC(table)->items[b], cell); /* the table is usually old */
    if (++sc.symbol_count > 2 * (size_t)vector_length(table))
        grow_table();

    obj result = GROVE_GET(H, sym);
    grove_scope_exit(H, s);
    return result;
}

obj intern_cstr(const char *name)
{
    return intern(name, strlen(name));
}
