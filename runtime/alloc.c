/* alloc.c — the allocation slow path: checks, zeal, nursery refills, large
 * objects, and objects born pinned in old space. What to collect when memory
 * runs short is policy.c's. */
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "heap.h"
#include "object.h"
#include "policy.h"

/* The machine's RAM; SIZE_MAX if the system does not say. */
static size_t physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0 || (unsigned long)pages > SIZE_MAX / (unsigned long)page)
        return SIZE_MAX;
    return (size_t)pages * (size_t)page;
}

static void *alloc_large(grove_heap *heap, grove_type_id type, size_t bytes)
{
    size_t footprint = grove_large_footprint(&heap->large, bytes);
    /* With overcommit the system would "give" such an object and kill the
     * process when it is touched (zeroing it does). No heap limit is no
     * licence for that: one object larger than the machine is refused. */
    size_t ram = physical_memory();
    if (footprint > ram) {
        grove_fail(heap, GROVE_E_OOM,
                   "out of memory: a %zu-byte object is larger than this machine's %zu bytes "
                   "of physical memory",
                   bytes, ram);
        return NULL;
    }
    if (!grove_policy_room_for_old(heap, footprint)) {
        grove_fail(heap, GROVE_E_OOM,
                   "heap limit reached: a %zu-byte object does not fit (heap holds %zu of "
                   "%zu bytes after a full collection)",
                   bytes, grove_heap_bytes(heap), heap->config.max_heap_size);
        return NULL;
    }
    void *object = grove_large_alloc(&heap->large, type, bytes);
    if (!object) {
        grove_fail(heap, GROVE_E_OOM, "out of memory: the system refused %zu bytes", bytes);
        return NULL;
    }
    *grove__header(object) = grove_carded_header(heap->types.info, *grove__header(object));
    grove_marking_allocated(heap, object);
    heap->stats.counters.bytes_large += bytes;
    heap->stats.counters.bytes_allocated += bytes;
    grove_stats_note_heap_size(heap);
    return object;
}

/* What every allocation checks first; false if it must fail. */
static bool allocation_allowed(grove_heap *heap, grove_type_id type, size_t size)
{
    if (heap->in_gc) {
        grove_misuse(heap, GROVE_E_IN_GC,
                     "allocation during a collection (from a trace callback, root visitor or "
                     "event listener)");
        return false;
    }
    if (grove_cleanup_refuses(heap, "allocation"))
        return false;
    if (type >= heap->fast.type_count) {
        grove_misuse(heap, GROVE_E_BAD_TYPE, "allocation of unknown type id %u (%u registered)",
                     type, heap->fast.type_count);
        return false;
    }
    if (size > (GROVE_MAX_OBJECT_WORDS - 1) * 8) {
        grove_fail(heap, GROVE_E_TOO_LARGE, "object of %zu bytes requested (type '%s'); at most %llu",
                   size, heap->types.info[type].name,
                   (unsigned long long)((GROVE_MAX_OBJECT_WORDS - 1) * 8));
        return false;
    }
    return true;
}

static void *alloc_slow(grove_heap *heap, grove_type_id type, size_t size)
{
    if (!allocation_allowed(heap, type, size))
        return NULL;
    if (heap->config.zeal_minor || heap->config.zeal_major || heap->config.zeal_slice)
        grove_policy_zeal_tick(heap);

    size_t bytes = grove__object_bytes(size);
    if (size > GROVE_MAX_SMALL_PAYLOAD)
        return alloc_large(heap, type, bytes);

    /* Refills are off the pauses: take a share of the lazy sweep there,
     * and of an incremental cycle's marking. */
    grove_old_sweep_some(&heap->old);
    grove_policy_allocation_slice(heap);
    uint64_t *cell = grove_nursery_alloc_slow(&heap->nursery, bytes);
    if (!cell) {
        if (grove_policy_make_room(heap, GROVE_REASON_NURSERY_FULL) != GROVE_OK) {
            grove_policy_fail_nursery_stays(heap);
            return NULL;
        }
        cell = grove_nursery_alloc_slow(&heap->nursery, bytes);
    }
    *cell = grove_make_header(type, bytes / 8);
    return cell + 1;
}

/* Bytes of new blocks one more cell for `bytes` would take now. */
static size_t one_cell_growth(const grove_heap *heap, size_t bytes)
{
    size_t cells[GROVE_SIZE_CLASSES] = {0};
    cells[grove_size_class_of(&heap->old, bytes)] = 1;
    return grove_old_growth_needed(&heap->old, cells);
}

/* A small object born in old space, zeroed. */
static void *alloc_old(grove_heap *heap, grove_type_id type, size_t bytes)
{
    /* Asked again after the policy's collection: the nursery it evacuated
     * may have taken the free cell counted on before. */
    if (!grove_policy_room_for_old(heap, one_cell_growth(heap, bytes)) ||
        grove_heap_over_limit(heap, one_cell_growth(heap, bytes))) {
        grove_fail(heap, GROVE_E_OOM,
                   "heap limit reached: no old-space room for a %zu-byte pinned object (heap "
                   "holds %zu of %zu bytes after a full collection)",
                   bytes, grove_heap_bytes(heap), heap->config.max_heap_size);
        return NULL;
    }
    uint64_t *cell = grove_old_alloc(&heap->old, bytes);
    memset(cell, 0, bytes);
    *cell = grove_carded_header(heap->types.info, grove_make_header(type, bytes / 8));
    grove_marking_allocated(heap, cell + 1);
    heap->stats.counters.bytes_promoted += bytes;
    heap->stats.counters.bytes_allocated += bytes;
    grove_stats_note_heap_size(heap);
    return cell + 1;
}

static void *alloc_pinned(grove_heap *heap, grove_type_id type, size_t size)
{
    if (!allocation_allowed(heap, type, size))
        return NULL;
    size_t bytes = grove__object_bytes(size);
    void *object = size > GROVE_MAX_SMALL_PAYLOAD ? alloc_large(heap, type, bytes)
                                                  : alloc_old(heap, type, bytes);
    return object && grove_pins_add(heap, object) ? object : NULL;
}

void *grove_alloc_pinned(grove_heap *heap, grove_type_id type, size_t size)
{
    if (!grove_heap_claim(heap))
        return NULL;
    void *object = alloc_pinned(heap, type, size);
    grove_heap_release(heap);
    return object;
}

void *grove__alloc_slow(grove_heap *heap, grove_type_id type, size_t size)
{
    if (!grove_heap_claim(heap))
        return NULL;
    void *object = alloc_slow(heap, type, size);
    grove_heap_release(heap);
    return object;
}
