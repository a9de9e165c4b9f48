/*
 * main.c — command line, the interpreter thread, and the benchmark mode.
 *
 *   scheme_<backend> [options] [file.scm]
 *
 * With a file: evaluate it (exit status 1 if any error was reported).
 * Without: a REPL on stdin that prints each result (a prompt if stdin is a
 * terminal). The interpreter runs on a thread with a large stack so that
 * deep non-tail recursion is limited by --max-depth, not by the C stack.
 */
#include "scheme.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define INTERP_STACK_BYTES ((size_t)1 << 30) /* reserved, touched only as used */
#define DEFAULT_MAX_DEPTH 10000000L /* the C stack limit usually comes first */

struct options {
    const char *file;
    const char *size;
    const char *name;
    size_t nursery;
    size_t max_heap;
    long max_depth;
    size_t c_stack_bytes;
    bool bench;
    bool stats;
    int status;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: scheme_%s [options] [file.scm]\n"
            "  --bench          run file as a benchmark: program output goes to stderr,\n"
            "                   one JSON result line goes to stdout\n"
            "  --name NAME      benchmark name in the JSON line (default: file's basename)\n"
            "  --size SYM       bind *size* to the symbol SYM (default normal; bench with --bench)\n"
            "  --nursery BYTES  nursery size\n"
            "  --max-heap BYTES heap limit (allocation beyond it is a Scheme error)\n"
            "  --max-depth N    nested evaluations allowed (default %ld)\n"
            "  --stats          print the collector's statistics (JSON) on stderr at exit\n"
            "Environment: GROVE_DEBUG=verify,poison,zeal-minor=N,zeal-major=M\n",
            GROVE_ROOTING_NAME, DEFAULT_MAX_DEPTH);
}

static size_t parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end == 'k' || *end == 'K')
        v <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        v <<= 20, end++;
    if (*end != '\0' || end == s) {
        fprintf(stderr, "scheme: bad size '%s'\n", s);
        exit(2);
    }
    return (size_t)v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *basename_noext(const char *path, char *buf, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(buf, cap, "%s", b);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

/* Copy `s` into buf as JSON string contents (quotes and backslashes escaped,
 * control characters dropped). */
static const char *json_escape(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 3 < cap; s++) {
        if (*s == '"' || *s == '\\')
            buf[n++] = '\\';
        if ((unsigned char)*s >= 0x20)
            buf[n++] = *s;
    }
    buf[n] = '\0';
    return buf;
}

static void print_bench_line(const struct options *o, double wall)
{
    grove_stats st;
    grove_get_stats(H, &st);
    size_t need = grove_stats_json(&st, NULL, 0);
    char *json = malloc(need + 1);
    if (!json)
        return;
    grove_stats_json(&st, json, need + 1);
    char namebuf[256];
    char escaped[512];
    const char *name = json_escape(o->name ? o->name : basename_noext(o->file, namebuf, sizeof namebuf),
                                   escaped, sizeof escaped);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fflush(stderr);
    /* The shape of benchmarks/common/bench.h's result line: bench, variant
     * (= the rooting backend), fields, peak_rss_kb, ok. */
    printf("{\"bench\":\"%s\",\"variant\":\"%s\",\"group\":\"interpreter\",\"name\":\"%s\","
           "\"backend\":\"%s\",\"wall_s\":%.6f,\"grove\":%s,\"peak_rss_kb\":%ld,\"ok\":true}\n",
           name, GROVE_ROOTING_NAME, name, GROVE_ROOTING_NAME, wall, json, ru.ru_maxrss);
    fflush(stdout);
    free(json);
}

static void *interp_main(void *arg)
{
    struct options *o = arg;
    char probe;
    sc.c_stack_base = (uintptr_t)&probe;
    sc.c_stack_limit = o->c_stack_bytes - ((size_t)1 << 20); /* keep 1 MiB for primitives */
    o->status = 1;
    sc.out = o->bench ? stderr : stdout;
    sc.max_depth = o->max_depth;
    if (!heap_init(o->nursery, o->max_heap))
        return NULL;
    prims_init();
    { /* (define *size* '<size>): var must survive interning the value */
        grove_scope s = grove_scope_enter(H);
        GROVE_LOCAL(H, obj, var, intern_cstr("*size*"));
        obj value = intern_cstr(o->size ? o->size : (o->bench ? "bench" : "normal"));
        symbol_define(GROVE_GET(H, var), value);
        grove_scope_exit(H, s);
    }
    if (repl_run_string(scheme_prelude, "prelude") != 0) {
        fprintf(stderr, "scheme: the prelude failed\n");
        heap_shutdown();
        return NULL;
    }

    double t0 = now_s();
    int errors;
    if (o->file) {
        FILE *f = fopen(o->file, "r");
        if (!f) {
            fprintf(stderr, "scheme: cannot open %s\n", o->file);
            heap_shutdown();
            return NULL;
        }
        errors = repl_run(f, o->file, false, false);
        fclose(f);
    } else {
        errors = repl_run(stdin, "stdin", true, isatty(0));
    }
    double wall = now_s() - t0;
    fflush(sc.out);

    if (o->bench) {
        if (errors) {
            fprintf(stderr, "scheme: benchmark %s reported %d error(s)\n", o->file, errors);
        } else {
            print_bench_line(o, wall);
            o->status = 0;
        }
    } else {
        o->status = (o->file && errors) ? 1 : 0;
    }
    if (o->stats) {
        grove_stats st;
        grove_get_stats(H, &st);
        char buf[4096];
        grove_stats_json(&st, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    heap_shutdown();
    return NULL;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    o.max_depth = DEFAULT_MAX_DEPTH;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--bench") == 0) {
            o.bench = true;
        } else if (strcmp(a, "--stats") == 0) {
            o.stats = true;
        } else if (strcmp(a, "--name") == 0 && has_value) {
            o.name = argv[++i];
        } else if (strcmp(a, "--size") == 0 && has_value) {
            o.size = argv[++i];
        } else if (strcmp(a, "--nursery") == 0 && has_value) {
            o.nursery = parse_size(argv[++i]);
        } else if (strcmp(a, "--max-heap") == 0 && has_value) {
            o.max_heap = parse_size(argv[++i]);
        } else if (strcmp(a, "--max-depth") == 0 && has_value) {
            o.max_depth = (long)parse_size(argv[++i]);
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            usage(stderr);
            return 2;
        } else if (!o.file) {
            o.file = a;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (o.bench && !o.file) {
        fprintf(stderr, "scheme: --bench needs a file\n");
        return 2;
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, INTERP_STACK_BYTES);
    pthread_t th;
    o.c_stack_bytes = INTERP_STACK_BYTES;
    if (pthread_create(&th, &attr, interp_main, &o) != 0) {
        /* No big stack available: run here, within the usual 8 MiB. */
        o.c_stack_bytes = (size_t)6 << 20;
        interp_main(&o);
    } else {
        pthread_join(th, NULL);
    }
    pthread_attr_destroy(&attr);
    return o.status;
}
