/* root_visitors.h — the embedder's root visitors, and the root phase's
 * walk over every root. */
#ifndef GROVE_ROOT_VISITORS_H
#define GROVE_ROOT_VISITORS_H

#include <grove/grove.h>

typedef struct grove_root_visitor_entry {
    grove_root_visitor visit;
    void *data;
} grove_root_visitor_entry;

typedef struct grove_root_visitors {
    grove_root_visitor_entry *entries;
    size_t count;
    size_t cap;
} grove_root_visitors;

void grove_root_visitors_free(grove_root_visitors *v);

/* Offer every root to the tracer: the backend's table or lists, then the
 * embedder's visitors in registration order. Returns the number of root
 * slots offered. */
size_t grove_visit_roots(grove_heap *heap, grove_tracer *tracer);

#endif
