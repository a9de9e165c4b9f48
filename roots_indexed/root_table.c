/* root_table.c — the indexed backend: a LIFO table for scoped roots and a
 * free-listed table for manual roots, both arrays the collector scans
 * linearly. The inline fast paths are in grove/roots_indexed.h; this file
 * holds growth, the checks' slow paths that name the misuse, and the
 * collector's scan. */
#include <grove/roots_indexed.h>
#include <stdio.h>
#include <stdlib.h>

#include "roots_backend.h"

#define NO_FREE UINT32_MAX
#define MAX_ENTRIES ((uint32_t)1 << 31)

bool grove_roots_init(grove_heap *heap)
{
    struct grove__root_table *t = calloc(1, sizeof *t);
    if (!t)
        return false;
    t->heap_id = grove__fast(heap)->heap_id;
    t->lifo_gen = 1;
    t->manual_free = NO_FREE;
    grove__fast(heap)->roots = t;
    return true;
}

void grove_roots_destroy(grove_heap *heap)
{
    struct grove__root_table *t = grove__table(heap);
    free(t->lifo);
    free(t->scopes);
    free(t->manual);
    free(t);
    grove__fast(heap)->roots = NULL;
}

void grove_roots_collecting(grove_heap *heap, bool collecting)
{
    struct grove__root_table *t = grove__table(heap);
    t->collecting = collecting;
    t->open_limit = collecting ? 0 : t->lifo_cap;
    t->lifo_limit = t->depth ? t->open_limit : 0;
}

size_t grove_roots_visit(grove_heap *heap, grove_tracer *tracer)
{
    struct grove__root_table *t = grove__table(heap);
    for (uint32_t i = 0; i < t->lifo_top; i++)
        grove_trace_root(tracer, &t->lifo[i].ptr);
    for (uint32_t i = 0; i < t->manual_count; i++)
        if (t->manual[i].gen & 1)
            grove_trace_root(tracer, &t->manual[i].ptr);
    return t->lifo_top + t->manual_live;
}

static bool grow(grove_heap *heap, struct grove__root_entry **entries, uint32_t *cap)
{
    if (*cap >= MAX_ENTRIES) {
        grove_fail(heap, GROVE_E_OOM, "root table is full (%u entries)", *cap);
        return false;
    }
    uint32_t n = *cap ? *cap * 2 : 1024;
    struct grove__root_entry *e = realloc(*entries, (size_t)n * sizeof *e);
    if (!e) {
        grove_fail(heap, GROVE_E_OOM, "out of memory growing the root table to %u entries", n);
        return false;
    }
    *entries = e;
    *cap = n;
    return true;
}

/* ---- diagnosing a handle ------------------------------------------------- */

/* Why a handle fails its check, as an error code and message; GROVE_OK if it
 * is valid. `kind` names the handle type in messages. */
static grove_error diagnose(grove_heap *heap, const char *kind, uint32_t index, uint32_t gen,
                            uint32_t owner, uint32_t count, const struct grove__root_entry *entries,
                            bool manual)
{
    struct grove__root_table *t = grove__table(heap);
    if (owner == 0)
        return grove_fail(heap, GROVE_E_BAD_HANDLE, "%s handle is zero (never initialised, or "
                                                    "returned by a failed call)", kind);
    if (owner != t->heap_id)
        return grove_fail(heap, GROVE_E_FOREIGN_HANDLE,
                          "%s handle belongs to heap #%u, used with heap #%u", kind, owner,
                          t->heap_id);
    if (manual && index >= count)
        return grove_fail(heap, GROVE_E_BAD_HANDLE,
                          "%s handle index %u is beyond the table (%u entries): forged", kind,
                          index, count);
    if (!manual && (index >= count || entries[index].gen != gen)) {
        /* Generations only grow and the table never shrinks. */
        if (gen == 0 || gen > t->lifo_gen || index >= t->lifo_cap)
            return grove_fail(heap, GROVE_E_BAD_HANDLE,
                              "%s handle index %u, generation %u was never issued: forged",
                              kind, index, gen);
        return grove_fail(heap, GROVE_E_STALE_HANDLE,
                          "%s handle (index %u, generation %u) used after its scope exited",
                          kind, index, gen);
    }
    if (manual && entries[index].gen != gen) {
        if (!(gen & 1) || gen > entries[index].gen)
            return grove_fail(heap, GROVE_E_BAD_HANDLE,
                              "%s handle (index %u, generation %u) was never issued: forged",
                              kind, index, gen);
        return grove_fail(heap, GROVE_E_STALE_HANDLE,
                          "%s handle (index %u, generation %u) used after it was unrooted", kind,
                          index, gen);
    }
    return GROVE_OK;
}

static grove_error check_rooted(grove_heap *heap, grove_rooted r)
{
    struct grove__root_table *t = grove__table(heap);
    return diagnose(heap, "grove_rooted", r.index, r.gen, r.heap, t->lifo_top, t->lifo, false);
}

static grove_error check_manual(grove_heap *heap, grove_manual m)
{
    struct grove__root_table *t = grove__table(heap);
    return diagnose(heap, "grove_manual", m.index, m.gen, m.heap, t->manual_count, t->manual,
                    true);
}

/* Report through the handler an error diagnose() already recorded (copied
 * first: grove_misuse rewrites the heap's message buffer). */
static void report(grove_heap *heap, grove_error code)
{
    char message[sizeof ((grove_error_info *)0)->message];
    snprintf(message, sizeof message, "%s", grove_last_error_message(heap));
    grove_misuse(heap, code, "%s", message);
}

/* ---- scopes --------------------------------------------------------------- */

void grove__grow_scope_records(grove_heap *heap)
{
    struct grove__root_table *t = grove__table(heap);
    t->scopes = grove_roots_grow_scope_records(t->scopes, &t->scope_cap, sizeof *t->scopes);
}

grove_error grove_scope_try_exit(grove_heap *heap, grove_scope s)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__scope_is_open(t, s)) {
        grove__scope_close(t, s); /* closes inner scopes left open by a longjmp too */
        return GROVE_OK;
    }
    if (s.heap != t->heap_id)
        return grove_fail(heap, GROVE_E_BAD_SCOPE, "scope of heap #%u exited on heap #%u", s.heap,
                          t->heap_id);
    if (s.depth == 0 || s.depth > t->depth)
        return grove_fail(heap, GROVE_E_BAD_SCOPE,
                          "scope at depth %u exited, but only %u scopes are open (exited twice, "
                          "or after an outer scope)",
                          s.depth, t->depth);
    return grove_fail(heap, GROVE_E_BAD_SCOPE,
                      "scope at depth %u, generation %u exited, but the scope open at that "
                      "depth is a later one (generation %u): this scope was closed already, by "
                      "its exit or an outer scope's",
                      s.depth, s.gen, t->scopes[s.depth - 1].gen);
}

void grove__scope_exit_slow(grove_heap *heap, grove_scope s)
{
    grove_error e = grove_scope_try_exit(heap, s);
    if (e != GROVE_OK)
        report(heap, e);
}

uint32_t grove_scope_depth(grove_heap *heap)
{
    return grove__table(heap)->depth;
}

/* ---- scoped roots ----------------------------------------------------------- */

grove_rooted grove__root_slow(grove_heap *heap, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    grove_rooted none = {0, 0, 0};
    if (t->collecting) {
        grove_misuse(heap, GROVE_E_IN_GC, "grove_root during a collection (from a root visitor "
                                          "or a trace callback): the root would not be updated");
        return none;
    }
    if (t->depth == 0) {
        grove_misuse(heap, GROVE_E_NO_SCOPE, "grove_root with no scope open");
        return none;
    }
    if (!grow(heap, &t->lifo, &t->lifo_cap))
        return none;
    t->open_limit = t->lifo_limit = t->lifo_cap;
    return grove_root(heap, object);
}

void *grove__rooted_get_slow(grove_heap *heap, grove_rooted r)
{
    report(heap, check_rooted(heap, r));
    return NULL;
}

void grove__rooted_set_slow(grove_heap *heap, grove_rooted r, void *object)
{
    (void)object;
    report(heap, check_rooted(heap, r));
}

/* After a check: read the entry into *out, or (out == NULL) store object. */
static grove_error access_entry(grove_error check, struct grove__root_entry *entries,
                                uint32_t index, void **out, void *object)
{
    if (check != GROVE_OK)
        return check;
    if (out)
        *out = entries[index].ptr;
    else
        entries[index].ptr = object;
    return GROVE_OK;
}

grove_error grove_rooted_try_get(grove_heap *heap, grove_rooted r, void **out)
{
    return access_entry(check_rooted(heap, r), grove__table(heap)->lifo, r.index, out, NULL);
}

grove_error grove_rooted_try_set(grove_heap *heap, grove_rooted r, void *object)
{
    return access_entry(check_rooted(heap, r), grove__table(heap)->lifo, r.index, NULL, object);
}

/* ---- manual roots ------------------------------------------------------------- */

grove_manual grove_manual_root(grove_heap *heap, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    if (t->collecting) {
        grove_misuse(heap, GROVE_E_IN_GC, "grove_manual_root during a collection (from a root "
                                          "visitor or a trace callback): the root would not be "
                                          "updated");
        grove_manual none = {0, 0, 0};
        return none;
    }
    uint32_t i = t->manual_free;
    if (i != NO_FREE) {
        t->manual_free = t->manual[i].next_free;
    } else {
        if (t->manual_count == t->manual_cap && !grow(heap, &t->manual, &t->manual_cap)) {
            grove_manual none = {0, 0, 0};
            return none;
        }
        i = t->manual_count++;
        t->manual[i].gen = 0;
    }
    struct grove__root_entry *e = &t->manual[i];
    e->gen++; /* now odd: in use */
    e->ptr = object;
    t->manual_live++;
    grove_manual m = {i, e->gen, t->heap_id};
    return m;
}

void *grove__manual_get_slow(grove_heap *heap, grove_manual m)
{
    report(heap, check_manual(heap, m));
    return NULL;
}

grove_error grove_manual_try_get(grove_heap *heap, grove_manual m, void **out)
{
    return access_entry(check_manual(heap, m), grove__table(heap)->manual, m.index, out, NULL);
}

grove_error grove_manual_try_set(grove_heap *heap, grove_manual m, void *object)
{
    return access_entry(check_manual(heap, m), grove__table(heap)->manual, m.index, NULL, object);
}

void grove_manual_set(grove_heap *heap, grove_manual m, void *object)
{
    grove_error e = grove_manual_try_set(heap, m, object);
    if (e != GROVE_OK)
        report(heap, e);
}

grove_error grove_manual_try_unroot(grove_heap *heap, grove_manual m)
{
    struct grove__root_table *t = grove__table(heap);
    grove_error e = check_manual(heap, m);
    if (e == GROVE_E_STALE_HANDLE)
        return grove_fail(heap, GROVE_E_DOUBLE_UNROOT,
                          "grove_manual handle (index %u, generation %u) unrooted twice", m.index,
                          m.gen);
    if (e != GROVE_OK)
        return e;
    struct grove__root_entry *entry = &t->manual[m.index];
    entry->gen++; /* now even: free */
    entry->ptr = NULL;
    entry->next_free = t->manual_free;
    t->manual_free = m.index;
    t->manual_live--;
    return GROVE_OK;
}

void grove_manual_unroot(grove_heap *heap, grove_manual m)
{
    grove_error e = grove_manual_try_unroot(heap, m);
    if (e != GROVE_OK)
        report(heap, e);
}

uint32_t grove_manual_count(grove_heap *heap)
{
    return grove__table(heap)->manual_live;
}
