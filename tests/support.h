/*
 * support.h — shared helpers for Grove's Check suites.
 *
 * Every suite links this against one backend (grove_indexed or
 * grove_intrusive); it is written against grove.h and the roots.h facade
 * only, so it compiles against both.
 *
 * What it provides:
 *   - the common test types (pair, mixed record, pointer array, bytes,
 *     custom-traced), registered in the same order on every heap so their
 *     ids are the same everywhere (the global `tt`);
 *   - heaps whose error handler records (code, message) instead of aborting;
 *   - tagged fixnums (FIX/UNFIX) as immediates;
 *   - sizes scaled down when the run has GROVE_DEBUG zeal enabled;
 *   - test_expect_abort(): run code in a child that must abort with a message;
 *   - a Check runner: test_tcase() and test_main().
 */
#ifndef GROVE_TEST_SUPPORT_H
#define GROVE_TEST_SUPPORT_H

#include <check.h>
#include <grove/roots.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TEST_ASAN: the build runs under AddressSanitizer (some behaviour under
 * test differs there). */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

/* ---- immediates ----------------------------------------------------------- */

/* A tagged fixnum: low bit set, so the collector never traces it. */
#define FIX(n) ((void *)(((uintptr_t)(n) << 1) | (uintptr_t)1))
#define UNFIX(v) ((uintptr_t)(v) >> 1)
#define IS_FIX(v) ((((uintptr_t)(v)) & (uintptr_t)1) != 0)

/* ---- test types ----------------------------------------------------------- */

/* RECORD, both words are slots. */
struct pair {
    void *car;
    void *cdr;
};

/* RECORD mixing slots (words 0, 2, 4) and raw words (1, 3, 5). The raw
 * words may hold anything, including values that look like heap pointers:
 * the collector must neither follow nor rewrite them. */
struct mixed {
    void *a;
    uintptr_t raw1;
    void *b;
    uintptr_t raw2;
    void *c;
    uintptr_t raw3;
};
#define MIXED_POINTER_MAP ((uint64_t)0x15)

/* CUSTOM: `nslots` and `guard` are raw words (guard typically holds an
 * aligned address-looking value that must not be traced); then `nslots`
 * pointer slots, then optional raw words up to the payload size. */
struct custom {
    uintptr_t nslots;
    uintptr_t guard;
    void *slots[];
};

/* Payload bytes of a custom object with n slots and `raw_tail` raw words. */
static inline size_t custom_size(size_t n, size_t raw_tail)
{
    return sizeof(struct custom) + (n + raw_tail) * sizeof(void *);
}

struct test_types {
    grove_type_id pair;   /* RECORD, struct pair */
    grove_type_id mixed;  /* RECORD, struct mixed, MIXED_POINTER_MAP */
    grove_type_id array;  /* ARRAY of pointer slots */
    grove_type_id bytes;  /* BYTES */
    grove_type_id custom; /* CUSTOM, struct custom, traced by custom_trace */
};

/* The ids of the test types; identical on every heap made by test_heap*. */
extern struct test_types tt;

/* Register the test types on `heap` (test_heap* already do this). */
void test_register_types(grove_heap *heap);

/* Counters updated by the custom type's trace callback. */
extern unsigned long custom_trace_calls;
extern unsigned long custom_trace_bad_size; /* size smaller than the slots need */
extern size_t custom_trace_last_size;
/* If set, called at the start of every custom trace (to test misuse from
 * inside a collection). */
extern void (*custom_trace_hook)(void *object);

/* ---- heaps and errors ----------------------------------------------------- */

/* Misuse reports received by test_record_handler. */
typedef struct test_errors {
    unsigned count;      /* reports since the last reset */
    grove_error code;    /* the last one */
    char message[256];   /* its message */
    grove_heap *heap;    /* the heap that reported it */
} test_errors;

void test_record_handler(grove_heap *heap, grove_error code, const char *message, void *data);
void test_errors_reset(test_errors *rec);

/* A heap with `config` (NULL: defaults), the test types registered and, if
 * rec is not NULL, test_record_handler recording into *rec (overriding the
 * config's handler). Fails the test if the heap cannot be made. */
grove_heap *test_heap_config(const grove_config *config, test_errors *rec);
/* Defaults (a smaller nursery, to keep collections quick) and *rec. */
grove_heap *test_heap(test_errors *rec);
/* The config test_heap uses. */
void test_default_config(grove_config *config);

/* Assert the handler saw exactly one report, with `code` and a non-empty
 * message, then reset the record. */
#define ASSERT_REPORTED(rec, expected)                                                           \
    do {                                                                                         \
        ck_assert_msg((rec)->count == 1, "expected one report of %s, got %u (last %s: %s)",     \
                      grove_error_name(expected), (rec)->count, grove_error_name((rec)->code),   \
                      (rec)->message);                                                           \
        ck_assert_msg((rec)->code == (expected), "expected %s, handler got %s (%s)",            \
                      grove_error_name(expected), grove_error_name((rec)->code),                \
                      (rec)->message);                                                           \
        ck_assert_msg((rec)->message[0] != '\0', "empty message for %s",                       \
                      grove_error_name(expected));                                               \
        test_errors_reset(rec);                                                                  \
    } while (0)

/* Assert the handler was not called. */
#define ASSERT_NOT_REPORTED(rec)                                                                 \
    ck_assert_msg((rec)->count == 0, "unexpected report %s: %s", grove_error_name((rec)->code), \
                  (rec)->message)

/* A cheap assertion for hot loops: Check's ck_assert_* record a checkpoint
 * (a write to a file) on every call, which dominates loops of millions. */
#define REQUIRE(cond)                                                                            \
    do {                                                                                         \
        if (!(cond))                                                                             \
            ck_abort_msg("requirement failed: %s", #cond);                                       \
    } while (0)

/* Assert grove_last_error(heap) is `expected` with a non-empty message. */
#define ASSERT_LAST_ERROR(heap, expected)                                                        \
    do {                                                                                         \
        grove_error got__ = grove_last_error(heap);                                              \
        ck_assert_msg(got__ == (expected), "last error: expected %s, got %s (%s)",              \
                      grove_error_name(expected), grove_error_name(got__),                      \
                      grove_last_error_message(heap));                                           \
        ck_assert_msg(grove_last_error_message(heap)[0] != '\0', "empty message for %s",       \
                      grove_error_name(expected));                                               \
    } while (0)

/* Assert an operation returned `expected` (an error code). */
#define ASSERT_CODE(got, expected)                                                               \
    do {                                                                                         \
        grove_error g__ = (got);                                                                 \
        ck_assert_msg(g__ == (expected), "expected %s, got %s", grove_error_name(expected),     \
                      grove_error_name(g__));                                                    \
    } while (0)

/* ---- objects -------------------------------------------------------------- */

/* A fresh pair (car, cdr); car and cdr are kept rooted across the
 * allocation. Returns NULL if the allocation failed. */
struct pair *test_cons(grove_heap *heap, void *car, void *cdr);

/* A list of n pairs whose cars are FIX(first), FIX(first+1), ... */
struct pair *test_list(grove_heap *heap, size_t n, uintptr_t first);

/* Check that `list` has exactly n pairs with cars FIX(first)...; returns
 * the number of elements that matched before the first mismatch (n + 1 if
 * the list is longer than n). */
size_t test_list_check(const struct pair *list, size_t n, uintptr_t first);

grove_stats test_stats(grove_heap *heap);

/* The young range generated code tests (grove/codegen.h): a pointer p is
 * young iff p - *start < *size. */
void test_young_range(grove_heap *heap, uintptr_t *start, size_t *size);
bool test_is_young(grove_heap *heap, const void *p);

bool test_all_bytes(const void *p, size_t n, unsigned char byte);
/* A deterministic byte pattern depending on (seed, index). */
unsigned char test_pattern(uint32_t seed, size_t i);
void test_fill_pattern(void *p, size_t n, uint32_t seed);
bool test_check_pattern(const void *p, size_t n, uint32_t seed);

/* xorshift64*, deterministic per seed. */
uint64_t test_rand(uint64_t *state);
void test_shuffle(size_t *v, size_t n, uint64_t seed);

/* ---- run environment ------------------------------------------------------ */

/* True if GROVE_DEBUG asks for zeal: every heap then collects very often. */
bool test_zeal(void);
/* True under zeal, and in the Valgrind runs (GROVE_TEST_REDUCED is set). */
bool test_reduced(void);
/* `full` normally, `reduced` when test_reduced(). */
size_t test_size(size_t full, size_t reduced);

/* ---- aborts ---------------------------------------------------------------- */

/* Run fn(arg) in a child process of its own (whatever CK_FORK says) and
 * assert that the child died of SIGABRT after writing `expected` to its
 * stderr. In `expected`, "..." stands for any text: the other parts must
 * appear in order. On a mismatch the test fails and the child's stderr is
 * printed. A failed assertion inside fn fails the test too: the child exits
 * instead of aborting (under CK_FORK=no, after running the suite's remaining
 * tests, as Check resumes there). */
void test_expect_abort(void (*fn)(void *arg), void *arg, const char *expected);

/* ---- Check ---------------------------------------------------------------- */

/* A test case added to s, with a timeout generous enough for Debug builds
 * (the process as a whole is bounded by ctest's TIMEOUT). */
TCase *test_tcase(Suite *s, const char *name);

/* Run every test in s; returns the process exit status. */
int test_main(Suite *s);
/* The same, always forking a process per test (for tests that change the
 * environment), even if CK_FORK=no. */
int test_main_fork(Suite *s);

#endif /* GROVE_TEST_SUPPORT_H */
