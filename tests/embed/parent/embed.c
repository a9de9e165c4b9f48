/* embed.c — the parent project's program: a list through both collections
 * on grove::grove, built from Grove's sources by add_subdirectory(). */
#include <grove/roots.h>

#include <stdint.h>
#include <stdio.h>

struct pair {
    void *car, *cdr;
};

int main(void)
{
    grove_heap *h = grove_heap_create(NULL, NULL);
    if (!h)
        return 1;
    grove_type_desc pair_desc = {
        .name = "pair", .layout = GROVE_LAYOUT_RECORD,
        .size = sizeof(struct pair), .pointer_map = 0x3,
    };
    grove_type_id T_PAIR = grove_register_type(h, &pair_desc);

    const long n = 50000;
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, list, NULL);
    for (long i = 0; i < n; i++) {
        struct pair *p = grove_alloc(h, T_PAIR, sizeof *p);
        p->car = (void *)(((intptr_t)i << 1) | 1);
        p->cdr = GROVE_GET(h, list);
        GROVE_SET(h, list, p);
    }
    int ok = grove_collect_minor(h) == GROVE_OK && grove_collect_major(h) == GROVE_OK;
    long expect = n - 1;
    for (struct pair *p = GROVE_GET(h, list); ok && p; p = p->cdr, expect--)
        ok = ((intptr_t)p->car >> 1) == expect;
    ok = ok && expect == -1;
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
    printf("embed_app (%s rooting): %s\n", GROVE_ROOTING_NAME, ok ? "ok" : "list corrupted");
    return ok ? 0 : 1;
}
