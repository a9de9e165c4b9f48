/* root_lists.c — the intrusive backend: the collector's walk over the stack
 * list and the persistent list, and the checks' slow paths. Linking and
 * unlinking are inline in grove/roots_intrusive.h.
 *
 * With GROVE_ROOT_CHECKS the backend keeps, beside the lists, what tells in
 * O(1) whether a node is linked without reading the node (whose fields may
 * be uninitialised): the stack nodes by position (`linked`) and two indexes
 * by address, open addressing with linear probing. */
#include <grove/roots_intrusive.h>
#include <stdlib.h>
#include <string.h>

#include "roots_backend.h"

bool grove_roots_init(grove_heap *heap)
{
    struct grove__root_lists *l = calloc(1, sizeof *l);
    if (!l)
        return false;
    l->sentinel.next = l->sentinel.prev = &l->sentinel;
    grove__fast(heap)->roots = l;
    return true;
}

void grove_roots_destroy(grove_heap *heap)
{
    struct grove__root_lists *l = grove__lists(heap);
    free(l->scope_gens);
    free(l->linked);
    free(l->stack_index);
    free(l->persistent_index);
    free(l);
    grove__fast(heap)->roots = NULL;
}

void grove_roots_collecting(grove_heap *heap, bool collecting)
{
    grove__lists(heap)->collecting = collecting;
}

size_t grove_roots_visit(grove_heap *heap, grove_tracer *tracer)
{
    struct grove__root_lists *l = grove__lists(heap);
    size_t n = 0;
    for (grove_root_link *link = l->head; link; link = link->prev) {
        void **slots = (void **)(link + 1);
        for (size_t i = 0; i < link->count; i++)
            grove_trace_root(tracer, &slots[i]);
        n += link->count;
    }
    for (grove_persistent_node *p = l->sentinel.next; p != &l->sentinel; p = p->next)
        grove_trace_root(tracer, &p->ptr);
    return n + l->persistent_count;
}

#if GROVE_ROOT_CHECKS

/* ---- the checks' tables ------------------------------------------------ */

/* Where a stack node was linked. Entries are never deleted: one is live
 * while the node at its position is still its node, so pops and scope exits
 * (which only lower `depth`) leave the index alone. An address has at most
 * one entry, so a lookup stops at it: a node pushed again (a local in a
 * loop, a frame called again) finds its own dead entry at once. */
struct grove__linked_slot {
    grove_root_link *node; /* NULL: never used since the last rebuild */
    size_t pos;
};

static size_t home_slot(const void *node, size_t cap)
{
    uint64_t h = (uint64_t)((uintptr_t)node >> 3) * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h ^ (h >> 32)) & (cap - 1);
}

/* Fatal on failure, as grove_scope_enter's records: a push has no way to
 * report it, and the checks need the entry. */
static void *grow_table(void *table, size_t *cap, size_t entry_size, const char *what)
{
    size_t n = *cap ? *cap * 2 : 64;
    void *grown = n > *cap ? realloc(table, n * entry_size) : NULL;
    if (!grown)
        grove_fatal("out of memory recording %s", what);
    *cap = n;
    return grown;
}

static bool stack_slot_live(const struct grove__root_lists *l, const struct grove__linked_slot *s)
{
    return s->pos < l->depth && l->linked[s->pos] == s->node;
}

/* Drop the dead entries (sizing the index for four times the live nodes),
 * so probes stay short and a rebuild comes only after as many pushes. */
static void rebuild_stack_index(struct grove__root_lists *l)
{
    size_t cap = 64;
    while (cap < 4 * (l->depth + 1))
        cap *= 2;
    free(l->stack_index);
    l->stack_index = calloc(cap, sizeof *l->stack_index);
    if (!l->stack_index)
        grove_fatal("out of memory indexing %zu stack roots", l->depth);
    l->stack_index_cap = cap;
    l->stack_index_used = l->depth;
    for (size_t pos = 0; pos < l->depth; pos++) {
        size_t i = home_slot(l->linked[pos], cap);
        while (l->stack_index[i].node)
            i = (i + 1) & (cap - 1);
        l->stack_index[i] = (struct grove__linked_slot){l->linked[pos], pos};
    }
}

/* Record @p link at the top of the stack, unless it is linked already:
 * returns the position it is linked at then, else SIZE_MAX. */
static size_t record_stack_node(struct grove__root_lists *l, grove_root_link *link)
{
    if (l->depth == l->linked_cap)
        l->linked = grow_table(l->linked, &l->linked_cap, sizeof *l->linked, "stack roots");
    if (2 * (l->stack_index_used + 1) > l->stack_index_cap)
        rebuild_stack_index(l);
    size_t mask = l->stack_index_cap - 1, reuse = SIZE_MAX, i = home_slot(link, mask + 1);
    for (; l->stack_index[i].node; i = (i + 1) & mask) {
        struct grove__linked_slot *s = &l->stack_index[i];
        if (s->node == link) {
            if (stack_slot_live(l, s))
                return s->pos;
            reuse = i; /* its own entry: no other can follow */
            break;
        }
        if (reuse == SIZE_MAX && !stack_slot_live(l, s))
            reuse = i;
    }
    if (reuse == SIZE_MAX) {
        reuse = i;
        l->stack_index_used++;
    }
    l->stack_index[reuse] = (struct grove__linked_slot){link, l->depth};
    l->linked[l->depth] = link;
    return SIZE_MAX;
}

/* The linked persistent nodes: a set, with deletion (backward shift). */
static size_t find_persistent(const struct grove__root_lists *l, const grove_persistent_node *node)
{
    if (!l->persistent_index_cap)
        return SIZE_MAX;
    size_t mask = l->persistent_index_cap - 1;
    for (size_t i = home_slot(node, mask + 1); l->persistent_index[i]; i = (i + 1) & mask)
        if (l->persistent_index[i] == node)
            return i;
    return SIZE_MAX;
}

static void insert_persistent(struct grove__root_lists *l, grove_persistent_node *node)
{
    if (2 * (l->persistent_index_used + 1) > l->persistent_index_cap) {
        grove_persistent_node **old = l->persistent_index;
        size_t old_cap = l->persistent_index_cap, cap = old_cap ? old_cap * 2 : 64;
        l->persistent_index = calloc(cap, sizeof *l->persistent_index);
        if (!l->persistent_index)
            grove_fatal("out of memory indexing %zu persistent roots", old_cap);
        l->persistent_index_cap = cap;
        l->persistent_index_used = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                insert_persistent(l, old[i]);
        free(old);
    }
    size_t mask = l->persistent_index_cap - 1, i = home_slot(node, mask + 1);
    while (l->persistent_index[i])
        i = (i + 1) & mask;
    l->persistent_index[i] = node;
    l->persistent_index_used++;
}

static void erase_persistent(struct grove__root_lists *l, size_t i)
{
    grove_persistent_node **t = l->persistent_index;
    size_t mask = l->persistent_index_cap - 1;
    for (size_t j = (i + 1) & mask; t[j]; j = (j + 1) & mask) {
        /* t[j] may fill the hole if the hole lies between its home and j. */
        size_t home = home_slot(t[j], mask + 1);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            t[i] = t[j];
            i = j;
        }
    }
    t[i] = NULL;
    l->persistent_index_used--;
}

/* ---- the checks' slow paths ------------------------------------------------ */

void grove__grow_scope_records(grove_heap *heap)
{
    struct grove__root_lists *l = grove__lists(heap);
    l->scope_gens = grove_roots_grow_scope_records(l->scope_gens, &l->scope_cap,
                                                    sizeof *l->scope_gens);
}

void grove__report_bad_scope(grove_heap *heap, grove_scope scope)
{
    struct grove__root_lists *l = grove__lists(heap);
    if (scope.heap != heap)
        grove_misuse(heap, GROVE_E_BAD_SCOPE, "scope of another heap exited on this heap");
    else if (scope.level == 0 || scope.level > l->open)
        grove_misuse(heap, GROVE_E_BAD_SCOPE,
                     "scope exit: the scope at level %u is not open (%u scopes are): exited "
                     "twice, or after an outer scope",
                     scope.level, l->open);
    else if (l->scope_gens[scope.level - 1] != scope.gen)
        grove_misuse(heap, GROVE_E_BAD_SCOPE,
                     "scope exit: the scope open at level %u is a later one (entered after %u "
                     "scope exits, this one after %u): this scope was closed already, by its "
                     "exit or an outer scope's",
                     scope.level, l->scope_gens[scope.level - 1], scope.gen);
    else
        grove_misuse(heap, GROVE_E_BAD_SCOPE,
                     "scope exit: the scope's saved head is no longer on the root list (%zu "
                     "nodes at its entry, %zu now): a node linked before the scope was popped "
                     "inside it",
                     scope.depth, l->depth);
}

bool grove__check_push(grove_heap *heap, grove_root_link *link, bool local)
{
    struct grove__root_lists *l = grove__lists(heap);
    if (l->collecting) {
        grove_misuse(heap, GROVE_E_IN_GC,
                     "stack root %p pushed during a collection (from a root visitor or a trace "
                     "callback): the collector would not update it",
                     (void *)link);
        return false;
    }
    if (local && l->open == 0) {
        grove_misuse(heap, GROVE_E_NO_SCOPE,
                     "rooted local %p declared with no scope open: nothing would unlink it "
                     "before its frame is gone (open a grove_scope, or use GROVE_ROOTED_AUTO "
                     "or grove_root_push and grove_root_pop)",
                     (void *)link);
        return false;
    }
    size_t pos = record_stack_node(l, link);
    if (pos != SIZE_MAX) {
        grove_misuse(heap, GROVE_E_ROOT_ORDER,
                     "stack root %p pushed while already linked (%zu nodes below the top): a "
                     "rooted local declared in a loop body needs a scope around it",
                     (void *)link, l->depth - 1 - pos);
        return false;
    }
    return true;
}

bool grove__check_persistent_add(grove_heap *heap, grove_persistent_node *node, bool zeroed)
{
    struct grove__root_lists *l = grove__lists(heap);
    if (l->collecting || find_persistent(l, node) != SIZE_MAX ||
        (zeroed && node->next != NULL)) {
        grove__report_bad_add(heap, node);
        return false;
    }
    insert_persistent(l, node);
    return true;
}

bool grove__check_persistent_remove(grove_heap *heap, grove_persistent_node *node)
{
    struct grove__root_lists *l = grove__lists(heap);
    size_t i = find_persistent(l, node);
    if (i == SIZE_MAX) {
        grove_misuse(heap, GROVE_E_BAD_NODE,
                     "persistent node %p says it is linked, but no node was added at this "
                     "address: it was moved or copied while linked",
                     (void *)node);
        return false;
    }
    erase_persistent(l, i);
    return true;
}

#endif /* GROVE_ROOT_CHECKS */

/* ---- reports of every build ------------------------------------------------ */

void grove__report_root_order(grove_heap *heap, grove_root_link *link)
{
    grove_misuse(heap, GROVE_E_ROOT_ORDER,
                 "stack root %p unlinked out of LIFO order (the most recent root is %p)",
                 (void *)link, (void *)grove__lists(heap)->head);
}

void grove__report_bad_add(grove_heap *heap, grove_persistent_node *node)
{
    if (grove__lists(heap)->collecting)
        grove_misuse(heap, GROVE_E_IN_GC,
                     "persistent node %p added during a collection (from a root visitor or a "
                     "trace callback): the collector would not update it",
                     (void *)node);
    else if (node->heap == heap)
        grove_misuse(heap, GROVE_E_BAD_NODE,
                     "persistent node %p added while already linked to this heap",
                     (void *)node);
    else
        grove_misuse(heap, GROVE_E_BAD_NODE,
                     "persistent node %p added while already linked, to another heap or one "
                     "since destroyed (remove it first, or zero it if its heap is gone)",
                     (void *)node);
}

void grove__report_bad_node(grove_heap *heap, grove_persistent_node *node)
{
    if (node->heap && node->heap != heap)
        grove_misuse(heap, GROVE_E_BAD_NODE,
                     "persistent node %p belongs to another heap (or to one since destroyed)",
                     (void *)node);
    else if (node->heap && node->heap_id != grove__fast(heap)->heap_id)
        grove_misuse(heap, GROVE_E_BAD_NODE,
                     "persistent node %p was added to heap #%u, which no longer exists: this "
                     "heap (#%u) only has its address",
                     (void *)node, node->heap_id, grove__fast(heap)->heap_id);
    else
        grove_misuse(heap, GROVE_E_BAD_NODE,
                     "persistent node %p removed but not linked (removed twice, or never added)",
                     (void *)node);
}

size_t grove_stack_root_nodes(grove_heap *heap)
{
    size_t n = 0;
    for (grove_root_link *link = grove__lists(heap)->head; link; link = link->prev)
        n++;
    return n;
}

size_t grove_persistent_count(grove_heap *heap)
{
    return grove__lists(heap)->persistent_count;
}
