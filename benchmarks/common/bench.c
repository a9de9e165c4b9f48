/* bench.c — clock, RSS, failure and the JSON result line. */
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

const char *bench_name = "benchmark";

#if !defined(__GNUC__)
void bench_escape_fn(const void *p)
{
    static const void *volatile sink;
    sink = p;
}
#endif

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

long bench_peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* KiB on Linux */
}

void bench_fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "FAILED %s: ", bench_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

long bench_arg_long(const char *text, const char *what, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        bench_fail("bad %s '%s' (expected an integer in [%ld, %ld])", what, text, min, max);
    return v;
}

static void reserve(char **buf, size_t *cap, size_t len, size_t extra)
{
    if (len + extra + 1 <= *cap)
        return;
    size_t n = *cap ? *cap : 256;
    while (n < len + extra + 1)
        n *= 2;
    char *b = realloc(*buf, n);
    if (!b)
        bench_fail("out of memory building the result line");
    *buf = b;
    *cap = n;
}

static void vappend(char **buf, size_t *len, size_t *cap, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        bench_fail("formatting the result line");
    reserve(buf, cap, *len, (size_t)n);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    *len += (size_t)n;
}

static void append(bench_json *j, const char *fmt, ...) BENCH_PRINTF(2, 3);
static void append(bench_json *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vappend(&j->buf, &j->len, &j->cap, fmt, ap);
    va_end(ap);
}

void bench_str_printf(bench_str *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vappend(&s->buf, &s->len, &s->cap, fmt, ap);
    va_end(ap);
}

void bench_str_free(bench_str *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

static void key(bench_json *j, const char *k)
{
    append(j, "%s\"%s\":", j->fields++ ? "," : "", k);
}

static void quoted(bench_json *j, const char *s)
{
    append(j, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            append(j, "\\%c", c);
        else if (c < 0x20)
            append(j, "\\u%04x", c);
        else
            append(j, "%c", c);
    }
    append(j, "\"");
}

void bench_json_begin(bench_json *j, const char *bench, const char *variant)
{
    memset(j, 0, sizeof *j);
    bench_name = bench;
    append(j, "{");
    bench_json_str(j, "bench", bench);
    bench_json_str(j, "variant", variant);
}

void bench_json_str(bench_json *j, const char *k, const char *value)
{
    key(j, k);
    quoted(j, value);
}

void bench_json_int(bench_json *j, const char *k, long long value)
{
    key(j, k);
    append(j, "%lld", value);
}

void bench_json_num(bench_json *j, const char *k, double value)
{
    key(j, k);
    if (isfinite(value))
        append(j, "%.6g", value);
    else
        append(j, "null");
}

void bench_json_bool(bench_json *j, const char *k, int value)
{
    key(j, k);
    append(j, "%s", value ? "true" : "false");
}

void bench_json_raw(bench_json *j, const char *k, const char *raw)
{
    key(j, k);
    append(j, "%s", raw);
}

void bench_json_finish(bench_json *j)
{
    bench_json_int(j, "peak_rss_kb", bench_peak_rss_kb());
    bench_json_bool(j, "ok", 1);
    append(j, "}");
    fflush(stdout);
    printf("%s\n", j->buf);
    fflush(stdout);
    free(j->buf);
    j->buf = NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *values, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(values, n, sizeof *values, cmp_double);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

bench_tree_depths bench_binary_trees_depths(int argc, char **argv)
{
    int n = 21;
    if (argc == 2)
        n = (int)bench_arg_long(argv[1], "depth", 0, 30);
    else if (argc != 1) {
        fprintf(stderr, "usage: %s [max_depth]\n", argv[0]);
        exit(2);
    }
    bench_tree_depths d = {.min_depth = 4};
    d.max_depth = n > d.min_depth + 2 ? n : d.min_depth + 2;
    d.stretch_depth = d.max_depth + 1;
    return d;
}
