/* pins.c — the pin table and grove_pin / grove_unpin (identity.h). */
#include <stdlib.h>

#include "errors.h"
#include "heap.h"
#include "identity.h"
#include "invariant.h"
#include "policy.h"
#include "roots_backend.h"

static size_t home(const grove_pins *pins, const void *object)
{
    return (size_t)grove_hash_address((uintptr_t)object) & (pins->cap - 1);
}

static grove_pin_entry *find(const grove_pins *pins, const void *object)
{
    if (!pins->cap)
        return NULL;
    for (size_t i = home(pins, object);; i = (i + 1) & (pins->cap - 1)) {
        grove_pin_entry *e = &pins->entries[i];
        if (e->object == object)
            return e;
        if (!e->object)
            return NULL;
    }
}

static void insert(grove_pins *pins, void *object, uint32_t count)
{
    size_t i = home(pins, object);
    while (pins->entries[i].object)
        i = (i + 1) & (pins->cap - 1);
    pins->entries[i] = (grove_pin_entry){object, count};
    pins->count++;
}

/* Keep the table at most half full. */
static bool reserve_one(grove_pins *pins)
{
    if ((pins->count + 1) * 2 <= pins->cap)
        return true;
    size_t cap = pins->cap ? pins->cap * 2 : 16;
    grove_pin_entry *old = pins->entries, *fresh = calloc(cap, sizeof *fresh);
    if (!fresh)
        return false;
    size_t old_cap = pins->cap;
    pins->entries = fresh;
    pins->cap = cap;
    pins->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].object)
            insert(pins, old[i].object, old[i].count);
    free(old);
    return true;
}

/* Remove e, shifting later entries of the same probe run back into the gap. */
static void remove_entry(grove_pins *pins, grove_pin_entry *e)
{
    size_t mask = pins->cap - 1, gap = (size_t)(e - pins->entries);
    for (size_t i = (gap + 1) & mask; pins->entries[i].object; i = (i + 1) & mask) {
        size_t want = home(pins, pins->entries[i].object);
        /* Move it if its home is not in (gap, i], cyclically. */
        if (((i - want) & mask) >= ((i - gap) & mask)) {
            pins->entries[gap] = pins->entries[i];
            gap = i;
        }
    }
    pins->entries[gap] = (grove_pin_entry){NULL, 0};
    pins->count--;
}

bool grove_pins_add(grove_heap *heap, void *object)
{
    grove_pins *pins = &heap->pins;
    grove_pin_entry *e = find(pins, object);
    if (e) {
        if (e->count == UINT32_MAX) {
            grove_fail(heap, GROVE_E_OOM, "object %p pinned 2^32 - 1 times", object);
            return false;
        }
        e->count++;
        return true;
    }
    if (!reserve_one(pins)) {
        grove_fail(heap, GROVE_E_OOM, "out of memory growing the pin table");
        return false;
    }
    insert(pins, object, 1);
    return true;
}

size_t grove_pins_visit(grove_heap *heap, grove_tracer *t)
{
    grove_pins *pins = &heap->pins;
    size_t n = 0;
    if (pins->moving) {
        grove_trace_root(t, &pins->moving);
        n++;
    }
    for (size_t i = 0; i < pins->cap; i++)
        if (pins->entries[i].object) {
            void *before = pins->entries[i].object;
            grove_trace_root(t, &pins->entries[i].object);
            GROVE_ASSERT(pins->entries[i].object == before, "a pinned object never moves");
            (void)before;
            n++;
        }
    return n;
}

void grove_pins_free(grove_pins *pins)
{
    free(pins->entries);
    *pins = (grove_pins){0};
}

/* ---- the API ----------------------------------------------------------------- */

static void *pin(grove_heap *heap, void *object)
{
    if (heap->in_gc) {
        grove_misuse(heap, GROVE_E_IN_GC, "grove_pin during a collection");
        return NULL;
    }
    if (grove_cleanup_refuses(heap, "grove_pin")) /* pinning may move, and so collect */
        return NULL;
    if (grove_is_immediate(object)) {
        grove_misuse(heap, GROVE_E_NOT_OBJECT, "grove_pin of an immediate (%p)", object);
        return NULL;
    }
    if (grove__is_young(&heap->fast, object)) {
        /* Move it out of the nursery, where it could not stay put. */
        heap->pins.moving = object;
        grove_error e = grove_policy_make_room(heap, GROVE_REASON_PIN);
        object = heap->pins.moving;
        heap->pins.moving = NULL;
        if (e != GROVE_OK) {
            grove_policy_fail_nursery_stays(heap);
            return NULL;
        }
    }
    return grove_pins_add(heap, object) ? object : NULL;
}

void *grove_pin(grove_heap *heap, void *object)
{
    if (!grove_heap_claim(heap))
        return NULL;
    void *pinned = pin(heap, object);
    grove_heap_release(heap);
    return pinned;
}

grove_error grove_unpin(grove_heap *heap, void *object)
{
    if (!grove_heap_claim(heap))
        return GROVE_E_CONCURRENT_USE;
    grove_error result = GROVE_OK;
    grove_pin_entry *e = find(&heap->pins, object);
    if (heap->in_gc)
        result = grove_misuse(heap, GROVE_E_IN_GC, "grove_unpin during a collection");
    else if (!e)
        result = grove_misuse(heap, GROVE_E_NOT_PINNED, "grove_unpin of %p, which is not pinned",
                              object);
    else if (--e->count == 0)
        remove_entry(&heap->pins, e);
    grove_heap_release(heap);
    return result;
}

uint32_t grove_pin_count(grove_heap *heap, const void *object)
{
    const grove_pin_entry *e = find(&heap->pins, object);
    return e ? e->count : 0;
}
