/* options.c — configuration: defaults, the options string parser shared by
 * grove_config_parse, GROVE_OPTIONS and GROVE_DEBUG, and the validity
 * checks grove_heap_create applies. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "options.h"

#define MIN_NURSERY ((size_t)64 * 1024)
#define MAX_NURSERY ((size_t)1 << 36)
/* Large enough for any real heap; bounded so that the next threshold,
 * held bytes × growth, stays a finite double. */
#define MAX_GROWTH_FACTOR 1000.0

void grove_config_init(grove_config *config)
{
    *config = (grove_config){
        .nursery_size = (size_t)4 << 20,
        .minor_pause_target_ns = 1000000,
        .max_heap_size = SIZE_MAX,
        .growth_factor = 2.0,
        .major_min_bytes = (size_t)16 << 20,
        .major_slice_bytes = (size_t)1 << 20,
    };
}

/* ---- values ----------------------------------------------------------------- */

/* A setting as it stands in the string: key and value are not terminated. */
typedef struct setting {
    const char *key;
    size_t key_len;
    const char *value; /* NULL: no '=' */
    size_t value_len;
} setting;

static bool parse_whole(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Digits with an optional binary suffix K, M, G or T (either case). */
static bool parse_bytes(const char *s, size_t len, size_t *out)
{
    static const char suffixes[] = "kmgt";
    unsigned shift = 0;
    if (len > 0) {
        const char *at = strchr(suffixes, tolower((unsigned char)s[len - 1]));
        if (at && *at) {
            shift = 10 * (unsigned)(at - suffixes + 1);
            len--;
        }
    }
    uint64_t v;
    if (!parse_whole(s, len, SIZE_MAX >> shift, &v))
        return false;
    *out = (size_t)(v << shift);
    return true;
}

/* A plain decimal number: digits, one point, an exponent; no sign, no hex,
 * no inf or nan. */
static bool parse_decimal(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || !isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!isdigit((unsigned char)ch) && ch != '.' && ch != 'e' && ch != 'E' &&
            !((ch == '+' || ch == '-') && (s[i - 1] == 'e' || s[i - 1] == 'E')))
            return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool setting_is(const setting *st, const char *value)
{
    return st->value_len == strlen(value) && memcmp(st->value, value, st->value_len) == 0;
}

/* ---- the keys ------------------------------------------------------------------- */

typedef enum value_kind { BYTES, BYTES_OR_NONE, DECIMAL, WHOLE, SWITCH } value_kind;

typedef struct option {
    const char *key;
    value_kind kind;
    const char *expected; /* for messages */
} option;

enum option_id {
    OPT_NURSERY,
    OPT_NURSERY_MAX,
    OPT_PAUSE_TARGET,
    OPT_SURVIVOR_AGE,
    OPT_MAX_HEAP,
    OPT_GROWTH,
    OPT_MAJOR_MIN,
    OPT_VERIFY,
    OPT_POISON,
    OPT_ZEAL_MINOR,
    OPT_ZEAL_MAJOR,
    OPT_INCREMENTAL,
    OPT_SLICE_BYTES,
    OPT_ZEAL_SLICE,
    OPTION_COUNT
};

static const option options[OPTION_COUNT] = {
    [OPT_NURSERY] = {"nursery-size", BYTES, "bytes, e.g. 4M"},
    [OPT_NURSERY_MAX] = {"nursery-max-size", BYTES, "bytes, e.g. 32M, or 0 for a fixed size"},
    [OPT_PAUSE_TARGET] = {"minor-pause-target-us", WHOLE, "a whole number of microseconds"},
    [OPT_SURVIVOR_AGE] = {"survivor-age", WHOLE, "a whole number of minor GCs, 0 to 15"},
    [OPT_MAX_HEAP] = {"max-heap-size", BYTES_OR_NONE, "bytes, e.g. 1G, or none"},
    [OPT_GROWTH] = {"growth-factor", DECIMAL, "a decimal number, e.g. 1.5"},
    [OPT_MAJOR_MIN] = {"major-min-bytes", BYTES, "bytes, e.g. 16M"},
    [OPT_VERIFY] = {"verify", SWITCH, "on or off"},
    [OPT_POISON] = {"poison", SWITCH, "on or off"},
    [OPT_ZEAL_MINOR] = {"zeal-minor", WHOLE, "a whole number"},
    [OPT_ZEAL_MAJOR] = {"zeal-major", WHOLE, "a whole number"},
    [OPT_INCREMENTAL] = {"incremental", SWITCH, "on or off"},
    [OPT_SLICE_BYTES] = {"major-slice-bytes", BYTES, "bytes, e.g. 1M"},
    [OPT_ZEAL_SLICE] = {"zeal-slice", WHOLE, "a whole number"},
};

static const option *find_option(const setting *st)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (strlen(options[i].key) == st->key_len &&
            memcmp(options[i].key, st->key, st->key_len) == 0)
            return &options[i];
    return NULL;
}

/* Apply one setting to *c; false if its value is not of its key's kind. */
static bool apply(grove_config *c, const option *o, const setting *st)
{
    size_t bytes = 0;
    double decimal = 0;
    uint64_t whole = 0;
    bool on = false;
    switch (o->kind) {
    case BYTES:
        if (!st->value || !parse_bytes(st->value, st->value_len, &bytes))
            return false;
        break;
    case BYTES_OR_NONE:
        if (!st->value)
            return false;
        if (setting_is(st, "none"))
            bytes = SIZE_MAX;
        else if (!parse_bytes(st->value, st->value_len, &bytes))
            return false;
        break;
    case DECIMAL:
        if (!st->value || !parse_decimal(st->value, st->value_len, &decimal))
            return false;
        break;
    case WHOLE:
        if (!st->value || !parse_whole(st->value, st->value_len, UINT_MAX, &whole))
            return false;
        break;
    case SWITCH:
        on = !st->value || setting_is(st, "on");
        if (!on && !setting_is(st, "off"))
            return false;
        break;
    }
    switch ((enum option_id)(o - options)) {
    case OPT_NURSERY: c->nursery_size = bytes; break;
    case OPT_NURSERY_MAX: c->nursery_max_size = bytes; break;
    case OPT_PAUSE_TARGET: c->minor_pause_target_ns = whole * 1000; break;
    case OPT_SURVIVOR_AGE: c->survivor_age = (unsigned)whole; break;
    case OPT_MAX_HEAP: c->max_heap_size = bytes; break;
    case OPT_GROWTH: c->growth_factor = decimal; break;
    case OPT_MAJOR_MIN: c->major_min_bytes = bytes; break;
    case OPT_VERIFY: c->debug = on ? c->debug | GROVE_DEBUG_VERIFY : c->debug & ~GROVE_DEBUG_VERIFY; break;
    case OPT_POISON: c->debug = on ? c->debug | GROVE_DEBUG_POISON : c->debug & ~GROVE_DEBUG_POISON; break;
    case OPT_ZEAL_MINOR: c->zeal_minor = (unsigned)whole; break;
    case OPT_ZEAL_MAJOR: c->zeal_major = (unsigned)whole; break;
    case OPT_INCREMENTAL: c->incremental = on; break;
    case OPT_SLICE_BYTES: c->major_slice_bytes = bytes; break;
    case OPT_ZEAL_SLICE: c->zeal_slice = (unsigned)whole; break;
    case OPTION_COUNT: return false;
    }
    return true;
}

static grove_error parse(grove_config *config, const char *text, const char *source,
                         grove_error_info *error)
{
    if (!text)
        return GROVE_OK;
    grove_config c = *config;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        setting st = {.key = p, .key_len = eq ? (size_t)(eq - p) : len};
        if (eq) {
            st.value = eq + 1;
            st.value_len = len - st.key_len - 1;
        }
        if (len == 0) {
            grove_error_info_set(error, GROVE_E_BAD_CONFIG, "%s: empty setting at offset %zu "
                                 "(settings are separated by single commas)", source,
                                 (size_t)(p - text));
            return GROVE_E_BAD_CONFIG;
        }
        const option *o = find_option(&st);
        if (!o) {
            grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                                 "%s: unknown setting '%.*s' (known: nursery-size, "
                                 "nursery-max-size, minor-pause-target-us, max-heap-size, "
                                 "growth-factor, major-min-bytes, incremental, major-slice-bytes, "
                                 "verify, poison, zeal-minor, zeal-major, zeal-slice)",
                                 source, (int)len, p);
            return GROVE_E_BAD_CONFIG;
        }
        if (!apply(&c, o, &st)) {
            grove_error_info_set(error, GROVE_E_BAD_CONFIG, "%s: bad setting '%.*s': %s expects %s",
                                 source, (int)len, p, o->key, o->expected);
            return GROVE_E_BAD_CONFIG;
        }
        if (!end)
            break;
        p = end + 1;
        if (!*p) {
            grove_error_info_set(error, GROVE_E_BAD_CONFIG, "%s: empty setting after the last comma",
                                 source);
            return GROVE_E_BAD_CONFIG;
        }
    }
    *config = c;
    return GROVE_OK;
}

grove_error grove_config_parse(grove_config *config, const char *options_text,
                               grove_error_info *error)
{
    grove_error e = parse(config, options_text, "options", error);
    if (e == GROVE_OK)
        grove_error_info_set(error, GROVE_OK, "%s", "");
    return e;
}

bool grove_config_apply_environment(grove_config *config, grove_error_info *error)
{
    return parse(config, getenv("GROVE_OPTIONS"), "GROVE_OPTIONS", error) == GROVE_OK &&
           parse(config, getenv("GROVE_DEBUG"), "GROVE_DEBUG", error) == GROVE_OK;
}

bool grove_config_check(const grove_config *c, grove_error_info *error)
{
    if (c->nursery_size < MIN_NURSERY || c->nursery_size > MAX_NURSERY) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "nursery_size %zu is outside [%zu, %zu] bytes", c->nursery_size,
                             MIN_NURSERY, MAX_NURSERY);
        return false;
    }
    if (c->nursery_max_size &&
        (c->nursery_max_size < c->nursery_size || c->nursery_max_size > MAX_NURSERY)) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "nursery_max_size %zu is outside [nursery_size %zu, %zu] bytes "
                             "(0: a fixed nursery)",
                             c->nursery_max_size, c->nursery_size, MAX_NURSERY);
        return false;
    }
    if (c->nursery_max_size && c->minor_pause_target_ns == 0) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "minor_pause_target_ns must be above 0 for an adaptive nursery");
        return false;
    }
    if (c->survivor_age > GROVE__HDR_AGE_MAX) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG, "survivor_age %u is above %u",
                             c->survivor_age, GROVE__HDR_AGE_MAX);
        return false;
    }
    /* An aging nursery holds two regions. */
    size_t regions = c->survivor_age ? 2 : 1;
    if (c->max_heap_size / regions < c->nursery_size) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "max_heap_size %zu is smaller than the nursery's %zu x %zu bytes",
                             c->max_heap_size, regions, c->nursery_size);
        return false;
    }
    if (!(c->growth_factor > 1.0 && c->growth_factor <= MAX_GROWTH_FACTOR)) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "growth_factor %g must be above 1.0 and at most %g", c->growth_factor,
                             MAX_GROWTH_FACTOR);
        return false;
    }
    if (c->major_slice_bytes == 0) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG,
                             "major_slice_bytes must be above 0 (a slice must make progress)");
        return false;
    }
    if (c->debug & ~(unsigned)(GROVE_DEBUG_VERIFY | GROVE_DEBUG_POISON)) {
        grove_error_info_set(error, GROVE_E_BAD_CONFIG, "unknown debug flags 0x%x", c->debug);
        return false;
    }
    return true;
}
