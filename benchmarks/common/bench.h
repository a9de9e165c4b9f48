/*
 * bench.h — what every benchmark executable shares: a monotonic clock, peak
 * RSS, loud failure, compiler barriers for micro benchmarks, and the one JSON
 * line each run prints last on stdout.
 *
 * Nothing here knows about Grove, so the malloc and BDW peers use it too.
 */
#ifndef GROVE_BENCH_H
#define GROVE_BENCH_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define BENCH_NORETURN __attribute__((noreturn))
#define BENCH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define BENCH_NOINLINE __attribute__((noinline))
/* Make the compiler assume `p` is read and all memory may have changed, so
 * stores before it happen and loads after it are redone. Costs no
 * instruction. */
#define BENCH_ESCAPE(p) __asm__ volatile("" : : "g"(p) : "memory")
#define BENCH_CLOBBER() __asm__ volatile("" : : : "memory")
#else
#define BENCH_NORETURN
#define BENCH_PRINTF(a, b)
#define BENCH_NOINLINE
#define BENCH_ESCAPE(p) bench_escape_fn((const void *)(p))
#define BENCH_CLOBBER() bench_escape_fn(NULL)
void bench_escape_fn(const void *p);
#endif

/* Nanoseconds from CLOCK_MONOTONIC. */
uint64_t bench_now_ns(void);

/* Peak resident set size of this process so far, in KiB (getrusage). */
long bench_peak_rss_kb(void);

/* Print "FAILED <benchmark>: message" to stderr and exit(1). */
void bench_fail(const char *fmt, ...) BENCH_PRINTF(1, 2) BENCH_NORETURN;

/* Name used in failure messages (set once by bench_json_begin). */
extern const char *bench_name;

/* Parse a non-negative integer argument or fail loudly. */
long bench_arg_long(const char *text, const char *what, long min, long max);

/* binary-trees, shared by the Grove and the peer versions: the depths from
 * the command line ([max_depth], default 21; exits with usage otherwise),
 * and a perfect tree's node count, the check sum the output reports. */
typedef struct bench_tree_depths {
    int min_depth, max_depth, stretch_depth;
} bench_tree_depths;
bench_tree_depths bench_binary_trees_depths(int argc, char **argv);
static inline long bench_tree_expected_check(int depth)
{
    return (1L << (depth + 1)) - 1;
}

/* A small deterministic PRNG (xorshift64*), the same in every variant. */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;
static inline uint64_t bench_rng_next(bench_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ull;
}

/* ---- the result line -------------------------------------------------- */

/* One JSON object built incrementally and printed as a single line:
 *   {"bench":..., "variant":..., <fields...>, "peak_rss_kb":..., "ok":true}
 * Keys are plain identifiers; string values are escaped. */
typedef struct bench_json {
    char *buf;
    size_t len;
    size_t cap;
    int fields;
} bench_json;

void bench_json_begin(bench_json *j, const char *bench, const char *variant);
void bench_json_str(bench_json *j, const char *key, const char *value);
void bench_json_int(bench_json *j, const char *key, long long value);
void bench_json_num(bench_json *j, const char *key, double value);
void bench_json_bool(bench_json *j, const char *key, int value);
/* `raw` must already be valid JSON (an object, an array, a number). */
void bench_json_raw(bench_json *j, const char *key, const char *raw);
/* Append peak_rss_kb and ok:true, print the line to stdout, free the buffer. */
void bench_json_finish(bench_json *j);

/* A growable string for building raw JSON arrays. */
typedef struct bench_str {
    char *buf;
    size_t len;
    size_t cap;
} bench_str;
void bench_str_printf(bench_str *s, const char *fmt, ...) BENCH_PRINTF(2, 3);
void bench_str_free(bench_str *s);

/* Median of n doubles (sorts the array in place). */
double bench_median(double *values, size_t n);

#endif /* GROVE_BENCH_H */
