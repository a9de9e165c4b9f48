/* arena.c — a pool of jemalloc arenas, one per live heap, and the only
 * file that calls jemalloc. */
#include "arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h> /* ffs, used by jemalloc's macros */
#include <jemalloc/jemalloc.h>

#include "errors.h"

/* Released arenas, reused by the next heap. Heaps are created and
 * destroyed on any thread. */
#define POOL_MAX 256
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned pool[POOL_MAX];
static size_t pool_len;

static void arena_ctl(const char *what, unsigned index)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "arena.%u.%s", index, what);
    mallctl(cmd, NULL, NULL, NULL, 0);
}

static void set_flags(grove_arena *arena)
{
    arena->flags = (int)MALLOCX_ARENA(arena->index) | MALLOCX_TCACHE_NONE;
}

bool grove_arena_acquire(grove_arena *arena)
{
    pthread_mutex_lock(&pool_lock);
    bool reused = pool_len > 0;
    if (reused)
        arena->index = pool[--pool_len];
    pthread_mutex_unlock(&pool_lock);
    if (!reused) {
        size_t len = sizeof arena->index;
        if (mallctl("arenas.create", &arena->index, &len, NULL, 0) != 0)
            return false;
    }
    set_flags(arena);
    return true;
}

#ifndef NDEBUG
static size_t arena_stat(unsigned index, const char *name)
{
    char key[96];
    size_t value = 0, len = sizeof value;
    snprintf(key, sizeof key, "stats.arenas.%u.%s", index, name);
    if (mallctl(key, &value, &len, NULL, 0) != 0)
        return 0;
    return value;
}

/* Every block, large object and the nursery must have been returned:
 * this turns each heap destruction in a debug build into a leak check of
 * the memory Valgrind cannot see (jemalloc's mallocx). The statistics
 * refresh is process-wide, so only debug builds pay it, once per heap. */
static void check_empty(unsigned index)
{
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);
    size_t leaked = arena_stat(index, "small.allocated") + arena_stat(index, "large.allocated");
    if (leaked)
        grove_fatal("heap destroyed with %zu bytes still allocated in its arena %u", leaked,
                    index);
}
#endif

void grove_arena_release(grove_arena *arena)
{
#ifndef NDEBUG
    check_empty(arena->index);
#endif
    arena_ctl("reset", arena->index); /* also returns its dirty pages */
    pthread_mutex_lock(&pool_lock);
    bool kept = pool_len < POOL_MAX;
    if (kept)
        pool[pool_len++] = arena->index;
    pthread_mutex_unlock(&pool_lock);
    if (!kept)
        arena_ctl("destroy", arena->index);
}

void *grove_arena_alloc(const grove_arena *arena, size_t bytes, size_t align, bool zeroed)
{
    int flags = arena->flags | (zeroed ? MALLOCX_ZERO : 0);
    if (align)
        flags |= (int)MALLOCX_ALIGN(align);
    return mallocx(bytes, flags);
}

void grove_arena_free(const grove_arena *arena, void *p)
{
    dallocx(p, arena->flags);
}

size_t grove_arena_footprint(const grove_arena *arena, size_t bytes)
{
    size_t real = nallocx(bytes, arena->flags);
    return real ? real : SIZE_MAX; /* 0: jemalloc cannot serve that size */
}

void grove_arena_purge(const grove_arena *arena)
{
    arena_ctl("purge", arena->index);
}

void grove_arena_decay(const grove_arena *arena)
{
    arena_ctl("decay", arena->index);
}
