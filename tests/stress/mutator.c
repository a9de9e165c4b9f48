/* mutator.c — the differential stress mutator (see mutator.h).
 *
 * Layout of this file:
 *   1. choice sources (PRNG or fuzzer bytes)
 *   2. the object types the mutator uses, and the custom trace callback
 *   3. the reference model: objects with ids, slots, raw words and bytes
 *   4. the mutator's roots: persistent roots, an embedder root visitor's
 *      array, and facade locals in nested scopes (one C frame per scope)
 *   5. failure reports and the operation log
 *   6. the check: the heap's rooted graph against the model's
 *   6b. replaying each collection on the model: weak slots, ephemerons,
 *       guardians, cleanup hooks
 *   7. operations, misuse on purpose among them
 *   8. frames, scopes and the run
 *
 * Model values. A slot's model value is a uint64_t: 0 or any value with a
 * low tag bit is an immediate and must be found in the heap slot exactly;
 * a non-zero multiple of 8 is a reference, (model index << 3). Raw words and
 * byte payloads are stored as they are and compared exactly.
 *
 * Every object carries its model id: raw word 0 of records, FIX(id) in slot
 * 0 of arrays, the first 8 bytes of byte objects (when they have 8), raw
 * word 1 of custom objects, FIX(id) in slot 1 of weak boxes and slot 2 of
 * ephemerons. The check does not rely on it (it matches model objects to
 * heap objects by the graph's shape) but it is compared like any other
 * word, it names objects in messages, and it tells which object a guardian
 * handed back.
 *
 * Collections. The model does not trust the heap to say what died: the
 * event listener records every collection (its kind) as it starts, and
 * after the call that collected, the model replays each one on its own
 * graph (section 6b): which objects the collection finds reachable (a minor
 * GC judges young objects only: every old one, garbage included, counts as
 * live), which weak slots and ephemerons it breaks, which guarded objects
 * it queues, which objects die and whose cleanup hooks are due. Objects are
 * young from allocation (small ones) until a minor GC promotes them: the
 * first they survive, or with survivor aging one that finds them old
 * enough, has no room left for them, or must empty the nursery; which
 * stayed young the model learns from the nursery as each minor GC ends
 * (sim_age). The check then compares the heap with the model's prediction.
 */
#include "mutator.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if !defined(__GNUC__)
#error "the stress mutator needs __typeof__ (GCC or Clang) to reach facade locals of outer frames"
#endif

/* ------------------------------------------------------------------------ */
/* 1. Choice sources                                                        */
/* ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro(uint64_t s[4])
{
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

static void xoshiro_seed(uint64_t s[4], uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        s[i] = splitmix64(&x);
}

void stress_source_seed(stress_source *src, uint64_t seed)
{
    memset(src, 0, sizeof *src);
    xoshiro_seed(src->s, seed);
}

void stress_source_bytes(stress_source *src, const uint8_t *data, size_t len)
{
    memset(src, 0, sizeof *src);
    src->bytes_mode = true;
    src->data = data;
    src->len = len;
}

uint64_t stress_rnd(stress_source *src, uint64_t n)
{
    if (n <= 1)
        return 0;
    if (!src->bytes_mode)
        return xoshiro(src->s) % n;
    unsigned need = n <= 0x100 ? 1 : n <= 0x10000 ? 2 : n <= 0x100000000ull ? 4 : 8;
    uint64_t v = 0;
    for (unsigned i = 0; i < need; i++) {
        if (src->pos >= src->len) {
            src->exhausted = true;
            return 0;
        }
        v |= (uint64_t)src->data[src->pos++] << (8 * i);
    }
    return v % n;
}

/* ------------------------------------------------------------------------ */
/* 2. Types                                                                 */
/* ------------------------------------------------------------------------ */

enum kind { K_RECORD, K_ARRAY, K_BYTES, K_CUSTOM, K_WEAK, K_EPHEMERON };

typedef struct stype {
    const char *name;
    enum kind kind;
    size_t size;  /* RECORD: the registered size (not always a multiple of 8) */
    uint64_t map; /* RECORD: pointer map; bit 0 is always clear (word 0 is the id) */
} stype;

static const stype type_table[] = {
    {"rec1", K_RECORD, 8, 0},
    {"rec2", K_RECORD, 16, 0x2},
    {"rec2odd", K_RECORD, 12, 0x2}, /* 12 bytes: allocated as 16 */
    {"rec3", K_RECORD, 24, 0x6},
    {"rec4mixed", K_RECORD, 32, 0xa},
    {"rec8", K_RECORD, 64, 0xfe},
    {"rec13mixed", K_RECORD, 104, 0x16b6},
    {"rec64", K_RECORD, 512, ~(uint64_t)1},
    {"rec64sparse", K_RECORD, 512, 0x8000000000000002ull},
    {"array", K_ARRAY, 0, 0},
    {"bytes", K_BYTES, 0, 0},
    {"custom", K_CUSTOM, 0, 0},
    {"weak", K_WEAK, 0, 0},           /* word 0 weak, word 1 FIX(id), strong slots */
    {"ephemeron", K_EPHEMERON, 0, 0}, /* key, value, FIX(id), strong slots */
    {"spine", K_ARRAY, 0, 0},         /* a cohort's array (section 7, cohorts) */
};
#define NTYPES (sizeof type_table / sizeof type_table[0])
#define T_REC2 1u
#define T_REC4 4u
#define T_REC_COUNT 9u
#define T_ARRAY 9u
#define T_BYTES 10u
#define T_CUSTOM 11u
#define T_WEAK 12u
#define T_EPHEMERON 13u
#define T_SPINE 14u

#define FIXNUM(n) (((uint64_t)(n) << 1) | 1u)

/* Card marking: an old array with at least CARDED_MIN_BYTES of payload is
 * carded; its slots fall into cards of CARD_BYTES, aligned on addresses. */
#define CARD_BYTES 256u
#define CARDED_MIN_BYTES 1024u

/* Custom objects: word 0 = slot count (raw), word 1 = id (raw), then the
 * slots, then raw tail words. */
static unsigned long custom_trace_bad; /* trace calls that found an impossible slot count */

static void custom_trace(void *object, size_t size, grove_tracer *tracer)
{
    uint64_t *w = object;
    size_t words = size / 8;
    if (size % 8 || words < 2 || w[0] > words - 2) {
        custom_trace_bad++;
        return;
    }
    grove_trace_slots(tracer, (void **)(w + 2), (size_t)w[0]);
}

/* ------------------------------------------------------------------------ */
/* 3. The model                                                             */
/* ------------------------------------------------------------------------ */

typedef struct mobj {
    uint64_t id;   /* 0: this pool entry is free */
    uint32_t type; /* index into type_table */
    uint32_t mark; /* check epoch in which it was reached */
    size_t nwords;
    uint64_t *w;
    void *addr;        /* heap address bound to it in epoch `mark` */
    uint32_t via;      /* model index it was reached from in that epoch; 0: a root */
    uint32_t via_word; /* slot index in `via`, or the root's code */
    bool hashed;       /* its identity hash was taken: it must never change */
    bool hash_word;    /* hashed while young: its copy out of the nursery holds the hash in
                          one more word (runtime/minor_gc.c, copy_hashed) */
    uint64_t hash;
    uint32_t pins;     /* grove_pin count: > 0 keeps it alive, at pinned_addr */
    void *pinned_addr;
    bool young;        /* in the nursery: allocated small, not yet promoted */
    uint8_t age;       /* young: minor GCs survived (kept young by survivor aging); old: 0 */
    const void *young_at; /* a byte object too small for an id, while young: where it is,
                             followed through each minor GC's forwarding (section 6b) */
    uint32_t sim;      /* replay epoch in which it was found live */
    /* Incremental mode (section 6b): where it is, followed through every
     * minor GC's forwarding (NULL once it died young), and the final pause
     * that found it marked. */
    const void *at;
    uint32_t rt_marked;
    uint32_t queued;   /* replay epoch in which a guardian queued it */
    uint32_t hooks;    /* cleanup hooks pending on it */
    /* Card bursts (section 7): the cycle, c->minors + 1, of the last burst
     * into it and of the last young value a grove_barrier logged it whole for. */
    uint64_t card_cycle;
    uint64_t logged_cycle;
} mobj;

typedef struct model {
    mobj *o; /* o[0] unused: index 0 is never a reference */
    uint32_t count, cap;
    uint32_t *free;
    uint32_t nfree, free_cap;
    uint64_t next_id;
    uint32_t epoch;
    uint64_t live; /* entries in use */
} model;

static bool mv_is_ref(uint64_t v)
{
    return v != 0 && (v & 7u) == 0;
}

static uint64_t mv_ref(uint32_t idx)
{
    return (uint64_t)idx << 3;
}

static uint32_t mv_idx(uint64_t v)
{
    return (uint32_t)(v >> 3);
}

/* ------------------------------------------------------------------------ */
/* 4. The mutator's state and roots                                         */
/* ------------------------------------------------------------------------ */

#define NPERS 12    /* persistent roots */
#define MAXV 48     /* slots of the embedder root visitor's array */
#define NLOC 4      /* facade locals per frame */
#define MAXDEPTH 20 /* nested frames (scopes) */
#define NPIN 16     /* objects pinned at once */
#define OPLOG 64    /* operations kept for failure reports */
#define OPLEN 160
#define NGUARD 2    /* guardians */
#define MAXGCS 16   /* collections one call may run (minor, major, after-major...) */

struct frame {
    void *addr[NLOC]; /* the frame's GROVE_LOCALs, reached with frame_fn */
};

/* A guardian and the model of it: registrations not yet queued, and the
 * queue, each entry tagged with the replayed collection that queued it (the
 * order within one collection is the runtime's to choose). */
typedef struct mqueued {
    uint32_t idx;
    uint64_t batch;
} mqueued;

typedef struct mguard {
    grove_guardian *g;
    uint32_t *reg;
    size_t nreg, reg_cap;
    mqueued *q;
    size_t qhead, qlen, qcap;
} mguard;

/* A cleanup hook; its token is its serial, the index here plus one. */
enum hook_state { HOOK_PENDING, HOOK_DUE, HOOK_RAN };

typedef struct mhook {
    uint64_t obj_id; /* the model id of its object */
    uint32_t idx;    /* its model index while pending */
    uint8_t state;
} mhook;

typedef struct ctx {
    grove_heap *h;
    const stress_params *p;
    stress_source *src;
    stress_totals t;
    uint64_t fill[4]; /* PRNG for payload contents (not fuzzer-driven) */
    grove_type_id tids[NTYPES];
    model m;

    grove_persistent pers[NPERS];
    bool pers_on[NPERS];
    uint64_t mpers[NPERS];

    uint32_t pinned[NPIN]; /* model indices of the pinned objects */
    unsigned npinned;

    void *vroots[MAXV]; /* traced by visit_vroots, like a runtime's operand stack */
    uint64_t mv[MAXV];
    unsigned nv;

    struct frame *frames[MAXDEPTH];
    uint64_t mloc[MAXDEPTH][NLOC];
    unsigned depth;
    jmp_buf *catchers[MAXDEPTH];

    bool gc_seen; /* set by the root visitor: a collection ran */
    grove_collection_kind gcs[MAXGCS]; /* collections started, not yet replayed */
    grove_gc_reason gc_reasons[MAXGCS];
    size_t gc_nursery[MAXGCS]; /* the nursery's size when each started */
    /* Survivor aging: what each minor GC kept young, read from the nursery
     * as it ended (section 6b, "aging"): entries [kept_from[i], kept_from[i + 1]). */
    struct kept_obj {
        uint64_t id;    /* heap_id() */
        uint32_t idx;   /* a byte object too small for an id: its model index, else 0 */
        const void *at; /* where it is */
        uint64_t words; /* header included (and a hash word) */
        unsigned age;
    } *kept;
    struct copied {
        const void *at; /* where an id-less young object was copied, in address order */
        uint32_t idx;
    } *copied;
    size_t ncopied, copied_cap;
    size_t nkept, kept_cap, kept_from[MAXGCS + 1];
    uint64_t kept_bytes;  /* walked so far in the run: grove_stats.bytes_kept_young */
    struct aging_cand {
        uint64_t id;
        uint32_t idx;
        bool kept;
    } *cand;            /* replay scratch: a minor GC's young survivors that may stay young */
    size_t ncand, cand_cap;
    unsigned survivor_age; /* in effect (the environment's options applied) */
    bool incremental;      /* incremental major GC in effect (likewise) */
    uint32_t gc_final[MAXGCS]; /* a major GC that was an incremental cycle's final pause: its
                                  stamp in rt_marked; 0 for any other collection */
    uint32_t final_stamp;
    unsigned ngcs;
    uint64_t gc_serial;  /* collections replayed */
    uint64_t minors;     /* minor collections replayed */
    uint64_t last_kept;  /* bytes the last minor GC replayed kept young */
    bool card_pending;   /* a young value stored since the last collection is recorded by
                            a card only (its old array not logged whole) */
    uint32_t sim_epoch;
    uint32_t *sim_pend; /* replay: ephemerons whose key is not yet known live */
    size_t nsim_pend, sim_pend_cap;
    uint32_t *sim_weak; /* replay: weak boxes and ephemerons found live, to judge */
    size_t nsim_weak, sim_weak_cap;

    mguard guards[NGUARD];
    mhook *hooks;
    size_t nhooks, hooks_cap;
    size_t hooks_due;   /* hooks in HOOK_DUE: their object died in a replay */
    uint64_t *ran;      /* hook serials called since the last comparison, in order */
    size_t nran, ran_cap;
    bool destroying;    /* inside grove_heap_destroy: hooks run from there */
    /* Misuse performed on purpose (section 7, "misuse"): the handler counts
     * reports of the one code expected and fails the run on any other. */
    grove_error expect_code; /* GROVE_OK: nothing is expected */
    unsigned expect_seen;
    grove_scope stale;       /* the last scope exited: exiting it again is misuse */
    bool have_stale;
    bool visitor_misuse;     /* the root visitor tries to make roots */
    unsigned misuse_visits;  /* visits that tried */
    grove_persistent spare;  /* what they try to root: never rooted */
    struct event_state {
        bool in_collection;      /* between a START and its END */
        bool in_phase;           /* between a PHASE_START and its PHASE_END */
        grove_collection_kind kind;
        grove_phase phase;       /* the last phase started in this collection */
        uint64_t number;         /* of the collection under way, or the last one */
        uint64_t ends[2];        /* END events, by kind */
        uint64_t pause_ns[2];    /* their durations summed, by kind; slices count as major */
        uint64_t slices;         /* SLICE_END events */
        bool in_slice;
    } ev;
    uint64_t pending_old_bytes; /* a large or pinned object the heap counts in live_bytes and
                                   heap_alloc has not put in the model yet */
    uint64_t step;
    struct timespec start;
    bool stopped;
    uint64_t live_at_check;

    /* check scratch: worklist and the address -> model index map */
    uint32_t *work;
    size_t nwork, work_cap;
    uintptr_t *amap_key;
    uint32_t *amap_val;
    uint32_t *amap_stamp;
    size_t amap_cap, amap_n;

    struct thinned {
        uint32_t slot, words; /* a spine slot cohort_thin cleared, and its object's size */
    } *thinned;
    size_t nthinned, thinned_cap;

    char oplog[OPLOG][OPLEN];
    uint64_t oplog_step[OPLOG];
    unsigned oplog_next;
    uint64_t oplog_total;
} ctx;

static ctx *volatile current_ctx; /* for crash reports */
static volatile sig_atomic_t stop_flag;

void stress_request_stop(void)
{
    stop_flag = 1;
}

bool stress_stop_requested(void)
{
    return stop_flag != 0;
}

#define RND(n) stress_rnd(c->src, (uint64_t)(n))

static uint64_t fill_rand(ctx *c)
{
    return xoshiro(c->fill);
}

static double elapsed(const ctx *c)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - c->start.tv_sec) + (double)(now.tv_nsec - c->start.tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------------ */
/* 5. Failure reports and the operation log                                 */
/* ------------------------------------------------------------------------ */

static void print_context(FILE *f, ctx *c)
{
    const grove_config *cfg = &c->p->config;
    fprintf(f, "  backend %s, seed %llu, step %llu of %llu, %llu checks passed before\n",
            GROVE_ROOTING_NAME, (unsigned long long)c->p->seed, (unsigned long long)c->step,
            (unsigned long long)c->p->steps, (unsigned long long)c->t.checks);
    fprintf(f, "  heap: nursery %zu, zeal minor %u major %u, major-min %zu, growth %g, survivor age %u",
            cfg->nursery_size, cfg->zeal_minor, cfg->zeal_major, cfg->major_min_bytes,
            cfg->growth_factor, c->survivor_age);
    if (cfg->nursery_max_size)
        fprintf(f, ", adaptive nursery up to %zu (target %llu ns)", cfg->nursery_max_size,
                (unsigned long long)cfg->minor_pause_target_ns);
    if (c->p->allow_oom)
        fprintf(f, ", heap limit %zu", cfg->max_heap_size);
    fprintf(f, "%s%s\n", cfg->debug & GROVE_DEBUG_VERIFY ? ", verify" : "",
            cfg->debug & GROVE_DEBUG_POISON ? ", poison" : "");
    unsigned n = c->oplog_total < OPLOG ? (unsigned)c->oplog_total : OPLOG;
    if (n) {
        fprintf(f, "  last %u operations:\n", n);
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (c->oplog_next + OPLOG - n + k) % OPLOG;
            fprintf(f, "    [%llu] %s\n", (unsigned long long)c->oplog_step[i], c->oplog[i]);
        }
    }
    if (c->p->replay)
        fprintf(f, "  replay: %s\n", c->p->replay);
    else if (c->src->bytes_mode)
        fprintf(f, "  replay: run the fuzzer on the crashing input\n");
    const char *env = getenv("GROVE_DEBUG");
    if (env && *env)
        fprintf(f, "  (with GROVE_DEBUG=%s in the environment)\n", env);
}

__attribute__((format(printf, 2, 3))) _Noreturn static void fail(ctx *c, const char *fmt, ...)
{
    fflush(stdout);
    fprintf(stderr, "\nstress: FAILURE: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    print_context(stderr, c);
    fflush(stderr);
    current_ctx = NULL; /* the crash handler has nothing to add */
    abort();
}

__attribute__((format(printf, 2, 3))) static void oplog(ctx *c, const char *fmt, ...)
{
    unsigned i = c->oplog_next;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->oplog[i], OPLEN, fmt, ap);
    va_end(ap);
    c->oplog_step[i] = c->step;
    c->oplog_next = (i + 1) % OPLOG;
    c->oplog_total++;
    if (c->p->verbosity >= 2)
        fprintf(stderr, "[%llu] %s\n", (unsigned long long)c->step, c->oplog[i]);
}

static void on_misuse(grove_heap *heap, grove_error code, const char *message, void *data)
{
    (void)heap;
    ctx *c = data;
    if (c->expect_code != GROVE_OK && code == c->expect_code && message && message[0]) {
        c->expect_seen++;
        return;
    }
    fail(c, "the heap reported misuse: %s: %s%s%s", grove_error_name(code), message,
         c->expect_code != GROVE_OK ? " (expecting only " : "",
         c->expect_code != GROVE_OK ? grove_error_name(c->expect_code) : "");
}

/* A crash (SIGSEGV, or an abort from inside the runtime such as a verify
 * violation) still says which run and step to replay. */
static void crash_handler(int sig)
{
    ctx *c = current_ctx;
    if (c) {
        current_ctx = NULL;
        fprintf(stderr, "\nstress: died with signal %d inside the run:\n", sig);
        print_context(stderr, c);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void stress_install_crash_handler(void)
{
    signal(SIGSEGV, crash_handler);
    signal(SIGBUS, crash_handler);
    signal(SIGABRT, crash_handler);
    signal(SIGILL, crash_handler);
    signal(SIGFPE, crash_handler);
}

/* ---- model objects ------------------------------------------------------- */

/* items, with room for `need` elements of `elem` bytes. */
static void *grow(ctx *c, void *items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(items, n * elem);
    if (!p)
        fail(c, "out of memory in the model");
    *cap = n;
    return p;
}

static uint32_t model_new(ctx *c, uint32_t type, size_t nwords)
{
    model *m = &c->m;
    uint32_t idx;
    if (m->nfree) {
        idx = m->free[--m->nfree];
    } else {
        if (m->count == m->cap) {
            uint32_t cap = m->cap ? m->cap * 2 : 1024;
            mobj *o = realloc(m->o, cap * sizeof *o);
            if (!o)
                fail(c, "out of memory growing the model");
            m->o = o;
            m->cap = cap;
        }
        if (m->count == 0)
            m->o[m->count++] = (mobj){0}; /* index 0 is never used */
        idx = m->count++;
    }
    mobj *o = &m->o[idx];
    /* Small objects are born in the nursery, large ones in their own space. */
    *o = (mobj){.id = ++m->next_id, .type = type, .nwords = nwords,
                .young = nwords * 8 <= GROVE_MAX_SMALL_PAYLOAD};
    o->w = calloc(nwords ? nwords : 1, sizeof *o->w);
    if (!o->w)
        fail(c, "out of memory in the model");
    m->live++;
    return idx;
}

static void model_free_entry(ctx *c, uint32_t idx)
{
    model *m = &c->m;
    free(m->o[idx].w);
    m->o[idx] = (mobj){0};
    if (m->nfree == m->free_cap) {
        uint32_t cap = m->free_cap ? m->free_cap * 2 : 1024;
        uint32_t *f = realloc(m->free, cap * sizeof *f);
        if (!f)
            fail(c, "out of memory in the model");
        m->free = f;
        m->free_cap = cap;
    }
    m->free[m->nfree++] = idx;
    m->live--;
}

static bool is_slot(const mobj *o, size_t i)
{
    const stype *ty = &type_table[o->type];
    switch (ty->kind) {
    case K_RECORD:
        return i < 64 && ((ty->map >> i) & 1u);
    case K_ARRAY:
        return true;
    case K_BYTES:
        return false;
    case K_CUSTOM:
        return i >= 2 && i < 2 + o->w[0];
    case K_WEAK:
    case K_EPHEMERON:
        return true;
    }
    return false;
}

/* The word of a weak box or ephemeron that holds FIX(id). */
static size_t weak_id_word(const mobj *o)
{
    return type_table[o->type].kind == K_WEAK ? 1 : 2;
}

/* Whether the object can be told from the heap by the id it carries: all
 * but byte objects too small to hold one. */
static bool has_id(const mobj *o)
{
    return type_table[o->type].kind != K_BYTES || o->w[0] == o->id;
}

static const char *type_name(const mobj *o)
{
    return type_table[o->type].name;
}

/* "#id" or "imm 0x..." for a model value; buf needs 32 bytes. */
static const char *fmt_mv(ctx *c, uint64_t v, char *buf)
{
    if (mv_is_ref(v))
        snprintf(buf, 32, "#%llu", (unsigned long long)c->m.o[mv_idx(v)].id);
    else if (v == 0)
        snprintf(buf, 32, "NULL");
    else
        snprintf(buf, 32, "imm 0x%llx", (unsigned long long)v);
    return buf;
}

/* ---- roots --------------------------------------------------------------- */

enum { R_PERS, R_VIS, R_LOC, R_PIN };

typedef struct rref {
    uint8_t kind, frame, idx;
} rref;

static uint32_t root_code(rref r)
{
    return (uint32_t)r.kind << 16 | (uint32_t)r.frame << 8 | r.idx;
}

static const char *root_name(rref r, char *buf)
{
    if (r.kind == R_PERS)
        snprintf(buf, 16, "p%u", r.idx);
    else if (r.kind == R_VIS)
        snprintf(buf, 16, "v%u", r.idx);
    else if (r.kind == R_PIN)
        snprintf(buf, 16, "pin%u", r.idx);
    else
        snprintf(buf, 16, "l%u.%u", r.frame, r.idx);
    return buf;
}

static unsigned root_count(const ctx *c)
{
    return NPERS + c->nv + c->depth * NLOC;
}

static rref root_nth(const ctx *c, unsigned n)
{
    if (n < NPERS)
        return (rref){R_PERS, 0, (uint8_t)n};
    n -= NPERS;
    if (n < c->nv)
        return (rref){R_VIS, 0, (uint8_t)n};
    n -= c->nv;
    return (rref){R_LOC, (uint8_t)(n / NLOC), (uint8_t)(n % NLOC)};
}

static rref pick_root(ctx *c)
{
    return root_nth(c, (unsigned)RND(root_count(c)));
}

enum frame_mode { FRAME_RUN, FRAME_GET, FRAME_SET };
static void frame_fn(ctx *c, enum frame_mode mode, struct frame *f, unsigned i, void **io);

static void *root_get(ctx *c, rref r)
{
    void *v = NULL;
    switch (r.kind) {
    case R_PERS:
        if (c->pers_on[r.idx])
            v = grove_persistent_get(c->h, &c->pers[r.idx]);
        break;
    case R_VIS:
        v = c->vroots[r.idx];
        break;
    case R_LOC:
        frame_fn(c, FRAME_GET, c->frames[r.frame], r.idx, &v);
        break;
    }
    return v;
}

static uint64_t mroot_get(ctx *c, rref r)
{
    switch (r.kind) {
    case R_PERS:
        return c->pers_on[r.idx] ? c->mpers[r.idx] : 0;
    case R_VIS:
        return c->mv[r.idx];
    default:
        return c->mloc[r.frame][r.idx];
    }
}

/* Make root r hold (model m, heap g). An inactive persistent root is
 * created. */
static void root_set(ctx *c, rref r, uint64_t m, void *g)
{
    switch (r.kind) {
    case R_PERS:
        if (c->pers_on[r.idx]) {
            grove_persistent_set(c->h, &c->pers[r.idx], g);
        } else {
            grove_persistent_init(c->h, &c->pers[r.idx], g);
            c->pers_on[r.idx] = true;
        }
        c->mpers[r.idx] = m;
        break;
    case R_VIS:
        c->vroots[r.idx] = g;
        c->mv[r.idx] = m;
        break;
    case R_LOC:
        frame_fn(c, FRAME_SET, c->frames[r.frame], r.idx, &g);
        c->mloc[r.frame][r.idx] = m;
        break;
    }
}

/* Which misuse this build reports: every family below with the indexed
 * backend or GROVE_ROOT_CHECKS; the intrusive backend without the checks
 * sees only persistent roots made during a collection. A second
 * grove_persistent_init of a linked root is seen only by the intrusive
 * checks (the indexed backend makes a second root, which a run would then
 * find leaked). */
#define SCOPE_MISUSE_REPORTED (GROVE_ROOTING_INDEXED || GROVE_ROOT_CHECKS)
#define DOUBLE_INIT_REPORTED (GROVE_ROOTING_INTRUSIVE && GROVE_ROOT_CHECKS)

/* Roots made inside a collection, from the root visitor: each refused with
 * GROVE_E_IN_GC, none made. */
static void make_roots_in_visitor(ctx *c, grove_heap *heap)
{
    c->misuse_visits++;
    grove_persistent_init(heap, &c->spare, NULL);
#if SCOPE_MISUSE_REPORTED
    grove_scope s = grove_scope_enter(heap);
    GROVE_LOCAL(heap, void *, late, NULL);
    (void)late;
    grove_scope_exit(heap, s);
#endif
}

static void visit_vroots(grove_heap *heap, grove_tracer *tracer, void *data)
{
    ctx *c = data;
    c->gc_seen = true;
    if (c->visitor_misuse)
        make_roots_in_visitor(c, heap);
    grove_trace_slots(tracer, c->vroots, c->nv);
}

/* ------------------------------------------------------------------------ */
/* 6. The check                                                             */
/* ------------------------------------------------------------------------ */

static size_t amap_slot(const ctx *c, uintptr_t key)
{
    uint64_t hsh = (uint64_t)(key >> 3) * 0x9e3779b97f4a7c15ull;
    return (size_t)(hsh >> 17) & (c->amap_cap - 1);
}

static uint32_t amap_get(const ctx *c, uintptr_t key)
{
    if (!c->amap_cap)
        return 0;
    for (size_t i = amap_slot(c, key);; i = (i + 1) & (c->amap_cap - 1)) {
        if (c->amap_stamp[i] != c->m.epoch)
            return 0;
        if (c->amap_key[i] == key)
            return c->amap_val[i];
    }
}

static void amap_put_raw(ctx *c, uintptr_t key, uint32_t val)
{
    size_t i = amap_slot(c, key);
    while (c->amap_stamp[i] == c->m.epoch)
        i = (i + 1) & (c->amap_cap - 1);
    c->amap_stamp[i] = c->m.epoch;
    c->amap_key[i] = key;
    c->amap_val[i] = val;
}

static void amap_put(ctx *c, uintptr_t key, uint32_t val)
{
    if ((c->amap_n + 1) * 2 > c->amap_cap) {
        size_t old_cap = c->amap_cap;
        uintptr_t *ok = c->amap_key;
        uint32_t *ov = c->amap_val, *os = c->amap_stamp;
        c->amap_cap = old_cap ? old_cap * 2 : 4096;
        c->amap_key = malloc(c->amap_cap * sizeof *c->amap_key);
        c->amap_val = malloc(c->amap_cap * sizeof *c->amap_val);
        c->amap_stamp = calloc(c->amap_cap, sizeof *c->amap_stamp);
        if (!c->amap_key || !c->amap_val || !c->amap_stamp)
            fail(c, "out of memory growing the check's address map");
        for (size_t i = 0; i < old_cap; i++)
            if (os[i] == c->m.epoch)
                amap_put_raw(c, ok[i], ov[i]);
        free(ok);
        free(ov);
        free(os);
    }
    amap_put_raw(c, key, val);
    c->amap_n++;
}

static void push_work(ctx *c, uint32_t idx)
{
    if (c->nwork == c->work_cap) {
        size_t cap = c->work_cap ? c->work_cap * 2 : 1024;
        uint32_t *w = realloc(c->work, cap * sizeof *w);
        if (!w)
            fail(c, "out of memory in the check");
        c->work = w;
        c->work_cap = cap;
    }
    c->work[c->nwork++] = idx;
}

/* How the check reached model object idx: "#5 rec2[1] <- #3 array[7] <- root l0.2". */
static const char *path_to(ctx *c, uint32_t idx, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int hops = 0; idx && hops < 12 && len + 64 < cap; hops++) {
        const mobj *o = &c->m.o[idx];
        len += (size_t)snprintf(buf + len, cap - len, "#%llu %s at %p <- ",
                                (unsigned long long)o->id, type_name(o), o->addr);
        if (o->via == 0) {
            char rn[16];
            rref r = {(uint8_t)(o->via_word >> 16), (uint8_t)(o->via_word >> 8),
                      (uint8_t)o->via_word};
            snprintf(buf + len, cap - len, "root %s", root_name(r, rn));
            return buf;
        }
        len += (size_t)snprintf(buf + len, cap - len, "word %u of ", o->via_word);
        idx = o->via;
    }
    snprintf(buf + len, cap - len, "...");
    return buf;
}

static const char *where_desc(ctx *c, uint32_t via, uint32_t via_word, char *buf, size_t cap)
{
    if (via == 0) {
        char rn[16];
        rref r = {(uint8_t)(via_word >> 16), (uint8_t)(via_word >> 8), (uint8_t)via_word};
        snprintf(buf, cap, "root %s", root_name(r, rn));
    } else {
        char p[600];
        snprintf(buf, cap, "word %u of %s", via_word, path_to(c, via, p, sizeof p));
    }
    return buf;
}

/* Compare one slot (model value m, heap value g) found at (via, via_word). */
static void bind(ctx *c, uint64_t m, void *g, uint32_t via, uint32_t via_word)
{
    char where[800], b1[32];
    if (!mv_is_ref(m)) {
        if ((uint64_t)(uintptr_t)g != m)
            fail(c, "%s holds %p, the model says %s",
                 where_desc(c, via, via_word, where, sizeof where), g, fmt_mv(c, m, b1));
        return;
    }
    uint32_t idx = mv_idx(m);
    mobj *o = &c->m.o[idx];
    if (grove_is_immediate(g))
        fail(c, "%s holds %p (an immediate), the model says object #%llu (%s)",
             where_desc(c, via, via_word, where, sizeof where), g, (unsigned long long)o->id,
             type_name(o));
    if (o->mark == c->m.epoch) {
        if (o->addr != g) {
            char p[600];
            fail(c, "object #%llu (%s) is reached at two addresses: %p (%s) and %p (%s): a copy "
                    "was duplicated or a slot was not updated",
                 (unsigned long long)o->id, type_name(o), o->addr, path_to(c, idx, p, sizeof p),
                 g, where_desc(c, via, via_word, where, sizeof where));
        }
        return;
    }
    uint32_t other = amap_get(c, (uintptr_t)g);
    if (other) {
        char p[600];
        fail(c, "heap object %p stands for two model objects: #%llu (%s) and #%llu (%s, %s)", g,
             (unsigned long long)c->m.o[other].id, path_to(c, other, p, sizeof p),
             (unsigned long long)o->id, type_name(o),
             where_desc(c, via, via_word, where, sizeof where));
    }
    o->mark = c->m.epoch;
    o->addr = g;
    o->at = g;
    o->via = via;
    o->via_word = via_word;
    amap_put(c, (uintptr_t)g, idx);
    push_work(c, idx);
}

/* A header's size field: its object's words, header (and hash word) included. */
static uint64_t hdr_words(uint64_t hdr)
{
    return (hdr >> GROVE__HDR_SIZE_SHIFT) & (((uint64_t)1 << GROVE__HDR_SIZE_BITS) - 1);
}

static unsigned hdr_age(uint64_t hdr)
{
    return (unsigned)(hdr >> GROVE__HDR_AGE_SHIFT);
}

static bool mv_young(const ctx *c, uint64_t m)
{
    return mv_is_ref(m) && c->m.o[mv_idx(m)].young;
}

static bool is_carded(const mobj *o)
{
    return type_table[o->type].kind == K_ARRAY && !o->young && o->nwords * 8 >= CARDED_MIN_BYTES;
}

static void compare_object(ctx *c, uint32_t idx)
{
    mobj *o = &c->m.o[idx];
    const stype *ty = &type_table[o->type];
    const uint64_t *g = o->addr;
    char p[600];
    grove_type_id got_type = grove_object_type(g);
    if (got_type != c->tids[o->type])
        fail(c, "object #%llu should have type %s (id %u), the heap header says type id %u "
                "(%s)",
             (unsigned long long)o->id, ty->name, (unsigned)c->tids[o->type], (unsigned)got_type,
             path_to(c, idx, p, sizeof p));
    if (o->hashed && grove_identity_hash(c->h, (void *)g) != o->hash)
        fail(c, "object #%llu (%s) had identity hash %#llx, now %#llx (%s)",
             (unsigned long long)o->id, ty->name, (unsigned long long)o->hash,
             (unsigned long long)grove_identity_hash(c->h, (void *)g), path_to(c, idx, p, sizeof p));
    if (o->pins && ((const void *)g != o->pinned_addr || grove_pin_count(c->h, g) != o->pins))
        fail(c, "object #%llu (%s), pinned %u times at %p, is at %p with pin count %u (%s)",
             (unsigned long long)o->id, ty->name, o->pins, o->pinned_addr, (const void *)g,
             grove_pin_count(c->h, g), path_to(c, idx, p, sizeof p));
    if (grove__is_young(grove__fast(c->h), g) != o->young)
        fail(c, "object #%llu (%s) should be %s, it is at %p (%s)", (unsigned long long)o->id,
             ty->name, o->young ? "young" : "old", (const void *)g, path_to(c, idx, p, sizeof p));
    if (hdr_age(*grove__header(g)) != o->age)
        fail(c, "object #%llu (%s, %s) should have age %u, its header says %u (%s)",
             (unsigned long long)o->id, ty->name, o->young ? "young" : "old", o->age,
             hdr_age(*grove__header(g)), path_to(c, idx, p, sizeof p));
    size_t got_size = grove_object_size(g);
    if (got_size != o->nwords * 8)
        fail(c, "object #%llu (%s) should have %zu payload bytes, the heap says %zu (%s)",
             (unsigned long long)o->id, ty->name, o->nwords * 8, got_size,
             path_to(c, idx, p, sizeof p));
    if (ty->kind == K_BYTES) {
        if (memcmp(g, o->w, o->nwords * 8) != 0) {
            const unsigned char *a = (const void *)g, *b = (const void *)o->w;
            size_t i = 0;
            while (a[i] == b[i])
                i++;
            fail(c, "byte %zu of object #%llu (bytes, %zu bytes) is 0x%02x, the model says "
                    "0x%02x (%s)",
                 i, (unsigned long long)o->id, o->nwords * 8, a[i], b[i],
                 path_to(c, idx, p, sizeof p));
        }
        return;
    }
    /* Raw words first (for custom objects word 0 says which words are slots). */
    for (size_t i = 0; i < o->nwords; i++)
        if (!is_slot(o, i) && g[i] != o->w[i])
            fail(c, "raw word %zu of object #%llu (%s) is 0x%llx, the model says 0x%llx (%s)", i,
                 (unsigned long long)o->id, ty->name, (unsigned long long)g[i],
                 (unsigned long long)o->w[i], path_to(c, idx, p, sizeof p));
    for (size_t i = 0; i < o->nwords; i++)
        if (is_slot(o, i))
            bind(c, o->w[i], (void *)(uintptr_t)g[i], idx, (uint32_t)i);
}

static uint64_t heap_id(ctx *c, const void *g);

static int copied_by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct copied *)a)->at;
    uintptr_t y = (uintptr_t)((const struct copied *)b)->at;
    return (x > y) - (x < y);
}

/* As a minor GC ends, the nursery holds exactly the survivors it kept
 * young, dense from its start: note each (the replay, which runs after the
 * call, cannot tell which fitted the room and no later check can find them
 * all: some are reachable only from old garbage). */
static void note_kept_young(ctx *c, grove_heap *heap)
{
    const struct grove__heap_fast *f = grove__fast(heap);
    for (uintptr_t p = f->nursery_start; p < f->alloc_ptr;) {
        uint64_t hdr = *(const uint64_t *)p, words = hdr_words(hdr);
        if (words == 0 || p + words * 8 > f->alloc_ptr)
            fail(c, "the nursery after a minor GC is not dense: header %#llx at %p",
                 (unsigned long long)hdr, (void *)p);
        const uint64_t *g = (const uint64_t *)p + 1;
        c->kept = grow(c, c->kept, &c->kept_cap, c->nkept + 1, sizeof *c->kept);
        struct copied key = {g, 0}, *id_less =
            c->ncopied ? bsearch(&key, c->copied, c->ncopied, sizeof *c->copied, copied_by_address)
                       : NULL;
        c->kept[c->nkept++] = (struct kept_obj){heap_id(c, g), id_less ? id_less->idx : 0, g,
                                                words, hdr_age(hdr)};
        c->kept_bytes += words * 8;
        p += words * 8;
    }
}

/* As a minor GC's copying is done, before its reset: where each young
 * id-less object went (its nursery header forwards to the copy), or NULL
 * if it died or was promoted before (it is not in the nursery). Where they
 * went tells them apart as the GC ends (note_kept_young). */
static void follow_id_less(ctx *c)
{
    const struct grove__heap_fast *f = grove__fast(c->h);
    c->ncopied = 0;
    for (uint32_t i = 1; i < c->m.count; i++) {
        mobj *o = &c->m.o[i];
        if (!o->id || !o->young_at)
            continue;
        if (!grove__is_young(f, o->young_at)) {
            o->young_at = NULL;
            continue;
        }
        uint64_t hdr = *grove__header(o->young_at);
        o->young_at = hdr & GROVE__HDR_LIVE ? NULL : (const void *)(uintptr_t)hdr;
        if (o->young_at) {
            c->copied = grow(c, c->copied, &c->copied_cap, c->ncopied + 1, sizeof *c->copied);
            c->copied[c->ncopied++] = (struct copied){o->young_at, i};
        }
    }
    if (c->ncopied) /* (qsort and bsearch want an array, even an empty one) */
        qsort(c->copied, c->ncopied, sizeof *c->copied, copied_by_address);
}

/* Incremental mode. A final pause keeps what the cycle's slices marked, which
 * depends on the order they scanned in: floating garbage, unreachable but
 * kept. The model learns it from the heap: it follows every object's
 * address (allocation, each check, each minor GC's forwarding) and, as a
 * final pause starts its weak phase (the strong closure done, no guardian
 * has resurrected anything yet), reads the mark bit of each old or large
 * one (grove.h's header layout). The replay then keeps those as live (section
 * 6b), and checks the converse: everything it finds reachable was marked. */
static bool final_pause(ctx *c)
{
    grove_stats st;
    grove_get_stats(c->h, &st);
    return st.major_cycle == 2; /* marking: this major GC ends the cycle */
}

/* As a minor GC's copying is done, before its reset: where each young
 * object went, or NULL if it died. */
static void follow_moves(ctx *c)
{
    const struct grove__heap_fast *f = grove__fast(c->h);
    for (uint32_t i = 1; i < c->m.count; i++) {
        mobj *o = &c->m.o[i];
        if (!o->id || !o->at || !grove__is_young(f, o->at))
            continue;
        uint64_t hdr = *grove__header(o->at);
        o->at = hdr & GROVE__HDR_LIVE ? NULL : (const void *)(uintptr_t)hdr;
    }
}

static void note_final_marks(ctx *c, uint32_t stamp)
{
    const struct grove__heap_fast *f = grove__fast(c->h);
    for (uint32_t i = 1; i < c->m.count; i++) {
        mobj *o = &c->m.o[i];
        if (o->id && o->at && !grove__is_young(f, o->at) &&
            (*grove__header(o->at) & GROVE__HDR_MARK))
            o->rt_marked = stamp;
    }
}

/* Slices come between collections, each a major pause of its own. */
static void on_slice_event(ctx *c, const grove_event *e)
{
    struct event_state *ev = &c->ev;
    bool start = e->type == GROVE_EVENT_SLICE_START;
    if (ev->in_collection || ev->in_slice == start || e->kind != GROVE_MAJOR ||
        e->collection != ev->number)
        fail(c, "event: slice %s %s (collection %llu, the last was %llu)",
             start ? "start" : "end",
             ev->in_collection ? "inside a collection"
             : ev->in_slice == start ? "out of order" : "not of the last collection",
             (unsigned long long)e->collection, (unsigned long long)ev->number);
    ev->in_slice = start;
    if (!start) {
        ev->slices++;
        ev->pause_ns[1] += e->duration_ns;
    }
}

/* The collection-event protocol: collections numbered from 1 without gaps,
 * never nested; inside one, phases start and end in pairs, in pipeline
 * order (the enum's order), each at most once. */
static void on_event(grove_heap *heap, const grove_event *e, void *data)
{
    ctx *c = data;
    struct event_state *ev = &c->ev;
    switch (e->type) {
    case GROVE_EVENT_SLICE_START:
    case GROVE_EVENT_SLICE_END:
        on_slice_event(c, e);
        return;
    case GROVE_EVENT_COLLECTION_START:
        if (ev->in_collection)
            fail(c, "event: collection %llu started inside collection %llu",
                 (unsigned long long)e->collection, (unsigned long long)ev->number);
        if (e->collection != ev->number + 1)
            fail(c, "event: collection %llu follows collection %llu",
                 (unsigned long long)e->collection, (unsigned long long)ev->number);
        *ev = (struct event_state){.in_collection = true, .kind = e->kind, .phase = e->phase,
                                   .number = e->collection, .ends = {ev->ends[0], ev->ends[1]},
                                   .pause_ns = {ev->pause_ns[0], ev->pause_ns[1]},
                                   .slices = ev->slices};
        if (c->ngcs == MAXGCS)
            fail(c, "more than %d collections in one call", MAXGCS);
        c->gcs[c->ngcs] = e->kind;
        c->gc_final[c->ngcs] = e->kind == GROVE_MAJOR && c->incremental && final_pause(c)
                                   ? ++c->final_stamp
                                   : 0;
        c->gc_nursery[c->ngcs] = grove__fast(heap)->nursery_size;
        c->kept_from[c->ngcs] = c->nkept;
        c->gc_reasons[c->ngcs++] = e->reason;
        return;
    case GROVE_EVENT_PHASE_START:
        if (!ev->in_collection || ev->in_phase || e->phase <= ev->phase)
            fail(c, "event: phase %s started out of order (after %s%s)", grove_phase_name(e->phase),
                 grove_phase_name(ev->phase), ev->in_phase ? ", still open" : "");
        ev->in_phase = true;
        ev->phase = e->phase;
        if (e->kind == GROVE_MINOR && e->phase == GROVE_PHASE_RESET && c->survivor_age)
            follow_id_less(c);
        if (e->kind == GROVE_MINOR && e->phase == GROVE_PHASE_RESET && c->incremental)
            follow_moves(c);
        if (e->kind == GROVE_MAJOR && e->phase == GROVE_PHASE_WEAK && c->gc_final[c->ngcs - 1])
            note_final_marks(c, c->gc_final[c->ngcs - 1]);
        break;
    case GROVE_EVENT_PHASE_END:
        if (!ev->in_phase || e->phase != ev->phase)
            fail(c, "event: phase %s ended, but %s is the open one", grove_phase_name(e->phase),
                 grove_phase_name(ev->phase));
        ev->in_phase = false;
        break;
    case GROVE_EVENT_COLLECTION_END:
        if (!ev->in_collection || ev->in_phase || ev->phase != GROVE_PHASE_RESET)
            fail(c, "event: collection %llu ended in phase %s", (unsigned long long)e->collection,
                 grove_phase_name(ev->phase));
        ev->in_collection = false;
        if (e->kind == GROVE_MINOR)
            note_kept_young(c, heap);
        ev->ends[e->kind == GROVE_MAJOR]++;
        ev->pause_ns[e->kind == GROVE_MAJOR] += e->duration_ns;
        break;
    }
    if (e->collection != ev->number || e->kind != ev->kind)
        fail(c, "event: %s event of collection %llu inside collection %llu",
             grove_phase_name(e->phase), (unsigned long long)e->collection,
             (unsigned long long)ev->number);
}

/* The events and the statistics describe the same collections. */
static void check_events(ctx *c)
{
    grove_stats st;
    grove_get_stats(c->h, &st);
    const struct event_state *ev = &c->ev;
    if (ev->in_collection || ev->in_slice || ev->ends[0] != st.minor_collections ||
        ev->ends[1] != st.major_collections || ev->pause_ns[0] != st.minor.total_ns ||
        ev->pause_ns[1] != st.major.total_ns || ev->slices != st.major_slices ||
        ev->ends[1] + ev->slices != st.major.count)
        fail(c, "events saw %llu minor / %llu major collections and %llu slices pausing %llu / "
                "%llu ns; the stats say %llu / %llu and %llu slices, %llu / %llu ns",
             (unsigned long long)ev->ends[0], (unsigned long long)ev->ends[1],
             (unsigned long long)ev->slices, (unsigned long long)ev->pause_ns[0],
             (unsigned long long)ev->pause_ns[1], (unsigned long long)st.minor_collections,
             (unsigned long long)st.major_collections, (unsigned long long)st.major_slices,
             (unsigned long long)st.minor.total_ns, (unsigned long long)st.major.total_ns);
}

/* Each guardian holds what the model says: its pending registrations and
 * its queue's length. */
static void check_guardians(ctx *c)
{
    for (unsigned k = 0; k < NGUARD; k++) {
        const mguard *G = &c->guards[k];
        if (!G->g)
            continue; /* freed for the run's end */
        size_t queued = grove_guardian_queued(G->g), registered = grove_guardian_registered(G->g);
        if (queued != G->qlen - G->qhead || registered != G->nreg)
            fail(c, "guardian %u has %zu queued and %zu registered, the model says %zu and %zu", k,
                 queued, registered, G->qlen - G->qhead, G->nreg);
    }
}

/* Compare every rooted object's reachable graph with the model (weak slots
 * are followed too: after the replay, what they hold is live). What nothing
 * reaches stays in the model until a replayed collection frees it: an old
 * object keeps what it points to alive through minor GCs, and a guardian
 * may hand an unreachable object back. */
static void check(ctx *c, const char *why)
{
    (void)why;
    check_events(c);
    check_guardians(c);
    if (custom_trace_bad)
        fail(c, "the custom trace callback was handed an object whose size cannot hold its "
                "slot count (%lu times)",
             custom_trace_bad);
    c->m.epoch++;
    if (c->m.epoch == 0) { /* wrapped: forget every stamp */
        c->m.epoch = 1;
        for (uint32_t i = 1; i < c->m.count; i++)
            c->m.o[i].mark = 0;
        if (c->amap_cap)
            memset(c->amap_stamp, 0, c->amap_cap * sizeof *c->amap_stamp);
    }
    c->amap_n = 0;
    c->nwork = 0;

    for (unsigned i = 0; i < NPERS; i++)
        if (c->pers_on[i])
            bind(c, c->mpers[i], grove_persistent_get(c->h, &c->pers[i]), 0,
                 root_code((rref){R_PERS, 0, (uint8_t)i}));
    for (unsigned i = 0; i < c->nv; i++)
        bind(c, c->mv[i], c->vroots[i], 0, root_code((rref){R_VIS, 0, (uint8_t)i}));
    for (unsigned i = 0; i < c->npinned; i++) /* pins keep objects alive and in place */
        bind(c, mv_ref(c->pinned[i]), c->m.o[c->pinned[i]].pinned_addr, 0,
             root_code((rref){R_PIN, 0, (uint8_t)i}));
    for (unsigned d = 0; d < c->depth; d++)
        for (unsigned i = 0; i < NLOC; i++) {
            rref r = {R_LOC, (uint8_t)d, (uint8_t)i};
            bind(c, c->mloc[d][i], root_get(c, r), 0, root_code(r));
        }

    uint64_t objects = 0;
    while (c->nwork) {
        uint32_t idx = c->work[--c->nwork];
        compare_object(c, idx);
        objects++;
    }

    c->t.checks++;
    c->t.objects_checked += objects;
    c->live_at_check = objects;
    if (objects > c->t.max_live_objects)
        c->t.max_live_objects = objects;
}

/* ------------------------------------------------------------------------ */
/* 6b. Replaying a collection on the model                                  */
/* ------------------------------------------------------------------------ */

static bool sim_live(const ctx *c, uint64_t v)
{
    return mv_is_ref(v) && c->m.o[mv_idx(v)].sim == c->sim_epoch;
}

/* Live as a weak slot's target or an ephemeron's key: found live, and not
 * queued by a guardian in this collection (a queued object is dead to every
 * weak reference, also to those only it reaches). */
static bool sim_weak_live(const ctx *c, uint64_t v)
{
    return sim_live(c, v) && c->m.o[mv_idx(v)].queued != c->sim_epoch;
}

static void sim_mark(ctx *c, uint64_t v)
{
    if (!mv_is_ref(v))
        return;
    mobj *o = &c->m.o[mv_idx(v)];
    if (!o->id)
        fail(c, "internal: the model refers to a freed entry %u", mv_idx(v));
    if (o->sim == c->sim_epoch)
        return;
    o->sim = c->sim_epoch;
    push_work(c, mv_idx(v));
}

/* Mark what the slots a collector traces unconditionally hold: every slot
 * but a weak box's word 0 and an ephemeron's key and value. (Slot by slot
 * with is_slot() would be the replay's main cost.) */
static void sim_mark_strong(ctx *c, const mobj *o)
{
    const stype *ty = &type_table[o->type];
    size_t from = 0, to = o->nwords;
    switch (ty->kind) {
    case K_BYTES:
        return;
    case K_RECORD:
        for (uint64_t map = ty->map; map; map &= map - 1)
            if ((size_t)__builtin_ctzll(map) < o->nwords)
                sim_mark(c, o->w[__builtin_ctzll(map)]);
        return;
    case K_CUSTOM:
        from = 2;
        to = 2 + o->w[0];
        break;
    case K_WEAK:
        from = 1;
        break;
    case K_EPHEMERON:
        from = 2;
        break;
    case K_ARRAY:
        break;
    }
    for (size_t i = from; i < to; i++)
        sim_mark(c, o->w[i]);
}

/* Trace one live object's strong slots; an ephemeron's value only once its
 * key is known live (an immediate key always is). */
static void sim_scan(ctx *c, uint32_t idx)
{
    const mobj *o = &c->m.o[idx];
    enum kind k = type_table[o->type].kind;
    sim_mark_strong(c, o);
    if (k != K_WEAK && k != K_EPHEMERON)
        return;
    c->sim_weak = grow(c, c->sim_weak, &c->sim_weak_cap, c->nsim_weak + 1, sizeof *c->sim_weak);
    c->sim_weak[c->nsim_weak++] = idx;
    if (k == K_WEAK)
        return;
    if (!mv_is_ref(o->w[0]) || sim_weak_live(c, o->w[0])) {
        sim_mark(c, o->w[1]);
        return;
    }
    c->sim_pend = grow(c, c->sim_pend, &c->sim_pend_cap, c->nsim_pend + 1, sizeof *c->sim_pend);
    c->sim_pend[c->nsim_pend++] = idx;
}

/* The transitive closure, ephemerons to their fixpoint: values of those
 * whose key became live are traced, until nothing new is found. */
static void sim_close(ctx *c)
{
    do {
        while (c->nwork)
            sim_scan(c, c->work[--c->nwork]);
        for (size_t k = 0; k < c->nsim_pend;) {
            const mobj *e = &c->m.o[c->sim_pend[k]];
            if (sim_weak_live(c, e->w[0])) {
                sim_mark(c, e->w[1]);
                c->sim_pend[k] = c->sim_pend[--c->nsim_pend];
            } else {
                k++;
            }
        }
    } while (c->nwork);
}

/* With the closure done: weak slots whose target was not found live become
 * NULL, and so do both words of ephemerons whose key was not. */
static void sim_judge(ctx *c)
{
    for (size_t k = 0; k < c->nsim_weak; k++) {
        mobj *o = &c->m.o[c->sim_weak[k]];
        if (!mv_is_ref(o->w[0]) || sim_weak_live(c, o->w[0]))
            continue;
        o->w[0] = 0;
        if (type_table[o->type].kind == K_EPHEMERON) {
            o->w[1] = 0;
            c->t.ephemerons_broken++;
        } else {
            c->t.weak_cleared++;
        }
    }
    c->nsim_weak = 0;
    c->nsim_pend = 0;
}

static void sim_mark_roots(ctx *c, bool minor)
{
    for (unsigned i = 0; i < NPERS; i++)
        if (c->pers_on[i])
            sim_mark(c, c->mpers[i]);
    for (unsigned i = 0; i < c->nv; i++)
        sim_mark(c, c->mv[i]);
    for (unsigned i = 0; i < c->npinned; i++)
        sim_mark(c, mv_ref(c->pinned[i]));
    for (unsigned d = 0; d < c->depth; d++)
        for (unsigned i = 0; i < NLOC; i++)
            sim_mark(c, c->mloc[d][i]);
    for (unsigned k = 0; k < NGUARD; k++) {
        const mguard *G = &c->guards[k];
        for (size_t i = G->qhead; i < G->qlen; i++)
            sim_mark(c, mv_ref(G->q[i].idx));
    }
    if (minor) /* a minor GC does not judge old objects: they all count as live */
        for (uint32_t i = 1; i < c->m.count; i++)
            if (c->m.o[i].id && !c->m.o[i].young)
                sim_mark(c, mv_ref(i));
}

/* Every registration whose object was not found live moves to its
 * guardian's queue; all are judged before any is kept alive (an object
 * registered twice is queued twice). Then what they reach is kept alive. */
static void sim_guardians(ctx *c)
{
    size_t first[NGUARD];
    for (unsigned k = 0; k < NGUARD; k++) {
        mguard *G = &c->guards[k];
        first[k] = G->qlen;
        size_t kept = 0;
        for (size_t i = 0; i < G->nreg; i++) {
            if (sim_live(c, mv_ref(G->reg[i]))) {
                G->reg[kept++] = G->reg[i];
                continue;
            }
            G->q = grow(c, G->q, &G->qcap, G->qlen + 1, sizeof *G->q);
            G->q[G->qlen++] = (mqueued){G->reg[i], c->gc_serial};
            c->m.o[G->reg[i]].queued = c->sim_epoch;
            c->t.guardian_queued++;
        }
        G->nreg = kept;
    }
    for (unsigned k = 0; k < NGUARD; k++)
        for (size_t i = first[k]; i < c->guards[k].qlen; i++)
            sim_mark(c, mv_ref(c->guards[k].q[i].idx));
}

/* A model object the replay found dead: its pending hooks are due. */
static void sim_free(ctx *c, uint32_t idx)
{
    mobj *o = &c->m.o[idx];
    for (size_t s = 0; o->hooks && s < c->nhooks; s++) {
        mhook *hk = &c->hooks[s];
        if (hk->state == HOOK_PENDING && hk->idx == idx) {
            hk->state = HOOK_DUE;
            c->hooks_due++;
            o->hooks--;
        }
    }
    model_free_entry(c, idx);
}

/* The bytes an object of nwords payload words counts in live_bytes once
 * old or large: its header and payload (grove__object_bytes), and the hash
 * word of a copy hashed while young. Large objects count the same: their
 * space's own prefix and rounding are not object bytes. A copy kept young
 * takes as many. */
static uint64_t object_bytes(size_t nwords, bool hash_word)
{
    return 8 + (uint64_t)nwords * 8 + (hash_word ? 8 : 0);
}

static int cand_by_id(const void *a, const void *b)
{
    uint64_t x = ((const struct aging_cand *)a)->id, y = ((const struct aging_cand *)b)->id;
    return (x > y) - (x < y);
}

/* The candidate a kept entry is: by its id, or the id-less byte object
 * copied there. */
static struct aging_cand *find_cand(ctx *c, const struct kept_obj *k)
{
    struct aging_cand key = {.id = k->idx ? c->m.o[k->idx].id : k->id}, *a;
    if (c->ncand && (a = bsearch(&key, c->cand, c->ncand, sizeof *c->cand, cand_by_id)) &&
        (k->idx ? a->idx == k->idx : has_id(&c->m.o[a->idx])))
        return a;
    return NULL;
}

/* Survivor aging, after replaying minor GC number `gi` of the call: its
 * young survivors younger than survivor_age (none after a major GC or for
 * a pin: those promote all) are the candidates to stay young. Which did
 * depends on the order the collector found them in, so the model takes
 * what the nursery held as the GC ended and checks it: only candidates,
 * one minor GC older, each as big as the model says, within the room (half
 * the nursery), and a candidate promoted only if it could not fit in what
 * was left of it. Every other survivor is old, age 0. */
static void sim_age(ctx *c, unsigned gi)
{
    grove_gc_reason why = c->gc_reasons[gi];
    unsigned max_age = why == GROVE_REASON_AFTER_MAJOR || why == GROVE_REASON_PIN ? 0
                                                                                   : c->survivor_age;
    uint64_t room = max_age ? c->gc_nursery[gi] / 2 : 0, kept = 0;
    bool full = false;
    c->ncand = 0;
    for (uint32_t i = 1; i < c->m.count; i++) {
        mobj *o = &c->m.o[i];
        if (!o->id || !o->young)
            continue;
        if (o->age < max_age) {
            c->cand = grow(c, c->cand, &c->cand_cap, c->ncand + 1, sizeof *c->cand);
            c->cand[c->ncand++] = (struct aging_cand){o->id, i, false};
        } else {
            o->young = false;
            o->age = 0;
        }
    }
    if (c->ncand)
        qsort(c->cand, c->ncand, sizeof *c->cand, cand_by_id);
    size_t to = gi + 1 < c->ngcs ? c->kept_from[gi + 1] : c->nkept;
    for (size_t k = c->kept_from[gi]; k < to; k++) {
        const struct kept_obj *e = &c->kept[k];
        struct aging_cand *a = find_cand(c, e);
        if (!a || a->kept)
            fail(c, "minor GC (%s, survivor age %u) kept young an object with id %llu, age %u, "
                    "%llu words, that the model %s",
                 grove_gc_reason_name(why), max_age, (unsigned long long)e->id, e->age,
                 (unsigned long long)e->words,
                 a ? "saw kept twice" : "does not have as a young survivor younger than that");
        mobj *o = &c->m.o[a->idx];
        a->kept = true;
        o->age++;
        if (e->age != o->age || e->words * 8 != object_bytes(o->nwords, o->hash_word))
            fail(c, "#%llu (%s), kept young, has age %u and %llu words; the model says age %u "
                    "and %llu words",
                 (unsigned long long)o->id, type_name(o), e->age, (unsigned long long)e->words,
                 o->age, (unsigned long long)(object_bytes(o->nwords, o->hash_word) / 8));
        kept += e->words * 8;
    }
    if (kept > room)
        fail(c, "minor GC kept %llu bytes young, more than its room of %llu",
             (unsigned long long)kept, (unsigned long long)room);
    for (size_t i = 0; i < c->ncand; i++) {
        if (c->cand[i].kept)
            continue;
        mobj *o = &c->m.o[c->cand[i].idx];
        uint64_t bytes = object_bytes(o->nwords, o->hash_word);
        if (bytes <= room - kept)
            fail(c, "#%llu (%s, %llu bytes, age %u) was promoted, though the room for survivors "
                    "kept young (%llu bytes) still has %llu free",
                 (unsigned long long)o->id, type_name(o), (unsigned long long)bytes, o->age,
                 (unsigned long long)room, (unsigned long long)(room - kept));
        o->young = false;
        o->age = 0;
        full = true;
    }
    c->last_kept = kept;
    c->t.kept_young_gcs += kept != 0;
    c->t.kept_young_full += full;
}

/* Replay collection number `gi` of the call: strong reachability first
 * (weak slots and ephemerons judged on it), then guardians resurrect, then
 * what only the resurrected reach is judged (the queued objects still dead
 * to it), then the rest dies. A minor GC's survivors are old unless
 * survivor aging keeps them young. */
/* A final pause keeps what its cycle marked: those are live to the replay
 * too (they and what they reach; weak slots and guardians judged on it). */
static void sim_keep_final_marks(ctx *c, uint32_t stamp)
{
    for (uint32_t i = 1; i < c->m.count; i++)
        if (c->m.o[i].id && c->m.o[i].rt_marked == stamp) {
            c->t.final_marked++;
            sim_mark(c, mv_ref(i));
        }
}

/* ... and everything the replay finds live that was old then must have been
 * marked: the sweep frees what is not. */
static void check_final_marks(ctx *c, uint32_t stamp)
{
    const struct grove__heap_fast *f = grove__fast(c->h);
    for (uint32_t i = 1; i < c->m.count; i++) {
        const mobj *o = &c->m.o[i];
        if (o->id && o->sim == c->sim_epoch && o->at && !grove__is_young(f, o->at) &&
            !o->young && o->rt_marked != stamp)
            fail(c, "the final pause of an incremental major GC left #%llu (%s) unmarked, and "
                    "the model finds it live: the sweep freed a live object",
                 (unsigned long long)o->id, type_name(o));
    }
}

static void simulate(ctx *c, unsigned gi)
{
    bool minor = c->gcs[gi] == GROVE_MINOR;
    c->gc_serial++;
    if (minor) {
        c->minors++;
        c->t.card_minors += c->card_pending;
    }
    c->card_pending = false; /* a major GC may drain cards too: count only minors that follow */
    if (++c->sim_epoch == 0) { /* wrapped: forget every stamp */
        c->sim_epoch = 1;
        for (uint32_t i = 1; i < c->m.count; i++)
            c->m.o[i].sim = c->m.o[i].queued = 0;
    }
    c->nwork = c->nsim_pend = c->nsim_weak = 0;
    sim_mark_roots(c, minor);
    if (c->gc_final[gi]) {
        c->t.final_pauses++;
        sim_keep_final_marks(c, c->gc_final[gi]);
    }
    sim_close(c);
    if (c->gc_final[gi])
        check_final_marks(c, c->gc_final[gi]);
    sim_judge(c);
    sim_guardians(c);
    sim_close(c);
    sim_judge(c);
    for (uint32_t i = 1; i < c->m.count; i++) {
        mobj *o = &c->m.o[i];
        if (!o->id)
            continue;
        if (o->sim != c->sim_epoch)
            sim_free(c, i);
    }
    if (minor)
        sim_age(c, gi);
}

/* The hooks that ran since the last comparison are exactly the due ones,
 * each once, those of one object in the order they were added. */
static void check_cleanups(ctx *c)
{
    for (size_t i = 0; i < c->nran; i++) {
        uint64_t s = c->ran[i];
        if (s == 0 || s > c->nhooks)
            fail(c, "a cleanup hook ran with token %llu, which was never given",
                 (unsigned long long)s);
        mhook *hk = &c->hooks[s - 1];
        if (hk->state != HOOK_DUE)
            fail(c, "cleanup hook %llu of #%llu ran, but %s", (unsigned long long)s,
                 (unsigned long long)hk->obj_id,
                 hk->state == HOOK_RAN ? "it ran before" : "the model says its object is alive");
        for (size_t j = 0; j < i; j++)
            if (c->ran[j] > s && c->hooks[c->ran[j] - 1].obj_id == hk->obj_id)
                fail(c, "cleanup hooks of #%llu ran out of order: %llu before %llu",
                     (unsigned long long)hk->obj_id, (unsigned long long)c->ran[j],
                     (unsigned long long)s);
        hk->state = HOOK_RAN;
        c->hooks_due--;
        c->t.cleanups_run++;
    }
    c->nran = 0;
    if (c->hooks_due)
        for (size_t s = 0; s < c->nhooks; s++)
            if (c->hooks[s].state == HOOK_DUE)
                fail(c, "cleanup hook %zu of #%llu did not run, though its object died "
                        "(%zu due hooks missing)",
                     s + 1, (unsigned long long)c->hooks[s].obj_id, c->hooks_due);
}

/* After a minor GC that ends a call the nursery holds only what it kept
 * young: every other object the model still has is old or large, and
 * live_bytes (promoted + large - freed) counts exactly those, the garbage
 * no major GC has found yet included, and nothing else. After a major GC
 * and the minor GC evacuating its nursery (which keeps nothing young),
 * that is exactly what the major GC found live: bytes_freed, which the
 * lazy sweep takes from the mark's counts, is checked whole. */
static void check_live_bytes(ctx *c, bool after_major)
{
    uint64_t old = 0, large = 0, young = 0, objects = 0;
    for (uint32_t i = 1; i < c->m.count; i++) {
        const mobj *o = &c->m.o[i];
        if (!o->id)
            continue;
        uint64_t bytes = object_bytes(o->nwords, o->hash_word);
        if (o->young)
            young += bytes;
        else if (o->nwords * 8 > GROVE_MAX_SMALL_PAYLOAD)
            large += bytes;
        else
            old += bytes;
        objects += !o->young;
    }
    if (young != c->last_kept)
        fail(c, "internal: the model's young objects take %llu bytes after a minor GC that kept "
                "%llu",
             (unsigned long long)young, (unsigned long long)c->last_kept);
    grove_stats st;
    grove_get_stats(c->h, &st);
    if (st.live_bytes != old + large + c->pending_old_bytes)
        fail(c, "after a minor GC%s, live_bytes is %llu (promoted %llu + large %llu - freed "
                "%llu); the model's %llu objects take %llu bytes (%llu in old space, %llu "
                "large, %llu just allocated)",
             after_major ? " evacuating a major GC's nursery" : "",
             (unsigned long long)st.live_bytes, (unsigned long long)st.bytes_promoted,
             (unsigned long long)st.bytes_large, (unsigned long long)st.bytes_freed,
             (unsigned long long)objects, (unsigned long long)(old + large + c->pending_old_bytes),
             (unsigned long long)old, (unsigned long long)large,
             (unsigned long long)c->pending_old_bytes);
    c->t.live_bytes_checks++;
    c->t.live_bytes_after_major += after_major;
}

/* Does a slot of old object o, weak ones included, hold a young object? */
static bool holds_young(const ctx *c, const mobj *o)
{
    for (size_t i = 0; i < o->nwords; i++)
        if (is_slot(o, i) && mv_young(c, o->w[i]))
            return true;
    return false;
}

/* A minor GC rescans every marked card and logged object and leaves only
 * what points at the survivors it kept young: each old object holding one
 * logged (once), or for a carded array its card marked. Nothing else the
 * barrier recorded waits for the next one. */
static void check_remembered(ctx *c)
{
    uint64_t logged = 0, carded = 0;
    if (c->last_kept)
        for (uint32_t i = 1; i < c->m.count; i++) {
            const mobj *o = &c->m.o[i];
            if (o->id && !o->young && holds_young(c, o))
                *(is_carded(o) ? &carded : &logged) += 1;
        }
    grove_stats st;
    grove_get_stats(c->h, &st);
    if ((st.remembered_cards != 0) != (carded != 0) || st.remembered_set_size != logged)
        fail(c, "after a minor GC %llu card(s) are marked and %llu object(s) logged; the model "
                "has %llu carded array(s) and %llu other old object(s) pointing at survivors "
                "kept young",
             (unsigned long long)st.remembered_cards, (unsigned long long)st.remembered_set_size,
             (unsigned long long)carded, (unsigned long long)logged);
}

/* After every call that may collect: replay the collections it ran, in
 * order, compare the cleanup hooks, and check the heap (and, when its last
 * collection emptied the nursery, the live bytes). */
static void after_gc(ctx *c)
{
    bool collected = c->ngcs != 0;
    bool emptied = collected && c->gcs[c->ngcs - 1] == GROVE_MINOR;
    bool after_major = emptied && c->gc_reasons[c->ngcs - 1] == GROVE_REASON_AFTER_MAJOR;
    if (collected) {
        grove_stats st;
        grove_get_stats(c->h, &st);
        if (st.bytes_kept_young != c->kept_bytes)
            fail(c, "bytes_kept_young is %llu; the nursery held %llu bytes of survivors as the "
                    "minor GCs so far ended",
                 (unsigned long long)st.bytes_kept_young, (unsigned long long)c->kept_bytes);
    }
    for (unsigned i = 0; i < c->ngcs; i++) {
        oplog(c, "  replay %s collection (%s)", c->gcs[i] == GROVE_MINOR ? "minor" : "major",
              grove_gc_reason_name(c->gc_reasons[i]));
        simulate(c, i);
    }
    c->ngcs = c->nkept = 0;
    check_cleanups(c);
    if (c->gc_seen || collected) {
        c->gc_seen = false;
        check(c, "after a collection");
    }
    if (emptied) {
        check_live_bytes(c, after_major);
        check_remembered(c);
    }
}

/* ------------------------------------------------------------------------ */
/* 7. Operations                                                            */
/* ------------------------------------------------------------------------ */

typedef struct val {
    uint64_t m;
    void *g;
} val;

static val imm(uint64_t v)
{
    return (val){v, (void *)(uintptr_t)v};
}

/* The object root r holds, if it holds one. */
static bool root_object(ctx *c, rref r, uint32_t *idx, void **g)
{
    uint64_t m = mroot_get(c, r);
    if (!mv_is_ref(m))
        return false;
    *idx = mv_idx(m);
    *g = root_get(c, r);
    return true;
}

/* A random slot word of o (never the id of an array). */
static bool pick_slot(ctx *c, const mobj *o, size_t *out)
{
    const stype *ty = &type_table[o->type];
    switch (ty->kind) {
    case K_RECORD: {
        uint64_t map = ty->map;
        if (o->nwords < 64)
            map &= ((uint64_t)1 << o->nwords) - 1;
        unsigned n = (unsigned)__builtin_popcountll(map);
        if (!n)
            return false;
        unsigned k = (unsigned)RND(n);
        while (k--)
            map &= map - 1;
        *out = (size_t)__builtin_ctzll(map);
        return true;
    }
    case K_ARRAY:
        if (o->nwords < 2)
            return false;
        *out = 1 + (size_t)RND(o->nwords - 1);
        return true;
    case K_CUSTOM:
        if (!o->w[0])
            return false;
        *out = 2 + (size_t)RND(o->w[0]);
        return true;
    case K_WEAK:
    case K_EPHEMERON: {
        /* Mostly the weak words (word 0; key and value), never the id. */
        size_t idw = weak_id_word(o);
        *out = RND(3) || o->nwords <= idw + 1 ? (size_t)RND(idw)
                                              : idw + 1 + (size_t)RND(o->nwords - idw - 1);
        return true;
    }
    case K_BYTES:
        return false;
    }
    return false;
}

/* A random immediate: NULL, fixnums, other tags, and tagged addresses of
 * live objects (which the collector must leave exactly as they are). */
static val pick_immediate(ctx *c)
{
    switch (RND(7)) {
    case 0:
        return imm(0);
    case 1:
    case 2:
        return imm(FIXNUM(RND(1u << 20)));
    case 3: {
        uint64_t payload = RND(1u << 16) << 3;
        return imm(payload | (1 + RND(7)));
    }
    case 4:
        return imm(RND(2) ? UINT64_MAX : 0x8000000000000001ull);
    default: {
        uint32_t idx;
        void *g;
        if (root_object(c, pick_root(c), &idx, &g))
            return imm((uint64_t)(uintptr_t)g | (1 + RND(7)));
        return imm(FIXNUM(7));
    }
    }
}

/* A value to store: mostly what some root holds, else an immediate or a
 * value loaded from a rooted object. Reads raw pointers: use it only where
 * nothing can allocate before the value is stored. */
static val pick_value(ctx *c)
{
    unsigned r = (unsigned)RND(10);
    if (r < 6) {
        rref a = pick_root(c);
        return (val){mroot_get(c, a), root_get(c, a)};
    }
    if (r < 9)
        return pick_immediate(c);
    uint32_t idx;
    void *g;
    size_t i;
    if (root_object(c, pick_root(c), &idx, &g) && pick_slot(c, &c->m.o[idx], &i))
        return (val){c->m.o[idx].w[i], ((void **)g)[i]};
    return imm(0);
}

/* A raw (non-slot) word: random bits, small numbers, or aligned addresses of
 * live or young objects, which the collector must neither follow nor update. */
static uint64_t pick_raw(ctx *c, void *self)
{
    switch (RND(5)) {
    case 0:
        return fill_rand(c);
    case 1:
        return RND(1000);
    case 2:
        return (uint64_t)(uintptr_t)self;
    default: {
        uint32_t idx;
        void *g;
        if (root_object(c, pick_root(c), &idx, &g))
            return (uint64_t)(uintptr_t)g;
        return fill_rand(c) & ~(uint64_t)7;
    }
    }
}

/* Young value m was stored into old object idx: through grove_barrier the
 * heap logged it whole until the next minor GC; through grove_write or
 * grove_write_n into a carded array not logged whole, a card alone keeps it. */
static void note_store(ctx *c, uint32_t idx, uint64_t m, bool whole)
{
    mobj *o = &c->m.o[idx];
    if (!mv_young(c, m) || o->young)
        return;
    if (whole)
        o->logged_cycle = c->minors + 1;
    else if (is_carded(o) && o->logged_cycle != c->minors + 1)
        c->card_pending = true;
}

/* Store v into slot i of heap object g (model object idx), through one of
 * the barrier forms. */
static void store_slot(ctx *c, uint32_t idx, void *g, size_t i, val v)
{
    void **slots = g;
    unsigned form = (unsigned)RND(3);
    switch (form) {
    case 0:
        grove_write(c->h, g, &slots[i], v.g);
        break;
    case 1:
        slots[i] = v.g;
        grove_barrier(c->h, g, v.g);
        break;
    default:
        grove_write_n(c->h, g, &slots[i], &v.g, 1);
        break;
    }
    c->m.o[idx].w[i] = v.m;
    note_store(c, idx, v.m, form == 1);
    c->t.barrier_stores++;
}

/* How heap_alloc asks: grove_alloc (a size in bytes), grove_alloc_array
 * (a count of words) or grove_alloc_pinned (bytes; born pinned and old).
 * A quarter of the BY_SIZE ones go through grove_alloc_uninit, the payload
 * zeroed at once as its contract asks (every word written before the next
 * allocation): the zeroing ones that follow must still get zeroed memory
 * however far the uninitialised ones took the nursery. */
enum alloc_form { BY_SIZE, BY_COUNT, PINNED };

static void *alloc_in(ctx *c, uint32_t type, size_t size, enum alloc_form form)
{
    switch (form) {
    case BY_COUNT:
        return grove_alloc_array(c->h, c->tids[type], size);
    case PINNED:
        return grove_alloc_pinned(c->h, c->tids[type], size);
    default:
        if (RND(4) == 0) {
            void *g = grove_alloc_uninit(c->h, c->tids[type], size);
            if (g)
                memset(g, 0, grove_object_size(g));
            c->t.uninit_allocations += g != NULL;
            return g;
        }
        return grove_alloc(c->h, c->tids[type], size);
    }
}

/* Allocate; check the heap right away if a collection ran. Returns NULL
 * only for an accepted GROVE_E_OOM. The new object is not rooted: use it
 * before anything else allocates. */
static void *heap_alloc(ctx *c, uint32_t type, size_t size, enum alloc_form form)
{
    size_t bytes = form == BY_COUNT ? size * sizeof(void *) : size;
    void *g = alloc_in(c, type, size, form);
    c->t.allocations++;
    if (bytes > GROVE_MAX_SMALL_PAYLOAD)
        c->t.large_allocations++;
    if (form == PINNED)
        c->t.pinned_allocations++;
    if (!g) {
        grove_error e = grove_last_error(c->h);
        if (c->p->allow_oom && e == GROVE_E_OOM) {
            c->t.oom++;
            grove_clear_error(c->h);
            after_gc(c);
            return NULL;
        }
        fail(c, "allocating %zu bytes of type %s returned NULL: %s: %s", bytes,
             type_table[type].name, grove_error_name(e), grove_last_error_message(c->h));
    }
    size_t want = bytes ? (bytes + 7) & ~(size_t)7 : 8; /* at least one word */
    if (form == PINNED || bytes > GROVE_MAX_SMALL_PAYLOAD) /* old already: counted live */
        c->pending_old_bytes = object_bytes(want / 8, false);
    after_gc(c);
    c->pending_old_bytes = 0;
    if (grove_object_type(g) != c->tids[type] || grove_object_size(g) != want)
        fail(c, "new object %p of type %s, %zu bytes: header says type id %u, %zu bytes", g,
             type_table[type].name, bytes, (unsigned)grove_object_type(g), grove_object_size(g));
    const uint64_t *w = g;
    for (size_t i = 0; i < want / 8; i++)
        if (w[i])
            fail(c, "new object %p of type %s, %zu bytes: word %zu is 0x%llx, not zero", g,
                 type_table[type].name, bytes, i, (unsigned long long)w[i]);
    return g;
}

/* Choose a type and payload size. Large objects exceed
 * GROVE_MAX_SMALL_PAYLOAD; sizes around that boundary come up often. */
static void pick_shape(ctx *c, bool large, uint32_t *type, size_t *nwords, size_t *nbytes)
{
    static const size_t boundary[] = {GROVE_MAX_SMALL_PAYLOAD - 8, GROVE_MAX_SMALL_PAYLOAD,
                                      GROVE_MAX_SMALL_PAYLOAD + 1, GROVE_MAX_SMALL_PAYLOAD + 8,
                                      GROVE_MAX_SMALL_PAYLOAD + 16};
    size_t max_large = c->p->max_large > 8192 ? c->p->max_large : 8192;
    uint32_t t;
    if (large)
        t = T_ARRAY + (uint32_t)RND(3);
    else {
        unsigned r = (unsigned)RND(16);
        t = r < 9 ? r : r < 12 ? T_ARRAY : r < 14 ? T_BYTES : T_CUSTOM;
    }
    size_t bytes;
    if (type_table[t].kind == K_RECORD) {
        bytes = type_table[t].size;
    } else if (large) {
        if (RND(4) == 0)
            bytes = boundary[2 + RND(3)];
        else
            bytes = GROVE_MAX_SMALL_PAYLOAD + 1 + RND(RND(8) ? 32768 : max_large);
    } else {
        switch (RND(8)) {
        case 0:
            bytes = boundary[RND(2)];
            break;
        case 1:
            bytes = 8 + RND(GROVE_MAX_SMALL_PAYLOAD - 8);
            break;
        case 2:
            if (t == T_ARRAY) { /* carded once old (1 KiB or more): see card bursts */
                bytes = CARDED_MIN_BYTES + RND(GROVE_MAX_SMALL_PAYLOAD - CARDED_MIN_BYTES + 1);
                break;
            }
            /* fall through */
        default:
            bytes = 8 + RND(RND(2) ? 64 : 512);
            break;
        }
    }
    if (t == T_BYTES && !large && RND(8) == 0)
        bytes = RND(8); /* 0..7 bytes: no room for the id */
    if (t == T_CUSTOM && bytes < 16)
        bytes = 16;
    if (t == T_ARRAY || t == T_CUSTOM)
        bytes = (bytes + 7) & ~(size_t)7;
    if (bytes > max_large)
        bytes = max_large;
    *type = t;
    *nbytes = bytes;
    *nwords = bytes ? (bytes + 7) / 8 : 1; /* every payload has at least one word */
}

/* Fill a fresh weak box or ephemeron: its id, its weak words (key, value)
 * from values picked now, itself among them (a box that watches itself, a
 * key or value that is the ephemeron), a few strong slots. */
static void init_weak(ctx *c, uint32_t idx, void *g)
{
    mobj *o = &c->m.o[idx];
    uint64_t *w = g;
    size_t idw = weak_id_word(o);
    w[idw] = o->w[idw] = FIXNUM(o->id);
    val pool[7];
    unsigned npool = 1 + (unsigned)RND(6);
    for (unsigned k = 0; k < npool; k++)
        pool[k] = pick_value(c);
    pool[npool++] = (val){mv_ref(idx), g};
    for (size_t i = 0; i < o->nwords; i++) {
        if (i == idw || (i > idw && (i > 8 || RND(3))))
            continue; /* strong slots stay NULL mostly */
        store_slot(c, idx, g, i, RND(6) == 0 ? pick_immediate(c) : pool[RND(npool)]);
    }
}

/* Fill a fresh object g (model idx): its id, slots from up to six values
 * picked now, raw words, bytes. Nothing allocates meanwhile. */
static void init_object(ctx *c, uint32_t idx, void *g, size_t nbytes)
{
    mobj *o = &c->m.o[idx];
    o->at = g;
    uint64_t *w = g;
    const stype *ty = &type_table[o->type];
    switch (ty->kind) {
    case K_BYTES: {
        unsigned char *b = (unsigned char *)g;
        size_t start = 0;
        if (nbytes >= 8) {
            w[0] = o->id;
            start = 8;
        } else {
            o->young_at = g;
        }
        size_t limit = RND(4) ? nbytes : start; /* some stay zero */
        for (size_t i = start; i < limit; i++)
            b[i] = (unsigned char)fill_rand(c);
        memcpy(o->w, g, o->nwords * 8);
        return;
    }
    case K_RECORD:
        w[0] = o->w[0] = o->id;
        break;
    case K_ARRAY:
        w[0] = o->w[0] = FIXNUM(o->id);
        break;
    case K_CUSTOM: {
        uint64_t nslots = RND(o->nwords - 1); /* 0 .. nwords-2 */
        if (RND(3) == 0)
            nslots = o->nwords - 2;
        w[0] = o->w[0] = nslots;
        w[1] = o->w[1] = o->id;
        break;
    }
    case K_WEAK:
    case K_EPHEMERON:
        init_weak(c, idx, g);
        return;
    }
    val pool[7];
    unsigned npool = 1 + (unsigned)RND(6);
    for (unsigned k = 0; k < npool; k++)
        pool[k] = pick_value(c);
    pool[npool++] = (val){mv_ref(idx), g}; /* a cycle through itself */
    size_t first = ty->kind == K_CUSTOM ? 2 : 1;
    bool sparse = o->nwords > 64 && RND(2);
    bool bulk = ty->kind != K_RECORD && RND(4) == 0;
    for (size_t i = first; i < o->nwords; i++) {
        if (is_slot(o, i)) {
            if (sparse && RND(16))
                continue; /* stays NULL */
            val v = RND(4) == 0 ? pick_immediate(c) : pool[RND(npool)];
            if (bulk) {
                /* grove_write_n from a C array: one barrier for the whole run */
                void *tmp[8];
                size_t n = 1 + (size_t)RND(8);
                if (i + n > o->nwords || (ty->kind == K_CUSTOM && i + n > 2 + o->w[0]))
                    n = 1;
                for (size_t k = 0; k < n; k++) {
                    val vk = k ? pool[RND(npool)] : v;
                    tmp[k] = vk.g;
                    o->w[i + k] = vk.m;
                }
                grove_write_n(c->h, g, (void **)&w[i], tmp, n);
                c->t.barrier_stores++;
                i += n - 1;
            } else {
                store_slot(c, idx, g, i, v);
            }
        } else if (RND(2)) {
            w[i] = o->w[i] = pick_raw(c, g);
        }
    }
}

static void op_alloc(ctx *c, bool large)
{
    uint32_t type;
    size_t nwords, nbytes;
    pick_shape(c, large, &type, &nwords, &nbytes);
    rref dst = pick_root(c);
    bool as_count = type == T_ARRAY && RND(2);
    char rn[16];
    oplog(c, "alloc %s %zu bytes%s -> %s", type_table[type].name, nbytes,
          as_count ? " (grove_alloc_array)" : "", root_name(dst, rn));
    void *g = heap_alloc(c, type, as_count ? nwords : nbytes, as_count ? BY_COUNT : BY_SIZE);
    if (!g) {
        oplog(c, "  refused: OOM");
        return;
    }
    uint32_t idx = model_new(c, type, nwords);
    init_object(c, idx, g, nbytes);
    root_set(c, dst, mv_ref(idx), g);
    oplog(c, "  = #%llu at %p", (unsigned long long)c->m.o[idx].id, g);
}

/* A list of k records built in root dst, each new node pointing at the
 * previous head: long young chains for the Cheney scan. */
static void op_chain(ctx *c)
{
    rref dst = pick_root(c);
    unsigned k = 1 + (unsigned)RND(c->src->bytes_mode ? 40 : 150);
    uint32_t type = RND(3) ? T_REC2 : RND(2) ? T_REC4 : T_ARRAY;
    char rn[16];
    oplog(c, "chain of %u %s -> %s", k, type_table[type].name, root_name(dst, rn));
    for (unsigned n = 0; n < k; n++) {
        size_t bytes = type == T_ARRAY ? 16 : type_table[type].size;
        void *g = heap_alloc(c, type, bytes, BY_SIZE);
        if (!g)
            return;
        uint32_t idx = model_new(c, type, (bytes + 7) / 8);
        c->m.o[idx].at = g;
        uint64_t *w = g;
        mobj *o = &c->m.o[idx];
        w[0] = o->w[0] = type == T_ARRAY ? FIXNUM(o->id) : o->id;
        store_slot(c, idx, g, 1, (val){mroot_get(c, dst), root_get(c, dst)});
        if (type == T_REC4) {
            w[2] = o->w[2] = pick_raw(c, g);
            store_slot(c, idx, g, 3, RND(2) ? pick_value(c) : pick_immediate(c));
        }
        root_set(c, dst, mv_ref(idx), g);
    }
}

/* Objects nobody keeps, some pointing at live ones. A large one is old:
 * until a major GC frees it, it keeps what it points to alive through minor
 * GCs, so the model must know it (young garbage needs no model object: no
 * collection follows its pointers). */
static void op_garbage(ctx *c)
{
    unsigned k = 1 + (unsigned)RND(64);
    oplog(c, "garbage x%u", k);
    for (unsigned n = 0; n < k; n++) {
        uint32_t type;
        size_t nwords, nbytes;
        pick_shape(c, RND(32) == 0, &type, &nwords, &nbytes);
        void *g = heap_alloc(c, type, nbytes, BY_SIZE);
        if (!g)
            return;
        uint32_t idx = nbytes > GROVE_MAX_SMALL_PAYLOAD ? model_new(c, type, nwords) : 0;
        if (idx)
            c->m.o[idx].at = g;
        uint64_t *w = g;
        const stype *ty = &type_table[type];
        if (ty->kind == K_CUSTOM)
            w[0] = nwords - 2 < 4 ? nwords - 2 : 4;
        if (idx)
            c->m.o[idx].w[0] = w[0];
        if ((ty->kind == K_RECORD && (ty->map & 2)) || ty->kind == K_ARRAY ||
            (ty->kind == K_CUSTOM && w[0])) {
            size_t i = ty->kind == K_CUSTOM ? 2 : 1;
            if (i < nwords) {
                val v = pick_value(c);
                grove_write(c->h, g, (void **)&w[i], v.g);
                if (idx)
                    c->m.o[idx].w[i] = v.m;
            }
        }
    }
}

static void op_store(ctx *c)
{
    rref a = pick_root(c);
    uint32_t idx;
    void *g;
    size_t i;
    char rn[16], b1[32];
    if (!root_object(c, a, &idx, &g) || !pick_slot(c, &c->m.o[idx], &i)) {
        oplog(c, "store via %s: no slot", root_name(a, rn));
        return;
    }
    val v = pick_value(c);
    store_slot(c, idx, g, i, v);
    oplog(c, "store #%llu[%zu] (via %s) = %s", (unsigned long long)c->m.o[idx].id, i,
          root_name(a, rn), fmt_mv(c, v.m, b1));
}

/* grove_write_n over a run of consecutive slots, from another object's
 * slots (possibly overlapping in the same object) or from a C array. */
static bool slot_run(const mobj *o, size_t *first, size_t *count)
{
    const stype *ty = &type_table[o->type];
    if (ty->kind == K_ARRAY && o->nwords > 1) {
        *first = 1;
        *count = o->nwords - 1;
        return true;
    }
    if (ty->kind == K_CUSTOM && o->w[0]) {
        *first = 2;
        *count = o->w[0];
        return true;
    }
    return false;
}

static void op_store_range(ctx *c)
{
    rref a = pick_root(c);
    uint32_t ia, ib;
    void *ga, *gb;
    size_t fa, na, fb, nb;
    char rn[16], rn2[16];
    if (!root_object(c, a, &ia, &ga) || !slot_run(&c->m.o[ia], &fa, &na)) {
        oplog(c, "store-range via %s: no slots", root_name(a, rn));
        return;
    }
    size_t n = 1 + (size_t)RND(na < 16 ? na : 16);
    size_t i = fa + (size_t)RND(na - n + 1);
    mobj *oa = &c->m.o[ia];
    rref b = pick_root(c);
    if (RND(2) && root_object(c, b, &ib, &gb) && slot_run(&c->m.o[ib], &fb, &nb) && nb >= n) {
        size_t j = fb + (size_t)RND(nb - n + 1);
        const mobj *ob = &c->m.o[ib];
        grove_write_n(c->h, ga, (void **)ga + i, (void *const *)gb + j, n);
        memmove(&oa->w[i], &ob->w[j], n * sizeof *oa->w);
        oplog(c, "store-range #%llu[%zu..+%zu] (via %s) = #%llu[%zu..] (via %s)",
              (unsigned long long)oa->id, i, n, root_name(a, rn), (unsigned long long)ob->id, j,
              root_name(b, rn2));
    } else {
        /* Pick every value first: one may be loaded from this very object. */
        void *tmp[16];
        uint64_t mtmp[16];
        for (size_t k = 0; k < n; k++) {
            val v = pick_value(c);
            tmp[k] = v.g;
            mtmp[k] = v.m;
        }
        grove_write_n(c->h, ga, (void **)ga + i, tmp, n);
        memcpy(&oa->w[i], mtmp, n * sizeof *mtmp);
        oplog(c, "store-range #%llu[%zu..+%zu] (via %s) from a C array",
              (unsigned long long)oa->id, i, n, root_name(a, rn));
    }
    c->t.barrier_stores++;
}

static void op_load(ctx *c)
{
    rref a = pick_root(c), dst = pick_root(c);
    uint32_t idx;
    void *g;
    size_t i;
    char rn[16], rn2[16], b1[32];
    if (!root_object(c, a, &idx, &g) || !pick_slot(c, &c->m.o[idx], &i)) {
        oplog(c, "load via %s: no slot", root_name(a, rn));
        return;
    }
    uint64_t m = c->m.o[idx].w[i];
    root_set(c, dst, m, ((void **)g)[i]);
    oplog(c, "load %s = #%llu[%zu] (via %s) = %s", root_name(dst, rn2),
          (unsigned long long)c->m.o[idx].id, i, root_name(a, rn), fmt_mv(c, m, b1));
}

/* The identity hash of object idx at g: the first time it is recorded,
 * afterwards it must be the same. */
static uint64_t take_hash(ctx *c, uint32_t idx, void *g)
{
    mobj *o = &c->m.o[idx];
    uint64_t hash = grove_identity_hash(c->h, g);
    if (o->hashed && hash != o->hash)
        fail(c, "object #%llu had identity hash %#llx, now %#llx", (unsigned long long)o->id,
             (unsigned long long)o->hash, (unsigned long long)hash);
    if (!o->hashed)
        o->hash_word = o->young;
    o->hashed = true;
    o->hash = hash;
    return hash;
}

/* Take the identity hash of a rooted object. */
static void op_hash(ctx *c)
{
    rref r = pick_root(c);
    uint32_t idx;
    void *g;
    char rn[16];
    if (!root_object(c, r, &idx, &g)) {
        oplog(c, "hash via %s: no object", root_name(r, rn));
        return;
    }
    uint64_t hash = take_hash(c, idx, g);
    oplog(c, "hash #%llu (via %s) = %#llx", (unsigned long long)c->m.o[idx].id,
          root_name(r, rn), (unsigned long long)hash);
}

/* Pin the object root r holds (pinning a young one collects to move it
 * out, promoting every survivor). */
static void pin_root(ctx *c, rref r)
{
    uint32_t idx;
    void *g;
    char rn[16];
    if (!root_object(c, r, &idx, &g) || (c->m.o[idx].pins == 0 && c->npinned == NPIN)) {
        oplog(c, "pin via %s: no object, or the pin list is full", root_name(r, rn));
        return;
    }
    c->gc_seen = false;
    void *pinned = grove_pin(c->h, g);
    mobj *o = &c->m.o[idx];
    if (!pinned) {
        if (!c->p->allow_oom || grove_last_error(c->h) != GROVE_E_OOM)
            fail(c, "grove_pin of #%llu failed: %s: %s", (unsigned long long)o->id,
                 grove_error_name(grove_last_error(c->h)), grove_last_error_message(c->h));
        c->t.oom++;
        grove_clear_error(c->h);
        oplog(c, "pin #%llu (via %s): refused, OOM", (unsigned long long)o->id, root_name(r, rn));
        after_gc(c);
        return;
    }
    if (pinned != root_get(c, r))
        fail(c, "grove_pin of #%llu returned %p, but its root now holds %p",
             (unsigned long long)o->id, pinned, root_get(c, r));
    if (o->pins == 0) {
        o->pinned_addr = pinned;
        c->pinned[c->npinned++] = idx;
    } else if (pinned != o->pinned_addr) {
        fail(c, "object #%llu, pinned at %p, was pinned again at %p", (unsigned long long)o->id,
             o->pinned_addr, pinned);
    }
    o->pins++;
    oplog(c, "pin #%llu (via %s) at %p, %u pins", (unsigned long long)o->id, root_name(r, rn),
          pinned, o->pins);
    after_gc(c);
}

static void op_pin(ctx *c)
{
    pin_root(c, pick_root(c));
}

static void op_unpin(ctx *c)
{
    if (!c->npinned) {
        oplog(c, "unpin: nothing pinned");
        return;
    }
    unsigned k = (unsigned)RND(c->npinned);
    mobj *o = &c->m.o[c->pinned[k]];
    if (grove_unpin(c->h, o->pinned_addr) != GROVE_OK)
        fail(c, "grove_unpin of #%llu at %p: %s", (unsigned long long)o->id, o->pinned_addr,
             grove_last_error_message(c->h));
    if (--o->pins == 0)
        c->pinned[k] = c->pinned[--c->npinned];
    oplog(c, "unpin #%llu, %u pins left", (unsigned long long)o->id, o->pins);
}

static void op_copy_root(ctx *c)
{
    rref a = pick_root(c), dst = pick_root(c);
    char rn[16], rn2[16];
    root_set(c, dst, mroot_get(c, a), root_get(c, a));
    oplog(c, "copy %s = %s", root_name(dst, rn2), root_name(a, rn));
}

static void op_clear_root(ctx *c)
{
    rref dst = pick_root(c);
    val v = RND(3) ? imm(0) : pick_immediate(c);
    char rn[16], b1[32];
    root_set(c, dst, v.m, v.g);
    oplog(c, "clear %s = %s", root_name(dst, rn), fmt_mv(c, v.m, b1));
}

static void op_drop_persistent(ctx *c)
{
    unsigned i = (unsigned)RND(NPERS);
    if (!c->pers_on[i]) {
        oplog(c, "drop p%u: not rooted", i);
        return;
    }
    grove_persistent_drop(c->h, &c->pers[i]);
    c->pers_on[i] = false;
    c->mpers[i] = 0;
    oplog(c, "drop p%u", i);
}

static void op_push_vroot(ctx *c)
{
    if (c->nv == MAXV) {
        oplog(c, "push visitor root: full");
        return;
    }
    val v = pick_value(c);
    char b1[32];
    c->vroots[c->nv] = v.g;
    c->mv[c->nv] = v.m;
    oplog(c, "push v%u = %s", c->nv, fmt_mv(c, v.m, b1));
    c->nv++;
}

static void op_pop_vroot(ctx *c)
{
    if (!c->nv) {
        oplog(c, "pop visitor root: empty");
        return;
    }
    unsigned i = (unsigned)RND(c->nv);
    c->nv--;
    c->vroots[i] = c->vroots[c->nv];
    c->mv[i] = c->mv[c->nv];
    c->vroots[c->nv] = NULL;
    c->mv[c->nv] = 0;
    oplog(c, "pop v%u (v%u moves into it)", i, c->nv);
}

static void op_mutate_raw(ctx *c)
{
    rref a = pick_root(c);
    uint32_t idx;
    void *g;
    char rn[16];
    if (!root_object(c, a, &idx, &g)) {
        oplog(c, "mutate via %s: no object", root_name(a, rn));
        return;
    }
    mobj *o = &c->m.o[idx];
    uint64_t *w = g;
    if (type_table[o->type].kind == K_BYTES) {
        size_t nbytes = o->nwords * 8;
        if (nbytes <= 8)
            return;
        size_t from = 8 + (size_t)RND(nbytes - 8);
        size_t n = 1 + (size_t)RND(nbytes - from < 64 ? nbytes - from : 64);
        unsigned char *b = g;
        for (size_t k = 0; k < n; k++)
            b[from + k] = (unsigned char)fill_rand(c);
        memcpy((unsigned char *)o->w + from, b + from, n);
        oplog(c, "mutate bytes #%llu[%zu..+%zu]", (unsigned long long)o->id, from, n);
        return;
    }
    size_t first = type_table[o->type].kind == K_CUSTOM ? 2 : 1;
    for (int tries = 0; tries < 8 && o->nwords > first; tries++) {
        size_t i = first + (size_t)RND(o->nwords - first);
        if (!is_slot(o, i)) {
            w[i] = o->w[i] = pick_raw(c, g);
            oplog(c, "mutate raw #%llu[%zu] = 0x%llx", (unsigned long long)o->id, i,
                  (unsigned long long)w[i]);
            return;
        }
    }
    oplog(c, "mutate via %s: no raw word", root_name(a, rn));
}

/* An explicit collection. With a heap limit, GROVE_E_OOM is a valid result
 * (the survivors did not fit; the nursery stays, consistent): the check
 * that follows holds either way. */
static grove_error collect_result(ctx *c, const char *kind, grove_error e)
{
    if (e == GROVE_E_OOM && c->p->allow_oom) {
        if (grove_last_error(c->h) != GROVE_E_OOM || !grove_last_error_message(c->h)[0])
            fail(c, "grove_collect_%s returned GROVE_E_OOM but recorded %s (\"%s\")", kind,
                 grove_error_name(grove_last_error(c->h)), grove_last_error_message(c->h));
        c->t.oom++;
        grove_clear_error(c->h);
        return e;
    }
    if (e != GROVE_OK)
        fail(c, "grove_collect_%s returned %s: %s", kind, grove_error_name(e),
             grove_last_error_message(c->h));
    return e;
}

static grove_error collect_now(ctx *c, bool major)
{
    return collect_result(c, major ? "major" : "minor",
                          major ? grove_collect_major(c->h) : grove_collect_minor(c->h));
}

static void op_collect(ctx *c, bool major)
{
    c->gc_seen = false;
    oplog(c, "collect %s", major ? "major" : "minor");
    grove_error e = collect_now(c, major);
    if (e != GROVE_OK)
        oplog(c, "  refused: OOM (the nursery stays)");
    if (!c->gc_seen)
        fail(c, "a %s collection never called the embedder's root visitor",
             major ? "major" : "minor");
    c->t.explicit_gcs++;
    after_gc(c);
}

/* An explicit slice (idle time): with incremental marking, a step of the
 * cycle, which may be its final pause; without, a major GC. A slice that
 * neither shades the roots nor ends the cycle does not visit them. */
static void op_slice(ctx *c)
{
    c->gc_seen = false;
    oplog(c, "collect slice");
    if (collect_result(c, "slice", grove_collect_slice(c->h)) != GROVE_OK)
        oplog(c, "  refused: OOM (the nursery stays)");
    c->t.explicit_gcs++;
    after_gc(c);
}

/* ---- pinned allocations and cohorts: the old space's lazy sweep --------- */

/* Model object idx was born pinned at g: old, on the pin list. */
static void adopt_pinned(ctx *c, uint32_t idx, void *g)
{
    mobj *o = &c->m.o[idx];
    o->young = false;
    o->pins = 1;
    o->pinned_addr = g;
    c->pinned[c->npinned++] = idx;
}

/* An object born pinned (grove_alloc_pinned): a small one takes an old-space
 * cell outside any collection, which may sweep a block the last major GC
 * left waiting. */
static void op_alloc_pinned(ctx *c)
{
    if (c->npinned == NPIN) {
        oplog(c, "alloc pinned: the pin list is full");
        return;
    }
    uint32_t type;
    size_t nwords, nbytes;
    pick_shape(c, RND(16) == 0, &type, &nwords, &nbytes);
    rref dst = pick_root(c);
    char rn[16];
    oplog(c, "alloc pinned %s %zu bytes -> %s", type_table[type].name, nbytes,
          root_name(dst, rn));
    void *g = heap_alloc(c, type, nbytes, PINNED);
    if (!g) {
        oplog(c, "  refused: OOM");
        return;
    }
    uint32_t idx = model_new(c, type, nwords);
    adopt_pinned(c, idx, g);
    init_object(c, idx, g, nbytes);
    root_set(c, dst, mv_ref(idx), g);
    oplog(c, "  = #%llu at %p", (unsigned long long)c->m.o[idx].id, g);
}

/* A cohort: a spine array in a root, holding many objects of two or three
 * of the largest size classes in a random interleaving, half a block to two
 * blocks of each class. Once promoted, thinning it kills objects of every
 * class across their blocks, which the next major GC leaves waiting for
 * the lazy sweep; refilling promotes objects of the classes that died into
 * those blocks' cells, and what the refill does not take still waits at
 * the next major GC. Payloads are cell sizes less the header (few objects
 * fill a block, so the model's checks stay cheap); an old-space block holds
 * COHORT_BLOCK bytes (runtime/old_space.h). */
#define COHORT_BLOCK ((size_t)256 << 10)
#define COHORT_CLASSES 3
static const size_t cohort_payloads[] = {4080, 3576, 3064, 2552};

static bool is_spine(const ctx *c, uint64_t m)
{
    return mv_is_ref(m) && c->m.o[mv_idx(m)].type == T_SPINE;
}

/* A root holding a spine, starting at a random root. */
static bool find_spine(ctx *c, rref *out)
{
    unsigned n = root_count(c), start = (unsigned)RND(n);
    for (unsigned k = 0; k < n; k++) {
        rref r = root_nth(c, (start + k) % n);
        if (is_spine(c, mroot_get(c, r))) {
            *out = r;
            return true;
        }
    }
    return false;
}

/* Slot i of the spine in root r gets a new object of `bytes` payload bytes:
 * a byte object, or an array linked to what another slot holds. False if
 * the heap refused it (OOM). */
static bool cohort_member(ctx *c, rref r, size_t i, size_t bytes)
{
    uint32_t type = RND(8) || bytes < 16 ? T_BYTES : T_ARRAY;
    void *g = heap_alloc(c, type, bytes, BY_SIZE);
    if (!g)
        return false;
    uint32_t idx = model_new(c, type, bytes / 8);
    c->m.o[idx].at = g;
    uint32_t sidx = mv_idx(mroot_get(c, r));
    void *spine = root_get(c, r); /* where it is now: the allocation may have moved it */
    mobj *o = &c->m.o[idx];
    uint64_t *w = g;
    if (type == T_BYTES) {
        w[0] = o->w[0] = o->id;
        if (o->nwords > 1) /* an 8-byte one has room for its id only */
            w[o->nwords - 1] = o->w[o->nwords - 1] = fill_rand(c);
    } else {
        w[0] = o->w[0] = FIXNUM(o->id);
        size_t j = 1 + (size_t)RND(c->m.o[sidx].nwords - 1);
        store_slot(c, idx, g, 1, (val){c->m.o[sidx].w[j], ((void **)spine)[j]});
    }
    store_slot(c, sidx, spine, i, (val){mv_ref(idx), g});
    return true;
}

/* False if the heap refused (OOM) before the cohort was complete. */
static bool cohort_build(ctx *c, rref dst)
{
    size_t choices = c->src->bytes_mode ? 3 : sizeof cohort_payloads / sizeof *cohort_payloads;
    unsigned nclasses = 2 + (unsigned)RND(COHORT_CLASSES - 1);
    size_t bytes[COHORT_CLASSES], left[COHORT_CLASSES], n = 0;
    for (unsigned k = 0; k < nclasses; k++) {
        bytes[k] = cohort_payloads[RND(choices)];
        left[k] = (1 + (size_t)RND(4)) * COHORT_BLOCK / 2 / (bytes[k] + 8);
        n += left[k];
    }
    char rn[16];
    oplog(c, "cohort of %zu objects in %u classes -> %s", n, nclasses, root_name(dst, rn));
    void *spine = heap_alloc(c, T_SPINE, (n + 1) * 8, BY_SIZE);
    if (!spine) {
        oplog(c, "  refused: OOM");
        return false;
    }
    uint32_t sidx = model_new(c, T_SPINE, n + 1);
    c->m.o[sidx].at = spine;
    ((uint64_t *)spine)[0] = c->m.o[sidx].w[0] = FIXNUM(c->m.o[sidx].id);
    root_set(c, dst, mv_ref(sidx), spine);
    c->t.cohorts++;
    for (size_t i = 1; i <= n; i++) {
        unsigned k = (unsigned)RND(nclasses);
        while (!left[k])
            k = (k + 1) % nclasses;
        left[k]--;
        if (!cohort_member(c, dst, i, bytes[k])) {
            oplog(c, "  refused at object %zu: OOM", i);
            return false;
        }
    }
    return true;
}

/* Clear a quarter to three quarters of the spine's slots at random, maybe
 * collect (major) at once, refill about half the cleared slots with objects
 * of the sizes that were there, maybe collect again (minor or major). */
static void cohort_thin(ctx *c, rref r)
{
    uint32_t sidx = mv_idx(mroot_get(c, r));
    void *spine = root_get(c, r);
    unsigned quarters = 1 + (unsigned)RND(3);
    c->nthinned = 0;
    for (size_t i = 1; i < c->m.o[sidx].nwords; i++) {
        if (RND(4) >= quarters)
            continue;
        uint64_t m = c->m.o[sidx].w[i];
        if (mv_is_ref(m) && c->m.o[mv_idx(m)].nwords * 8 <= GROVE_MAX_SMALL_PAYLOAD) {
            c->thinned = grow(c, c->thinned, &c->thinned_cap, c->nthinned + 1, sizeof *c->thinned);
            c->thinned[c->nthinned++] = (struct thinned){(uint32_t)i,
                                                          (uint32_t)c->m.o[mv_idx(m)].nwords};
        }
        store_slot(c, sidx, spine, i, imm(0));
    }
    char rn[16];
    oplog(c, "thin the cohort #%llu in %s by %u/4 (%zu small objects to refill)",
          (unsigned long long)c->m.o[sidx].id, root_name(r, rn), quarters, c->nthinned);
    c->t.cohorts_thinned++;
    if (RND(2))
        op_collect(c, true);
    for (size_t k = 0; k < c->nthinned; k++)
        if (RND(2) && !cohort_member(c, r, c->thinned[k].slot, c->thinned[k].words * 8))
            break;
    unsigned then = (unsigned)RND(3);
    if (then)
        op_collect(c, then == 2);
}

/* Build a cohort if no root holds one (one at a time keeps the checks
 * cheap) and maybe thin it at once (ordinary stores soon overwrite its
 * root), else thin it, or now and then drop it whole. */
static void op_cohort(ctx *c)
{
    rref r;
    char rn[16];
    if (!find_spine(c, &r)) {
        r = pick_root(c);
        if (cohort_build(c, r) && RND(2))
            cohort_thin(c, r);
    } else if (RND(4)) {
        cohort_thin(c, r);
    } else {
        oplog(c, "drop the cohort in %s", root_name(r, rn));
        root_set(c, r, 0, NULL);
    }
}

/* ---- card bursts: stores into carded arrays ----------------------------- */

/* Old arrays of CARDED_MIN_BYTES or more are carded: a grove_write of a
 * young value marks only its slot's card (CARD_BYTES, aligned on addresses),
 * grove_write_n the cards of the young values it writes, grove_barrier and
 * GROVE_STORE log the whole array. Arrays of 1 to 4 KiB sit in old-space
 * cells the cards do not align with, so neighbours share a card: one
 * array's mark must not hide the other's store. A burst writes the same slot
 * again, slots of one card, of different cards, the first and last slots,
 * runs across card boundaries, and both sides of a shared card. */
#define NCARDED 8
#define RUN_MAX 80 /* slots of one grove_write_n in a burst */

/* An array a burst writes into, rooted: its model index and its address
 * (old: it stays put through every collection). */
typedef struct carray {
    uint32_t idx;
    void *g;
    bool restore_id; /* word 0 holds a value the burst stored: FIX(id) goes back */
} carray;

/* GROVE_STORE takes a field: an array's slots after its id. */
struct card_array {
    uint64_t id;
    void *slot[];
};
_Static_assert(offsetof(struct card_array, slot) == 8, "slot[k] is word k + 1");

/* Payloads filling a cell of the old-space classes from 1280 to 4096 bytes
 * (the cell less the header; 4080 is the largest small payload): the last
 * slot of one and the first slots of the next (24 bytes on) usually meet in
 * a card. */
static const size_t carded_payloads[] = {1272, 1528, 1784, 2040, 2552, 3064, 3576, 4080};

/* Up to cap distinct carded arrays the roots hold, from a random root on. */
static unsigned find_carded(ctx *c, carray *out, unsigned cap)
{
    unsigned n = root_count(c), start = (unsigned)RND(n), k = 0;
    for (unsigned j = 0; j < n && k < cap; j++) {
        rref r = root_nth(c, (start + j) % n);
        uint64_t m = mroot_get(c, r);
        if (!mv_is_ref(m) || !is_carded(&c->m.o[mv_idx(m)]))
            continue;
        bool seen = false;
        for (unsigned i = 0; i < k; i++)
            seen |= out[i].idx == mv_idx(m);
        if (!seen)
            out[k++] = (carray){mv_idx(m), root_get(c, r), false};
    }
    return k;
}

/* A carded payload: one filling a cell (mostly, for neighbours), any from 1
 * to 4 KiB, or a large one (mostly under 8 KiB: every check and replay
 * walks every slot). */
static size_t carded_bytes(ctx *c, bool large, bool neighbours)
{
    if (large) {
        size_t max = c->p->max_large > 16384 ? c->p->max_large : 16384;
        size_t span = RND(8) ? 4096 : max - GROVE_MAX_SMALL_PAYLOAD - 8;
        return (GROVE_MAX_SMALL_PAYLOAD + 8 + (size_t)RND(span)) & ~(size_t)7;
    }
    if (RND(neighbours ? 4 : 2))
        return carded_payloads[RND(sizeof carded_payloads / sizeof *carded_payloads)];
    return (CARDED_MIN_BYTES + (size_t)RND(GROVE_MAX_SMALL_PAYLOAD - CARDED_MIN_BYTES + 1)) &
           ~(size_t)7;
}

/* A root none of used[0..n) is (bounded: a used-up fuzzer input always
 * picks the same root). */
static rref fresh_root(ctx *c, const rref *used, unsigned n)
{
    rref r = pick_root(c);
    for (int tries = 0; tries < 16; tries++, r = pick_root(c)) {
        bool clash = false;
        for (unsigned i = 0; i < n; i++)
            clash |= root_code(r) == root_code(used[i]);
        if (!clash)
            break;
    }
    return r;
}

/* One to three arrays of one carded size in distinct roots, allocated in a
 * row so that one minor GC promotes them together (with survivor aging,
 * the one that finds them old enough), usually into
 * neighbouring cells; large and pinned ones are old at once. Some are
 * hashed while young: the hash is then their copy's last word, in their
 * last card, and no slot. Returns those old now, in out. */
static unsigned make_carded(ctx *c, carray *out)
{
    bool large = RND(4) == 0;
    bool pinned = RND(6) == 0 && c->npinned + 3 <= NPIN;
    unsigned n = 1 + (unsigned)RND(3);
    size_t bytes = carded_bytes(c, large, n > 1);
    rref used[3];
    uint32_t made[3];
    unsigned nmade = 0, nold = 0;
    bool young = false;
    char rn[16];
    oplog(c, "make %u carded array(s) of %zu bytes%s", n, bytes, pinned ? ", pinned" : "");
    for (unsigned k = 0; k < n; k++) {
        used[k] = fresh_root(c, used, k);
        void *g = heap_alloc(c, T_ARRAY, bytes, pinned ? PINNED : BY_SIZE);
        if (!g) {
            oplog(c, "  refused: OOM");
            break;
        }
        uint32_t idx = model_new(c, T_ARRAY, bytes / 8);
        if (pinned)
            adopt_pinned(c, idx, g);
        init_object(c, idx, g, bytes);
        if (c->m.o[idx].young && RND(4) == 0)
            take_hash(c, idx, g);
        young |= c->m.o[idx].young;
        root_set(c, used[k], mv_ref(idx), g);
        made[nmade++] = idx;
        oplog(c, "  #%llu at %p -> %s", (unsigned long long)c->m.o[idx].id, g,
              root_name(used[k], rn));
    }
    /* Survivor aging keeps them young for a few minor GCs. */
    for (unsigned gcs = 0; young && gcs <= c->survivor_age; gcs++) {
        op_collect(c, false);
        young = false;
        for (unsigned k = 0; k < nmade; k++)
            young |= c->m.o[made[k]].id && c->m.o[made[k]].young;
    }
    for (unsigned k = 0; k < nmade; k++) /* still rooted, unless a later one took the root */
        if (mroot_get(c, used[k]) == mv_ref(made[k]) && is_carded(&c->m.o[made[k]]))
            out[nold++] = (carray){made[k], root_get(c, used[k]), false};
    return nold;
}

/* A young value: what some root holds, or (may_alloc, mostly) a fresh
 * small object, unrooted: store it before anything else allocates. Fresh
 * ones hold immediates only, so that arrays storing hundreds of values do
 * not keep whole graphs alive for every check and replay to walk. */
static bool young_value(ctx *c, bool may_alloc, val *out)
{
    if (!may_alloc || RND(3) == 0) {
        for (int k = 0; k < 8; k++) {
            uint32_t idx;
            void *g;
            if (root_object(c, pick_root(c), &idx, &g) && c->m.o[idx].young) {
                *out = (val){mv_ref(idx), g};
                return true;
            }
        }
    }
    if (!may_alloc)
        return false;
    uint32_t type = RND(3) ? T_REC2 : T_ARRAY;
    size_t bytes = type == T_ARRAY ? 8 * (2 + (size_t)RND(7)) : 16;
    void *g = heap_alloc(c, type, bytes, BY_SIZE);
    if (!g)
        return false;
    uint32_t idx = model_new(c, type, bytes / 8);
    c->m.o[idx].at = g;
    uint64_t *w = g;
    mobj *o = &c->m.o[idx];
    w[0] = o->w[0] = type == T_ARRAY ? FIXNUM(o->id) : o->id;
    for (size_t i = 1; i < bytes / 8; i++)
        if (RND(2))
            w[i] = o->w[i] = pick_immediate(c).m;
    *out = (val){mv_ref(idx), g};
    return true;
}

/* An old value: what some root holds, else array a itself. */
static val old_value(ctx *c, const carray *a)
{
    for (int k = 0; k < 4; k++) {
        uint32_t idx;
        void *g;
        if (root_object(c, pick_root(c), &idx, &g) && !c->m.o[idx].young)
            return (val){mv_ref(idx), g};
    }
    return (val){mv_ref(a->idx), a->g};
}

/* A value for a burst: mostly young, else old or an immediate. */
static val card_value(ctx *c, const carray *a, bool may_alloc)
{
    unsigned r = (unsigned)RND(10);
    val v;
    if (r < 6 && young_value(c, may_alloc, &v))
        return v;
    if (r < 8)
        return old_value(c, a);
    return pick_immediate(c);
}

enum card_form { CF_WRITE, CF_BARRIER, CF_STORE };

/* Store v into slot i of array a: grove_write marks the slot's card,
 * grove_barrier and GROVE_STORE log the array whole. */
static void card_store(ctx *c, carray *a, size_t i, val v, enum card_form form)
{
    void **slots = a->g;
    if (form == CF_STORE && i == 0)
        form = CF_BARRIER; /* word 0 is no field of struct card_array */
    switch (form) {
    case CF_WRITE:
        grove_write(c->h, a->g, &slots[i], v.g);
        break;
    case CF_BARRIER:
        slots[i] = v.g;
        grove_barrier(c->h, a->g, v.g);
        break;
    case CF_STORE: {
        struct card_array *arr = a->g;
        GROVE_STORE(c->h, arr, slot[i - 1], v.g);
        break;
    }
    }
    c->m.o[a->idx].w[i] = v.m;
    note_store(c, a->idx, v.m, form != CF_WRITE);
    c->t.card_writes++;
    c->t.barrier_stores++;
}

/* A slot of a, never word 0 (its id). */
static size_t any_slot(ctx *c, const carray *a)
{
    return 1 + (size_t)RND(c->m.o[a->idx].nwords - 1);
}

/* The slots of a, word 0 left out, in the card of slot i: lo to hi. */
static void card_of(ctx *c, const carray *a, size_t i, size_t *lo, size_t *hi)
{
    size_t nwords = c->m.o[a->idx].nwords;
    uintptr_t base = (uintptr_t)a->g;
    uintptr_t card = (base + 8 * i) & ~(uintptr_t)(CARD_BYTES - 1);
    size_t first = card > base ? (size_t)(card - base) / 8 : 0;
    size_t last = (size_t)(card + CARD_BYTES - base) / 8 - 1;
    *lo = first ? first : 1;
    *hi = last < nwords - 1 ? last : nwords - 1;
}

/* A slot of a starting a card, past slot 1 (a carded array has more than
 * three cards' worth of slots). */
static size_t card_start_slot(ctx *c, const carray *a)
{
    size_t nwords = c->m.o[a->idx].nwords, per = CARD_BYTES / 8;
    uintptr_t base = (uintptr_t)a->g;
    size_t first = (size_t)((CARD_BYTES - base % CARD_BYTES) % CARD_BYTES) / 8;
    if (first < 2)
        first += per;
    return first + per * (size_t)RND((nwords - 1 - first) / per + 1);
}

static unsigned long long card_id(ctx *c, const carray *a)
{
    return (unsigned long long)c->m.o[a->idx].id;
}

/* The same slot again and again. */
static void burst_same(ctx *c, carray *a)
{
    size_t i = RND(4) ? any_slot(c, a) : c->m.o[a->idx].nwords - 1;
    unsigned n = 2 + (unsigned)RND(4);
    oplog(c, "  #%llu[%zu] x%u", card_id(c, a), i, n);
    for (unsigned k = 0; k < n; k++)
        card_store(c, a, i, card_value(c, a, true), CF_WRITE);
}

/* Several slots of one card, its first and last among them. */
static void burst_card(ctx *c, carray *a)
{
    size_t lo, hi;
    card_of(c, a, any_slot(c, a), &lo, &hi);
    unsigned n = 2 + (unsigned)RND(5);
    oplog(c, "  #%llu[%zu..%zu] (one card) x%u", card_id(c, a), lo, hi, n);
    for (unsigned k = 0; k < n; k++) {
        size_t i = k == 0 ? lo : k == 1 ? hi : lo + (size_t)RND(hi - lo + 1);
        card_store(c, a, i, card_value(c, a, true), CF_WRITE);
    }
}

/* Slots anywhere: mostly in different cards. */
static void burst_spread(ctx *c, carray *a)
{
    unsigned n = 2 + (unsigned)RND(6);
    oplog(c, "  #%llu: %u slots anywhere", card_id(c, a), n);
    for (unsigned k = 0; k < n; k++)
        card_store(c, a, any_slot(c, a), card_value(c, a, true), CF_WRITE);
}

/* The last slot and slot 1; now and then word 0 too (the id goes back at
 * the burst's end), maybe with a minor GC while it holds the value. */
static void burst_edges(ctx *c, carray *a)
{
    oplog(c, "  #%llu: last and first slots", card_id(c, a));
    card_store(c, a, c->m.o[a->idx].nwords - 1, card_value(c, a, true), CF_WRITE);
    card_store(c, a, 1, card_value(c, a, true), CF_WRITE);
    if (RND(3))
        return;
    val v;
    if (!young_value(c, true, &v))
        v = old_value(c, a);
    oplog(c, "  #%llu[0] (its id) stored into", card_id(c, a));
    card_store(c, a, 0, v, CF_WRITE);
    a->restore_id = true;
    if (RND(2))
        op_collect(c, false);
}

/* grove_write_n over a run across a card boundary, from a C array or from
 * array b's slots. */
static void burst_run(ctx *c, carray *a, const carray *b)
{
    size_t nwords = c->m.o[a->idx].nwords;
    size_t bnd = card_start_slot(c, a);
    size_t before = 1 + (size_t)RND(bnd - 1 < RUN_MAX / 2 ? bnd - 1 : RUN_MAX / 2);
    size_t after = 1 + (size_t)RND(nwords - bnd < RUN_MAX / 2 ? nwords - bnd : RUN_MAX / 2);
    size_t i = bnd - before, n = before + after;
    if (b && RND(3) == 0 && c->m.o[b->idx].nwords > n) {
        size_t j = 1 + (size_t)RND(c->m.o[b->idx].nwords - n);
        oplog(c, "  #%llu[%zu..+%zu] = #%llu[%zu..] (grove_write_n, card boundary at %zu)",
              card_id(c, a), i, n, card_id(c, b), j, bnd);
        grove_write_n(c->h, a->g, (void **)a->g + i, (void *const *)b->g + j, n);
        memmove(&c->m.o[a->idx].w[i], &c->m.o[b->idx].w[j], n * sizeof(uint64_t));
    } else {
        /* A fresh object first (it may collect), then values nothing moves. */
        val fresh, v;
        bool have = RND(2) && young_value(c, true, &fresh);
        size_t at = (size_t)RND(n);
        void *tmp[RUN_MAX];
        uint64_t mtmp[RUN_MAX];
        for (size_t k = 0; k < n; k++) {
            v = have && k == at ? fresh : card_value(c, a, false);
            tmp[k] = v.g;
            mtmp[k] = v.m;
        }
        oplog(c, "  #%llu[%zu..+%zu] from a C array (grove_write_n, card boundary at %zu)",
              card_id(c, a), i, n, bnd);
        grove_write_n(c->h, a->g, (void **)a->g + i, tmp, n);
        memcpy(&c->m.o[a->idx].w[i], mtmp, n * sizeof *mtmp);
    }
    for (size_t k = 0; k < n; k++)
        note_store(c, a->idx, c->m.o[a->idx].w[i + k], false);
    c->t.card_writes += n;
    c->t.barrier_stores++;
}

/* A young value through grove_barrier or GROVE_STORE (the array logged
 * whole), then card writes into the same array. */
static void burst_whole(ctx *c, carray *a)
{
    val v;
    if (!young_value(c, true, &v))
        v = old_value(c, a);
    size_t i = any_slot(c, a);
    enum card_form form = RND(2) ? CF_BARRIER : CF_STORE;
    oplog(c, "  #%llu[%zu] logged whole (%s), then card writes", card_id(c, a), i,
          form == CF_BARRIER ? "grove_barrier" : "GROVE_STORE");
    card_store(c, a, i, v, form);
    for (unsigned k = 1 + (unsigned)RND(3); k; k--)
        card_store(c, a, RND(2) ? i : any_slot(c, a), card_value(c, a, true), CF_WRITE);
}

/* The card holding the last slot of the lower of a and b: its slots in the
 * lower one (lo_first..lo_last), and in the upper one (hi_first..hi_last,
 * just word 0 when only that is in it). False if the upper one begins in a
 * later card: then the spans are the lower one's last card and slot 1. */
typedef struct card_meet {
    carray *lo, *hi;
    size_t lo_first, lo_last, hi_first, hi_last;
} card_meet;

static bool meet_of(ctx *c, carray *a, carray *b, card_meet *mt)
{
    mt->lo = (uintptr_t)a->g < (uintptr_t)b->g ? a : b;
    mt->hi = mt->lo == a ? b : a;
    size_t last = c->m.o[mt->lo->idx].nwords - 1;
    card_of(c, mt->lo, last, &mt->lo_first, &mt->lo_last);
    uintptr_t card = ((uintptr_t)mt->lo->g + 8 * last) / CARD_BYTES;
    uintptr_t hi_base = (uintptr_t)mt->hi->g;
    mt->hi_first = mt->hi_last = 1;
    if ((hi_base + 8) / CARD_BYTES == card) {
        card_of(c, mt->hi, 1, &mt->hi_first, &mt->hi_last);
        return true;
    }
    if (hi_base / CARD_BYTES == card) {
        mt->hi_first = mt->hi_last = 0; /* the id goes back at the burst's end */
        return true;
    }
    return false;
}

/* Both sides of the card where the lower array ends, if the upper one
 * begins in it, in a random order; young values mostly. */
static void burst_shared(ctx *c, carray *a, carray *b)
{
    card_meet mt;
    bool shared = meet_of(c, a, b, &mt);
    unsigned n = 2 + (unsigned)RND(4), young[2] = {0, 0};
    oplog(c, "  #%llu[%zu..%zu] and #%llu[%zu..%zu]%s", card_id(c, mt.lo), mt.lo_first,
          mt.lo_last, card_id(c, mt.hi), mt.hi_first, mt.hi_last,
          shared ? " (one card)" : " (no card shared)");
    for (unsigned k = 0, side = (unsigned)RND(2); k < n; k++, side ^= RND(3) != 0) {
        carray *x = side ? mt.hi : mt.lo;
        size_t i = side ? mt.hi_first + (size_t)RND(mt.hi_last - mt.hi_first + 1)
                        : mt.lo_first + (size_t)RND(mt.lo_last - mt.lo_first + 1);
        val v;
        if (RND(4) == 0 || !young_value(c, true, &v))
            v = card_value(c, x, true);
        young[side] += mv_young(c, v.m);
        card_store(c, x, i, v, CF_WRITE);
        x->restore_id |= i == 0;
    }
    c->t.card_shared += shared && young[0] && young[1];
}

/* Put the id back into word 0 if the burst stored into it. */
static void restore_id(ctx *c, carray *a)
{
    if (!a->restore_id)
        return;
    card_store(c, a, 0, imm(FIXNUM(c->m.o[a->idx].id)), CF_WRITE);
    a->restore_id = false;
}

/* Another burst into an array a burst wrote before an earlier minor GC. */
static void note_burst(ctx *c, const carray *a)
{
    mobj *o = &c->m.o[a->idx];
    if (o->card_cycle && o->card_cycle != c->minors + 1)
        c->t.card_rewrites++;
    o->card_cycle = c->minors + 1;
}

/* One round: a few moves into a, or into a and b (into the card they share
 * more often, if they do). */
static void card_round(ctx *c, carray *a, carray *b)
{
    card_meet mt;
    unsigned moves = b ? meet_of(c, a, b, &mt) ? 12 : 9 : 7;
    note_burst(c, a);
    if (b)
        note_burst(c, b);
    for (unsigned m = 1 + (unsigned)RND(c->src->bytes_mode ? 2 : 4); m; m--) {
        carray *x = b && RND(2) ? b : a, *y = x == a ? b : a;
        switch (RND(moves)) {
        case 0:
            burst_same(c, x);
            break;
        case 1:
        case 2:
            burst_card(c, x);
            break;
        case 3:
            burst_spread(c, x);
            break;
        case 4:
            burst_edges(c, x);
            break;
        case 5:
            burst_run(c, x, y);
            break;
        case 6:
            burst_whole(c, x);
            break;
        default:
            burst_shared(c, a, b);
            break;
        }
    }
    restore_id(c, a);
    if (b)
        restore_id(c, b);
}

/* Move the two of arr[0..n) nearest each other in memory (neighbours in
 * old space, if any are) to arr[0] and arr[1]. */
static void nearest_pair(carray *arr, unsigned n)
{
    unsigned bi = 0, bj = 1;
    uintptr_t best = UINTPTR_MAX;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++) {
            uintptr_t x = (uintptr_t)arr[i].g, y = (uintptr_t)arr[j].g, d = x > y ? x - y : y - x;
            if (d < best) {
                best = d;
                bi = i;
                bj = j;
            }
        }
    carray t = arr[0];
    arr[0] = arr[bi];
    arr[bi] = t; /* bj > bi: not moved */
    t = arr[1];
    arr[1] = arr[bj];
    arr[bj] = t;
}

/* Clear every root holding model object idx (pins or other objects may
 * still keep it). */
static void unroot_all(ctx *c, uint32_t idx)
{
    for (unsigned k = 0, n = root_count(c); k < n; k++) {
        rref r = root_nth(c, k);
        if (mroot_get(c, r) == mv_ref(idx))
            root_set(c, r, 0, NULL);
    }
}

/* Card bursts into carded arrays the roots hold, or into new ones (when the
 * roots hold none, and now and then anyway): one to three rounds, a minor
 * GC (now and then a major one) between them and maybe after the last; or,
 * after the last, the arrays unrooted and a major GC: they die with cards
 * marked, and the minor GC evacuating its nursery must neither scan them
 * nor keep what only they reach. */
static void op_card_writes(ctx *c)
{
    carray arr[NCARDED];
    unsigned n = find_carded(c, arr, NCARDED);
    if (n == 0 || RND(8) == 0) {
        n = make_carded(c, arr);
        if (n == 0)
            n = find_carded(c, arr, NCARDED);
    }
    if (n == 0) {
        oplog(c, "card writes: no carded array");
        return;
    }
    carray *a = &arr[0], *b = NULL;
    if (n > 1 && RND(4)) {
        if (RND(4))
            nearest_pair(arr, n);
        b = &arr[1];
    }
    unsigned rounds = 1 + (unsigned)RND(3);
    oplog(c, "card writes: %u round(s) into #%llu at %p (%zu slots)%s", rounds, card_id(c, a),
          a->g, c->m.o[a->idx].nwords, b ? " and another" : "");
    if (b)
        oplog(c, "  and #%llu at %p (%zu slots)", card_id(c, b), b->g, c->m.o[b->idx].nwords);
    for (unsigned k = 0; k < rounds; k++) {
        card_round(c, a, b);
        if (k + 1 < rounds)
            op_collect(c, RND(8) == 0);
    }
    unsigned end = (unsigned)RND(6);
    if (end == 0) {
        oplog(c, "  unroot them; collect major");
        unroot_all(c, a->idx);
        if (b)
            unroot_all(c, b->idx);
        op_collect(c, true);
    } else if (end <= 2) {
        op_collect(c, RND(8) == 0);
    }
}

/* ---- expecting misuse --------------------------------------------------- */

static void expect_misuse(ctx *c, grove_error code)
{
    c->expect_code = code;
    c->expect_seen = 0;
}

/* Exactly n reports of the expected code came, then nothing is expected. */
static void expect_reported(ctx *c, unsigned n, const char *what)
{
    if (c->expect_seen != n)
        fail(c, "%s: %u report(s) of %s, expected %u", what, c->expect_seen,
             grove_error_name(c->expect_code), n);
    c->expect_code = GROVE_OK;
    c->t.misuses += n;
    grove_clear_error(c->h);
}

/* ---- weak boxes, ephemerons, guardians, cleanup hooks ------------------- */

static void op_alloc_weak(ctx *c)
{
    uint32_t type = RND(2) ? T_WEAK : T_EPHEMERON;
    /* Now and then a large one: old from birth, so a young target is
     * remembered through the barrier. */
    size_t nwords = RND(16) == 0 ? GROVE_MAX_SMALL_PAYLOAD / 8 + 1 + RND(4)
                                 : (type == T_WEAK ? 2 : 3) + RND(5);
    rref dst = pick_root(c);
    char rn[16];
    oplog(c, "alloc %s of %zu words -> %s", type_table[type].name, nwords, root_name(dst, rn));
    void *g = heap_alloc(c, type, nwords * 8, BY_SIZE);
    if (!g) {
        oplog(c, "  refused: OOM");
        return;
    }
    uint32_t idx = model_new(c, type, nwords);
    init_object(c, idx, g, nwords * 8);
    root_set(c, dst, mv_ref(idx), g);
    if (type == T_WEAK)
        c->t.weak_boxes++;
    else
        c->t.ephemerons++;
    char b0[32], b1[32];
    const mobj *o = &c->m.o[idx];
    oplog(c, "  = #%llu at %p: [0] %s [1] %s", (unsigned long long)o->id, g,
          fmt_mv(c, o->w[0], b0), fmt_mv(c, o->w[1], b1));
}

/* The model id a heap object carries (see the top of this file), or 0. */
static uint64_t heap_id(ctx *c, const void *g)
{
    const uint64_t *w = g;
    grove_type_id tid = grove_object_type(g);
    for (unsigned i = 0; i < NTYPES; i++) {
        if (c->tids[i] != tid)
            continue;
        switch (type_table[i].kind) {
        case K_RECORD:
            return w[0];
        case K_ARRAY:
            return w[0] >> 1;
        case K_BYTES:
            return grove_object_size(g) >= 8 ? w[0] : 0;
        case K_CUSTOM:
            return w[1];
        case K_WEAK:
            return w[1] >> 1;
        case K_EPHEMERON:
            return w[2] >> 1;
        }
    }
    return 0;
}

static void guard_register(ctx *c, unsigned k, uint32_t idx, void *g)
{
    mguard *G = &c->guards[k];
    grove_error e = grove_guardian_register(c->h, G->g, g);
    if (e != GROVE_OK)
        fail(c, "grove_guardian_register of #%llu with guardian %u: %s: %s",
             (unsigned long long)c->m.o[idx].id, k, grove_error_name(e),
             grove_last_error_message(c->h));
    G->reg = grow(c, G->reg, &G->reg_cap, G->nreg + 1, sizeof *G->reg);
    G->reg[G->nreg++] = idx;
    c->t.guarded++;
}

/* Register a rooted object with a guardian, sometimes twice. */
static void op_guard(ctx *c)
{
    rref r = pick_root(c);
    uint32_t idx;
    void *g;
    char rn[16];
    if (!root_object(c, r, &idx, &g) || !has_id(&c->m.o[idx])) {
        oplog(c, "guard via %s: no object with an id", root_name(r, rn));
        return;
    }
    unsigned k = (unsigned)RND(NGUARD), times = RND(4) == 0 ? 2 : 1;
    oplog(c, "guard #%llu (via %s) with guardian %u, %u time(s)",
          (unsigned long long)c->m.o[idx].id, root_name(r, rn), k, times);
    for (unsigned n = 0; n < times; n++)
        guard_register(c, k, idx, g);
    check_guardians(c);
}

/* A weak box or ephemeron on a fresh target, registered with a guardian
 * and not rooted: the collection that queues it judges it after the
 * resurrection, on what the guardians keep alive. The target is rooted in
 * dst, or dropped too; an ephemeron may also reach its key through a
 * strong slot (then its value lives on once resurrected). Some point at
 * themselves: queued, they are dead to their own weak word. */
static void op_guard_weak(ctx *c)
{
    rref dst = pick_root(c);
    char rn[16];
    oplog(c, "guarded weak object on a fresh target in %s", root_name(dst, rn));
    void *target = heap_alloc(c, T_REC2, 16, BY_SIZE);
    if (!target)
        return;
    uint32_t tidx = model_new(c, T_REC2, 2);
    init_object(c, tidx, target, 16);
    root_set(c, dst, mv_ref(tidx), target);
    uint32_t type = RND(2) ? T_WEAK : T_EPHEMERON;
    void *g = heap_alloc(c, type, 4 * 8, BY_SIZE);
    if (!g)
        return;
    uint32_t idx = model_new(c, type, 4);
    init_object(c, idx, g, 4 * 8);
    val t = RND(4) ? (val){mroot_get(c, dst), root_get(c, dst)} : (val){mv_ref(idx), g};
    store_slot(c, idx, g, 0, t);
    if (type == T_EPHEMERON && RND(2))
        store_slot(c, idx, g, 3, t);
    if (type == T_WEAK)
        c->t.weak_boxes++;
    else
        c->t.ephemerons++;
    unsigned k = (unsigned)RND(NGUARD);
    guard_register(c, k, idx, g);
    if (RND(2))
        root_set(c, dst, 0, NULL);
    oplog(c, "  #%llu (%s) on #%llu, guardian %u, target %s", (unsigned long long)c->m.o[idx].id,
          type_table[type].name, (unsigned long long)c->m.o[tidx].id, k,
          mroot_get(c, dst) ? "rooted" : "dropped");
}

/* Take the oldest queued object from guardian k: it must be one the model
 * queued in the oldest batch. Returns false when the queue is empty. */
static bool take_one(ctx *c, unsigned k, uint32_t *out_idx, void **out_g)
{
    mguard *G = &c->guards[k];
    void *g = grove_guardian_take(c->h, G->g);
    if (G->qhead == G->qlen) {
        if (g)
            fail(c, "guardian %u handed back %p (#%llu), the model says its queue is empty", k,
                 g, (unsigned long long)heap_id(c, g));
        return false;
    }
    if (!g)
        fail(c, "guardian %u handed back nothing, the model says %zu are queued", k,
             G->qlen - G->qhead);
    uint64_t id = heap_id(c, g);
    size_t j = G->qhead;
    while (j < G->qlen && G->q[j].batch == G->q[G->qhead].batch && c->m.o[G->q[j].idx].id != id)
        j++;
    if (j == G->qlen || G->q[j].batch != G->q[G->qhead].batch)
        fail(c, "guardian %u handed back %p carrying id %llu, which the model did not queue in "
                "its oldest batch (first expected: #%llu)",
             k, g, (unsigned long long)id, (unsigned long long)c->m.o[G->q[G->qhead].idx].id);
    uint32_t idx = G->q[j].idx;
    G->q[j] = G->q[G->qhead];
    G->qhead++;
    if (G->qhead == G->qlen)
        G->qhead = G->qlen = 0;
    if (grove_object_type(g) != c->tids[c->m.o[idx].type])
        fail(c, "guardian %u handed back #%llu with type id %u, the model says %s", k,
             (unsigned long long)id, (unsigned)grove_object_type(g), type_name(&c->m.o[idx]));
    c->t.taken++;
    *out_idx = idx;
    *out_g = g;
    return true;
}

/* Take from a guardian, then resurrect what came back (root it), register
 * it again, or drop it. */
static void op_take(ctx *c)
{
    unsigned k = (unsigned)RND(NGUARD);
    uint32_t idx;
    void *g;
    if (!take_one(c, k, &idx, &g)) {
        oplog(c, "take from guardian %u: empty", k);
        check_guardians(c);
        return;
    }
    unsigned long long id = c->m.o[idx].id;
    char rn[16];
    switch (RND(4)) {
    case 0:
    case 1: {
        rref dst = pick_root(c);
        root_set(c, dst, mv_ref(idx), g);
        c->t.resurrected++;
        oplog(c, "take #%llu from guardian %u, resurrected in %s", id, k, root_name(dst, rn));
        break;
    }
    case 2:
        oplog(c, "take #%llu from guardian %u, registered again", id, k);
        guard_register(c, (unsigned)RND(NGUARD), idx, g);
        break;
    default:
        oplog(c, "take #%llu from guardian %u, dropped", id, k);
        break;
    }
    check_guardians(c);
}

/* Now and then a guardian is freed with what it holds and replaced. */
static void op_renew_guardian(ctx *c)
{
    unsigned k = (unsigned)RND(NGUARD);
    mguard *G = &c->guards[k];
    oplog(c, "free guardian %u (%zu registered, %zu queued) and make a new one", k, G->nreg,
          G->qlen - G->qhead);
    grove_guardian_free(c->h, G->g);
    G->nreg = G->qhead = G->qlen = 0;
    G->g = grove_guardian_create(c->h);
    if (!G->g)
        fail(c, "grove_guardian_create: %s", grove_last_error_message(c->h));
}

static void on_cleanup(void *token);

/* A rooted object, if some persistent root holds one (for hooks, which
 * must not consume choices). */
static void *some_rooted_object(ctx *c)
{
    for (unsigned i = 0; i < NPERS; i++)
        if (c->pers_on[i] && mv_is_ref(c->mpers[i]))
            return grove_persistent_get(c->h, &c->pers[i]);
    return NULL;
}

/* A hook may not allocate on its heap, collect it, pin on it or add hooks:
 * each try is refused as misuse, once, and does nothing. (Not with a heap
 * limit: the refusal would replace an allocation's GROVE_E_OOM as the
 * heap's last error.) */
static void misuse_in_hook(ctx *c, uint64_t serial)
{
    static const char *const what[] = {"allocating", "collecting", "pinning",
                                       "adding a cleanup hook"};
    unsigned which = (unsigned)(serial / 8 % 4);
    void *obj = some_rooted_object(c);
    if (which >= 2 && !obj)
        return;
    grove_error saved = c->expect_code;
    unsigned seen = c->expect_seen;
    expect_misuse(c, GROVE_E_IN_GC);
    bool refused = false;
    switch (which) {
    case 0:
        refused = grove_alloc(c->h, c->tids[T_REC2], 16) == NULL;
        break;
    case 1:
        refused = grove_collect_minor(c->h) == GROVE_E_IN_GC;
        break;
    case 2:
        refused = grove_pin(c->h, obj) == NULL;
        break;
    default:
        refused = grove_add_cleanup(c->h, obj, on_cleanup, NULL) == GROVE_E_IN_GC;
        break;
    }
    if (!refused)
        fail(c, "%s from a cleanup hook was not refused", what[which]);
    char msg[64];
    snprintf(msg, sizeof msg, "%s from a cleanup hook", what[which]);
    expect_reported(c, 1, msg);
    c->expect_code = saved;
    c->expect_seen = seen;
}

static ctx *hook_ctx; /* the run whose hooks may be called */

static void on_cleanup(void *token)
{
    ctx *c = hook_ctx;
    uint64_t serial = (uint64_t)(uintptr_t)token;
    c->ran = grow(c, c->ran, &c->ran_cap, c->nran + 1, sizeof *c->ran);
    c->ran[c->nran++] = serial;
    if (serial % 8 == 0 && !c->p->allow_oom && !c->destroying)
        misuse_in_hook(c, serial);
}

static void add_cleanup(ctx *c, uint32_t idx, void *g)
{
    c->hooks = grow(c, c->hooks, &c->hooks_cap, c->nhooks + 1, sizeof *c->hooks);
    c->hooks[c->nhooks++] = (mhook){c->m.o[idx].id, idx, HOOK_PENDING};
    c->m.o[idx].hooks++;
    grove_error e = grove_add_cleanup(c->h, g, on_cleanup, (void *)(uintptr_t)c->nhooks);
    if (e != GROVE_OK)
        fail(c, "grove_add_cleanup on #%llu: %s: %s", (unsigned long long)c->m.o[idx].id,
             grove_error_name(e), grove_last_error_message(c->h));
}

/* One to three cleanup hooks on a rooted object. */
static void op_cleanup(ctx *c)
{
    rref r = pick_root(c);
    uint32_t idx;
    void *g;
    char rn[16];
    if (!root_object(c, r, &idx, &g)) {
        oplog(c, "cleanup via %s: no object", root_name(r, rn));
        return;
    }
    unsigned n = 1 + (unsigned)RND(3);
    oplog(c, "%u cleanup hook(s) on #%llu (via %s), from token %zu", n,
          (unsigned long long)c->m.o[idx].id, root_name(r, rn), c->nhooks + 1);
    for (unsigned i = 0; i < n; i++)
        add_cleanup(c, idx, g);
}

/* ---- survivor aging: old holders of objects kept young ------------------ */

/* A rooted old object with a slot, or a fresh one old from birth: a large
 * array (carded), weak box or ephemeron. */
static bool old_holder(ctx *c, rref *r, uint32_t *idx, void **g)
{
    size_t i;
    for (int k = 0; k < 8; k++) {
        *r = pick_root(c);
        if (root_object(c, *r, idx, g) && !c->m.o[*idx].young && pick_slot(c, &c->m.o[*idx], &i))
            return true;
    }
    static const uint32_t types[] = {T_ARRAY, T_WEAK, T_EPHEMERON};
    uint32_t type = types[RND(3)];
    size_t nwords = GROVE_MAX_SMALL_PAYLOAD / 8 + 1 + (size_t)RND(64);
    if (!(*g = heap_alloc(c, type, nwords * 8, BY_SIZE)))
        return false;
    *idx = model_new(c, type, nwords);
    init_object(c, *idx, *g, nwords * 8);
    root_set(c, *r, mv_ref(*idx), *g);
    return true;
}

/* An old object points at a young one across several minor GCs, which
 * (with survivor aging) keep it young while the old one stays remembered;
 * the young one is maybe rooted too, hashed, guarded or given a cleanup
 * hook (their registrations stay young with it). Between the collections
 * the slot is overwritten or cleared, the young one unrooted, hashed again
 * (the hash survives each move and the promotion), and at last maybe
 * pinned while aged. */
static void op_aging(ctx *c)
{
    rref r[2];
    uint32_t h;
    void *hg;
    size_t slot;
    val v;
    char rn[2][16];
    if (!old_holder(c, &r[0], &h, &hg) || !pick_slot(c, &c->m.o[h], &slot))
        return;
    r[1] = fresh_root(c, r, 1);
    if (root_code(r[1]) == root_code(r[0]) || !young_value(c, true, &v))
        return;
    uint32_t y = mv_idx(v.m);
    if (mroot_get(c, r[0]) != mv_ref(h)) /* young_value may have collected */
        return;
    hg = root_get(c, r[0]);
    unsigned rounds = 1 + (unsigned)RND(c->survivor_age + 2);
    bool keep = RND(2);
    oplog(c, "aging: #%llu (%s, via %s) slot %zu -> young #%llu%s, %u minor GCs",
          (unsigned long long)c->m.o[h].id, type_name(&c->m.o[h]), root_name(r[0], rn[0]), slot,
          (unsigned long long)c->m.o[y].id, keep ? " (rooted too)" : "", rounds);
    if (keep)
        root_set(c, r[1], v.m, v.g);
    store_slot(c, h, hg, slot, v);
    if (RND(3) == 0)
        take_hash(c, y, v.g);
    /* A guardian hands objects back in any order within a batch, which the
     * model tells apart by id: a byte object too small for one is not
     * guarded (op_guard skips it too). */
    if (RND(6) == 0 && has_id(&c->m.o[y]))
        guard_register(c, (unsigned)RND(NGUARD), y, v.g);
    if (RND(8) == 0)
        add_cleanup(c, y, v.g);
    c->t.aging_rounds++;
    for (unsigned n = 0; n < rounds; n++) {
        op_collect(c, false);
        if (mroot_get(c, r[0]) != mv_ref(h))
            return;
        hg = root_get(c, r[0]);
        bool rooted = mroot_get(c, r[1]) == v.m;
        switch (RND(8)) {
        case 0: /* another young value in its place */
            if (young_value(c, true, &v) && mroot_get(c, r[0]) == mv_ref(h)) {
                oplog(c, "  slot %zu of #%llu -> #%llu", slot, (unsigned long long)c->m.o[h].id,
                      (unsigned long long)c->m.o[mv_idx(v.m)].id);
                store_slot(c, h, root_get(c, r[0]), slot, v);
            }
            return;
        case 1:
            oplog(c, "  slot %zu of #%llu cleared", slot, (unsigned long long)c->m.o[h].id);
            store_slot(c, h, hg, slot, pick_immediate(c));
            break;
        case 2:
            if (rooted) {
                oplog(c, "  %s unrooted", root_name(r[1], rn[1]));
                root_set(c, r[1], 0, NULL);
            }
            break;
        case 3:
            if (rooted)
                take_hash(c, y, root_get(c, r[1]));
            break;
        }
    }
    if (mroot_get(c, r[1]) == v.m && c->m.o[y].young && RND(2))
        pin_root(c, r[1]);
}

/* ---- misuse, on purpose ------------------------------------------------- */

/* A scope exited already, exited again: refused, nothing unlinked (the
 * collection that follows checks every root). */
static void op_stale_exit(ctx *c)
{
    if (!SCOPE_MISUSE_REPORTED || !c->have_stale) {
        oplog(c, "stale scope exit: none to try");
        return;
    }
    oplog(c, "exit a scope exited already (refused)");
    expect_misuse(c, GROVE_E_BAD_SCOPE);
    grove_scope_exit(c->h, c->stale);
    expect_reported(c, 1, "exiting a scope exited already");
    op_collect(c, RND(4) == 0);
}

/* Exit s1, enter s2 in its place, exit s1 again: refused, and s2 with its
 * local stays open. */
static void op_reentry(ctx *c)
{
    if (!SCOPE_MISUSE_REPORTED) {
        oplog(c, "scope re-entry: not reported in this build");
        return;
    }
    grove_heap *h = c->h;
    rref a = pick_root(c);
    char rn[16];
    oplog(c, "exit s1, enter s2 holding %s, exit s1 again (refused)", root_name(a, rn));
    grove_scope s1 = grove_scope_enter(h);
    grove_scope_exit(h, s1);
    grove_scope s2 = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, held, root_get(c, a));
    expect_misuse(c, GROVE_E_BAD_SCOPE);
    grove_scope_exit(h, s1);
    expect_reported(c, 1, "exiting s1 after s2 took its place");
    op_collect(c, RND(4) == 0);
    if (GROVE_GET(h, held) != root_get(c, a))
        fail(c, "after a refused exit of s1, s2's local holds %p, but %s (the same object) is "
                "at %p",
             GROVE_GET(h, held), root_name(a, rn), root_get(c, a));
    grove_scope_exit(h, s2);
    c->stale = s1;
    c->have_stale = true;
}

static void op_roots_in_visitor(ctx *c)
{
    bool major = RND(3) == 0;
    oplog(c, "collect %s with the root visitor making roots (refused)", major ? "major" : "minor");
    c->visitor_misuse = true;
    c->misuse_visits = 0;
    c->gc_seen = false;
    expect_misuse(c, GROVE_E_IN_GC);
    collect_now(c, major);
    c->visitor_misuse = false;
    expect_reported(c, c->misuse_visits * (SCOPE_MISUSE_REPORTED ? 2u : 1u),
                    "roots made in a root visitor");
    if (!c->gc_seen || c->misuse_visits == 0)
        fail(c, "a %s collection never called the embedder's root visitor",
             major ? "major" : "minor");
    c->t.explicit_gcs++;
    after_gc(c);
}

/* A persistent root initialised again while rooted: refused, and it keeps
 * its object. */
static void op_double_init(ctx *c)
{
    unsigned i = (unsigned)RND(NPERS);
    if (!DOUBLE_INIT_REPORTED || !c->pers_on[i]) {
        oplog(c, "init p%u again: %s", i,
              DOUBLE_INIT_REPORTED ? "not rooted" : "not reported in this build");
        return;
    }
    val v = pick_value(c);
    oplog(c, "init p%u again while rooted (refused)", i);
    expect_misuse(c, GROVE_E_BAD_NODE);
    grove_persistent_init(c->h, &c->pers[i], v.g);
    expect_reported(c, 1, "initialising a rooted persistent root again");
    op_collect(c, RND(4) == 0);
}

/* ---- choosing an operation ---------------------------------------------- */

enum op {
    OP_ALLOC,
    OP_ALLOC_LARGE,
    OP_CHAIN,
    OP_GARBAGE,
    OP_STORE,
    OP_STORE_RANGE,
    OP_LOAD,
    OP_COPY_ROOT,
    OP_CLEAR_ROOT,
    OP_DROP_PERSISTENT,
    OP_PUSH_VROOT,
    OP_POP_VROOT,
    OP_MUTATE_RAW,
    OP_PUSH_SCOPE,
    OP_POP_SCOPE,
    OP_UNWIND,
    OP_MINOR,
    OP_MAJOR,
    OP_SLICE,
    OP_CHECK,
    OP_HASH,
    OP_PIN,
    OP_UNPIN,
    OP_STALE_EXIT,
    OP_REENTRY,
    OP_ROOTS_IN_VISITOR,
    OP_DOUBLE_INIT,
    OP_ALLOC_WEAK,
    OP_GUARD,
    OP_TAKE,
    OP_RENEW_GUARDIAN,
    OP_CLEANUP,
    OP_GUARD_WEAK,
    OP_ALLOC_PINNED,
    OP_COHORT,
    OP_CARD_WRITES,
    OP_AGING,
    OP_COUNT
};

/* Relative weights (about per mille). */
static const unsigned op_weight[OP_COUNT] = {
    [OP_ALLOC] = 260,      [OP_ALLOC_LARGE] = 12,    [OP_CHAIN] = 25,
    [OP_GARBAGE] = 45,     [OP_STORE] = 230,         [OP_STORE_RANGE] = 35,
    [OP_LOAD] = 90,        [OP_COPY_ROOT] = 50,      [OP_CLEAR_ROOT] = 55,
    [OP_DROP_PERSISTENT] = 15, [OP_PUSH_VROOT] = 20, [OP_POP_VROOT] = 18,
    [OP_MUTATE_RAW] = 40,  [OP_PUSH_SCOPE] = 30,     [OP_POP_SCOPE] = 28,
    [OP_UNWIND] = 4,       [OP_MINOR] = 20,          [OP_MAJOR] = 7,          [OP_SLICE] = 10,
    [OP_CHECK] = 6,        [OP_HASH] = 25,           [OP_PIN] = 6,
    [OP_UNPIN] = 6,        [OP_STALE_EXIT] = 3,      [OP_REENTRY] = 3,
    [OP_ROOTS_IN_VISITOR] = 2, [OP_DOUBLE_INIT] = 3,
    [OP_ALLOC_WEAK] = 45,  [OP_GUARD] = 14,          [OP_TAKE] = 14,
    [OP_RENEW_GUARDIAN] = 1, [OP_CLEANUP] = 10,     [OP_GUARD_WEAK] = 8,
    [OP_ALLOC_PINNED] = 4, [OP_COHORT] = 1,       [OP_CARD_WRITES] = 10,
    [OP_AGING] = 4,
};

/* Beyond this many live objects, shed roots more often so checks stay cheap. */
#define LIVE_SOFT_LIMIT 6000

static enum op choose_op(ctx *c)
{
    static unsigned total;
    if (!total)
        for (unsigned i = 0; i < OP_COUNT; i++)
            total += op_weight[i];
    if (c->live_at_check > LIVE_SOFT_LIMIT && RND(3) == 0)
        return OP_CLEAR_ROOT;
    unsigned r = (unsigned)RND(total);
    for (unsigned i = 0; i < OP_COUNT; i++) {
        if (r < op_weight[i])
            return i == OP_UNWIND && c->p->no_unwind ? OP_CHECK : (enum op)i;
        r -= op_weight[i];
    }
    return OP_CHECK;
}

enum action { ACT_CONTINUE, ACT_PUSH, ACT_POP, ACT_STOP };

static bool should_stop(ctx *c)
{
    if (c->stopped)
        return true;
    if (c->step >= c->p->steps || c->src->exhausted) {
        c->stopped = true;
    } else if (stop_flag) {
        c->stopped = true;
        c->t.stopped_early = true;
    } else if (c->p->max_seconds > 0 && (c->step & 63) == 0 && elapsed(c) > c->p->max_seconds) {
        c->stopped = true;
        c->t.stopped_early = true;
    }
    return c->stopped;
}

static enum action step(ctx *c)
{
    if (should_stop(c))
        return ACT_STOP;
    c->step++;
    c->t.ops++;
    enum op op = choose_op(c);
    enum action act = ACT_CONTINUE;
    switch (op) {
    case OP_ALLOC:
        op_alloc(c, false);
        break;
    case OP_ALLOC_LARGE:
        op_alloc(c, true);
        break;
    case OP_CHAIN:
        op_chain(c);
        break;
    case OP_GARBAGE:
        op_garbage(c);
        break;
    case OP_STORE:
        op_store(c);
        break;
    case OP_STORE_RANGE:
        op_store_range(c);
        break;
    case OP_LOAD:
        op_load(c);
        break;
    case OP_COPY_ROOT:
        op_copy_root(c);
        break;
    case OP_CLEAR_ROOT:
        op_clear_root(c);
        break;
    case OP_DROP_PERSISTENT:
        op_drop_persistent(c);
        break;
    case OP_PUSH_VROOT:
        op_push_vroot(c);
        break;
    case OP_POP_VROOT:
        op_pop_vroot(c);
        break;
    case OP_MUTATE_RAW:
        op_mutate_raw(c);
        break;
    case OP_PUSH_SCOPE:
        if (c->depth < MAXDEPTH) {
            oplog(c, "enter scope (frame %u)", c->depth);
            act = ACT_PUSH;
        }
        break;
    case OP_POP_SCOPE:
        oplog(c, "exit scope (frame %u)", c->depth - 1);
        act = ACT_POP;
        break;
    case OP_UNWIND: {
        unsigned target = (unsigned)RND(c->depth);
        oplog(c, "longjmp out of frames %u..%u", target, c->depth - 1);
        longjmp(*c->catchers[target], 1);
    }
    case OP_MINOR:
        op_collect(c, false);
        break;
    case OP_MAJOR:
        op_collect(c, true);
        break;
    case OP_SLICE:
        op_slice(c);
        break;
    case OP_CHECK:
        oplog(c, "check");
        check(c, "on request");
        break;
    case OP_HASH:
        op_hash(c);
        break;
    case OP_PIN:
        op_pin(c);
        break;
    case OP_UNPIN:
        op_unpin(c);
        break;
    case OP_STALE_EXIT:
        op_stale_exit(c);
        break;
    case OP_REENTRY:
        op_reentry(c);
        break;
    case OP_ROOTS_IN_VISITOR:
        op_roots_in_visitor(c);
        break;
    case OP_DOUBLE_INIT:
        op_double_init(c);
        break;
    case OP_ALLOC_WEAK:
        op_alloc_weak(c);
        break;
    case OP_GUARD:
        op_guard(c);
        break;
    case OP_TAKE:
        op_take(c);
        break;
    case OP_RENEW_GUARDIAN:
        op_renew_guardian(c);
        break;
    case OP_CLEANUP:
        op_cleanup(c);
        break;
    case OP_GUARD_WEAK:
        op_guard_weak(c);
        break;
    case OP_ALLOC_PINNED:
        op_alloc_pinned(c);
        break;
    case OP_COHORT:
        op_cohort(c);
        break;
    case OP_CARD_WRITES:
        op_card_writes(c);
        break;
    case OP_AGING:
        op_aging(c);
        break;
    case OP_COUNT:
        break;
    }
    after_gc(c);
    return act;
}

/* ------------------------------------------------------------------------ */
/* 8. Frames, scopes and the run                                            */
/* ------------------------------------------------------------------------ */

static void call_frame(ctx *c);

/*
 * One scope = one C frame with NLOC facade locals. GROVE_LOCAL declares a
 * variable of an anonymous type, nameable only with __typeof__ inside this
 * function; so this function also serves reads and writes of the locals of
 * any frame (FRAME_GET / FRAME_SET jump straight to `access`, past the
 * declarations, where __typeof__ still names their types). Every frame runs
 * this same function, so one frame's local has the type of the same-named
 * local here.
 */
static void frame_fn(ctx *c, enum frame_mode mode, struct frame *f, unsigned i, void **io)
{
    grove_heap *h = c->h;
    grove_scope scope;
    unsigned d;
    if (mode != FRAME_RUN)
        goto access;

    scope = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, l0, NULL);
    GROVE_LOCAL(h, void *, l1, NULL);
    GROVE_LOCAL(h, void *, l2, NULL);
    GROVE_LOCAL(h, void *, l3, NULL);
    struct frame self = {{&l0, &l1, &l2, &l3}};
    d = c->depth++;
    c->frames[d] = &self;
    memset(c->mloc[d], 0, sizeof c->mloc[d]);
    if (c->depth > c->t.max_depth)
        c->t.max_depth = c->depth;
    for (;;) {
        enum action a = step(c);
        if (a == ACT_PUSH)
            call_frame(c);
        else if (a != ACT_CONTINUE)
            break;
    }
    memset(c->mloc[d], 0, sizeof c->mloc[d]);
    c->depth = d;
    grove_scope_exit(h, scope);
    c->stale = scope;
    c->have_stale = true;
    return;

access:
    switch (i) {
#define LOCAL_ACCESS(n)                                                                          \
    case n: {                                                                                    \
        __typeof__(l##n) *p = f->addr[n];                                                        \
        if (mode == FRAME_GET)                                                                   \
            *io = GROVE_GET(h, *p);                                                              \
        else                                                                                     \
            GROVE_SET(h, *p, *io);                                                               \
        return;                                                                                  \
    }
        LOCAL_ACCESS(0)
        LOCAL_ACCESS(1)
        LOCAL_ACCESS(2)
        LOCAL_ACCESS(3)
#undef LOCAL_ACCESS
    }
    fail(c, "internal: local %u of a frame", i);
}

/* Run a new innermost frame inside a guard scope. OP_UNWIND longjmps here
 * from any depth: exiting the guard then drops every root the abandoned
 * frames created, as both backends promise. */
static void call_frame(ctx *c)
{
    unsigned d = c->depth;
    jmp_buf jb;
    grove_scope guard = grove_scope_enter(c->h);
    c->catchers[d] = &jb;
    if (setjmp(jb) == 0)
        frame_fn(c, FRAME_RUN, NULL, 0, NULL);
    else
        c->t.unwinds++;
    grove_scope_exit(c->h, guard);
    for (unsigned k = d; k < MAXDEPTH; k++)
        memset(c->mloc[k], 0, sizeof c->mloc[k]);
    c->depth = d;
    /* The abandoned frames' locals are gone from the model: the next check
     * (and the heap) must agree. */
}

static void register_types(ctx *c)
{
    for (unsigned i = 0; i < NTYPES; i++) {
        const stype *ty = &type_table[i];
        grove_type_desc d = {.name = ty->name};
        switch (ty->kind) {
        case K_RECORD:
            d.layout = GROVE_LAYOUT_RECORD;
            d.size = ty->size;
            d.pointer_map = ty->map;
            break;
        case K_ARRAY:
            d.layout = GROVE_LAYOUT_ARRAY;
            break;
        case K_BYTES:
            d.layout = GROVE_LAYOUT_BYTES;
            break;
        case K_CUSTOM:
            d.layout = GROVE_LAYOUT_CUSTOM;
            d.trace = custom_trace;
            break;
        case K_WEAK:
            d.layout = GROVE_LAYOUT_WEAK_BOX;
            break;
        case K_EPHEMERON:
            d.layout = GROVE_LAYOUT_EPHEMERON;
            break;
        }
        c->tids[i] = grove_register_type(c->h, &d);
        if (c->tids[i] == GROVE_TYPE_INVALID)
            fail(c, "registering type %s: %s", ty->name, grove_last_error_message(c->h));
    }
}

void stress_params_default(stress_params *p)
{
    memset(p, 0, sizeof *p);
    grove_config_init(&p->config);
    p->config.nursery_size = (size_t)256 << 10;
    p->config.major_min_bytes = (size_t)1 << 20;
    p->config.debug = GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON;
    p->steps = 20000;
    p->seed = 1;
    p->max_large = (size_t)128 << 10;
    p->verbosity = 1;
}

/* A byte count as an options value, with a K or M suffix when exact (and
 * the source likes it), in either case. */
static void put_bytes(char *buf, size_t cap, size_t v, stress_source *s)
{
    static const char suffix[] = "KMkm";
    unsigned pick = (unsigned)stress_rnd(s, 3);
    if (pick && v && v % ((size_t)1 << (10 * pick)) == 0)
        snprintf(buf, cap, "%zu%c", v >> (10 * pick), suffix[pick - 1 + 2 * stress_rnd(s, 2)]);
    else
        snprintf(buf, cap, "%zu", v);
}

/* Make the chosen configuration again from an options string
 * (grove_config_parse), in a random order, and check it comes out the same:
 * the heap of every stress run and fuzz input is configured through the
 * parser. */
static void config_through_options(grove_config *want, stress_source *s)
{
    char parts[12][64], text[800] = "";
    char b[32];
    unsigned n = 0;
    put_bytes(b, sizeof b, want->nursery_size, s);
    snprintf(parts[n++], sizeof parts[0], "nursery-size=%s", b);
    put_bytes(b, sizeof b, want->major_min_bytes, s);
    snprintf(parts[n++], sizeof parts[0], "major-min-bytes=%s", b);
    if (want->max_heap_size == SIZE_MAX)
        snprintf(parts[n++], sizeof parts[0], "max-heap-size=none");
    else {
        put_bytes(b, sizeof b, want->max_heap_size, s);
        snprintf(parts[n++], sizeof parts[0], "max-heap-size=%s", b);
    }
    snprintf(parts[n++], sizeof parts[0], "growth-factor=%.17g", want->growth_factor);
    snprintf(parts[n++], sizeof parts[0], "zeal-minor=%u", want->zeal_minor);
    snprintf(parts[n++], sizeof parts[0], "zeal-major=%u", want->zeal_major);
    snprintf(parts[n++], sizeof parts[0], "survivor-age=%u", want->survivor_age);
    snprintf(parts[n++], sizeof parts[0], "incremental%s",
             want->incremental ? (stress_rnd(s, 2) ? "=on" : "") : "=off");
    put_bytes(b, sizeof b, want->major_slice_bytes, s);
    snprintf(parts[n++], sizeof parts[0], "major-slice-bytes=%s", b);
    snprintf(parts[n++], sizeof parts[0], "zeal-slice=%u", want->zeal_slice);
    snprintf(parts[n++], sizeof parts[0], "verify%s",
             (want->debug & GROVE_DEBUG_VERIFY) ? (stress_rnd(s, 2) ? "=on" : "") : "=off");
    snprintf(parts[n++], sizeof parts[0], "poison=%s",
             (want->debug & GROVE_DEBUG_POISON) ? "on" : "off");
    for (unsigned i = n; i > 1; i--) { /* shuffle: the settings are independent */
        unsigned j = (unsigned)stress_rnd(s, i);
        char tmp[64];
        memcpy(tmp, parts[i - 1], sizeof tmp);
        memcpy(parts[i - 1], parts[j], sizeof tmp);
        memcpy(parts[j], tmp, sizeof tmp);
    }
    for (unsigned i = 0; i < n; i++) {
        if (i)
            strcat(text, ",");
        strcat(text, parts[i]);
    }
    grove_config got;
    grove_config_init(&got);
    grove_error_info err;
    if (grove_config_parse(&got, text, &err) != GROVE_OK) {
        fprintf(stderr, "stress: options '%s' rejected: %s\n", text, err.message);
        abort();
    }
    if (got.nursery_size != want->nursery_size || got.major_min_bytes != want->major_min_bytes ||
        got.max_heap_size != want->max_heap_size || got.growth_factor != want->growth_factor ||
        got.zeal_minor != want->zeal_minor || got.zeal_major != want->zeal_major ||
        got.survivor_age != want->survivor_age || got.debug != want->debug ||
        got.incremental != want->incremental || got.major_slice_bytes != want->major_slice_bytes ||
        got.zeal_slice != want->zeal_slice) {
        fprintf(stderr, "stress: options '%s' did not give the configuration they name\n", text);
        abort();
    }
}

void stress_randomize_incremental(grove_config *config, stress_source *s)
{
    /* Incremental marking half the time: slices from a few objects (to
     * interleave marking with every kind of operation) to the default
     * megabyte, now and then one at every few allocations (zeal). */
    static const size_t slices[] = {16, 64, 512, 4 << 10, 64 << 10, 1 << 20};
    config->incremental = stress_rnd(s, 2) == 0;
    config->major_slice_bytes = config->incremental ? slices[stress_rnd(s, 6)] : (size_t)1 << 20;
    config->zeal_slice = config->incremental && stress_rnd(s, 3) == 0
                             ? 1 + (unsigned)stress_rnd(s, 8)
                             : 0;
}

void stress_params_randomize(stress_params *p, stress_source *src, bool fuzzing)
{
    static const size_t nurseries[] = {64 << 10, 96 << 10, 128 << 10, 256 << 10,
                                       512 << 10, 1 << 20, 4 << 20};
    static const size_t major_mins[] = {0, 128 << 10, 512 << 10, 1 << 20, 4 << 20};
    stress_source *s = src;
    p->config.nursery_size = nurseries[stress_rnd(s, fuzzing ? 4 : 7)];
    p->config.zeal_minor =
        stress_rnd(s, 4) == 0 ? 0 : 1 + (unsigned)stress_rnd(s, stress_rnd(s, 2) ? 10 : 100);
    p->config.zeal_major = stress_rnd(s, 3) == 0 ? 0 : 5 + (unsigned)stress_rnd(s, 400);
    p->config.major_min_bytes = major_mins[stress_rnd(s, 5)];
    p->config.growth_factor = 1.1 + (double)stress_rnd(s, 30) / 10.0;
    /* Survivor aging half the time, mostly for a few minor GCs. */
    p->config.survivor_age = stress_rnd(s, 2) == 0   ? 0
                             : stress_rnd(s, 4) != 0 ? 1 + (unsigned)stress_rnd(s, 3)
                                                     : 4 + (unsigned)stress_rnd(s, 12);
    p->config.debug = GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON;
    p->allow_oom = false;
    p->config.max_heap_size = SIZE_MAX;
    if (!fuzzing && stress_rnd(s, 8) == 0) {
        p->allow_oom = true;
        /* Old space alone can hold a 256 KiB block per size class in use:
         * a few MiB over the nursery is tight enough to be reached. */
        p->config.max_heap_size = p->config.nursery_size * (p->config.survivor_age ? 2 : 1) +
                                  ((1 + stress_rnd(s, 12)) << 20);
    }
    /* An adaptive nursery, with targets low enough to shrink it too (it
     * adapts only at minor GCs that find it full: zeal off). */
    if (stress_rnd(s, 3) == 0) {
        p->config.nursery_max_size = p->config.nursery_size << (1 + stress_rnd(s, 4));
        p->config.minor_pause_target_ns = (uint64_t)10000 << stress_rnd(s, 8);
    }
    stress_randomize_incremental(&p->config, s);
    config_through_options(&p->config, s);
    if (fuzzing) {
        p->steps = 3000;
        p->max_large = (size_t)64 << 10;
    } else {
        p->steps = 2000 + stress_rnd(s, 40000);
        p->max_large = stress_rnd(s, 4) == 0 ? (size_t)1 << 20 : (size_t)128 << 10;
    }
}

void stress_totals_add(stress_totals *sum, const stress_totals *t)
{
    sum->runs += t->runs;
    sum->ops += t->ops;
    sum->allocations += t->allocations;
    sum->large_allocations += t->large_allocations;
    sum->oom += t->oom;
    sum->barrier_stores += t->barrier_stores;
    sum->minor_gcs += t->minor_gcs;
    sum->major_gcs += t->major_gcs;
    sum->explicit_gcs += t->explicit_gcs;
    sum->checks += t->checks;
    sum->objects_checked += t->objects_checked;
    if (t->max_live_objects > sum->max_live_objects)
        sum->max_live_objects = t->max_live_objects;
    if (t->max_depth > sum->max_depth)
        sum->max_depth = t->max_depth;
    sum->unwinds += t->unwinds;
    sum->misuses += t->misuses;
    sum->weak_boxes += t->weak_boxes;
    sum->ephemerons += t->ephemerons;
    sum->weak_cleared += t->weak_cleared;
    sum->ephemerons_broken += t->ephemerons_broken;
    sum->guarded += t->guarded;
    sum->guardian_queued += t->guardian_queued;
    sum->taken += t->taken;
    sum->resurrected += t->resurrected;
    sum->cleanups_run += t->cleanups_run;
    sum->pinned_allocations += t->pinned_allocations;
    sum->cohorts += t->cohorts;
    sum->cohorts_thinned += t->cohorts_thinned;
    sum->live_bytes_checks += t->live_bytes_checks;
    sum->live_bytes_after_major += t->live_bytes_after_major;
    sum->kept_young_gcs += t->kept_young_gcs;
    sum->kept_young_full += t->kept_young_full;
    sum->aging_rounds += t->aging_rounds;
    sum->final_pauses += t->final_pauses;
    sum->final_marked += t->final_marked;
    sum->slices += t->slices;
    sum->uninit_allocations += t->uninit_allocations;
    sum->card_writes += t->card_writes;
    sum->card_rewrites += t->card_rewrites;
    sum->card_shared += t->card_shared;
    sum->card_minors += t->card_minors;
    sum->cards_scanned += t->cards_scanned;
    sum->stopped_early |= t->stopped_early;
}

static void free_ctx(ctx *c)
{
    for (uint32_t i = 1; i < c->m.count; i++)
        free(c->m.o[i].w);
    free(c->m.o);
    free(c->m.free);
    for (unsigned k = 0; k < NGUARD; k++) {
        free(c->guards[k].reg);
        free(c->guards[k].q);
    }
    free(c->hooks);
    free(c->ran);
    free(c->sim_pend);
    free(c->sim_weak);
    free(c->thinned);
    free(c->kept);
    free(c->copied);
    free(c->cand);
    free(c->work);
    free(c->amap_key);
    free(c->amap_val);
    free(c->amap_stamp);
    free(c);
}

/* Destroy the heap with one live object holding two cleanup hooks: the
 * destruction runs them, in order, and nothing else (everything else died
 * in the last collection). */
static void destroy_with_hooks(ctx *c)
{
    c->step++;
    oplog(c, "two cleanup hooks on a live object, then destroy the heap");
    void *g = heap_alloc(c, T_REC2, 16, BY_SIZE);
    if (g) {
        uint32_t idx = model_new(c, T_REC2, 2);
        c->m.o[idx].at = g;
        add_cleanup(c, idx, g);
        add_cleanup(c, idx, g);
        sim_free(c, idx); /* the destruction will find it dead */
    }
    current_ctx = NULL;
    c->destroying = true;
    grove_heap_destroy(c->h);
    c->h = NULL;
    check_cleanups(c);
    hook_ctx = NULL;
}

/* The survivor age the heap uses: the environment's options apply over the
 * configuration as in grove_heap_create (which accepted them). */
static grove_config effective_config(const grove_config *cfg)
{
    grove_config eff = *cfg;
    const char *env[] = {getenv("GROVE_OPTIONS"), getenv("GROVE_DEBUG")};
    for (unsigned i = 0; i < 2; i++)
        if (env[i] && grove_config_parse(&eff, env[i], NULL) != GROVE_OK)
            abort();
    return eff;
}

static unsigned effective_survivor_age(const grove_config *cfg)
{
    return effective_config(cfg).survivor_age;
}

void stress_run(const stress_params *p, stress_source *src, stress_totals *totals)
{
    ctx *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "stress: out of memory\n");
        abort();
    }
    c->p = p;
    c->src = src;
    c->t.runs = 1;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    xoshiro_seed(c->fill, src->bytes_mode ? 0x5eed : p->seed ^ 0xf111f111f111ull);
    custom_trace_bad = 0;
    current_ctx = c;

    grove_config cfg = p->config;
    cfg.error_handler = on_misuse;
    cfg.error_data = c;
    grove_error_info err;
    c->h = grove_heap_create(&cfg, &err);
    if (!c->h)
        fail(c, "grove_heap_create failed: %s: %s", grove_error_name(err.code), err.message);
    c->survivor_age = effective_survivor_age(&cfg);
    c->incremental = effective_config(&cfg).incremental;
    register_types(c);
    if (grove_add_root_visitor(c->h, visit_vroots, c) != GROVE_OK)
        fail(c, "grove_add_root_visitor: %s", grove_last_error_message(c->h));
    if (grove_add_event_listener(c->h, on_event, c) != GROVE_OK)
        fail(c, "grove_add_event_listener: %s", grove_last_error_message(c->h));
    for (unsigned k = 0; k < NGUARD; k++)
        if (!(c->guards[k].g = grove_guardian_create(c->h)))
            fail(c, "grove_guardian_create: %s", grove_last_error_message(c->h));
    hook_ctx = c;

    while (!should_stop(c))
        call_frame(c);

    /* Wind down: what the guardians queued is what the model says (rooted
     * where there is room, so the check below compares it whole)... */
    c->step++;
    oplog(c, "take every queued object");
    for (unsigned k = 0; k < NGUARD; k++) {
        uint32_t idx;
        void *g;
        while (take_one(c, k, &idx, &g))
            if (c->nv < MAXV) {
                c->vroots[c->nv] = g;
                c->mv[c->nv++] = mv_ref(idx);
            }
    }
    /* ...everything still rooted must survive a major GC intact... */
    c->gc_seen = false;
    oplog(c, "final major collection");
    collect_now(c, true);
    after_gc(c);
    /* ...and once nothing is rooted, a major GC must free everything. */
    for (unsigned i = 0; i < NPERS; i++)
        if (c->pers_on[i]) {
            grove_persistent_drop(c->h, &c->pers[i]);
            c->pers_on[i] = false;
            c->mpers[i] = 0;
        }
    c->nv = 0;
    while (c->npinned) {
        mobj *o = &c->m.o[c->pinned[0]];
        while (o->pins)
            op_unpin(c);
    }
    for (unsigned k = 0; k < NGUARD; k++) { /* what they hold dies too */
        mguard *G = &c->guards[k];
        grove_guardian_free(c->h, G->g);
        G->g = NULL;
        G->nreg = G->qhead = G->qlen = 0;
    }
    oplog(c, "dropped every root, pin and guardian; major collection");
    c->gc_seen = false;
    if (grove_collect_major(c->h) != GROVE_OK)
        fail(c, "major collection with nothing rooted: %s: %s",
             grove_error_name(grove_last_error(c->h)), grove_last_error_message(c->h));
    after_gc(c);
    if (c->m.live)
        fail(c, "internal: %llu model objects alive with no roots",
             (unsigned long long)c->m.live);

    grove_stats st;
    grove_get_stats(c->h, &st);
    if (st.live_bytes != 0)
        fail(c, "nothing is rooted, yet after a major collection live_bytes is %llu",
             (unsigned long long)st.live_bytes);
    if (st.bytes_promoted + st.bytes_large - st.bytes_freed != st.live_bytes)
        fail(c, "stats disagree: promoted %llu + large %llu - freed %llu != live %llu",
             (unsigned long long)st.bytes_promoted, (unsigned long long)st.bytes_large,
             (unsigned long long)st.bytes_freed, (unsigned long long)st.live_bytes);
    c->t.minor_gcs = st.minor_collections;
    c->t.major_gcs = st.major_collections;
    c->t.slices = st.major_slices;
    c->t.cards_scanned = st.remembered_cards_scanned;
    if (c->t.card_minors && !st.remembered_cards_scanned)
        fail(c, "%llu minor GC(s) found a young value kept by a card alone, yet no minor GC "
                "scanned a card",
             (unsigned long long)c->t.card_minors);

    if (grove_remove_root_visitor(c->h, visit_vroots, c) != GROVE_OK)
        fail(c, "grove_remove_root_visitor: %s", grove_last_error_message(c->h));
    destroy_with_hooks(c);
    stress_totals_add(totals, &c->t);
    free_ctx(c);
}
