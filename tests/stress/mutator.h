/*
 * mutator.h — Grove's differential stress mutator.
 *
 * A seeded (or fuzzer-driven) random mutator runs against a Grove heap and,
 * step by step, against a plain reference model of the object graph (ids and
 * edges, no GC, nothing moves). It allocates records, arrays, byte objects
 * and custom-traced objects of many sizes (large ones included), stores and
 * overwrites pointer fields through every form of the write barrier, roots
 * and unroots through facade scoped locals (nested scopes, including scopes
 * abandoned by longjmp), persistent roots and an embedder root visitor,
 * forces minor and major collections, allocates weak boxes and ephemerons
 * and rewrites their words, registers objects with guardians and takes them
 * back (rooting some again), adds cleanup hooks, and now and then misuses
 * the rooting API on purpose (a scope exited twice; exit s1, enter s2, exit
 * s1; roots made inside the root visitor; a persistent root initialised
 * twice), where the build reports that misuse: the handler then expects
 * exactly the error each must be, and the collection that follows checks
 * nothing was lost. After every collection it compares
 * every rooted object's reachable graph with the model: the same shape
 * (sharing and cycles included: model ids and heap addresses must be in
 * bijection), the same types and sizes, the same slot contents, the same raw
 * words and byte payloads. The model replays every collection the heap
 * ran (learnt from the event listener) to predict which weak slots are
 * cleared, which ephemerons broken, what each guardian queues and which
 * cleanup hooks run; the check and the guardian and hook operations compare
 * those predictions with the heap. After a call whose last collection was a
 * minor GC (the nursery then holding only what survivor aging kept young;
 * after a major GC, the one evacuating its nursery), grove_stats.live_bytes
 * must equal, exactly, the bytes of the old and large objects the model
 * still has. With survivor aging the model knows each young object's age:
 * what a minor GC kept young (read from the nursery as it ends) must be a
 * survivor younger than survivor_age, one GC older in its header, within
 * half the nursery, and a candidate it promoted must not have fitted; old
 * objects have age 0, and the remembered set after a minor GC is exactly
 * the old objects pointing at survivors kept young. Aging rounds keep old
 * holders (carded arrays, weak boxes, ephemerons) pointing at young
 * objects through several minor GCs, hashing, guarding and pinning them. Cohorts (objects of a few large size
 * classes spanning several old-space blocks, thinned at random and
 * refilled) and objects born pinned in old space give the lazy sweep partly
 * dead blocks to queue, promotions and allocations that sweep them, and
 * major GCs that find some still waiting. Card bursts store young values,
 * old values and immediates into old arrays of 1 KiB or more (carded: a
 * grove_write marks only the 256-byte card of its slot): the same slot
 * again, slots of one card, of different cards, the first and last,
 * grove_write_n runs across card boundaries, grove_barrier and GROVE_STORE
 * (the whole object logged) among them, and the cards two arrays promoted
 * side by side share; minor GCs between bursts. After every minor GC no
 * card may stay marked and no object logged, and a run whose cards alone
 * carried a young value into a minor GC must have scanned cards.
 * A quarter of the allocations by size go through grove_alloc_uninit (then
 * filled): the zeroing ones after them must still find zeroed memory.
 *
 * Written against grove.h and the roots.h facade only, so it builds against
 * either rooting backend. A failure prints what differs, where (the path
 * from a root), the seed and the last operations, then aborts.
 */
#ifndef GROVE_STRESS_MUTATOR_H
#define GROVE_STRESS_MUTATOR_H

#include <grove/roots.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the mutator's choices come from: a seeded PRNG (the stress harness,
 * the soak) or the bytes of a fuzzer input. */
typedef struct stress_source {
    bool bytes_mode;
    bool exhausted; /* bytes mode: the input is used up; the run winds down */
    uint64_t s[4];  /* xoshiro256** state */
    const uint8_t *data;
    size_t len;
    size_t pos;
} stress_source;

void stress_source_seed(stress_source *src, uint64_t seed);
void stress_source_bytes(stress_source *src, const uint8_t *data, size_t len);
/* A uniform choice in [0, n); 0 when n <= 1 or the bytes are used up. */
uint64_t stress_rnd(stress_source *src, uint64_t n);

typedef struct stress_params {
    grove_config config;   /* the heap's configuration (its error handler is the mutator's) */
    uint64_t steps;        /* operations to run */
    uint64_t seed;         /* for messages only */
    size_t max_large;      /* largest large-object payload, bytes */
    double max_seconds;    /* > 0: stop (successfully) after this long */
    bool allow_oom;        /* max_heap_size is set: NULL + GROVE_E_OOM is a valid outcome */
    bool no_unwind;        /* never longjmp out of nested scopes (to isolate other failures) */
    int verbosity;         /* 0 silent, 1 summary, 2 every operation on stderr */
    const char *replay;    /* command line that replays this run, printed on failure */
} stress_params;

typedef struct stress_totals {
    uint64_t runs;
    uint64_t ops;             /* mutator operations executed */
    uint64_t allocations;     /* objects allocated (rooted or garbage) */
    uint64_t large_allocations;
    uint64_t oom;             /* allocations refused with GROVE_E_OOM (allow_oom only) */
    uint64_t barrier_stores;  /* pointer stores through a barrier */
    uint64_t minor_gcs;       /* from grove_get_stats, including those run by major GCs */
    uint64_t major_gcs;
    uint64_t explicit_gcs;
    uint64_t checks;          /* full graph comparisons with the model */
    uint64_t objects_checked; /* objects compared, summed over all checks */
    uint64_t max_live_objects;
    uint64_t max_depth;       /* deepest scope nesting reached */
    uint64_t unwinds;         /* longjmps out of nested scopes */
    uint64_t misuses;         /* misuse reports expected and received (misuse done on purpose) */
    uint64_t weak_boxes;      /* weak boxes allocated */
    uint64_t ephemerons;      /* ephemerons allocated */
    uint64_t weak_cleared;    /* weak slots the model predicted cleared (the heap agreed) */
    uint64_t ephemerons_broken;
    uint64_t guarded;         /* guardian registrations */
    uint64_t guardian_queued; /* registrations the model predicted queued */
    uint64_t taken;           /* objects taken back from guardians */
    uint64_t resurrected;     /* taken and rooted again */
    uint64_t cleanups_run;    /* cleanup hooks called when the model said they were due */
    uint64_t pinned_allocations; /* grove_alloc_pinned: born old */
    uint64_t cohorts;         /* cohorts built (objects of a few size classes, many blocks) */
    uint64_t cohorts_thinned; /* cohorts partly killed, interleaved, and partly refilled */
    uint64_t live_bytes_checks;     /* live_bytes compared with the model's objects, exactly */
    uint64_t live_bytes_after_major; /* of those, after a major GC and its nursery's evacuation */
    uint64_t uninit_allocations; /* through grove_alloc_uninit, then filled */
    uint64_t card_writes;     /* stores card bursts made into carded arrays */
    uint64_t card_rewrites;   /* bursts into an array a burst wrote before an earlier minor GC */
    uint64_t card_shared;     /* bursts storing young values on both sides of a shared card */
    uint64_t card_minors;     /* minor GCs that found a young value recorded by a card only */
    uint64_t cards_scanned;   /* grove_stats.remembered_cards_scanned at the run's end */
    uint64_t kept_young_gcs;  /* survivor aging: minor GCs that kept survivors young */
    uint64_t kept_young_full; /* of those, minor GCs whose room was too full for a candidate */
    uint64_t aging_rounds;    /* aging rounds: old holders of young objects over minor GCs */
    uint64_t slices;          /* incremental marking slices (grove_stats) */
    uint64_t final_pauses;    /* incremental cycles' final pauses replayed */
    uint64_t final_marked;    /* objects the replays of final pauses took as marked */
    bool stopped_early;       /* max_seconds reached */
} stress_totals;

/* Defaults: 20000 steps, a 256 KiB nursery, small major threshold, verify
 * and poison on, no zeal. */
void stress_params_default(stress_params *p);

/* Choose incremental marking (on half the time), its slice budget and
 * zeal_slice from `s`. */
void stress_randomize_incremental(grove_config *config, stress_source *s);

/* Randomise the heap configuration and step count from `src` (seeded by the
 * run's seed for the soak, or the first bytes of a fuzzer input): nursery
 * size, zeal periods, major threshold, growth factor, survivor age (0 half
 * the time), sometimes a heap limit or an adaptive nursery. Verify and
 * poison stay on. */
void stress_params_randomize(stress_params *p, stress_source *src, bool fuzzing);

/* Run one heap from creation to destruction. Returns normally only if every
 * check passed; a divergence aborts the process after printing it. */
void stress_run(const stress_params *p, stress_source *src, stress_totals *totals);

void stress_totals_add(stress_totals *sum, const stress_totals *t);

/* On SIGSEGV, SIGABRT (a verify violation in the runtime aborts) and other
 * fatal signals during a run, print the run's seed, step and last
 * operations before dying. Not for fuzzer builds: libFuzzer reports those. */
void stress_install_crash_handler(void);

/* Ask the current run to stop at its next step, as if its steps were used
 * up (final checks still run; totals say stopped_early). Async-signal-safe:
 * the harness calls it from its SIGTERM/SIGINT handler. */
void stress_request_stop(void);
bool stress_stop_requested(void);

#endif /* GROVE_STRESS_MUTATOR_H */
