/*
 * symbols.c — the symbol table. Symbols are interned: one object per name,
 * so eq? is pointer equality (which stays true when objects move, because
 * every reference is updated together).
 *
 * The table is a heap object (a vector of buckets, each a chain of links)
 * held by a persistent root for the life of the interpreter. Buckets are
 * chosen by a hash of the name, never of an address: addresses change at
 * every collection.
 *
 * The table is weak. A link (struct ht_entry, type T_SYMBOL_LINK) is a weak
 * box: its key, the symbol, does not keep the symbol alive, so a symbol
 * nothing references is collected and its link's key cleared, and a
 * program that makes fresh symbols forever (string->symbol of generated
 * names) runs in a flat heap. Nobody can tell a collected symbol from the
 * new one a later read of its name makes. Except a symbol with a global
 * value or a special form: its link's value, a strong slot, holds it too,
 * since the binding lives in the symbol. When the links outnumber twice the
 * buckets, the cleared ones are pruned, and the bucket count doubles only
 * if the live symbols still outnumber the buckets.
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

static obj *bucket_of(obj table, obj hash)
{
    return &VEC(table)->items[fixnum_val(hash) & (vector_length(table) - 1)];
}

/* Make the table hold `sym` strongly: its link's value points to it. */
static void keep_symbol(obj sym)
{
    obj table = grove_persistent_get(H, &sc.symtab);
    for (obj e = *bucket_of(table, SYM(sym)->hash); e != NIL; e = HTE(e)->next)
        if (HTE(e)->key == sym) {
            grove_write(H, e, &HTE(e)->value, sym);
            return;
        }
}

void symbols_init(void)
{
    obj table = make_vector(INITIAL_BUCKETS, NIL);
    grove_persistent_init(H, &sc.symtab, table);
    sc.symbol_count = 0;
    for (size_t i = 0; i < sizeof special_forms / sizeof special_forms[0]; i++) {
        obj sym = intern_cstr(special_forms[i].name);
        /* A fixnum is an immediate: storing it needs no barrier. */
        SYM(sym)->special = mk_fixnum(special_forms[i].id);
        keep_symbol(sym); /* eval recognises the form by this very symbol */
    }
}

void symbol_define(obj sym, obj value)
{
    if (SYM(sym)->value == UNBOUND)
        keep_symbol(sym);
    /* Symbols are long-lived (usually old) and value may be young. */
    GROVE_STORE(H, SYM(sym), value, value);
}

/* The links outnumber twice the buckets: prune the cleared ones, and
 * double the buckets if the live links still outnumber them. */
static void resize_table(void)
{
    intptr_t n = vector_length(grove_persistent_get(H, &sc.symtab));
    sc.symbol_count = (size_t)chains_prune(grove_persistent_get(H, &sc.symtab));
    if (sc.symbol_count <= (size_t)n)
        return;
    obj fresh = make_vector(n * 2, NIL); /* may collect, and clear more links */
    sc.symbol_count = (size_t)chains_relink(grove_persistent_get(H, &sc.symtab), fresh);
    grove_persistent_set(H, &sc.symtab, fresh);
}

obj intern(const char *name, size_t length)
{
    /* `name` is C memory (a reader buffer, a copy): never a heap string,
     * which the allocations below could move. */
    obj h = mk_fixnum((intptr_t)(hash_name(name, length) & (uint64_t)FIXNUM_MAX));
    obj table = grove_persistent_get(H, &sc.symtab);
    for (obj e = *bucket_of(table, h); e != NIL; e = HTE(e)->next) {
        obj sym = HTE(e)->key; /* NULL once collected */
        if (HTE(e)->hash != h || sym == NULL)
            continue;
        obj nm = SYM(sym)->name;
        if (STR(nm)->length == (intptr_t)length && memcmp(STR(nm)->chars, name, length) == 0)
            return sym;
    }

    grove_scope s = grove_scope_enter(H);
    GROVE_LOCAL(H, obj, str, make_string(name, length));
    struct symbol *y = scm_alloc(T_SYMBOL, sizeof *y);
    y->name = GROVE_GET(H, str); /* fresh and small: no barrier */
    y->value = UNBOUND;
    y->hash = h;
    y->special = mk_fixnum(SF_NONE);
    GROVE_LOCAL(H, obj, sym, y);

    struct ht_entry *link = scm_alloc(T_SYMBOL_LINK, sizeof *link);
    table = grove_persistent_get(H, &sc.symtab); /* re-read: the allocation may have moved it */
    obj *head = bucket_of(table, h);
    link->key = GROVE_GET(H, sym); /* fresh and small: no barrier */
    link->value = FALSE_OBJ;
    link->next = *head;
    link->hash = h;
    grove_write(H, table, head, link); /* the table is usually old */
    if (++sc.symbol_count > 2 * (size_t)vector_length(table))
        resize_table();

    obj result = GROVE_GET(H, sym);
    grove_scope_exit(H, s);
    return result;
}

obj intern_cstr(const char *name)
{
    return intern(name, strlen(name));
}
