(* binary_trees.ml (peers) — the Benchmarks Game's binary-trees in native
   OCaml, the generational collector users compare Grove with. Same
   algorithm, depths, output and checks as binary_trees.c: a block per node
   (a leaf's children are both Empty), trees built bottom-up and checked.
   OCaml's GC runs with its default settings (the driver clears
   OCAMLRUNPARAM).

   Built by the benchmark driver (benchmarks/tools/grove_bench/build.py)
   with ocamlopt, linked with binary_trees_stubs.c so that the wall time and
   the peak RSS come from the same functions as the C peers' (bench.c).

     usage: bench_binary_trees_ocaml [max_depth]   (default 21) *)

external now_ns : unit -> int = "grove_bench_ocaml_now_ns"
external peak_rss_kb : unit -> int = "grove_bench_ocaml_peak_rss_kb"

type tree = Empty | Node of tree * tree

let fail fmt =
  Printf.ksprintf
    (fun msg ->
      flush stdout;
      prerr_endline ("FAILED binary-trees: " ^ msg);
      exit 1)
    fmt

let rec bottom_up_tree depth =
  if depth > 0 then Node (bottom_up_tree (depth - 1), bottom_up_tree (depth - 1))
  else Node (Empty, Empty)

let rec item_check = function
  | Empty -> 0
  | Node (Empty, _) -> 1
  | Node (l, r) -> 1 + item_check l + item_check r

let expected_check depth = (1 lsl (depth + 1)) - 1

let max_depth_arg () =
  match Sys.argv with
  | [| _ |] -> 21
  | [| _; n |] -> (
      match int_of_string_opt n with
      | Some d when d >= 0 && d <= 30 -> d
      | _ -> fail "bad depth '%s' (expected an integer in [0, 30])" n)
  | _ ->
      prerr_endline ("usage: " ^ Sys.argv.(0) ^ " [max_depth]");
      exit 2

let () =
  let min_depth = 4 in
  let max_depth = max (min_depth + 2) (max_depth_arg ()) in
  let stretch_depth = max_depth + 1 in
  let t0 = now_ns () in
  let total_nodes = ref 0 in
  let check = item_check (bottom_up_tree stretch_depth) in
  if check <> expected_check stretch_depth then fail "stretch tree check %d" check;
  Printf.printf "stretch tree of depth %d\t check: %d\n" stretch_depth check;
  total_nodes := !total_nodes + check;
  let long_lived = bottom_up_tree max_depth in
  total_nodes := !total_nodes + expected_check max_depth;
  let d = ref min_depth in
  while !d <= max_depth do
    let iterations = 1 lsl (max_depth - !d + min_depth) in
    let check = ref 0 in
    for _ = 1 to iterations do
      check := !check + item_check (bottom_up_tree !d)
    done;
    if !check <> iterations * expected_check !d then
      fail "depth %d check %d, expected %d" !d !check (iterations * expected_check !d);
    Printf.printf "%d\t trees of depth %d\t check: %d\n" iterations !d !check;
    total_nodes := !total_nodes + !check;
    d := !d + 2
  done;
  let check = item_check long_lived in
  if check <> expected_check max_depth then fail "long-lived tree check %d" check;
  Printf.printf "long lived tree of depth %d\t check: %d\n" max_depth check;
  let t1 = now_ns () in
  let gc = Gc.quick_stat () in
  Printf.printf
    "{\"bench\":\"binary-trees\",\"variant\":\"ocaml\",\"wall_s\":%.6g,\"depth\":%d,\"nodes\":%d,\
     \"ocaml\":{\"version\":\"%s\",\"minor_collections\":%d,\"major_collections\":%d,\
     \"compactions\":%d,\"top_heap_words\":%d},\"peak_rss_kb\":%d,\"ok\":true}\n"
    (float_of_int (t1 - t0) /. 1e9)
    max_depth !total_nodes Sys.ocaml_version gc.Gc.minor_collections gc.Gc.major_collections
    gc.Gc.compactions gc.Gc.top_heap_words (peak_rss_kb ())
