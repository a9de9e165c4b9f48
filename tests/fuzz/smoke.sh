#!/usr/bin/env bash
# tests/fuzz/smoke.sh — build the libFuzzer targets with clang and run each
# for a short while: the fuzz smoke run for CI.
#
#   tests/fuzz/smoke.sh                      30 s per backend
#   tests/fuzz/smoke.sh --seconds 300 --backend intrusive
#   tests/fuzz/smoke.sh --seconds 60 -- -jobs=2 -workers=2   (extra libFuzzer flags)
#
# Options:
#   --seconds N      fuzzing time per backend (default 30)
#   --backend B      indexed, intrusive or both (default both, one after the other)
#   --build-dir DIR  build directory (default build-fuzz in the repository)
#   --corpus DIR     corpus root, one sub-directory per backend, kept between
#                    runs (default <build-dir>/corpus)
#
# Targets: grove_fuzz_<backend>, built from tests/fuzz with -DGROVE_FUZZ=ON,
# CC=clang, -fsanitize=fuzzer,address,undefined (the collector itself is
# compiled with coverage). Each input is one heap driven by the stress
# mutator; a divergence from the reference model, a verify violation or a
# sanitizer report is a crash. A crash leaves its input in
# <build-dir>/artifacts-<backend>/ and this script prints how to replay it:
#   <build-dir>/tests/fuzz/grove_fuzz_<backend> <crash file>
#
# Memory: every input creates and destroys a heap (a jemalloc arena); under
# ASan the process grows by some tens of KiB per input (shadow memory of the
# arenas' pages), so long sessions should use libFuzzer's fork mode
# (-fork=1) or several shorter runs. -rss_limit_mb is set to 4096 here.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

seconds=30 backend=both build_dir="$root/build-fuzz" corpus="" extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//; /^set -euo/d'; exit 0 ;;
    *) echo "smoke.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$backend" in
both) backends=(indexed intrusive) ;;
indexed | intrusive) backends=("$backend") ;;
*) echo "smoke.sh: --backend must be indexed, intrusive or both" >&2; exit 2 ;;
esac

. "$root/scripts/deps.sh"
# clang + libFuzzer and the sanitizer runtimes (Debian 12: clang 14).
grove_need_packages build-essential cmake pkg-config libjemalloc-dev check clang libclang-rt-dev

mkdir -p "$build_dir"
build_dir="$(cd "$build_dir" && pwd)"
[ -n "$corpus" ] || corpus="$build_dir/corpus"
echo "==> building the fuzz targets with clang in $build_dir"
CC=clang cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DGROVE_FUZZ=ON \
    -DGROVE_BUILD_BENCHMARKS=OFF -DGROVE_BUILD_EXAMPLES=OFF >/dev/null
targets=()
for b in "${backends[@]}"; do targets+=(--target "grove_fuzz_$b"); done
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}" >/dev/null

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
status=0
for b in "${backends[@]}"; do
    bin="$(find "$build_dir" -type f -name "grove_fuzz_$b" -perm -u+x | head -n 1)"
    [ -n "$bin" ] || { echo "smoke.sh: grove_fuzz_$b was not built" >&2; exit 1; }
    mkdir -p "$corpus/$b" "$build_dir/artifacts-$b"
    echo "==> fuzzing $b for $seconds s (corpus $corpus/$b)"
    touch "$build_dir/.fuzz-start-$b"
    set +e
    "$bin" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$build_dir/artifacts-$b/" "${extra[@]}" "$corpus/$b" \
        >"$build_dir/fuzz-$b.log" 2>&1
    rc=$?
    set -e
    grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' \
        "$build_dir/fuzz-$b.log" | sed 's/^/    /' || true
    if [ "$rc" -ne 0 ]; then
        status=1
        echo "FAIL $b: the fuzzer stopped with exit $rc; log: $build_dir/fuzz-$b.log"
        grep -m3 -E 'FAILURE|fatal|ERROR|runtime error' "$build_dir/fuzz-$b.log" | sed 's/^/    /' || true
        find "$build_dir/artifacts-$b" -type f -newer "$build_dir/.fuzz-start-$b" |
            while read -r f; do echo "    replay: $bin $f"; done
    fi
done
[ "$status" -eq 0 ] && echo "fuzz smoke: no crashes"
exit "$status"
