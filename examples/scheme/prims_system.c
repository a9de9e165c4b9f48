/*
 * prims_system.c — equality and type predicates, exit, and a window on the
 * collector (collect, gc-stat, symbol-table-entries).
 */
#include "scheme.h"

#include <stdlib.h>
#include <string.h>

static obj prim_eq_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(argv[0] == argv[1]); /* identity survives moves */
}

static obj prim_eqv_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(scm_eqv(argv[0], argv[1]));
}

static obj prim_equal_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(scm_equal(argv[0], argv[1]));
}

static obj prim_not(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(argv[0] == FALSE_OBJ);
}

static obj prim_boolean_p(int argc, obj *argv)
{
    (void)argc;
    return mk_bool(argv[0] == TRUE_OBJ || argv[0] == FALSE_OBJ);
}

static obj prim_exit(int argc, obj *argv)
{
    int code = argc > 0 && is_fixnum(argv[0]) ? (int)fixnum_val(argv[0]) : 0;
    fflush(NULL);
    exit(code);
}

static bool is_symbol_named(obj v, const char *name)
{
    return is_symbol(v) && strcmp(STR(SYM(v)->name)->chars, name) == 0;
}

/* (collect) and (collect 'major): a major collection; (collect 'minor). */
static obj prim_collect(int argc, obj *argv)
{
    if (argc == 0 || is_symbol_named(argv[0], "major"))
        grove_collect_major(H);
    else if (is_symbol_named(argv[0], "minor"))
        grove_collect_minor(H);
    else
        type_error("collect", "minor or major", argv[0]);
    return UNSPEC;
}

static obj prim_collect_minor(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    grove_collect_minor(H);
    return UNSPEC;
}

/* (gc-stat 'name): one counter of grove_get_stats. */
static obj prim_gc_stat(int argc, obj *argv)
{
    (void)argc;
    if (!is_symbol(argv[0]))
        type_error("gc-stat", "a symbol", argv[0]);
    grove_stats st;
    grove_get_stats(H, &st);
    const char *name = STR(SYM(argv[0])->name)->chars;
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"minor-collections", offsetof(grove_stats, minor_collections)},
        {"major-collections", offsetof(grove_stats, major_collections)},
        {"bytes-allocated", offsetof(grove_stats, bytes_allocated)},
        {"bytes-promoted", offsetof(grove_stats, bytes_promoted)},
        {"live-bytes", offsetof(grove_stats, live_bytes)},
        {"heap-bytes", offsetof(grove_stats, heap_bytes)},
        {"peak-heap-bytes", offsetof(grove_stats, peak_heap_bytes)},
        {"remembered-set-size", offsetof(grove_stats, remembered_set_size)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(name, fields[i].name) == 0) {
            uint64_t v;
            memcpy(&v, (const char *)&st + fields[i].offset, sizeof v);
            return mk_fixnum((intptr_t)v);
        }
    scm_error("gc-stat: unknown statistic %s", name);
}

/* Entries in the symbol table, those of collected symbols it has not
 * pruned yet included: bounded by the live symbols, not by all ever made. */
static obj prim_symbol_table_entries(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    return mk_fixnum((intptr_t)sc.symbol_count);
}

static obj prim_eval_depth(int argc, obj *argv)
{
    (void)argc;
    (void)argv;
    return mk_fixnum(sc.depth);
}

void prims_system_init(void)
{
    define_primitive("eq?", prim_eq_p, 2, 2);
    define_primitive("eqv?", prim_eqv_p, 2, 2);
    define_primitive("equal?", prim_equal_p, 2, 2);
    define_primitive("not", prim_not, 1, 1);
    define_primitive("boolean?", prim_boolean_p, 1, 1);
    define_primitive("exit", prim_exit, 0, 1);
    define_primitive("collect", prim_collect, 0, 1);
    define_primitive("collect-minor", prim_collect_minor, 0, 0);
    define_primitive("gc-stat", prim_gc_stat, 1, 1);
    define_primitive("symbol-table-entries", prim_symbol_table_entries, 0, 0);
    define_primitive("eval-depth", prim_eval_depth, 0, 0);
}
