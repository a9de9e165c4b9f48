/*
 * binary_trees_stubs.c — the clock and the peak RSS of bench.c for the
 * OCaml peer (binary_trees.ml), so that every peer is timed and measured by
 * the same functions.
 */
#include <caml/mlvalues.h>

#include "bench.h"

value grove_bench_ocaml_now_ns(value unit);
value grove_bench_ocaml_peak_rss_kb(value unit);

value grove_bench_ocaml_now_ns(value unit)
{
    (void)unit;
    return Val_long((intnat)bench_now_ns());
}

value grove_bench_ocaml_peak_rss_kb(value unit)
{
    (void)unit;
    return Val_long(bench_peak_rss_kb());
}
