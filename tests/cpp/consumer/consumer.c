/* consumer.c — a tiny embedder of an installed Grove, in C: the facade,
 * a persistent root, both collections, stats. Exits non-zero on any error. */
#include <grove/roots.h>

#include <stdio.h>
#include <string.h>

struct pair {
    void *car, *cdr;
};

#define FIX(i) ((void *)(((intptr_t)(i) << 1) | 1))
#define UNFIX(v) ((long)((intptr_t)(v) >> 1))

int main(void)
{
    if (strcmp(GROVE_ROOTING_NAME, EXPECT_ROOTING) != 0) {
        fprintf(stderr, "consumer: grove/config.h says %s, expected %s\n", GROVE_ROOTING_NAME,
                EXPECT_ROOTING);
        return 1;
    }
    grove_config config;
    grove_config_init(&config);
    config.nursery_size = 64 * 1024;
    grove_error_info info;
    grove_heap *h = grove_heap_create(&config, &info);
    if (!h) {
        fprintf(stderr, "consumer: %s\n", info.message);
        return 1;
    }
    grove_type_desc pair_desc = {
        .name = "pair", .layout = GROVE_LAYOUT_RECORD,
        .size = sizeof(struct pair), .pointer_map = 0x3,
    };
    grove_type_id T_PAIR = grove_register_type(h, &pair_desc);

    const long n = 100000;
    grove_persistent keep;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    for (long i = 0; i < n; i++) {
        struct pair *p = grove_alloc(h, T_PAIR, sizeof *p);
        p->car = FIX(i);
        p->cdr = GROVE_GET(h, list);
        GROVE_SET(h, list, p);
    }
    grove_persistent_init(h, &keep, GROVE_GET(h, list));
    grove_scope_exit(h, s);

    if (grove_collect_minor(h) != GROVE_OK || grove_collect_major(h) != GROVE_OK)
        return 1;
    long expect = n - 1;
    for (struct pair *p = grove_persistent_get(h, &keep); p; p = p->cdr, expect--)
        if (UNFIX(p->car) != expect) {
            fprintf(stderr, "consumer: list corrupted at %ld\n", expect);
            return 1;
        }
    if (expect != -1)
        return 1;
    grove_persistent_drop(h, &keep);

    grove_stats st;
    grove_get_stats(h, &st);
    char json[2048];
    grove_stats_json(&st, json, sizeof json);
    if (st.minor_collections == 0 || strstr(json, "minor") == NULL)
        return 1;
    grove_heap_destroy(h);
    printf("consumer (C, %s rooting, grove %s): ok, %llu minor collections\n", GROVE_ROOTING_NAME,
           GROVE_VERSION, (unsigned long long)st.minor_collections);
    return 0;
}
