/* support.c — shared helpers for Grove's Check suites (see support.h). */
#define _POSIX_C_SOURCE 200809L /* fork, pipe, waitpid */
#include "support.h"

#include <grove/codegen.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct test_types tt = {GROVE_TYPE_INVALID, GROVE_TYPE_INVALID, GROVE_TYPE_INVALID,
                        GROVE_TYPE_INVALID, GROVE_TYPE_INVALID};

unsigned long custom_trace_calls;
unsigned long custom_trace_bad_size;
size_t custom_trace_last_size;
void (*custom_trace_hook)(void *object);

static void custom_trace(void *object, size_t size, grove_tracer *tracer)
{
    struct custom *c = object;
    custom_trace_calls++;
    custom_trace_last_size = size;
    if (custom_trace_hook)
        custom_trace_hook(object);
    if (size < sizeof *c || (size - sizeof *c) / sizeof(void *) < c->nslots) {
        custom_trace_bad_size++;
        return;
    }
    grove_trace_slots(tracer, c->slots, c->nslots);
}

void test_register_types(grove_heap *heap)
{
    const grove_type_desc descs[] = {
        {.name = "pair", .layout = GROVE_LAYOUT_RECORD, .size = sizeof(struct pair),
         .pointer_map = 0x3},
        {.name = "mixed", .layout = GROVE_LAYOUT_RECORD, .size = sizeof(struct mixed),
         .pointer_map = MIXED_POINTER_MAP},
        {.name = "array", .layout = GROVE_LAYOUT_ARRAY},
        {.name = "bytes", .layout = GROVE_LAYOUT_BYTES},
        {.name = "custom", .layout = GROVE_LAYOUT_CUSTOM, .trace = custom_trace},
    };
    grove_type_id *ids[] = {&tt.pair, &tt.mixed, &tt.array, &tt.bytes, &tt.custom};
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++) {
        grove_type_id id = grove_register_type(heap, &descs[i]);
        ck_assert_msg(id != GROVE_TYPE_INVALID, "registering test type %s: %s", descs[i].name,
                      grove_last_error_message(heap));
        if (*ids[i] == GROVE_TYPE_INVALID)
            *ids[i] = id;
        else
            ck_assert_msg(*ids[i] == id, "type %s got id %u on this heap, %u on another",
                          descs[i].name, (unsigned)id, (unsigned)*ids[i]);
    }
}

void test_record_handler(grove_heap *heap, grove_error code, const char *message, void *data)
{
    test_errors *rec = data;
    rec->count++;
    rec->code = code;
    rec->heap = heap;
    snprintf(rec->message, sizeof rec->message, "%s", message ? message : "");
}

void test_errors_reset(test_errors *rec)
{
    rec->count = 0;
    rec->code = GROVE_OK;
    rec->message[0] = '\0';
    rec->heap = NULL;
}

grove_heap *test_heap_config(const grove_config *config, test_errors *rec)
{
    grove_config c;
    if (config)
        c = *config;
    else
        grove_config_init(&c);
    if (rec) {
        test_errors_reset(rec);
        c.error_handler = test_record_handler;
        c.error_data = rec;
    }
    grove_error_info info = {GROVE_OK, ""};
    grove_heap *h = grove_heap_create(&c, &info);
    ck_assert_msg(h != NULL, "grove_heap_create failed: %s: %s", grove_error_name(info.code),
                  info.message);
    test_register_types(h);
    return h;
}

void test_default_config(grove_config *config)
{
    grove_config_init(config);
    config->nursery_size = (size_t)1 << 20;
}

grove_heap *test_heap(test_errors *rec)
{
    grove_config c;
    test_default_config(&c);
    return test_heap_config(&c, rec);
}

struct pair *test_cons(grove_heap *heap, void *car, void *cdr)
{
    grove_scope s = grove_scope_enter(heap);
    GROVE_LOCAL(heap, void *, a, car);
    GROVE_LOCAL(heap, void *, d, cdr);
    struct pair *p = grove_alloc(heap, tt.pair, sizeof *p);
    if (p) {
        grove_write(heap, p, &p->car, GROVE_GET(heap, a));
        grove_write(heap, p, &p->cdr, GROVE_GET(heap, d));
    }
    grove_scope_exit(heap, s);
    return p;
}

struct pair *test_list(grove_heap *heap, size_t n, uintptr_t first)
{
    grove_scope s = grove_scope_enter(heap);
    GROVE_LOCAL(heap, struct pair *, list, NULL);
    for (size_t i = n; i-- > 0;) {
        struct pair *p = grove_alloc(heap, tt.pair, sizeof *p);
        REQUIRE(p != NULL);
        p->car = FIX(first + i);
        grove_write(heap, p, &p->cdr, GROVE_GET(heap, list));
        GROVE_SET(heap, list, p);
    }
    struct pair *result = GROVE_GET(heap, list);
    grove_scope_exit(heap, s);
    return result;
}

size_t test_list_check(const struct pair *list, size_t n, uintptr_t first)
{
    size_t i = 0;
    for (; i < n && list != NULL; i++, list = list->cdr) {
        if (grove_is_immediate(list) || list->car != FIX(first + i))
            return i;
    }
    if (i == n && list != NULL)
        return n + 1; /* longer than n */
    return i;
}

grove_stats test_stats(grove_heap *heap)
{
    grove_stats s;
    memset(&s, 0xee, sizeof s);
    grove_get_stats(heap, &s);
    return s;
}

void test_young_range(grove_heap *heap, uintptr_t *start, size_t *size)
{
    grove_codegen_abi abi;
    ck_assert_int_eq(grove_codegen_abi_get(heap, GROVE_CODEGEN_ABI_VERSION, &abi), GROVE_OK);
    memcpy(start, (const char *)heap + abi.young_start_offset, sizeof *start);
    memcpy(size, (const char *)heap + abi.young_size_offset, sizeof *size);
}

bool test_is_young(grove_heap *heap, const void *p)
{
    uintptr_t start;
    size_t size;
    test_young_range(heap, &start, &size);
    return (uintptr_t)p - start < size;
}

bool test_all_bytes(const void *p, size_t n, unsigned char byte)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != byte)
            return false;
    return true;
}

unsigned char test_pattern(uint32_t seed, size_t i)
{
    uint64_t x = (uint64_t)seed * 0x9E3779B97F4A7C15u + (uint64_t)i * 0xBF58476D1CE4E5B9u;
    x ^= x >> 29;
    return (unsigned char)(x ^ (x >> 17));
}

void test_fill_pattern(void *p, size_t n, uint32_t seed)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = test_pattern(seed, i);
}

bool test_check_pattern(const void *p, size_t n, uint32_t seed)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != test_pattern(seed, i))
            return false;
    return true;
}

uint64_t test_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x2545F4914F6CDD1Du;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Du;
}

void test_shuffle(size_t *v, size_t n, uint64_t seed)
{
    uint64_t st = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(test_rand(&st) % i);
        size_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

bool test_zeal(void)
{
    const char *e = getenv("GROVE_DEBUG");
    return e != NULL && strstr(e, "zeal") != NULL;
}

bool test_reduced(void)
{
    return test_zeal() || getenv("GROVE_TEST_REDUCED") != NULL;
}

size_t test_size(size_t full, size_t reduced)
{
    return test_reduced() ? reduced : full;
}

/* ---- aborts ------------------------------------------------------------------ */

/* Exit status of a child whose function returned instead of aborting. */
#define CHILD_RETURNED 71

/* Whether `text` holds the parts of `pattern` between "..." in order. */
static bool matches_in_order(const char *text, const char *pattern)
{
    static const char gap[] = "...";
    while (*pattern) {
        const char *end = strstr(pattern, gap);
        size_t len = end ? (size_t)(end - pattern) : strlen(pattern);
        if (len > 0) {
            char part[256];
            ck_assert_msg(len < sizeof part, "test_expect_abort: pattern part too long");
            memcpy(part, pattern, len);
            part[len] = '\0';
            const char *found = strstr(text, part);
            if (!found)
                return false;
            text = found + len;
        }
        pattern += len + (end ? sizeof gap - 1 : 0);
    }
    return true;
}

/* Read all of fd into buf (NUL-terminated, truncated to cap - 1 bytes),
 * draining the rest so the writer never blocks. */
static void read_all(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    for (;;) {
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t keep = (size_t)n < cap - 1 - len ? (size_t)n : cap - 1 - len;
        memcpy(buf + len, chunk, keep);
        len += keep;
    }
    buf[len] = '\0';
}

void test_expect_abort(void (*fn)(void *arg), void *arg, const char *expected)
{
    int fds[2];
    ck_assert_msg(pipe(fds) == 0, "pipe: %s", strerror(errno));
    fflush(NULL); /* or the child would write the parent's buffered output again */
    pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        fn(arg);
        fprintf(stderr, "test_expect_abort: the function returned without aborting\n");
        _exit(CHILD_RETURNED); /* no atexit handlers, no leak check of the child */
    }
    close(fds[1]);
    static char output[16384];
    read_all(fds[0], output, sizeof output);
    close(fds[0]);
    int status;
    pid_t waited;
    do
        waited = waitpid(pid, &status, 0);
    while (waited < 0 && errno == EINTR);
    ck_assert_msg(waited == pid, "waitpid: %s", strerror(errno));

    const bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    const bool matched = matches_in_order(output, expected);
    if (aborted && matched)
        return;
    char how[64];
    if (WIFSIGNALED(status))
        snprintf(how, sizeof how, "died of signal %d", WTERMSIG(status));
    else
        snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
    fprintf(stderr, "---- the child's stderr ----\n%s---- end ----\n", output);
    ck_abort_msg("expected SIGABRT with \"%s\" on stderr; the child %s%s", expected, how,
                 aborted ? ", without that message" : "");
}

/* ---- Check ------------------------------------------------------------------- */

TCase *test_tcase(Suite *s, const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return tc;
}

static int run(Suite *s, bool force_fork)
{
    SRunner *sr = srunner_create(s);
    if (force_fork)
        srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int test_main(Suite *s)
{
    return run(s, false);
}

int test_main_fork(Suite *s)
{
    return run(s, true);
}
