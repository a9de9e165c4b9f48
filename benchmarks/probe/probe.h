/* probe.h — out-of-line wrappers of the inline fast paths (see probe.c). */
#ifndef GROVE_BENCH_PROBE_H
#define GROVE_BENCH_PROBE_H

#include <grove/roots.h>

#define PROBE_CLOBBER() __asm__ volatile("" : : : "memory")

#if GROVE_ROOTING_INDEXED
typedef grove_rooted probe_local;
#define PROBE_LOCAL_ARG(l) (l) /* a handle, by value */
#define PROBE_LOCAL_PARAM probe_local
#else
/* The node GROVE_LOCAL declares for one pointer. */
typedef struct probe_local {
    grove_root_link link;
    void *ptr;
} probe_local;
#define PROBE_LOCAL_ARG(l) (&(l)) /* the node, by address */
#define PROBE_LOCAL_PARAM probe_local *
#endif

void *probe_alloc(grove_heap *h);
void *probe_alloc_uninit(grove_heap *h);
void probe_barrier(grove_heap *h, void *obj, void *value);
void probe_write(grove_heap *h, void **obj, void *value);
void *probe_root_get(grove_heap *h, PROBE_LOCAL_PARAM local);
void probe_root_set(grove_heap *h, PROBE_LOCAL_PARAM local, void *value);
void *probe_persistent_get(grove_heap *h, const grove_persistent *p);
void probe_scope1(grove_heap *h, void *obj);

#endif
