/* fuzz_stress.c — libFuzzer entry point: the differential stress mutator
 * (tests/stress/mutator.c) driven by the fuzzer's bytes instead of a seed.
 *
 * The first bytes choose the heap configuration (nursery size, zeal
 * periods, major threshold, growth factor, survivor age, adaptive nursery;
 * verify and poison always on),
 * the rest choose operations until they run out (at most 3000): the same
 * operations as the harness, weak boxes, ephemerons, guardians, cleanup
 * hooks and card bursts into old arrays of 1 KiB or more included, checked
 * against the same model replaying every collection. Every divergence
 * from the reference model, every verify violation and every sanitizer
 * report aborts: libFuzzer saves the input, and running the target on that
 * file replays it exactly.
 *
 * GROVE_FUZZ_NO_UNWIND=1 in the environment turns off longjmps out of
 * nested scopes, to tell whether a crash depends on them.
 *
 * Every input creates and destroys a heap, and with it a jemalloc arena.
 * With jemalloc's default `retain`, a destroyed arena's address ranges and
 * their metadata are kept for good and the next arena maps fresh ones, whose
 * ASan shadow is touched anew: the process grew by ~46 KiB per input (2 GB
 * in 15 s). Without `retain` it stays flat (~300 MB), so this binary sets it
 * through jemalloc's application-provided default (MALLOC_CONF still wins). */
#include <stdlib.h>

#include "mutator.h"

const char *malloc_conf = "retain:false";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stress_params p;
    stress_params_default(&p);
    p.verbosity = 0;
    stress_source src;
    stress_source_bytes(&src, data, size);
    stress_params_randomize(&p, &src, true);
    const char *nu = getenv("GROVE_FUZZ_NO_UNWIND");
    p.no_unwind = nu && *nu && *nu != '0';
    stress_totals t = {0};
    stress_run(&p, &src, &t);
    return 0;
}
