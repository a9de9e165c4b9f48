/* nursery.c — the nursery region and its allocation slow path. */
#include "nursery.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "invariant.h"
#include "poison.h"

bool grove_nursery_init(grove_nursery *n, struct grove__heap_fast *fast,
                        const grove_arena *arena, size_t size, size_t capacity, bool aging,
                        bool poison)
{
    GROVE_ASSERT(size <= capacity, "a nursery starts within its reservation");
    void *mem = grove_arena_alloc(arena, capacity, 4096, false);
    if (!mem)
        return false;
    void *spare = NULL;
    if ((aging || poison) && !(spare = grove_arena_alloc(arena, capacity, 4096, false))) {
        grove_arena_free(arena, mem);
        return false;
    }
    *n = (grove_nursery){
        .fast = fast,
        .arena = arena,
        .start = (uintptr_t)mem,
        .end = (uintptr_t)mem + size,
        .capacity = capacity,
        .zeroed_end = (uintptr_t)mem,
        .kept_end = (uintptr_t)mem,
        .spare = (uintptr_t)spare,
        .aging = aging,
        .poison = poison,
    };
    fast->nursery_start = n->start;
    fast->nursery_size = size;
    fast->alloc_ptr = n->start;
    /* Untouched nursery memory is treated like evacuated memory: ASan must
     * see no access before the slow path zeroes it. */
    GROVE_ASAN_POISON(mem, capacity);
    if (spare && poison)
        grove_poison(spare, capacity);
    else if (spare)
        GROVE_ASAN_POISON(spare, capacity);
    grove_nursery_set_slow_only(n, false);
    return true;
}

void grove_nursery_free(grove_nursery *n)
{
    if (!n->start)
        return;
    GROVE_ASAN_UNPOISON((void *)n->start, n->capacity);
    grove_arena_free(n->arena, (void *)n->start);
    if (n->spare) {
        GROVE_ASAN_UNPOISON((void *)n->spare, n->capacity);
        grove_arena_free(n->arena, (void *)n->spare);
    }
    n->start = n->end = n->zeroed_end = n->kept_end = n->spare = 0;
}

/* The zeroed part starts at the bump pointer: grove_alloc_uninit may have
 * taken memory past the zeroed end. */
static uintptr_t zeroed_end(const grove_nursery *n)
{
    return n->zeroed_end > n->fast->alloc_ptr ? n->zeroed_end : n->fast->alloc_ptr;
}

/* Under ASan the memory past the zeroed end is poisoned (it is unpoisoned
 * as it is zeroed), so grove_alloc_uninit stays within the zeroed part. A
 * stop lowers both limits, never below the bump pointer (the inline paths
 * compute limit - pointer unsigned). */
static void arm(grove_nursery *n)
{
    struct grove__heap_fast *f = n->fast;
    n->zeroed_end = zeroed_end(n);
    uintptr_t stop = n->end;
    if (n->stop_at && n->stop_at < n->end - n->start)
        stop = n->start + n->stop_at > f->alloc_ptr ? n->start + n->stop_at : f->alloc_ptr;
    if (n->slow_only)
        stop = f->alloc_ptr;
    f->alloc_limit = n->zeroed_end < stop ? n->zeroed_end : stop;
#ifdef GROVE_ASAN
    f->uninit_limit = f->alloc_limit;
#else
    f->uninit_limit = stop;
#endif
}

void grove_nursery_stop_at(grove_nursery *n, size_t used)
{
    n->stop_at = used;
    arm(n);
}

void grove_nursery_set_slow_only(grove_nursery *n, bool slow_only)
{
    n->slow_only = slow_only;
    arm(n);
}

void *grove_nursery_alloc_slow(grove_nursery *n, size_t bytes)
{
    uintptr_t p = n->fast->alloc_ptr;
    if (n->end - p < bytes)
        return NULL;
    n->zeroed_end = zeroed_end(n);
    if (n->zeroed_end - p < bytes) {
        /* Zero whole chunks ahead so the fast path can run until the next. */
        uintptr_t want = p + bytes;
        uintptr_t to = n->zeroed_end + GROVE_NURSERY_CHUNK;
        if (to < want)
            to = (want + GROVE_NURSERY_CHUNK - 1) & ~(uintptr_t)(GROVE_NURSERY_CHUNK - 1);
        if (to > n->end)
            to = n->end;
        GROVE_ASAN_UNPOISON((void *)n->zeroed_end, to - n->zeroed_end);
        memset((void *)n->zeroed_end, 0, to - n->zeroed_end);
        n->zeroed_end = to;
    }
    n->fast->alloc_ptr = p + bytes;
    arm(n);
    return (void *)p;
}

void grove_nursery_survivor_space(const grove_nursery *n, uintptr_t *start, uintptr_t *limit)
{
    *start = n->spare;
    *limit = n->aging ? n->spare + grove_nursery_size(n) / 2 : n->spare;
}

void grove_nursery_reset(grove_nursery *n, size_t kept)
{
    GROVE_ASSERT(n->aging || kept == 0, "only an aging nursery keeps survivors");
    size_t used = zeroed_end(n) - n->start;
    if (n->poison)
        grove_poison((void *)n->start, used);
    else
        GROVE_ASAN_POISON((void *)n->start, used);
    if (n->spare) { /* allocate from the other region; this one stays poisoned */
        uintptr_t size = grove_nursery_size(n), evacuated = n->start;
        n->start = n->spare;
        n->end = n->spare + size;
        n->spare = evacuated;
        n->fast->nursery_start = n->start;
    }
    n->fast->alloc_ptr = n->kept_end = n->zeroed_end = n->start + kept;
    n->stop_at = 0;
    arm(n);
}

void grove_nursery_resize(grove_nursery *n, size_t size)
{
    GROVE_ASSERT(grove_nursery_allocated(n) == 0 && zeroed_end(n) == n->kept_end,
                 "only a nursery with nothing allocated since its reset is resized");
    GROVE_ASSERT(size <= n->capacity && grove_nursery_used(n) <= size / 2,
                 "a nursery stays within its reservation and keeps room to allocate");
    size_t old = grove_nursery_size(n);
    n->end = n->start + size;
    n->fast->nursery_size = size;
    /* The tails' pages go back to the system (they read as zero if used
     * again). Not in poison mode: its regions must keep their poison. */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t regions[2] = {n->start, n->aging ? n->spare : 0};
    for (size_t i = 0; i < 2 && regions[i] && size < old && !n->poison; i++) {
        uintptr_t from = (regions[i] + size + page - 1) & ~(page - 1), to = regions[i] + old;
        if (from < to)
            madvise((void *)from, to - from, MADV_DONTNEED);
    }
    arm(n);
}
