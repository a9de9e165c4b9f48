/* root_lists.c — the intrusive backend: the collector's walk over the stack
 * list and the persistent list, and the checks' slow paths. Linking and
 * unlinking are inline in grove/roots_intrusive.h. */
#include <grove/roots_intrusive.h>
#include <stdlib.h>

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
    free(grove__lists(heap)->scope_gens);
    free(grove__lists(heap));
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
#endif

void grove__report_root_order(grove_heap *heap, grove_root_link *link)
{
    grove_misuse(heap, GROVE_E_ROOT_ORDER,
                 "stack root %p unlinked out of LIFO order (the most recent root is %p)",
                 (void *)link, (void *)grove__lists(heap)->head);
}

void grove__report_root_twice(grove_heap *heap, grove_root_link *link)
{
    grove_misuse(heap, GROVE_E_ROOT_ORDER,
                 "stack root %p pushed while already on top of the list (a rooted local "
                 "declared in a loop body needs a scope around it)",
                 (void *)link);
}

void grove__report_bad_node(grove_heap *heap, grove_persistent_node *node)
{
    if (node->heap && node->heap != heap)
        grove_misuse(heap, GROVE_E_BAD_NODE, "persistent node %p belongs to another heap",
                     (void *)node);
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
