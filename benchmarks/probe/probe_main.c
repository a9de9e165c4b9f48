/* probe_main.c — run every probe once and check what it did, so the
 * functions the compare command disassembles are known to work. */
#include <stdio.h>

#include "bench_grove.h"
#include "probe.h"

int main(void)
{
    bench_name = "probe";
    grove_heap *h = bench_heap_create();
    grove_type_id t = bench_register(h, "cons", GROVE_LAYOUT_RECORD, 16, 0x3);
    if (t != 0)
        bench_fail("probe type must be type 0");

    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, old, probe_alloc(h));
    if (!GROVE_GET(h, old) || grove_object_type(GROVE_GET(h, old)) != 0)
        bench_fail("probe_alloc returned a bad object");
    grove_collect_minor(h); /* `old` is old now */

    void **fresh = probe_alloc_uninit(h);
    if (!fresh || grove_object_type(fresh) != 0 || grove_object_size(fresh) != 16)
        bench_fail("probe_alloc_uninit returned a bad object");
    fresh[0] = fresh[1] = NULL; /* initialised before the next allocation */
    void **young = probe_alloc(h);
    probe_write(h, GROVE_GET(h, old), young);
    probe_barrier(h, GROVE_GET(h, old), young);
    grove_collect_minor(h); /* the barrier must have kept `young` alive */
    void **o = GROVE_GET(h, old);
    if (!o[1] || grove_object_type(o[1]) != 0)
        bench_fail("probe_write lost the young object");

#if GROVE_ROOTING_INDEXED
    probe_local local = grove_root(h, o);
#else
    probe_local local = {{NULL, 1}, o};
    grove_root_push(h, &local.link);
#endif
    if (probe_root_get(h, PROBE_LOCAL_ARG(local)) != o)
        bench_fail("probe_root_get");
    probe_root_set(h, PROBE_LOCAL_ARG(local), o[1]);
    if (probe_root_get(h, PROBE_LOCAL_ARG(local)) != o[1])
        bench_fail("probe_root_set");

    grove_persistent p;
    grove_persistent_init(h, &p, o);
    if (probe_persistent_get(h, &p) != o)
        bench_fail("probe_persistent_get");
    grove_persistent_drop(h, &p);
    probe_scope1(h, o);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);
    printf("probes ok (%s)\n", GROVE_ROOTING_NAME);
    return 0;
}
