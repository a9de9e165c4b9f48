/* root_table.c — the indexed backend: a LIFO table for scoped roots and a
 * free-listed table for manual roots, both arrays the collector scans
 * linearly. The inline fast paths are in grove/roots_indexed.h; this file
 * holds growth, the slow paths that name the misuse, and the collector's
 * scan. Generations come from generations.c. */
#include <grove/roots_indexed.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generations.h"
#include "roots_backend.h"

#define ENTRY ((uint64_t)GROVE__ENTRY_WORDS)
#define MAX_ENTRIES ((uint64_t)1 << 31)
#define LIFO_INITIAL_ENTRIES 256
#define MANUAL_INITIAL_ENTRIES 256
/* Scope entry takes its slow path at most once every this many entries:
 * the slow path keeps at least this many scope records free. */
#define SCOPE_HEADROOM 256u

/* The spare entry after each table: a forged, odd offset below the end
 * reads into it, never past the allocation. Its pointer word, read as a
 * generation there, is one no handle carries. */
static void set_spare(union grove__root_word *spare)
{
    spare[0].gen = GROVE__NO_GEN;
    spare[1].gen = GROVE__NO_GEN;
}

/* Bytes of a table of `entries` entries and its spare one. */
static size_t table_bytes(uint64_t entries)
{
    return (size_t)(entries + 1) * ENTRY * sizeof(union grove__root_word);
}

#define RECORD ((uint64_t)sizeof(struct grove__scope_record))

/* Open scopes. */
static uint64_t depth(const struct grove__root_table *t)
{
    return t->record / RECORD;
}

/* gen_stop for the table as it is: the fast paths may hand out generations
 * up to the end of the range and open scopes up to the last record. */
static void set_gen_stop(struct grove__root_table *t)
{
    if (t->collecting) {
        t->gen_stop = 0;
        return;
    }
    const uint64_t range_left = grove_gens_range_end(t) - t->next_gen;
    const uint64_t records_left = t->scope_cap - 1u - depth(t);
    t->gen_stop = t->next_gen + (range_left < records_left ? range_left : records_left);
}

/* The limits the inline paths compare against, after the table changed
 * (O(1): a scope exit derives its limit from open_limit, so during a
 * collection every exit keeps grove_root on its slow path). */
static void set_limits(struct grove__root_table *t)
{
    t->open_limit = t->collecting ? 0 : t->lifo_words;
    t->lifo_limit = depth(t) ? t->open_limit : 0;
    set_gen_stop(t);
}

bool grove_roots_init(grove_heap *heap)
{
    struct grove__root_table *t = calloc(1, sizeof *t + table_bytes(LIFO_INITIAL_ENTRIES));
    if (!t)
        return false;
    t->heap_id = grove__fast(heap)->heap_id;
    t->lifo_words = LIFO_INITIAL_ENTRIES * ENTRY;
    set_spare(&t->lifo[t->lifo_words]);
    t->scope_gen = GROVE__NO_GEN;
    t->manual_free = GROVE__NO_SLOT;
    t->scope_cap = 2 * SCOPE_HEADROOM;
    t->scopes = malloc(t->scope_cap * sizeof *t->scopes);
    grove__fast(heap)->roots = t;
    if (!t->scopes || !grove_gens_take_range(t)) {
        grove_roots_destroy(heap);
        return false;
    }
    memset(&t->scopes[0], 0, sizeof t->scopes[0]);
    t->scopes[0].gen = GROVE__NO_GEN;
    set_limits(t);
    return true;
}

void grove_roots_destroy(grove_heap *heap)
{
    struct grove__root_table *t = grove__table(heap);
    grove_gens_destroy(t);
    free(t->scopes);
    free(t->manual);
    free(t);
    grove__fast(heap)->roots = NULL;
}

void grove_roots_collecting(grove_heap *heap, bool collecting)
{
    struct grove__root_table *t = grove__table(heap);
    t->collecting = collecting;
    set_limits(t);
}

size_t grove_roots_visit(grove_heap *heap, grove_tracer *tracer)
{
    struct grove__root_table *t = grove__table(heap);
    for (uint64_t off = 0; off < t->lifo_top; off += ENTRY)
        grove_trace_root(tracer, &t->lifo[off].ptr);
    for (uint64_t off = 0; off < t->manual_end; off += ENTRY)
        if (t->manual[off + 1].gen != GROVE__NO_GEN)
            grove_trace_root(tracer, &t->manual[off].ptr);
    return t->lifo_top / ENTRY + t->manual_live;
}

/* ---- growth ---------------------------------------------------------------- */

/* The entries a table of `entries` grows to, or 0 (recording GROVE_E_OOM)
 * if it is at the limit. */
static uint64_t grown_size(grove_heap *heap, uint64_t entries, uint64_t initial)
{
    if (entries >= MAX_ENTRIES) {
        grove_fail(heap, GROVE_E_OOM, "root table is full (%llu entries)",
                   (unsigned long long)entries);
        return 0;
    }
    return entries ? entries * 2 : initial;
}

static bool grow_lifo(grove_heap *heap)
{
    struct grove__root_table *t = grove__table(heap);
    const uint64_t n = grown_size(heap, t->lifo_words / ENTRY, LIFO_INITIAL_ENTRIES);
    if (!n)
        return false;
    struct grove__root_table *grown = realloc(t, sizeof *t + table_bytes(n));
    if (!grown) {
        grove_fail(heap, GROVE_E_OOM, "out of memory growing the root table to %llu entries",
                   (unsigned long long)n);
        return false;
    }
    grove__fast(heap)->roots = grown;
    grown->lifo_words = n * ENTRY;
    set_spare(&grown->lifo[grown->lifo_words]);
    set_limits(grown);
    return true;
}

/* Grow the manual table and put the new entries on the free list (which is
 * empty: the table grows only then). */
static bool grow_manual(grove_heap *heap)
{
    struct grove__root_table *t = grove__table(heap);
    const uint64_t old = t->manual_end / ENTRY;
    const uint64_t n = grown_size(heap, old, MANUAL_INITIAL_ENTRIES);
    if (!n)
        return false;
    union grove__root_word *e = realloc(t->manual, table_bytes(n));
    if (!e) {
        grove_fail(heap, GROVE_E_OOM,
                   "out of memory growing the manual root table to %llu entries",
                   (unsigned long long)n);
        return false;
    }
    for (uint64_t i = old; i < n; i++) {
        e[i * ENTRY].ptr = (void *)(uintptr_t)(i + 1 < n ? (i + 1) * ENTRY : GROVE__NO_SLOT);
        e[i * ENTRY + 1].gen = GROVE__NO_GEN;
    }
    set_spare(&e[n * ENTRY]);
    t->manual = e;
    t->manual_end = n * ENTRY;
    t->manual_free = old * ENTRY;
    return true;
}

/* Make next_gen < gen_stop hold again (unless collecting): a new range if
 * this one is used up, scope records to spare. Fatal on failure, as
 * grove_scope_enter has no way to report an error. */
static void refill_generations(struct grove__root_table *t)
{
    if (t->next_gen == grove_gens_range_end(t) && !grove_gens_take_range(t))
        grove_fatal("out of memory recording the heap's root generations");
    while (t->scope_cap - 1u - depth(t) < SCOPE_HEADROOM)
        t->scopes = grove_roots_grow_scope_records(t->scopes, &t->scope_cap, sizeof *t->scopes);
    set_gen_stop(t);
}

void grove__roots_indexed_skip_generations_for_test(grove_heap *heap, uint64_t n)
{
    struct grove__root_table *t = grove__table(heap);
    for (;;) {
        const uint64_t left = grove_gens_range_end(t) - t->next_gen;
        if (n < left)
            break;
        n -= left;
        if (!grove_gens_take_range(t))
            grove_fatal("out of memory recording the heap's root generations");
    }
    t->next_gen += n;
    set_gen_stop(t);
}

/* ---- diagnosing a handle ------------------------------------------------- */

/* Why a handle that failed its check fails it, as an error code and
 * message. `kind` names the handle type, `end` is the size of its table and
 * `died` says how a handle of this kind goes stale. */
static grove_error diagnose(grove_heap *heap, const char *kind, uint64_t offset, uint64_t gen,
                            uint64_t end, const char *died)
{
    struct grove__root_table *t = grove__table(heap);
    uint32_t owner = 0;
    if (gen == 0)
        return grove_fail(heap, GROVE_E_BAD_HANDLE, "%s handle is zero (never initialised, or "
                                                    "returned by a failed call)", kind);
    if (grove_gens_in_own_range(t, gen) ? gen >= t->next_gen
                                         : !grove_gens_issued_elsewhere(gen, &owner))
        return grove_fail(heap, GROVE_E_BAD_HANDLE,
                          "%s handle (generation %#llx) was never issued: forged", kind,
                          (unsigned long long)gen);
    if (!grove_gens_in_own_range(t, gen)) {
        if (owner)
            return grove_fail(heap, GROVE_E_FOREIGN_HANDLE,
                              "%s handle belongs to heap #%u, used with heap #%u", kind, owner,
                              t->heap_id);
        return grove_fail(heap, GROVE_E_FOREIGN_HANDLE,
                          "%s handle belongs to another heap, used with heap #%u", kind,
                          t->heap_id);
    }
    if (offset % ENTRY != 0 || offset >= end)
        return grove_fail(heap, GROVE_E_BAD_HANDLE,
                          "%s handle slot %llu is beyond the table (%llu entries): forged", kind,
                          (unsigned long long)(offset / ENTRY), (unsigned long long)(end / ENTRY));
    return grove_fail(heap, GROVE_E_STALE_HANDLE, "%s handle (slot %llu, generation %llu) used "
                                                  "after %s", kind,
                      (unsigned long long)(offset / ENTRY), grove_gens_number(t, gen), died);
}

static grove_error check_rooted(grove_heap *heap, grove_rooted r)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__rooted_ok(t, r))
        return GROVE_OK;
    return diagnose(heap, "grove_rooted", r.offset, r.gen, t->lifo_words, "its scope exited");
}

static grove_error check_manual(grove_heap *heap, grove_manual m)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__manual_ok(t, m))
        return GROVE_OK;
    return diagnose(heap, "grove_manual", m.offset, m.gen, t->manual_end, "it was unrooted");
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

void grove__scope_refill(grove_heap *heap)
{
    refill_generations(grove__table(heap));
}

grove_error grove_scope_try_exit(grove_heap *heap, grove_scope s)
{
    struct grove__root_table *t = grove__table(heap);
    if (grove__scope_is_open(t, s)) {
        grove__scope_close(t, s); /* closes inner scopes left open by a longjmp too */
        return GROVE_OK;
    }
    uint32_t owner = 0;
    if (s.gen == 0)
        return grove_fail(heap, GROVE_E_BAD_SCOPE, "scope is zero (never entered)");
    if (!grove_gens_in_own_range(t, s.gen)) {
        if (grove_gens_issued_elsewhere(s.gen, &owner) && owner)
            return grove_fail(heap, GROVE_E_BAD_SCOPE, "scope of heap #%u exited on heap #%u",
                              owner, t->heap_id);
        return grove_fail(heap, GROVE_E_BAD_SCOPE, "scope of another heap exited on heap #%u",
                          t->heap_id);
    }
    const unsigned long long at = s.record / RECORD;
    if (at != 0 && s.record % RECORD == 0 && s.record <= t->record &&
        grove__scope_record_at(t, s.record)->gen == s.gen)
        return grove_fail(heap, GROVE_E_BAD_SCOPE,
                          "scope at depth %llu exited with a table top (%llu) above the open "
                          "one's (%llu): forged",
                          at, (unsigned long long)s.top, (unsigned long long)t->lifo_top);
    if (at == 0 || s.record % RECORD != 0 || s.record > t->record)
        return grove_fail(heap, GROVE_E_BAD_SCOPE,
                          "scope at depth %llu exited, but only %llu scopes are open (exited "
                          "twice, or after an outer scope)",
                          at, (unsigned long long)depth(t));
    return grove_fail(heap, GROVE_E_BAD_SCOPE,
                      "scope at depth %llu, generation %llu exited, but the scope open at that "
                      "depth is a later one (generation %llu): this scope was closed already, by "
                      "its exit or an outer scope's",
                      at, grove_gens_number(t, s.gen),
                      grove_gens_number(t, grove__scope_record_at(t, s.record)->gen));
}

void grove__scope_exit_slow(grove_heap *heap, grove_scope s)
{
    grove_error e = grove_scope_try_exit(heap, s);
    if (e != GROVE_OK)
        report(heap, e);
}

uint32_t grove_scope_depth(grove_heap *heap)
{
    return (uint32_t)depth(grove__table(heap));
}

/* ---- scoped roots ----------------------------------------------------------- */

/* Whether a scoped root may be made now; if not, reports why. */
static bool may_root(grove_heap *heap, const char *what)
{
    struct grove__root_table *t = grove__table(heap);
    if (t->collecting) {
        grove_misuse(heap, GROVE_E_IN_GC, "%s during a collection (from a root visitor or a "
                                          "trace callback): the root would not be updated", what);
        return false;
    }
    if (t->record == 0) {
        grove_misuse(heap, GROVE_E_NO_SCOPE, "%s with no scope open", what);
        return false;
    }
    return true;
}

grove_rooted grove__root_slow(grove_heap *heap, void *object)
{
    grove_rooted none = {0, 0};
    if (!may_root(heap, "grove_root") || !grow_lifo(heap))
        return none;
    return grove_root(heap, object);
}

grove_rooted grove__root_n_slow(grove_heap *heap, uint32_t n)
{
    grove_rooted none = {0, 0};
    if (!may_root(heap, "grove_root_n"))
        return none;
    struct grove__root_table *t = grove__table(heap);
    if (n == 0) {
        grove_rooted empty = {t->lifo_top, t->scope_gen};
        return empty;
    }
    while (grove__table(heap)->lifo_top + n * ENTRY > grove__table(heap)->lifo_limit)
        if (!grow_lifo(heap))
            return none;
    return grove_root_n(heap, n);
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

/* After a check: read the entry at `offset` of `entries` into *out, or
 * (out == NULL) store object there. */
static grove_error access_entry(grove_error check, union grove__root_word *entries,
                                uint64_t offset, void **out, void *object)
{
    if (check != GROVE_OK)
        return check;
    if (out)
        *out = entries[offset].ptr;
    else
        entries[offset].ptr = object;
    return GROVE_OK;
}

grove_error grove_rooted_try_get(grove_heap *heap, grove_rooted r, void **out)
{
    grove_error e = check_rooted(heap, r);
    return access_entry(e, grove__table(heap)->lifo, r.offset, out, NULL);
}

grove_error grove_rooted_try_set(grove_heap *heap, grove_rooted r, void *object)
{
    grove_error e = check_rooted(heap, r);
    return access_entry(e, grove__table(heap)->lifo, r.offset, NULL, object);
}

/* ---- manual roots ------------------------------------------------------------- */

grove_manual grove__manual_root_slow(grove_heap *heap, void *object)
{
    struct grove__root_table *t = grove__table(heap);
    grove_manual none = {0, 0};
    if (t->collecting) {
        grove_misuse(heap, GROVE_E_IN_GC, "grove_manual_root during a collection (from a root "
                                          "visitor or a trace callback): the root would not be "
                                          "updated");
        return none;
    }
    if (t->manual_free == GROVE__NO_SLOT && !grow_manual(heap))
        return none;
    if (t->next_gen >= t->gen_stop)
        refill_generations(t);
    return grove_manual_root(heap, object);
}

void *grove__manual_get_slow(grove_heap *heap, grove_manual m)
{
    report(heap, check_manual(heap, m));
    return NULL;
}

void grove__manual_set_slow(grove_heap *heap, grove_manual m, void *object)
{
    (void)object;
    report(heap, check_manual(heap, m));
}

grove_error grove_manual_try_get(grove_heap *heap, grove_manual m, void **out)
{
    grove_error e = check_manual(heap, m);
    return access_entry(e, grove__table(heap)->manual, m.offset, out, NULL);
}

grove_error grove_manual_try_set(grove_heap *heap, grove_manual m, void *object)
{
    grove_error e = check_manual(heap, m);
    return access_entry(e, grove__table(heap)->manual, m.offset, NULL, object);
}

grove_error grove_manual_try_unroot(grove_heap *heap, grove_manual m)
{
    grove_error e = check_manual(heap, m);
    if (e == GROVE_E_STALE_HANDLE)
        return grove_fail(heap, GROVE_E_DOUBLE_UNROOT,
                          "grove_manual handle (slot %llu, generation %llu) unrooted twice",
                          (unsigned long long)(m.offset / ENTRY),
                          grove_gens_number(grove__table(heap), m.gen));
    if (e == GROVE_OK)
        grove_manual_unroot(heap, m); /* valid: the inline path unroots it */
    return e;
}

void grove__manual_unroot_slow(grove_heap *heap, grove_manual m)
{
    grove_error e = grove_manual_try_unroot(heap, m);
    if (e != GROVE_OK)
        report(heap, e);
}

uint32_t grove_manual_count(grove_heap *heap)
{
    return grove__table(heap)->manual_live;
}
