/*
 * memcpy_bandwidth.c — this machine's memcpy bandwidth, measured in the same
 * run as the collectors, so the table can show how far the minor GC's copy
 * throughput is from it: memcpy between two buffers far larger than the
 * caches (64 MiB by default), already faulted in, alternating direction;
 * the median of the runs, in GB/s (10^9 bytes copied per second).
 *
 * Verification: the source carries a pattern that changes each run, and
 * the destination is compared with it after every copy.
 *
 *   usage: bench_memcpy_glibc [buffer_mib runs]   (default 64 15)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void fill(uint64_t *buf, size_t words, uint64_t pattern)
{
    for (size_t i = 0; i < words; i++)
        buf[i] = pattern ^ (i * 0x9E3779B97F4A7C15ull);
}

int main(int argc, char **argv)
{
    bench_name = "memcpy";
    long mib = 64, runs = 15;
    if (argc == 3) {
        mib = bench_arg_long(argv[1], "buffer MiB", 1, 1L << 14);
        runs = bench_arg_long(argv[2], "runs", 1, 1000);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [buffer_mib runs]\n", argv[0]);
        return 2;
    }
    const size_t bytes = (size_t)mib << 20;
    const size_t words = bytes / sizeof(uint64_t);
    uint64_t *a = malloc(bytes), *b = malloc(bytes);
    double *gbps = malloc((size_t)runs * sizeof *gbps);
    if (!a || !b || !gbps)
        bench_fail("out of memory for two %ld MiB buffers", mib);
    fill(b, words, 0); /* fault every page in before timing */

    uint64_t t0 = bench_now_ns();
    for (long r = 0; r < runs; r++) {
        uint64_t *src = r % 2 ? b : a, *dst = r % 2 ? a : b;
        fill(src, words, (uint64_t)r + 1);
        BENCH_ESCAPE(src);
        uint64_t start = bench_now_ns();
        memcpy(dst, src, bytes);
        BENCH_ESCAPE(dst);
        uint64_t ns = bench_now_ns() - start;
        if (memcmp(dst, src, bytes) != 0)
            bench_fail("run %ld: the copy differs from its source", r);
        gbps[r] = (double)bytes / (double)(ns ? ns : 1);
    }
    uint64_t t1 = bench_now_ns();
    double median = bench_median(gbps, (size_t)runs); /* sorts gbps */

    bench_json j;
    bench_json_begin(&j, "memcpy", "glibc");
    bench_json_num(&j, "gbps", median);
    bench_json_num(&j, "min_gbps", gbps[0]);
    bench_json_num(&j, "max_gbps", gbps[runs - 1]);
    bench_json_int(&j, "buffer_mib", mib);
    bench_json_int(&j, "runs", runs);
    bench_json_num(&j, "wall_s", (double)(t1 - t0) / 1e9);
    bench_json_finish(&j);
    free(a);
    free(b);
    free(gbps);
    return 0;
}
