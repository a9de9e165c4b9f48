/* heap.c — heap lifecycle, configuration, the allocation slow path and the
 * policy that decides when to collect. */
#include "heap.h"

#include <strings.h> /* ffs, used by jemalloc's MALLOCX_ALIGN */
#include <jemalloc/jemalloc.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "errors.h"
#include "object.h"
#include "roots_backend.h"

#define MIN_NURSERY ((size_t)64 * 1024)
#define MAX_NURSERY ((size_t)1 << 36)

/* Heap ids start at 1: a zeroed handle never names a heap. */
static atomic_uint_least32_t next_heap_id = 1;

void grove_config_init(grove_config *config)
{
    *config = (grove_config){
        .nursery_size = (size_t)4 << 20,
        .max_heap_size = SIZE_MAX,
        .growth_factor = 2.0,
        .major_min_bytes = (size_t)16 << 20,
    };
}

static bool check_config(const grove_config *c, grove_error_info *error)
{
    if (c->nursery_size < MIN_NURSERY || c->nursery_size > MAX_NURSERY) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "nursery_size %zu is outside [%zu, %zu] bytes", c->nursery_size,
                             MIN_NURSERY, MAX_NURSERY);
        return false;
    }
    if (c->max_heap_size < c->nursery_size) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "max_heap_size %zu is smaller than nursery_size %zu",
                             c->max_heap_size, c->nursery_size);
        return false;
    }
    if (!(c->growth_factor > 1.0) || !isfinite(c->growth_factor)) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "growth_factor %g must be a finite number above 1.0",
                             c->growth_factor);
        return false;
    }
    if (c->debug & ~(unsigned)(GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON)) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG, "unknown debug flags 0x%x", c->debug);
        return false;
    }
    return true;
}

/* GROVE_DEBUG="verify,poison,zeal-minor=N,zeal-major=M" adds to the config. */
static bool apply_debug_env(grove_config *c, grove_error_info *error)
{
    const char *env = getenv("GROVE_DEBUG");
    if (!env || !*env)
        return true;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", env);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        unsigned n;
        if (strcmp(tok, "verify") == 0)
            c->debug |= GROVE_DEBUG_VERIFY;
        else if (strcmp(tok, "poison") == 0)
            c->debug |= GROVE_DEBUG_POISON;
        else if (sscanf(tok, "zeal-minor=%u", &n) == 1)
            c->zeal_minor = n;
        else if (sscanf(tok, "zeal-major=%u", &n) == 1)
            c->zeal_major = n;
        else {
            grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                                 "GROVE_DEBUG: unknown setting '%s' (expected verify, poison, "
                                 "zeal-minor=N, zeal-major=M)",
                                 tok);
            return false;
        }
    }
    return true;
}

grove_heap *grove_heap_create(const grove_config *config, grove_error_info *error)
{
    grove_config c;
    if (config)
        c = *config;
    else
        grove_config_init(&c);
    if (!apply_debug_env(&c, error) || !check_config(&c, error))
        return NULL;

    grove_heap *heap = calloc(1, sizeof *heap);
    if (!heap) {
        grove_error_info_set(error, GROVE_E_OOM, "out of memory allocating the heap");
        return NULL;
    }
    heap->config = c;
    heap->fast.heap_id = (uint32_t)atomic_fetch_add(&next_heap_id, 1);
    heap->major_threshold = c.major_min_bytes;
    grove_old_space_init(&heap->old);
    if (!grove_arena_acquire(&heap->arena)) {
        free(heap);
        grove_error_info_set(error, GROVE_E_OOM, "jemalloc could not create an arena");
        return NULL;
    }
    heap->mallocx_flags = MALLOCX_ARENA(heap->arena) | MALLOCX_TCACHE_NONE;
    if (!grove_nursery_init(heap, c.nursery_size) || !grove_roots_init(heap)) {
        grove_heap_destroy(heap);
        grove_error_info_set(error, GROVE_E_OOM, "out of memory allocating a %zu-byte nursery",
                             c.nursery_size);
        return NULL;
    }
    grove_stats_note_heap_size(heap);
    grove_error_info_set(error, GROVE_OK, "%s", "");
    return heap;
}

void grove_heap_destroy(grove_heap *heap)
{
    if (!heap)
        return;
    if (heap->fast.roots)
        grove_roots_destroy(heap);
    grove_nursery_free(heap);
    grove_old_space_free(heap);
    grove_large_space_free(heap);
    grove_arena_release(heap->arena);
    grove_types_free(&heap->types);
    grove_vec_free(&heap->remembered.objects);
    grove_vec_free(&heap->gray);
    grove_vec_free(&heap->marked_young);
    grove_stats_free(&heap->stats);
    free(heap->visitors);
    free(heap);
}

size_t grove_heap_bytes(const grove_heap *heap)
{
    return heap->fast.nursery_size + grove_old_space_bytes(&heap->old) + heap->large.bytes;
}

bool grove_heap_over_limit(const grove_heap *heap, size_t extra)
{
    size_t now = grove_heap_bytes(heap);
    return extra > heap->config.max_heap_size || now > heap->config.max_heap_size - extra;
}

/* ---- collection policy ---------------------------------------------------- */

static bool major_due(const grove_heap *heap)
{
    return grove_old_space_bytes(&heap->old) + heap->large.bytes > heap->major_threshold;
}

/* Make the nursery empty: evacuate it if its survivors fit under the limit
 * (then collect everything if old space has outgrown its threshold), else
 * collect everything, which evacuates if they fit then. GROVE_E_OOM if the
 * nursery could not be evacuated. */
static grove_error collect(grove_heap *heap)
{
    if (!grove_minor_gc_fits(heap))
        return grove_major_gc(heap);
    grove_minor_gc(heap);
    if (major_due(heap))
        grove_major_gc(heap); /* the nursery is empty: nothing to promote */
    return GROVE_OK;
}

/* Zeal mode: count this allocation and collect on schedule. The nursery is
 * not full, so a collection that cannot evacuate it is no failure here. */
static void zeal_tick(grove_heap *heap)
{
    uint64_t n = ++heap->zeal_ticks;
    if (heap->config.zeal_major && n % heap->config.zeal_major == 0)
        grove_major_gc(heap);
    else if (heap->config.zeal_minor && n % heap->config.zeal_minor == 0)
        collect(heap);
}

static grove_error fail_nursery_stays(grove_heap *heap)
{
    return grove_fail(heap, GROVE_E_OOM,
                      "heap limit reached: the nursery's survivors do not fit in %zu bytes "
                      "(%zu held after a full collection)",
                      heap->config.max_heap_size, grove_heap_bytes(heap));
}

static void *alloc_large(grove_heap *heap, grove_type_id type, size_t bytes)
{
    size_t footprint = grove_large_footprint(heap, bytes);
    if (major_due(heap) || grove_heap_over_limit(heap, footprint)) {
        grove_major_gc(heap);
        if (grove_heap_over_limit(heap, footprint)) {
            grove_fail(heap, GROVE_E_OOM,
                       "heap limit reached: a %zu-byte object does not fit (heap holds %zu of "
                       "%zu bytes after a full collection)",
                       bytes, grove_heap_bytes(heap), heap->config.max_heap_size);
            return NULL;
        }
    }
    void *object = grove_large_alloc(heap, type, bytes);
    if (!object) {
        grove_fail(heap, GROVE_E_OOM, "out of memory: the system refused %zu bytes", bytes);
        return NULL;
    }
    heap->stats.counters.bytes_large += bytes;
    heap->stats.counters.bytes_allocated += bytes;
    return object;
}

void *grove__alloc_slow(grove_heap *heap, grove_type_id type, size_t size)
{
    if (heap->in_gc) {
        grove_misuse(heap, GROVE_E_IN_GC,
                     "allocation during a collection (from a trace callback or root visitor)");
        return NULL;
    }
    if (type >= heap->fast.type_count) {
        grove_misuse(heap, GROVE_E_BAD_TYPE, "allocation of unknown type id %u (%u registered)",
                     type, heap->fast.type_count);
        return NULL;
    }
    if (size > (GROVE_MAX_OBJECT_WORDS - 1) * 8) {
        grove_fail(heap, GROVE_E_TOO_LARGE, "object of %zu bytes requested (type '%s'); at most %llu",
                   size, heap->types.info[type].name,
                   (unsigned long long)((GROVE_MAX_OBJECT_WORDS - 1) * 8));
        return NULL;
    }
    if (heap->config.zeal_minor || heap->config.zeal_major)
        zeal_tick(heap);

    size_t bytes = grove__object_bytes(size);
    if (size > GROVE_MAX_SMALL_PAYLOAD)
        return alloc_large(heap, type, bytes);

    uint64_t *cell = grove_nursery_alloc_slow(heap, bytes);
    if (!cell) {
        if (collect(heap) != GROVE_OK) {
            fail_nursery_stays(heap);
            return NULL;
        }
        cell = grove_nursery_alloc_slow(heap, bytes);
    }
    *cell = grove_make_header(type, bytes / 8);
    return cell + 1;
}

/* ---- explicit collection and embedder roots ------------------------------ */

grove_error grove_collect_minor(grove_heap *heap)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "grove_collect_minor during a collection");
    return collect(heap) == GROVE_OK ? GROVE_OK : fail_nursery_stays(heap);
}

grove_error grove_collect_major(grove_heap *heap)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "grove_collect_major during a collection");
    return grove_major_gc(heap) == GROVE_OK ? GROVE_OK : fail_nursery_stays(heap);
}

grove_error grove_add_root_visitor(grove_heap *heap, grove_root_visitor visit, void *data)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "root visitor added during a collection");
    if (heap->visitor_count == heap->visitor_cap) {
        size_t cap = heap->visitor_cap ? heap->visitor_cap * 2 : 8;
        grove_root_visitor_entry *v = realloc(heap->visitors, cap * sizeof *v);
        if (!v)
            return grove_fail(heap, GROVE_E_OOM, "out of memory adding a root visitor");
        heap->visitors = v;
        heap->visitor_cap = cap;
    }
    heap->visitors[heap->visitor_count++] = (grove_root_visitor_entry){visit, data};
    return GROVE_OK;
}

grove_error grove_remove_root_visitor(grove_heap *heap, grove_root_visitor visit, void *data)
{
    if (heap->in_gc)
        return grove_misuse(heap, GROVE_E_IN_GC, "root visitor removed during a collection");
    for (size_t i = 0; i < heap->visitor_count; i++)
        if (heap->visitors[i].visit == visit && heap->visitors[i].data == data) {
            memmove(&heap->visitors[i], &heap->visitors[i + 1],
                    (heap->visitor_count - i - 1) * sizeof *heap->visitors);
            heap->visitor_count--;
            return GROVE_OK;
        }
    return grove_fail(heap, GROVE_E_NOT_FOUND, "no root visitor registered with that function "
                                               "and data");
}
