/*
 * probe.c — the inline fast paths wrapped in out-of-line functions, so the
 * compare command can disassemble them (objdump) and count the instructions
 * on their hot paths. Built per backend with the Release flags and without
 * LTO; probe_main.c calls each one so a broken probe fails loudly.
 *
 * Each probe is the smallest realistic use: a constant type id and size for
 * allocation (as generated code would have), a plain barrier after a store.
 */
#include "probe.h"

/* Allocation of a 16-byte record of type 0. */
void *probe_alloc(grove_heap *h)
{
    return grove_alloc(h, 0, 16);
}

/* The same without zeroing (grove_alloc_uninit). */
void *probe_alloc_uninit(grove_heap *h)
{
    return grove_alloc_uninit(h, 0, 16);
}

/* The write barrier alone: `obj` just had `value` stored in it. */
void probe_barrier(grove_heap *h, void *obj, void *value)
{
    grove_barrier(h, obj, value);
}

/* A store plus barrier into slot 1 of obj. */
void probe_write(grove_heap *h, void **obj, void *value)
{
    grove_write(h, obj, &obj[1], value);
}

/* Reading a rooted local (the backend's native form of GROVE_GET). */
#if GROVE_ROOTING_INDEXED
/* The handle arrives by value, in registers, as a local's handle would sit. */
void *probe_root_get(grove_heap *h, probe_local local)
{
    return grove_rooted_get(h, local);
}
void probe_root_set(grove_heap *h, probe_local local, void *value)
{
    grove_rooted_set(h, local, value);
}
#else
/* The node lives in the caller's frame; reading it is one load. */
void *probe_root_get(grove_heap *h, probe_local *local)
{
    (void)h;
    return local->ptr;
}
void probe_root_set(grove_heap *h, probe_local *local, void *value)
{
    (void)h;
    local->ptr = value;
}
#endif

void *probe_persistent_get(grove_heap *h, const grove_persistent *p)
{
    return grove_persistent_get(h, p);
}

/* Scope enter + one rooted local + scope exit, through the facade. */
void probe_scope1(grove_heap *h, void *obj)
{
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void *, r, obj);
    (void)r;
    PROBE_CLOBBER();
    grove_scope_exit(h, s);
}
