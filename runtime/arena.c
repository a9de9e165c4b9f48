/* arena.c — a pool of jemalloc arenas, one per live heap. */
#include "arena.h"

#include <pthread.h>
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

static void arena_ctl(const char *what, unsigned arena)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "arena.%u.%s", arena, what);
    mallctl(cmd, NULL, NULL, NULL, 0);
}

/* A fresh view of jemalloc's statistics. */
static void refresh_stats(void)
{
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    mallctl("epoch", &epoch, &len, &epoch, len);
}

static size_t arena_stat(unsigned arena, const char *name)
{
    char key[96];
    size_t value = 0, len = sizeof value;
    snprintf(key, sizeof key, "stats.arenas.%u.%s", arena, name);
    if (mallctl(key, &value, &len, NULL, 0) != 0)
        return 0;
    return value;
}

bool grove_arena_acquire(unsigned *arena)
{
    pthread_mutex_lock(&pool_lock);
    bool reused = pool_len > 0;
    if (reused)
        *arena = pool[--pool_len];
    pthread_mutex_unlock(&pool_lock);
    if (reused)
        return true;
    size_t len = sizeof *arena;
    return mallctl("arenas.create", arena, &len, NULL, 0) == 0;
}

void grove_arena_release(unsigned arena)
{
#ifndef NDEBUG
    /* Every block, large object and the nursery must have been returned:
     * this turns each heap destruction in a debug build into a leak check
     * of the memory Valgrind cannot see (jemalloc's mallocx). */
    refresh_stats();
    size_t leaked = arena_stat(arena, "small.allocated") + arena_stat(arena, "large.allocated");
    if (leaked)
        grove_fatal("heap destroyed with %zu bytes still allocated in its arena %u", leaked,
                    arena);
#endif
    arena_ctl("reset", arena); /* also returns its dirty pages */
    pthread_mutex_lock(&pool_lock);
    bool kept = pool_len < POOL_MAX;
    if (kept)
        pool[pool_len++] = arena;
    pthread_mutex_unlock(&pool_lock);
    if (!kept)
        arena_ctl("destroy", arena);
}

void grove_arena_trim(unsigned arena, size_t live_bytes)
{
    refresh_stats();
    size_t page = 0, len = sizeof page;
    mallctl("arenas.page", &page, &len, NULL, 0);
    size_t dirty = arena_stat(arena, "pdirty") * page;
    arena_ctl(dirty > live_bytes ? "purge" : "decay", arena);
}
