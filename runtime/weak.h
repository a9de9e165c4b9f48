/* weak.h — weak boxes and ephemerons during a collection.
 *
 * While the strong graph is traced, a weak box whose target the collection
 * judges is recorded instead of its target being traced; an ephemeron
 * whose key is not yet known live waits on its key. Waiting is keyed by the
 * key: the key's header gets GROVE__HDR_EPH_KEY, and the collector that
 * copies or marks an object with that bit calls grove_weak_key_live, which
 * requeues exactly the ephemerons waiting on it. Each ephemeron is thus
 * scanned at most twice, and the fixpoint costs time linear in the
 * ephemerons and what their values reach (no rescans of the waiting set).
 *
 * Once the worklist is empty, grove_weak_break_dead judges what was
 * recorded: a box whose target did not survive is cleared, every
 * ephemeron still waiting has a dead key and is broken (key and value
 * NULL). It may run again after guardians resurrected objects, for what
 * only those reach. Between collections the state is empty and no header
 * carries GROVE__HDR_EPH_KEY. */
#ifndef GROVE_WEAK_INTERNAL_H
#define GROVE_WEAK_INTERNAL_H

#include "trace.h"
#include "vec.h"

typedef struct grove_weak_waiter {
    void *ephemeron;
    size_t next; /* index of the next waiter on the same key, or GROVE_WEAK_END */
} grove_weak_waiter;

typedef struct grove_weak_key {
    void *key;   /* NULL: a free entry */
    size_t head; /* first waiter, or GROVE_WEAK_END once the key is live */
} grove_weak_key;

typedef struct grove_weak_state {
    grove_vec boxes;            /* weak boxes recorded, not yet judged */
    grove_weak_waiter *waiters; /* ephemerons waiting on a key */
    size_t waiter_count, waiter_cap;
    grove_weak_key *keys; /* open addressing over the keys waited on */
    size_t key_count, key_cap;
    size_t key_peak; /* most keys waited on in one round of this collection */
    /* Objects guardians queued in this collection, by the address they had
     * when found dead (sorted): weak slots reached only after their
     * resurrection still treat them as dead. */
    grove_vec queued;
} grove_weak_state;

/* grove_weak_scan (declared in trace.h, which calls it): trace a weak box
 * or an ephemeron found on the worklist by a collection's tracer: record or
 * trace its weak words as the rules say, and visit its strong words. */

/* `key` (its address before it was copied, for a minor GC) has just been
 * found live and carried GROVE__HDR_EPH_KEY, which the caller cleared:
 * queue the ephemerons waiting on it for a rescan. */
void grove_weak_key_live(grove_tracer *t, void *key);

/* With the worklist empty: clear the recorded boxes whose target died (or
 * was queued by a guardian) and break the ephemerons still waiting. */
void grove_weak_break_dead(grove_tracer *t, grove_weak_state *w);

/* Guardians have queued the objects in w->queued: sort them for lookup. */
void grove_weak_queued_are_dead(grove_weak_state *w);

/* The collection is over: forget what it queued, and free a key table
 * sized for a past peak. */
void grove_weak_collection_done(grove_weak_state *w);

/* Nothing recorded or waiting (an invariant between collections). */
bool grove_weak_idle(const grove_weak_state *w);

void grove_weak_free(grove_weak_state *w);

#endif
