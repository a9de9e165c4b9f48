/*
 * peer_alloc.h — the allocator under a peer benchmark, chosen at compile
 * time: BENCH_PEER_MALLOC (the process's malloc/free: glibc, or jemalloc
 * when the executable links it, which replaces malloc) or BENCH_PEER_BDW
 * (Boehm-Demers-Weiser GC, default settings, no frees).
 *
 * peer_init() also checks that the allocator is the one the variant name
 * claims, and peer_report() adds its collector figures to the result line.
 */
#ifndef GROVE_PEER_ALLOC_H
#define GROVE_PEER_ALLOC_H

#include <stdlib.h>
#include <string.h>

#include "bench.h"

#if defined(BENCH_PEER_BDW)
#include <gc.h>
#define PEER_VARIANT "bdw"
#define PEER_FREES 0
#define PEER_ALLOC(size) GC_MALLOC(size)
#define PEER_ALLOC_ATOMIC(size) GC_MALLOC_ATOMIC(size)
#define PEER_FREE(p) ((void)(p))
#elif defined(BENCH_PEER_MALLOC)
#if defined(BENCH_PEER_JEMALLOC)
#include <jemalloc/jemalloc.h>
#define PEER_VARIANT "jemalloc"
#else
#define PEER_VARIANT "glibc"
#endif
#define PEER_FREES 1
#define PEER_ALLOC(size) malloc(size)
#define PEER_ALLOC_ATOMIC(size) malloc(size)
#define PEER_FREE(p) free(p)
#else
#error "define BENCH_PEER_MALLOC or BENCH_PEER_BDW"
#endif

void peer_init(void);
void peer_report(bench_json *j);

#endif /* GROVE_PEER_ALLOC_H */
