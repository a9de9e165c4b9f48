/* test_options.c — the options string (grove_config_parse) and the two
 * environment variables that go through it, GROVE_OPTIONS and GROVE_DEBUG:
 * every key, strict rejection of malformed settings, atomic application,
 * and the growth factor's bounds. Tests that change the environment run
 * in a child process (test_main_fork). */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static grove_config parsed(const char *options)
{
    grove_config c;
    grove_config_init(&c);
    grove_error_info err;
    grove_error e = grove_config_parse(&c, options, &err);
    ck_assert_msg(e == GROVE_OK, "'%s' rejected: %s", options, err.message);
    ck_assert_int_eq(err.code, GROVE_OK);
    return c;
}

START_TEST(every_key)
{
    grove_config c = parsed("nursery-size=8M,max-heap-size=1G,growth-factor=1.5,"
                            "major-min-bytes=32K,verify,poison=on,zeal-minor=3,zeal-major=70");
    ck_assert_uint_eq(c.nursery_size, (size_t)8 << 20);
    ck_assert_uint_eq(c.max_heap_size, (size_t)1 << 30);
    ck_assert_double_eq(c.growth_factor, 1.5);
    ck_assert_uint_eq(c.major_min_bytes, (size_t)32 << 10);
    ck_assert_uint_eq(c.debug, GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON);
    ck_assert_uint_eq(c.zeal_minor, 3);
    ck_assert_uint_eq(c.zeal_major, 70);

    c = parsed("nursery-size=65536,max-heap-size=2t,major-min-bytes=0,growth-factor=3");
    ck_assert_uint_eq(c.nursery_size, 65536);
    ck_assert_uint_eq(c.max_heap_size, (size_t)2 << 40);
    ck_assert_uint_eq(c.major_min_bytes, 0);
    ck_assert_double_eq(c.growth_factor, 3.0);

    c = parsed("nursery-max-size=64M,minor-pause-target-us=2500");
    ck_assert_uint_eq(c.nursery_max_size, (size_t)64 << 20);
    ck_assert_uint_eq(c.minor_pause_target_ns, 2500000);
    c = parsed("nursery-max-size=0");
    ck_assert_uint_eq(c.nursery_max_size, 0);
    ck_assert_uint_eq(c.minor_pause_target_ns, 1000000); /* the default */

    c = parsed("max-heap-size=64m,growth-factor=2.5e0,nursery-size=128k");
    ck_assert_uint_eq(c.max_heap_size, (size_t)64 << 20);
    ck_assert_uint_eq(c.nursery_size, (size_t)128 << 10);
    ck_assert_double_eq(c.growth_factor, 2.5);
}
END_TEST

START_TEST(later_settings_win_and_switches_turn_off)
{
    grove_config c = parsed("verify,poison,verify=off,zeal-minor=5,zeal-minor=0,"
                            "max-heap-size=1G,max-heap-size=none");
    ck_assert_uint_eq(c.debug, GROVE_DEBUG_POISON);
    ck_assert_uint_eq(c.zeal_minor, 0);
    ck_assert_uint_eq(c.max_heap_size, SIZE_MAX);
}
END_TEST

START_TEST(empty_and_null_change_nothing)
{
    grove_config want, c;
    grove_config_init(&want);
    c = want;
    ck_assert_int_eq(grove_config_parse(&c, NULL, NULL), GROVE_OK);
    ck_assert_int_eq(grove_config_parse(&c, "", NULL), GROVE_OK);
    ck_assert_mem_eq(&c, &want, sizeof c);
}
END_TEST

/* Each of these is rejected, naming the offending setting, and leaves the
 * configuration exactly as it was (even the valid settings before it). */
START_TEST(malformed_settings_rejected)
{
    static const struct {
        const char *options;
        const char *named; /* must appear in the message */
    } bad[] = {
        {"nursery-size=", "'nursery-size='"},
        {"nursery-size", "'nursery-size'"},
        {"nursery-size=4MB", "'nursery-size=4MB'"},
        {"nursery-max-size=big", "nursery-max-size expects bytes, e.g. 32M, or 0 for a fixed size"},
        {"minor-pause-target-us=1.5", "'minor-pause-target-us=1.5'"},
        {"nursery-size=-4M", "'nursery-size=-4M'"},
        {"nursery-size=4 M", "'nursery-size=4 M'"},
        {"nursery-size=0x100000", "'nursery-size=0x100000'"},
        {"max-heap-size=99999999999999999999", "'max-heap-size=99999999999999999999'"},
        {"max-heap-size=17179869184G", "'max-heap-size=17179869184G'"},
        {"max-heap-size=never", "'max-heap-size=never'"},
        {"growth-factor=", "'growth-factor='"},
        {"growth-factor=inf", "'growth-factor=inf'"},
        {"growth-factor=nan", "'growth-factor=nan'"},
        {"growth-factor=-2", "'growth-factor=-2'"},
        {"growth-factor=0x2p1", "'growth-factor=0x2p1'"},
        {"growth-factor=1e400", "'growth-factor=1e400'"},
        {"growth-factor=1.5x", "'growth-factor=1.5x'"},
        {"zeal-minor=-5", "'zeal-minor=-5'"},
        {"zeal-minor=5x", "'zeal-minor=5x'"},
        {"zeal-minor=4294967296", "'zeal-minor=4294967296'"},
        {"zeal-major", "'zeal-major'"},
        {"verify=yes", "'verify=yes'"},
        {"poison=", "'poison='"},
        {"nursery=4M", "unknown setting 'nursery=4M'"},
        {"Verify", "unknown setting 'Verify'"},
        {"verify,,poison", "empty setting"},
        {",verify", "empty setting"},
        {"verify,", "empty setting"},
        {"growth-factor=1.5,zeal-minor=-1", "'zeal-minor=-1'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        grove_config want, c;
        grove_config_init(&want);
        c = want;
        grove_error_info err;
        ck_assert_msg(grove_config_parse(&c, bad[i].options, &err) == GROVE_E_BAD_CONFIG,
                      "'%s' accepted", bad[i].options);
        ck_assert_int_eq(err.code, GROVE_E_BAD_CONFIG);
        ck_assert_msg(strstr(err.message, bad[i].named) != NULL, "'%s': message '%s' lacks '%s'",
                      bad[i].options, err.message, bad[i].named);
        ck_assert_msg(strncmp(err.message, "options: ", 9) == 0, "'%s': message '%s'",
                      bad[i].options, err.message);
        ck_assert_msg(memcmp(&c, &want, sizeof c) == 0, "'%s' changed the config",
                      bad[i].options);
    }
}
END_TEST

/* No length limit: a long string is parsed whole, its last setting too. */
START_TEST(long_string_parsed_whole)
{
    char buf[4096] = "";
    while (strlen(buf) < 3000)
        strcat(buf, "zeal-minor=1,");
    strcat(buf, "zeal-minor=42");
    grove_config c = parsed(buf);
    ck_assert_uint_eq(c.zeal_minor, 42);
    strcat(buf, ",bogus");
    grove_config_init(&c);
    grove_error_info err;
    ck_assert_int_eq(grove_config_parse(&c, buf, &err), GROVE_E_BAD_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "'bogus'"));
}
END_TEST

static void expect_create_fails(const char *named)
{
    grove_error_info err;
    grove_heap *h = grove_heap_create(NULL, &err);
    ck_assert_ptr_null(h);
    ck_assert_int_eq(err.code, GROVE_E_BAD_CONFIG);
    ck_assert_msg(strstr(err.message, named) != NULL, "message '%s' lacks '%s'", err.message,
                  named);
}

START_TEST(environment_options_applied)
{
    ck_assert_int_eq(setenv("GROVE_OPTIONS", "nursery-size=256K,max-heap-size=64M", 1), 0);
    grove_heap *h = grove_heap_create(NULL, NULL);
    ck_assert_ptr_nonnull(h);
    grove_stats st = test_stats(h);
    ck_assert_uint_eq(st.heap_bytes, (size_t)256 << 10); /* just the nursery */
    grove_heap_destroy(h);

    /* GROVE_OPTIONS overrides the program's config. */
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = (size_t)8 << 20;
    h = grove_heap_create(&c, NULL);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(test_stats(h).heap_bytes, (size_t)256 << 10);
    grove_heap_destroy(h);

    /* The limit from the environment holds: a 100 MiB object does not fit. */
    h = test_heap_config(NULL, NULL);
    ck_assert_ptr_null(grove_alloc(h, tt.bytes, (size_t)100 << 20));
    ck_assert_int_eq(grove_last_error(h), GROVE_E_OOM);
    grove_heap_destroy(h);
    ck_assert_int_eq(unsetenv("GROVE_OPTIONS"), 0);
}
END_TEST

START_TEST(environment_malformed_rejected)
{
    ck_assert_int_eq(setenv("GROVE_OPTIONS", "nursery-size=lots", 1), 0);
    expect_create_fails("GROVE_OPTIONS: bad setting 'nursery-size=lots'");
    ck_assert_int_eq(setenv("GROVE_OPTIONS", "nursery-size=1K", 1), 0);
    expect_create_fails("nursery_size 1024 is outside");
    ck_assert_int_eq(unsetenv("GROVE_OPTIONS"), 0);

    ck_assert_int_eq(setenv("GROVE_DEBUG", "verify,zeal-minor=-5", 1), 0);
    expect_create_fails("GROVE_DEBUG: bad setting 'zeal-minor=-5'");
    ck_assert_int_eq(setenv("GROVE_DEBUG", "zeal-minor=5x", 1), 0);
    expect_create_fails("GROVE_DEBUG: bad setting 'zeal-minor=5x'");
    ck_assert_int_eq(setenv("GROVE_DEBUG", "verify,frobnicate", 1), 0);
    expect_create_fails("GROVE_DEBUG: unknown setting 'frobnicate'");
    ck_assert_int_eq(unsetenv("GROVE_DEBUG"), 0);
}
END_TEST

/* GROVE_DEBUG is applied after GROVE_OPTIONS. */
START_TEST(environment_debug_after_options)
{
    ck_assert_int_eq(setenv("GROVE_OPTIONS", "zeal-minor=0", 1), 0);
    ck_assert_int_eq(setenv("GROVE_DEBUG", "zeal-minor=2", 1), 0);
    grove_heap *h = test_heap_config(NULL, NULL);
    for (int i = 0; i < 10; i++)
        ck_assert_ptr_nonnull(grove_alloc(h, tt.pair, sizeof(struct pair)));
    ck_assert_uint_ge(test_stats(h).minor_collections, 5);
    grove_heap_destroy(h);
    ck_assert_int_eq(unsetenv("GROVE_OPTIONS"), 0);
    ck_assert_int_eq(unsetenv("GROVE_DEBUG"), 0);
}
END_TEST

START_TEST(growth_factor_bounds)
{
    const double bad[] = {1e19, 1e300, 1000.5, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        grove_config c;
        grove_config_init(&c);
        c.growth_factor = bad[i];
        grove_error_info err;
        ck_assert_ptr_null(grove_heap_create(&c, &err));
        ck_assert_int_eq(err.code, GROVE_E_BAD_CONFIG);
        ck_assert_ptr_nonnull(strstr(err.message, "growth_factor"));
    }
    /* The largest factor allowed works, and so do collections with it:
     * the next threshold saturates instead of overflowing. */
    grove_config c;
    test_default_config(&c);
    c.growth_factor = 1000.0;
    c.major_min_bytes = 0;
    grove_heap *h = test_heap_config(&c, NULL);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, l, test_list(h, 20000, 0));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, l), 20000, 0), 20000);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
}
END_TEST

/* An adaptive nursery's bounds and target are checked at heap creation. */
START_TEST(adaptive_nursery_bounds)
{
    static const struct {
        size_t size, max;
        uint64_t target;
        const char *message;
    } bad[] = {
        {1 << 20, 512 << 10, 1000000, "nursery_max_size 524288 is outside [nursery_size 1048576"},
        {1 << 20, (size_t)1 << 40, 1000000, "nursery_max_size 1099511627776 is outside"},
        {1 << 20, 8 << 20, 0, "minor_pause_target_ns must be above 0 for an adaptive nursery"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        grove_config c;
        grove_config_init(&c);
        c.nursery_size = bad[i].size;
        c.nursery_max_size = bad[i].max;
        c.minor_pause_target_ns = bad[i].target;
        grove_error_info err;
        ck_assert_ptr_null(grove_heap_create(&c, &err));
        ck_assert_int_eq(err.code, GROVE_E_BAD_CONFIG);
        ck_assert_msg(strstr(err.message, bad[i].message), "message: %s", err.message);
    }
    /* A target of 0 is fine for a fixed nursery, and so is a maximum equal
     * to the size. */
    grove_config c;
    test_default_config(&c);
    c.minor_pause_target_ns = 0;
    grove_heap *h = test_heap_config(&c, NULL);
    grove_heap_destroy(h);
    c.minor_pause_target_ns = 1000;
    c.nursery_max_size = c.nursery_size;
    h = test_heap_config(&c, NULL);
    grove_heap_destroy(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("options");
    TCase *tc = test_tcase(s, "options");
    tcase_add_test(tc, every_key);
    tcase_add_test(tc, later_settings_win_and_switches_turn_off);
    tcase_add_test(tc, empty_and_null_change_nothing);
    tcase_add_test(tc, malformed_settings_rejected);
    tcase_add_test(tc, long_string_parsed_whole);
    tcase_add_test(tc, environment_options_applied);
    tcase_add_test(tc, environment_malformed_rejected);
    tcase_add_test(tc, environment_debug_after_options);
    tcase_add_test(tc, growth_factor_bounds);
    tcase_add_test(tc, adaptive_nursery_bounds);
    return test_main_fork(s);
}
