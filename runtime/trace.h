/* trace.h — walking an object's slots, shared by minor GC, major GC and
 * verify.
 *
 * grove_trace_object is always inlined with a constant `visit`, so each
 * collector gets a specialised walker: RECORD, ARRAY and BYTES layouts are
 * walked without any indirect call; only CUSTOM types call out, and their
 * callback comes back through grove_trace_slot and tracer->visit. */
#ifndef GROVE_TRACE_H
#define GROVE_TRACE_H

#include "heap.h"
#include "object.h"

typedef void (*grove_visit_fn)(grove_tracer *tracer, void **slot);

struct grove_tracer {
    grove_heap *heap;
    grove_visit_fn visit;
    /* Slots whose value v has (v - filter_lo) < filter_len and no tag bits
     * reach visit: the nursery for a minor GC, everything but NULL else. */
    uintptr_t filter_lo;
    uintptr_t filter_len;
    uint64_t slots_visited; /* through grove_trace_slot: roots and custom types */
    void *data;             /* the collector's own state */
};

static inline bool grove_tracer_wants(const grove_tracer *t, const void *v)
{
    return (uintptr_t)v - t->filter_lo < t->filter_len && ((uintptr_t)v & 7u) == 0;
}

void grove_tracer_init(grove_tracer *t, grove_heap *heap, grove_visit_fn visit, bool young_only);

#if defined(__GNUC__)
#define GROVE_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define GROVE_ALWAYS_INLINE inline
#endif

static GROVE_ALWAYS_INLINE void grove_trace_object(grove_tracer *t, void *object,
                                                   grove_visit_fn visit)
{
    uint64_t hdr = *grove__header(object);
    size_t words = grove_hdr_words(hdr) - 1;
    const grove_type_info *info = &t->heap->types.info[grove_hdr_type(hdr)];
    void **slots = (void **)object;
    switch (info->layout) {
    case GROVE_LAYOUT_RECORD: {
        uint64_t map = info->pointer_map;
        if (words < 64)
            map &= ((uint64_t)1 << words) - 1; /* never read past the object */
        while (map) {
            unsigned i = (unsigned)__builtin_ctzll(map);
            if (grove_tracer_wants(t, slots[i]))
                visit(t, &slots[i]);
            map &= map - 1;
        }
        break;
    }
    case GROVE_LAYOUT_ARRAY:
        for (size_t i = 0; i < words; i++)
            if (grove_tracer_wants(t, slots[i]))
                visit(t, &slots[i]);
        break;
    case GROVE_LAYOUT_CUSTOM:
        info->trace(object, words * 8, t);
        break;
    case GROVE_LAYOUT_BYTES:
        break;
    }
}

#endif
