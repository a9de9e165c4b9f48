/* stress_main.c — command line for the differential stress harness.
 *
 *   grove_stress_<backend> [--seed N | --seeds A,B,...] [--steps N]
 *                          [--random-config] [--nursery BYTES] [--zeal-minor N]
 *                          [--zeal-major N] [--major-min BYTES] [--growth F]
 *                          [--survivor-age N] [--max-heap BYTES] [--max-large BYTES] [--no-verify]
 *                          [--no-poison] [--no-unwind] [--max-seconds S] [--trace]
 *                          [--quiet]
 *
 * Each seed is one heap, created, driven for --steps operations and
 * destroyed. With --random-config the heap configuration and step count are
 * derived from the seed too (that is what scripts/soak uses), so the seed
 * alone replays a run. On success the last line is a machine-readable
 * summary:
 *
 *   STRESS-TOTALS backend=indexed runs=1 ops=... allocations=... minor=...
 *                 major=... checks=... objects-checked=... weak-boxes=...
 *                 weak-cleared=... guardian-queued=... cleanups=... pinned=... cohorts=...
 *                 live-bytes-checks=... live-bytes-after-major=... card-writes=...
 *                 card-rewrites=... card-shared=... card-minors=... cards-scanned=...
 *                 uninit-allocations=... kept-young-gcs=... kept-young-full=...
 *                 aging-rounds=... stopped-early=0
 *
 * On a divergence the harness prints what differs, where, the last
 * operations and the command line that replays it, then aborts.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mutator.h"

static void usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [options]\n"
            "  --seed N            run seed N (default 1)\n"
            "  --seeds A,B,...     run each seed in turn\n"
            "  --steps N           operations per seed (default 20000)\n"
            "  --random-config     derive the heap configuration and step count from the seed\n"
            "  --nursery BYTES     nursery size (default 262144)\n"
            "  --zeal-minor N      a minor GC every N allocations (default 0: off)\n"
            "  --zeal-major N      a major GC every N allocations (default 0: off)\n"
            "  --major-min BYTES   major GC threshold floor (default 1048576)\n"
            "  --growth F          growth factor (default 2.0)\n"
            "  --survivor-age N    minor GCs survived young before promotion, 0-15 (default 0)\n"
            "  --incremental on|off  incremental major GC (default off)\n"
            "  --slice-bytes BYTES least work of an incremental slice (default 1048576)\n"
            "  --zeal-slice N      an incremental slice every N allocations (default 0: off)\n"
            "  --max-heap BYTES    heap limit; GROVE_E_OOM becomes a valid outcome\n"
            "  --max-large BYTES   largest large object (default 131072)\n"
            "  --no-verify         turn the heap's verify mode off (on by default)\n"
            "  --no-poison         turn the heap's poison mode off (on by default)\n"
            "  --no-unwind         never longjmp out of nested scopes\n"
            "  --max-seconds S     stop each seed after S seconds (counts as success)\n"
            "  --trace             print every operation on stderr\n"
            "  --quiet             print only the totals line\n",
            argv0);
}

static unsigned long long parse_u64(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end) {
        fprintf(stderr, "stress: bad number for %s: '%s'\n", what, s);
        exit(2);
    }
    return v;
}

static void on_stop_signal(int sig)
{
    (void)sig;
    stress_request_stop();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The exact command line that replays seed `seed` with parameters p. */
static void replay_line(char *buf, size_t cap, const char *argv0, const stress_params *p,
                        bool randomized)
{
    size_t n = (size_t)snprintf(buf, cap, "%s --seed %llu", argv0, (unsigned long long)p->seed);
    if (randomized) {
        snprintf(buf + n, cap - n, " --random-config%s%s%s", p->no_unwind ? " --no-unwind" : "",
                 p->config.debug & GROVE_DEBUG_VERIFY ? "" : " --no-verify",
                 p->config.debug & GROVE_DEBUG_POISON ? "" : " --no-poison");
        return;
    }
    n += (size_t)snprintf(buf + n, cap - n,
                          " --steps %llu --nursery %zu --zeal-minor %u --zeal-major %u "
                          "--major-min %zu --growth %g --survivor-age %u --max-large %zu",
                          (unsigned long long)p->steps, p->config.nursery_size,
                          p->config.zeal_minor, p->config.zeal_major, p->config.major_min_bytes,
                          p->config.growth_factor, p->config.survivor_age, p->max_large);
    if (p->config.incremental)
        n += (size_t)snprintf(buf + n, cap - n, " --incremental on --slice-bytes %zu --zeal-slice %u",
                              p->config.major_slice_bytes, p->config.zeal_slice);
    if (p->allow_oom)
        n += (size_t)snprintf(buf + n, cap - n, " --max-heap %zu", p->config.max_heap_size);
    if (p->no_unwind)
        n += (size_t)snprintf(buf + n, cap - n, " --no-unwind");
    if (!(p->config.debug & GROVE_DEBUG_VERIFY))
        n += (size_t)snprintf(buf + n, cap - n, " --no-verify");
    if (!(p->config.debug & GROVE_DEBUG_POISON))
        snprintf(buf + n, cap - n, " --no-poison");
}

int main(int argc, char **argv)
{
    stress_params base;
    stress_params_default(&base);
    bool randomized = false, verify = true, poison = true;
    const char *seeds = "1";
    /* Options given explicitly override --random-config's choices. */
    bool set_steps = false, set_nursery = false, set_zmin = false, set_zmaj = false,
         set_major_min = false, set_growth = false, set_max_heap = false, set_max_large = false,
         set_age = false, set_incremental = false, set_slice = false, set_zslice = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                                             \
    do {                                                                                         \
        if (!v) {                                                                                \
            fprintf(stderr, "stress: %s needs a value\n", a);                                    \
            return 2;                                                                            \
        }                                                                                        \
        i++;                                                                                     \
    } while (0)
        if (!strcmp(a, "--seed") || !strcmp(a, "--seeds")) {
            NEED_VALUE();
            seeds = v;
        } else if (!strcmp(a, "--steps")) {
            NEED_VALUE();
            base.steps = parse_u64(v, a);
            set_steps = true;
        } else if (!strcmp(a, "--random-config")) {
            randomized = true;
        } else if (!strcmp(a, "--nursery")) {
            NEED_VALUE();
            base.config.nursery_size = (size_t)parse_u64(v, a);
            set_nursery = true;
        } else if (!strcmp(a, "--zeal-minor")) {
            NEED_VALUE();
            base.config.zeal_minor = (unsigned)parse_u64(v, a);
            set_zmin = true;
        } else if (!strcmp(a, "--zeal-major")) {
            NEED_VALUE();
            base.config.zeal_major = (unsigned)parse_u64(v, a);
            set_zmaj = true;
        } else if (!strcmp(a, "--major-min")) {
            NEED_VALUE();
            base.config.major_min_bytes = (size_t)parse_u64(v, a);
            set_major_min = true;
        } else if (!strcmp(a, "--growth")) {
            NEED_VALUE();
            base.config.growth_factor = strtod(v, NULL);
            set_growth = true;
        } else if (!strcmp(a, "--survivor-age")) {
            NEED_VALUE();
            base.config.survivor_age = (unsigned)parse_u64(v, a);
            set_age = true;
        } else if (!strcmp(a, "--incremental")) {
            NEED_VALUE();
            if (strcmp(v, "on") && strcmp(v, "off")) {
                fprintf(stderr, "stress: --incremental takes on or off, not '%s'\n", v);
                return 2;
            }
            base.config.incremental = !strcmp(v, "on");
            set_incremental = true;
        } else if (!strcmp(a, "--slice-bytes")) {
            NEED_VALUE();
            base.config.major_slice_bytes = (size_t)parse_u64(v, a);
            set_slice = true;
        } else if (!strcmp(a, "--zeal-slice")) {
            NEED_VALUE();
            base.config.zeal_slice = (unsigned)parse_u64(v, a);
            set_zslice = true;
        } else if (!strcmp(a, "--max-heap")) {
            NEED_VALUE();
            base.config.max_heap_size = (size_t)parse_u64(v, a);
            base.allow_oom = true;
            set_max_heap = true;
        } else if (!strcmp(a, "--max-large")) {
            NEED_VALUE();
            base.max_large = (size_t)parse_u64(v, a);
            set_max_large = true;
        } else if (!strcmp(a, "--no-verify")) {
            verify = false;
        } else if (!strcmp(a, "--no-poison")) {
            poison = false;
        } else if (!strcmp(a, "--no-unwind")) {
            base.no_unwind = true;
        } else if (!strcmp(a, "--max-seconds")) {
            NEED_VALUE();
            base.max_seconds = strtod(v, NULL);
        } else if (!strcmp(a, "--trace")) {
            base.verbosity = 2;
        } else if (!strcmp(a, "--quiet")) {
            base.verbosity = 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout, argv[0]);
            return 0;
        } else {
            fprintf(stderr, "stress: unknown option '%s'\n", a);
            usage(stderr, argv[0]);
            return 2;
        }
#undef NEED_VALUE
    }

    stress_install_crash_handler();
    /* SIGTERM / SIGINT: finish the current seed cleanly (its final checks
     * still run) and print the totals; scripts/soak stops early this way. */
    signal(SIGTERM, on_stop_signal);
    signal(SIGINT, on_stop_signal);
    stress_totals sum = {0};
    double t0 = now_s();
    char *list = strdup(seeds);
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (stress_stop_requested())
            break;
        stress_params p = base;
        p.seed = parse_u64(tok, "--seed");
        if (randomized) {
            stress_params r = base;
            stress_source cs;
            stress_source_seed(&cs, p.seed ^ 0xc0ff1ce5eedull);
            stress_params_randomize(&r, &cs, false);
            if (!set_steps)
                p.steps = r.steps;
            if (!set_nursery) {
                p.config.nursery_size = r.config.nursery_size;
                p.config.nursery_max_size = r.config.nursery_max_size;
                p.config.minor_pause_target_ns = r.config.minor_pause_target_ns;
            }
            if (!set_zmin)
                p.config.zeal_minor = r.config.zeal_minor;
            if (!set_zmaj)
                p.config.zeal_major = r.config.zeal_major;
            if (!set_major_min)
                p.config.major_min_bytes = r.config.major_min_bytes;
            if (!set_growth)
                p.config.growth_factor = r.config.growth_factor;
            if (!set_max_heap) {
                p.config.max_heap_size = r.config.max_heap_size;
                p.allow_oom = r.allow_oom;
            }
            if (!set_max_large)
                p.max_large = r.max_large;
            if (!set_age)
                p.config.survivor_age = r.config.survivor_age;
            if (!set_incremental)
                p.config.incremental = r.config.incremental;
            if (!set_slice)
                p.config.major_slice_bytes = r.config.major_slice_bytes;
            if (!set_zslice)
                p.config.zeal_slice = r.config.zeal_slice;
            /* A limit chosen for another nursery still leaves its regions room. */
            size_t nursery = p.config.nursery_size * (p.config.survivor_age ? 2 : 1);
            if (!set_max_heap && p.allow_oom && p.config.max_heap_size < nursery + ((size_t)1 << 20))
                p.config.max_heap_size = nursery + ((size_t)1 << 20);
        }
        p.config.debug = (verify ? GROVE_DEBUG_VERIFY : 0u) | (poison ? GROVE_DEBUG_POISON : 0u);
        char replay[512];
        bool exact = randomized && !(set_steps || set_nursery || set_zmin || set_zmaj ||
                                     set_major_min || set_growth || set_max_heap || set_max_large ||
                                     set_age || set_incremental || set_slice || set_zslice);
        replay_line(replay, sizeof replay, argv[0], &p, exact);
        p.replay = replay;

        if (p.verbosity >= 1)
        {
            char limit[48] = "";
            if (p.allow_oom)
                snprintf(limit, sizeof limit, ", heap limit %zu", p.config.max_heap_size);
            char incremental[80] = "";
            if (p.config.incremental)
                snprintf(incremental, sizeof incremental,
                         ", incremental (slices of %zu bytes, zeal slice %u)",
                         p.config.major_slice_bytes, p.config.zeal_slice);
            printf("stress[%s] seed %llu: %llu steps, nursery %zu, zeal minor %u major %u, "
                   "major-min %zu, growth %g, survivor age %u%s%s%s%s%s\n",
                   GROVE_ROOTING_NAME, (unsigned long long)p.seed, (unsigned long long)p.steps,
                   p.config.nursery_size, p.config.zeal_minor, p.config.zeal_major,
                   p.config.major_min_bytes, p.config.growth_factor, p.config.survivor_age,
                   incremental, limit,
                   verify ? ", verify" : "", poison ? ", poison" : "",
                   p.no_unwind ? ", no unwinds" : "");
        }
        fflush(stdout);
        stress_source src;
        stress_source_seed(&src, p.seed);
        stress_totals t = {0};
        double s0 = now_s();
        stress_run(&p, &src, &t);
        if (p.verbosity >= 1)
            printf("  ok in %.2f s%s: %llu ops, %llu allocations (%llu large%s), %llu minor + "
                   "%llu major GCs, %llu checks over %llu objects, max %llu live, depth %llu, "
                   "%llu unwinds\n"
                   "  weak: %llu boxes (%llu slots cleared), %llu ephemerons (%llu broken), "
                   "%llu guarded (%llu queued, %llu taken, %llu resurrected), %llu cleanups\n"
                   "  old space: %llu pinned allocations, %llu cohorts (%llu thinned), "
                   "%llu live-bytes checks (%llu after a major GC)\n"
                   "  cards: %llu writes (%llu rewrites after a minor GC, %llu on shared cards), "
                   "%llu minor GCs with card-only young values, %llu cards scanned; "
                   "%llu uninitialised allocations\n"
                   "  aging: %llu minor GCs kept survivors young (%llu with the room full), "
                   "%llu aging rounds\n"
                   "  incremental: %llu slices, %llu final pauses (%llu objects kept marked)\n",
                   now_s() - s0, t.stopped_early ? " (time limit)" : "",
                   (unsigned long long)t.ops, (unsigned long long)t.allocations,
                   (unsigned long long)t.large_allocations, t.oom ? ", some refused: OOM" : "",
                   (unsigned long long)t.minor_gcs, (unsigned long long)t.major_gcs,
                   (unsigned long long)t.checks, (unsigned long long)t.objects_checked,
                   (unsigned long long)t.max_live_objects, (unsigned long long)t.max_depth,
                   (unsigned long long)t.unwinds, (unsigned long long)t.weak_boxes,
                   (unsigned long long)t.weak_cleared, (unsigned long long)t.ephemerons,
                   (unsigned long long)t.ephemerons_broken, (unsigned long long)t.guarded,
                   (unsigned long long)t.guardian_queued, (unsigned long long)t.taken,
                   (unsigned long long)t.resurrected, (unsigned long long)t.cleanups_run,
                   (unsigned long long)t.pinned_allocations, (unsigned long long)t.cohorts,
                   (unsigned long long)t.cohorts_thinned, (unsigned long long)t.live_bytes_checks,
                   (unsigned long long)t.live_bytes_after_major, (unsigned long long)t.card_writes,
                   (unsigned long long)t.card_rewrites, (unsigned long long)t.card_shared,
                   (unsigned long long)t.card_minors, (unsigned long long)t.cards_scanned,
                   (unsigned long long)t.uninit_allocations, (unsigned long long)t.kept_young_gcs,
                   (unsigned long long)t.kept_young_full, (unsigned long long)t.aging_rounds,
                   (unsigned long long)t.slices, (unsigned long long)t.final_pauses,
                   (unsigned long long)t.final_marked);
        fflush(stdout);
        stress_totals_add(&sum, &t);
    }
    free(list);
    printf("STRESS-TOTALS backend=%s runs=%llu ops=%llu allocations=%llu large=%llu oom=%llu "
           "stores=%llu minor=%llu major=%llu explicit=%llu checks=%llu objects-checked=%llu "
           "max-live=%llu unwinds=%llu misuses=%llu weak-boxes=%llu weak-cleared=%llu "
           "ephemerons=%llu ephemerons-broken=%llu guarded=%llu guardian-queued=%llu "
           "taken=%llu resurrected=%llu cleanups=%llu pinned=%llu cohorts=%llu "
           "cohorts-thinned=%llu live-bytes-checks=%llu live-bytes-after-major=%llu "
           "card-writes=%llu card-rewrites=%llu card-shared=%llu card-minors=%llu "
           "cards-scanned=%llu uninit-allocations=%llu kept-young-gcs=%llu kept-young-full=%llu "
           "aging-rounds=%llu slices=%llu final-pauses=%llu final-marked=%llu stopped-early=%d "
           "seconds=%.2f\n",
           GROVE_ROOTING_NAME, (unsigned long long)sum.runs, (unsigned long long)sum.ops,
           (unsigned long long)sum.allocations, (unsigned long long)sum.large_allocations,
           (unsigned long long)sum.oom, (unsigned long long)sum.barrier_stores,
           (unsigned long long)sum.minor_gcs, (unsigned long long)sum.major_gcs,
           (unsigned long long)sum.explicit_gcs, (unsigned long long)sum.checks,
           (unsigned long long)sum.objects_checked, (unsigned long long)sum.max_live_objects,
           (unsigned long long)sum.unwinds, (unsigned long long)sum.misuses,
           (unsigned long long)sum.weak_boxes, (unsigned long long)sum.weak_cleared,
           (unsigned long long)sum.ephemerons, (unsigned long long)sum.ephemerons_broken,
           (unsigned long long)sum.guarded, (unsigned long long)sum.guardian_queued,
           (unsigned long long)sum.taken, (unsigned long long)sum.resurrected,
           (unsigned long long)sum.cleanups_run, (unsigned long long)sum.pinned_allocations,
           (unsigned long long)sum.cohorts, (unsigned long long)sum.cohorts_thinned,
           (unsigned long long)sum.live_bytes_checks, (unsigned long long)sum.live_bytes_after_major,
           (unsigned long long)sum.card_writes, (unsigned long long)sum.card_rewrites,
           (unsigned long long)sum.card_shared, (unsigned long long)sum.card_minors,
           (unsigned long long)sum.cards_scanned, (unsigned long long)sum.uninit_allocations,
           (unsigned long long)sum.kept_young_gcs, (unsigned long long)sum.kept_young_full,
           (unsigned long long)sum.aging_rounds, (unsigned long long)sum.slices,
           (unsigned long long)sum.final_pauses, (unsigned long long)sum.final_marked,
           sum.stopped_early ? 1 : 0, now_s() - t0);
    return 0;
}
