/* finalizers.h — guardians and cleanup hooks (grove/weak.h).
 *
 * A registration watches one object. Registrations of young objects are
 * kept apart from those of old ones, so that a minor GC looks only at the
 * young: those that survive move to the old lists. A guardian's queue holds
 * objects found dead and kept alive; it is a root of every collection.
 *
 * In a collection's weak phase, after weak boxes and ephemerons were judged
 * on strong reachability: grove_guardians_resurrect queues every guarded
 * object that did not survive (judging all before keeping any alive, so an
 * object registered twice, or reachable only from another dead guarded
 * object, is queued for each registration) and offers the queued slots to
 * the collector; the caller drains. Then grove_cleanups_judge turns the
 * hooks of objects still dead into due calls, which grove_cleanups_run
 * makes once the collection is over. */
#ifndef GROVE_FINALIZERS_H
#define GROVE_FINALIZERS_H

#include <grove/grove.h>

#include "trace.h"
#include "vec.h"

typedef struct grove_watch {
    void *object;
    grove_guardian *guardian; /* guardians' lists */
    grove_cleanup_fn cleanup; /* cleanup lists */
    void *token;
} grove_watch;

typedef struct grove_watch_list {
    grove_watch *items;
    size_t len, cap;
} grove_watch_list;

struct grove_guardian {
    grove_vec queue;   /* queued objects: items[head..len) */
    size_t head;       /* the oldest not yet taken */
    size_t registered; /* registrations not yet queued (or dropped, once freed) */
    size_t index;      /* its place in grove_finalizers.guardians */
    size_t queuing_at; /* its place in grove_finalizers.queuing, or SIZE_MAX */
    uint64_t fresh_collection; /* the collection that last queued into it */
    size_t fresh;      /* where that collection's entries start */
    bool freed;        /* grove_guardian_free'd; kept until its registrations are gone */
};

typedef struct grove_finalizers {
    grove_watch_list guarded_young, guarded_old;
    grove_watch_list cleanup_young, cleanup_old;
    grove_watch_list due;  /* cleanups to call once the collection is over */
    size_t due_next;       /* the next due hook to call */
    grove_vec guardians;   /* every guardian, freed ones until their registrations go */
    grove_vec queuing;     /* guardians with objects queued: a collection's roots */
    bool running_cleanups; /* inside grove_cleanups_run */
} grove_finalizers;

/* Offer every queued object to the tracer (a root); returns how many. */
size_t grove_guardians_visit_queues(grove_heap *heap, grove_tracer *t);
/* The census: offer the guarded young objects too, which a minor GC may
 * keep alive (an upper bound on what it copies). */
void grove_guardians_visit_young_for_census(grove_heap *heap, grove_tracer *t);
/* Queue the guarded objects that did not survive and offer their queue
 * slots to the tracer. Returns whether any was queued (the caller must
 * then drain the worklist). */
bool grove_guardians_resurrect(grove_heap *heap, grove_tracer *t);
/* After resurrection and its drain: hooks of dead objects become due,
 * surviving registrations follow their objects. */
void grove_cleanups_judge(grove_heap *heap, grove_tracer *t);
/* Inside a cleanup hook, what may allocate or collect is refused: report
 * `what` as misuse (GROVE_E_IN_GC) and return true. */
bool grove_cleanup_refuses(grove_heap *heap, const char *what);
/* Call the due hooks (outside any collection). */
void grove_cleanups_run(grove_heap *heap);
/* Heap destruction: call every hook still registered or due, free the
 * guardians. */
void grove_finalizers_destroy(grove_heap *heap);

#endif
