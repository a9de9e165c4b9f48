/* root_visitors.h — the embedder's root visitors, and the root phase's
 * walk over every root. */
#ifndef GROVE_ROOT_VISITORS_H
#define GROVE_ROOT_VISITORS_H

#include <grove/grove.h>

/* Offer every root to the tracer: the backend's table or lists, pins,
 * guardians' queues, then the embedder's visitors in registration order. Returns the number of root
 * slots offered. */
size_t grove_visit_roots(grove_heap *heap, grove_tracer *tracer);

#endif
