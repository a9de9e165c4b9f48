/* trace.h — walking an object's slots, shared by minor GC, major GC,
 * the census and verify; and draining the worklist.
 *
 * grove_trace_object is always inlined with a constant `visit` and a
 * constant filter, so each collector gets a specialised walker: RECORD,
 * ARRAY and BYTES layouts are walked without any indirect call; only CUSTOM
 * types call out, and their callback comes back through grove_trace_slot,
 * which filters with the tracer's (run-time) filter. */
#ifndef GROVE_TRACE_H
#define GROVE_TRACE_H

#include "object.h"
#include "types.h"
#include "worklist.h"

typedef void (*grove_visit_fn)(grove_tracer *tracer, void **slot);

/* Which slots reach `visit`: those holding a young object (a minor GC and
 * its census), or every heap pointer (a major GC, verify). Immediates never
 * do. */
typedef enum grove_trace_filter {
    GROVE_TRACE_YOUNG,
    GROVE_TRACE_ALL
} grove_trace_filter;

/* How a tracer treats the words of weak boxes and ephemerons. */
typedef enum grove_weak_mode {
    /* Census, verify's reachability: every word is a strong slot, which
     * over-counts survivors, never under-counts them. */
    GROVE_WEAK_AS_STRONG,
    /* A collection's tracer: they follow their rules (weak.h). */
    GROVE_WEAK_JUDGE,
    /* An incremental marking slice and its invariant check: only the
     * strong words (a box's after its target, an ephemeron's after its key
     * and value); the final pause judges the rest (marking.h). */
    GROVE_WEAK_SKIP
} grove_weak_mode;

/* The first strong word of a weak box or an ephemeron. */
static inline size_t grove_weak_first_strong(grove_layout layout)
{
    return layout == GROVE_LAYOUT_EPHEMERON ? 2 : 1;
}

struct grove_tracer {
    grove_heap *heap;
    grove_visit_fn visit;
    grove_trace_filter filter;
    grove_weak_mode weak;
    const struct grove__heap_fast *fast; /* what "young" is, for the filter */
    const grove_type_info *types;        /* the heap's registered types */
    grove_worklist *worklist;            /* where visit queues objects to scan */
    uint64_t slots_visited;              /* through grove_trace_slot: roots and custom types */
    void *data;                          /* the visitor's own state */
    /* A minor GC with survivor aging: the copies it keeps young are
     * [kept_start, kept_end), the bump allocated start of the next nursery
     * region (empty otherwise). `holder` is the object outside it whose
     * slots are being visited (NULL: a root, or a copy kept young): a slot
     * of it that comes to point at a copy kept young is an old-to-young
     * pointer to remember after the collection. */
    uintptr_t kept_start, kept_end;
    void *holder;
};

/* Is `p` a copy the current minor GC keeps young? */
static inline bool grove_tracer_kept_young(const grove_tracer *t, const void *p)
{
    return (uintptr_t)p - t->kept_start < t->kept_end - t->kept_start;
}

#if defined(__GNUC__)
#define GROVE_ALWAYS_INLINE inline __attribute__((always_inline))
#define GROVE_NOINLINE __attribute__((noinline))
#else
#define GROVE_ALWAYS_INLINE inline
#define GROVE_NOINLINE
#endif

static GROVE_ALWAYS_INLINE bool grove_tracer_wants(const grove_tracer *t,
                                                   grove_trace_filter filter, const void *v)
{
    if (grove_is_immediate(v))
        return false;
    return filter == GROVE_TRACE_ALL || grove__is_young(t->fast, v);
}

void grove_tracer_init(grove_tracer *t, grove_heap *heap, grove_visit_fn visit,
                       grove_trace_filter filter, void *data);

/* Where `object` is after a collection of `kind` traced what it could
 * reach, or NULL if it did not survive: a major GC keeps what it marked, a
 * minor GC every old object and the young ones it copied. */
static inline void *grove_survivor(const struct grove__heap_fast *fast, void *object,
                                   grove_collection_kind kind)
{
    uint64_t hdr = *grove__header(object);
    if (kind == GROVE_MAJOR)
        return (hdr & GROVE__HDR_MARK) ? object : NULL;
    if (!grove__is_young(fast, object))
        return object;
    return grove_hdr_is_forward(hdr) ? (void *)(uintptr_t)hdr : NULL;
}

/* The kind of collection a collection's tracer serves. */
static inline grove_collection_kind grove_tracer_kind(const grove_tracer *t)
{
    return t->filter == GROVE_TRACE_YOUNG ? GROVE_MINOR : GROVE_MAJOR;
}

void grove_weak_scan(grove_tracer *t, void *object, grove_layout layout, size_t words);

/* A RECORD's pointer map, cut to its `words` payload words: never read past
 * the object. */
static inline uint64_t grove_record_map(const grove_type_info *info, size_t words)
{
    return words < 64 ? info->pointer_map & (((uint64_t)1 << words) - 1) : info->pointer_map;
}

static GROVE_ALWAYS_INLINE void grove_trace_object(grove_tracer *t, void *object,
                                                   grove_visit_fn visit,
                                                   grove_trace_filter filter)
{
    uint64_t hdr = *grove__header(object);
    size_t words = grove_hdr_payload_words(hdr);
    const grove_type_info *info = &t->types[grove_hdr_type(hdr)];
    void **slots = (void **)object;
    switch (info->layout) {
    case GROVE_LAYOUT_RECORD: {
        uint64_t map = grove_record_map(info, words);
        while (map) {
            unsigned i = (unsigned)__builtin_ctzll(map);
            if (grove_tracer_wants(t, filter, slots[i]))
                visit(t, &slots[i]);
            map &= map - 1;
        }
        break;
    }
    case GROVE_LAYOUT_ARRAY:
        for (size_t i = 0; i < words; i++)
            if (grove_tracer_wants(t, filter, slots[i]))
                visit(t, &slots[i]);
        break;
    case GROVE_LAYOUT_CUSTOM:
        info->trace(object, words * 8, t);
        break;
    case GROVE_LAYOUT_BYTES:
        break;
    case GROVE_LAYOUT_WEAK_BOX:
    case GROVE_LAYOUT_EPHEMERON:
        if (t->weak == GROVE_WEAK_JUDGE) {
            grove_weak_scan(t, object, info->layout, words);
            break;
        }
        for (size_t i = t->weak == GROVE_WEAK_SKIP ? grove_weak_first_strong(info->layout) : 0;
             i < words; i++)
            if (grove_tracer_wants(t, filter, slots[i]))
                visit(t, &slots[i]);
        break;
    }
}

/* Trace objects from the worklist until it is empty or `budget` objects
 * were scanned (SIZE_MAX: no budget). Returns true when the worklist is
 * empty: everything pushed so far has been scanned. */
static GROVE_ALWAYS_INLINE bool grove_drain(grove_tracer *t, grove_visit_fn visit,
                                            grove_trace_filter filter, size_t budget)
{
    grove_worklist *w = t->worklist;
    for (size_t n = 0; n < budget && !grove_worklist_empty(w); n++) {
        void *object = grove_worklist_pop(w);
        t->holder = grove_tracer_kept_young(t, object) ? NULL : object;
        grove_trace_object(t, object, visit, filter);
    }
    t->holder = NULL;
    return grove_worklist_empty(w);
}

#endif
