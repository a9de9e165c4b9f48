/* old_space.c — size-segregated blocks for promoted objects. */
#include "old_space.h"

#include <string.h>

#include "errors.h"
#include "invariant.h"
#include "object.h"
#include "poison.h"

/* Cell sizes in bytes, header included: spaced so that rounding a size up
 * wastes at most about 20%. */
static const uint32_t cell_sizes[] = {
    16,  24,  32,  40,  48,  56,   64,   80,   96,   112,  128,  160,  192,  224,  256, 320,
    384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096};

_Static_assert(sizeof cell_sizes / sizeof cell_sizes[0] == GROVE_SIZE_CLASSES,
               "one cell size per size class");

void grove_old_space_init(grove_old_space *old, const grove_arena *arena, bool poison)
{
    *old = (grove_old_space){.arena = arena, .poison = poison};
    GROVE_ASSERT(cell_sizes[GROVE_SIZE_CLASSES - 1] == GROVE_MAX_CELL,
                 "the largest size class holds the largest cell");
    unsigned c = 0;
    for (size_t words = 0; words <= GROVE_MAX_CELL / 8; words++) {
        while (cell_sizes[c] < words * 8)
            c++;
        old->class_of[words] = (uint8_t)c;
    }
    for (unsigned i = 0; i < GROVE_SIZE_CLASSES; i++)
        old->classes[i] = (grove_size_class){.cell_size = cell_sizes[i]};
}

static grove_block *new_block(grove_old_space *old, unsigned size_class)
{
    grove_block *b = grove_arena_alloc(old->arena, GROVE_BLOCK_SIZE, GROVE_BLOCK_SIZE, false);
    if (!b)
        grove_fatal("out of memory: cannot get a %zu-byte old-space block during collection",
                    GROVE_BLOCK_SIZE);
    grove_size_class *sc = &old->classes[size_class];
    uint32_t cell = sc->cell_size;
    b->cell_size = cell;
    b->marked = 0;
    b->unswept = false;
    b->dirty = 0;
    memset(b->cards, 0, sizeof b->cards);
    b->top = (uintptr_t)b + GROVE_BLOCK_HEADER;
    b->end = b->top + (GROVE_BLOCK_SIZE - GROVE_BLOCK_HEADER) / cell * cell;
    b->next = sc->blocks;
    sc->blocks = b;
    sc->bump_block = b;
    old->block_count++;
    return b;
}

static size_t cells_per_block(uint32_t cell_size)
{
    return (GROVE_BLOCK_SIZE - GROVE_BLOCK_HEADER) / cell_size;
}

size_t grove_old_growth_needed(const grove_old_space *old, const size_t cells[GROVE_SIZE_CLASSES])
{
    size_t blocks = 0;
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        const grove_size_class *sc = &old->classes[c];
        size_t avail = sc->free_cells + sc->unswept_free_cells;
        if (sc->bump_block)
            avail += (sc->bump_block->end - sc->bump_block->top) / sc->cell_size;
        if (cells[c] > avail) {
            size_t per = cells_per_block(sc->cell_size);
            blocks += (cells[c] - avail + per - 1) / per;
        }
    }
    return blocks * GROVE_BLOCK_SIZE;
}

size_t grove_old_growth_bound(size_t bytes)
{
    /* Cells round sizes up by less than 25%; a block of the largest cells
     * holds at least (usable - GROVE_MAX_CELL) bytes; and each class may
     * need one more block for its remainder. */
    size_t cell_bytes = bytes + bytes / 4;
    size_t per_block = GROVE_BLOCK_SIZE - GROVE_BLOCK_HEADER - GROVE_MAX_CELL;
    return ((cell_bytes + per_block - 1) / per_block + GROVE_SIZE_CLASSES) * GROVE_BLOCK_SIZE;
}

/* Sweep one block: free its unmarked cells onto the class's free list and
 * clear the marks of the rest. Afterwards the block is swept. */
static void sweep_block(grove_old_space *old, grove_size_class *sc, grove_block *b)
{
    bool poison = old->poison;
    size_t live = 0, freed_cells = 0;
    void *free_list = sc->free_list;
    for (uintptr_t p = (uintptr_t)b + GROVE_BLOCK_HEADER; p < b->top; p += b->cell_size) {
        uint64_t *hdr = (uint64_t *)p;
        GROVE_ASAN_UNPOISON(hdr, 16);
        if (*hdr & GROVE__HDR_MARK) {
            *hdr &= ~GROVE__HDR_MARK;
            live++;
            continue;
        }
        if (*hdr) {
            if (poison)
                grove_poison(hdr + 2, b->cell_size - 16);
            *hdr = 0;
        }
        hdr[1] = (uint64_t)(uintptr_t)free_list;
        free_list = hdr;
        freed_cells++;
        GROVE_ASAN_POISON(hdr, b->cell_size);
    }
    GROVE_ASSERT(live == b->marked, "a block's mark count is the number of its marked cells");
    sc->free_list = free_list;
    sc->free_cells += freed_cells;
    b->marked = 0;
    b->unswept = false;
}

static size_t cells_used(const grove_block *b)
{
    return (b->top - (uintptr_t)b - GROVE_BLOCK_HEADER) / b->cell_size;
}

/* Sweep the first block of a waiting list and move it to the swept list. */
static void sweep_first(grove_old_space *old, grove_size_class *sc, grove_block **list)
{
    grove_block *b = *list;
    *list = b->next;
    old->waiting--;
    sc->unswept_free_cells -= cells_used(b) - b->marked;
    sweep_block(old, sc, b);
    b->next = sc->blocks;
    sc->blocks = b;
}

void grove_old_sweep_some(grove_old_space *old)
{
    if (!old->full_waiting)
        return;
    for (unsigned i = 0; i < GROVE_SIZE_CLASSES; i++) {
        unsigned c = (old->full_cursor + i) % GROVE_SIZE_CLASSES;
        grove_size_class *sc = &old->classes[c];
        if (sc->unswept_full) {
            sweep_first(old, sc, &sc->unswept_full);
            old->full_waiting--;
            old->full_cursor = c;
            return;
        }
    }
    GROVE_ASSERT(false, "full_waiting counts the blocks on the unswept_full lists");
}

/* The free list and the bump block are used up: sweep waiting blocks until
 * one frees a cell (those with free cells wait first), else open a block. */
void *grove_old_alloc_slow(grove_old_space *old, unsigned size_class)
{
    grove_size_class *sc = &old->classes[size_class];
    while (sc->unswept_free_cells && !sc->free_list)
        sweep_first(old, sc, &sc->unswept);
    void **cell = sc->free_list;
    if (cell) {
        GROVE_ASAN_UNPOISON(cell, sc->cell_size);
        sc->free_list = cell[1];
        sc->free_cells--;
        return cell;
    }
    grove_block *b = new_block(old, size_class);
    cell = (void **)b->top;
    b->top += b->cell_size;
    return cell;
}

size_t grove_old_sweep_waiting(grove_old_space *old, size_t max_blocks)
{
    size_t swept = 0;
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        grove_size_class *sc = &old->classes[c];
        for (; sc->unswept && swept < max_blocks; swept++)
            sweep_first(old, sc, &sc->unswept);
        for (; sc->unswept_full && swept < max_blocks; swept++) {
            sweep_first(old, sc, &sc->unswept_full);
            old->full_waiting--;
        }
        if (swept == max_blocks)
            return swept;
        GROVE_ASSERT(sc->unswept_free_cells == 0, "a class with no waiting block has none to free");
    }
    GROVE_ASSERT(old->full_waiting == 0, "full_waiting counts the blocks on the unswept_full lists");
    return swept;
}


void grove_old_finish_sweep(grove_old_space *old)
{
    grove_old_sweep_waiting(old, SIZE_MAX);
    old->marked_bytes = 0;
}

static void release_block(grove_old_space *old, grove_size_class *sc, grove_block *b)
{
    if (sc->bump_block == b)
        sc->bump_block = NULL;
    GROVE_ASAN_UNPOISON(b, GROVE_BLOCK_SIZE);
    grove_arena_free(old->arena, b);
    old->block_count--;
}

/* One class after the mark: its blocks go to the swept list (the bump
 * block, swept now), a waiting list (`unswept`: free cells to come;
 * `unswept_full`: every cell live), or back to the arena (nothing marked). */
static void queue_class(grove_old_space *old, grove_size_class *sc)
{
    grove_block *blocks = sc->blocks;
    sc->blocks = sc->unswept = sc->unswept_full = NULL;
    sc->free_list = NULL;
    sc->free_cells = 0;
    while (blocks) {
        grove_block *b = blocks;
        blocks = b->next;
        GROVE_ASSERT(!b->unswept, "the mark starts after the last sweep finished");
        if (b->marked == 0) {
            release_block(old, sc, b);
        } else if (b == sc->bump_block) {
            sweep_block(old, sc, b);
            b->next = sc->blocks;
            sc->blocks = b;
        } else if (cells_used(b) > b->marked) {
            old->waiting++;
            b->unswept = true;
            sc->unswept_free_cells += cells_used(b) - b->marked;
            b->next = sc->unswept;
            sc->unswept = b;
        } else {
            old->waiting++;
            b->unswept = true;
            b->next = sc->unswept_full;
            sc->unswept_full = b;
            old->full_waiting++;
        }
    }
}

uint64_t grove_old_sweep(grove_old_space *old)
{
    GROVE_ASSERT(old->marked_bytes <= old->object_bytes, "the mark counts objects that exist");
    uint64_t dead = old->object_bytes - old->marked_bytes;
    old->object_bytes = old->marked_bytes;
    old->marked_bytes = 0;
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++)
        queue_class(old, &old->classes[c]);
    return dead;
}

size_t grove_old_space_bytes(const grove_old_space *old)
{
    return old->block_count * GROVE_BLOCK_SIZE;
}

/* A class's three block lists, for the walks that see every block. */
enum { SWEPT, WAITING, WAITING_FULL, LISTS };
static void lists_of(const grove_size_class *sc, grove_block *lists[LISTS])
{
    lists[SWEPT] = sc->blocks;
    lists[WAITING] = sc->unswept;
    lists[WAITING_FULL] = sc->unswept_full;
}

static void for_each_in(grove_block *b, void (*fn)(void *object, void *data), void *data)
{
    for (; b; b = b->next)
        for (uintptr_t p = (uintptr_t)b + GROVE_BLOCK_HEADER; p < b->top; p += b->cell_size) {
            uint64_t *hdr = (uint64_t *)p;
            GROVE_ASAN_UNPOISON(hdr, 8);
            if (grove_block_cell_live(b, hdr))
                fn(hdr + 1, data);
            else if (!*hdr)
                GROVE_ASAN_POISON(hdr, 8);
        }
}

void grove_old_for_each(grove_old_space *old, void (*fn)(void *object, void *data), void *data)
{
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        grove_block *lists[LISTS];
        lists_of(&old->classes[c], lists);
        for (unsigned l = 0; l < LISTS; l++)
            for_each_in(lists[l], fn, data);
    }
}

void grove_old_blocks_sorted(const grove_old_space *old, grove_vec *out)
{
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        grove_block *lists[LISTS];
        lists_of(&old->classes[c], lists);
        for (unsigned l = 0; l < LISTS; l++)
            for (grove_block *b = lists[l]; b; b = b->next)
                grove_vec_push(out, b);
    }
    grove_vec_sort(out);
}

bool grove_old_contains_object(const grove_vec *sorted_blocks, const void *p)
{
    uintptr_t cell = (uintptr_t)p - 8;
    const grove_block *b = grove_vec_find_sorted(sorted_blocks, grove_block_of(p));
    if (!b)
        return false;
    return cell >= (uintptr_t)b + GROVE_BLOCK_HEADER && cell < b->top &&
           (cell - (uintptr_t)b - GROVE_BLOCK_HEADER) % b->cell_size == 0 &&
           (*(const uint64_t *)cell & GROVE__HDR_LIVE) && grove_block_cell_live(b, (const uint64_t *)cell);
}

static size_t verify_list(const grove_old_space *old, const grove_size_class *sc,
                          const grove_block *b, bool unswept, const char *when)
{
    size_t free_cells = 0;
    for (; b; b = b->next) {
        if (b->cell_size != sc->cell_size || b->unswept != unswept)
            grove_fatal("verify (%s): old-space block %p of class %u is on the wrong list", when,
                        (const void *)b, sc->cell_size);
        size_t marked = 0, used = cells_used(b);
        for (uintptr_t p = (uintptr_t)b + GROVE_BLOCK_HEADER; p < b->top; p += b->cell_size) {
            const uint64_t *hdr = (const uint64_t *)p;
            GROVE_ASAN_UNPOISON(hdr, 8);
            marked += (*hdr & GROVE__HDR_MARK) != 0;
            if (!*hdr)
                GROVE_ASAN_POISON(hdr, 8);
        }
        /* While an incremental mark runs, swept blocks count their marks too. */
        if (marked != (unswept || old->marking ? b->marked : 0) || (unswept && marked == 0))
            grove_fatal("verify (%s): old-space block %p has %zu marked cells, counted %u (%s)",
                        when, (const void *)b, marked, b->marked,
                        unswept ? "waiting for the sweep" : "swept");
        if (unswept)
            free_cells += used - marked;
    }
    return free_cells;
}

void grove_old_verify(const grove_old_space *old, const char *when)
{
    size_t blocks = 0, full = 0, waiting = 0;
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        const grove_size_class *sc = &old->classes[c];
        verify_list(old, sc, sc->blocks, false, when);
        if (verify_list(old, sc, sc->unswept_full, true, when) != 0)
            grove_fatal("verify (%s): old-space class %u has a dead cell in a block counted "
                        "as wholly live",
                        when, sc->cell_size);
        if (verify_list(old, sc, sc->unswept, true, when) != sc->unswept_free_cells)
            grove_fatal("verify (%s): old-space class %u expects %zu cells from its lazy sweep, "
                        "its blocks hold another number",
                        when, sc->cell_size, sc->unswept_free_cells);
        if (sc->bump_block && sc->bump_block->unswept)
            grove_fatal("verify (%s): old-space class %u bumps into an unswept block", when,
                        sc->cell_size);
        grove_block *lists[LISTS];
        lists_of(sc, lists);
        for (unsigned l = 0; l < LISTS; l++)
            for (const grove_block *b = lists[l]; b; b = b->next) {
                blocks++;
                full += l == WAITING_FULL;
                waiting += l != SWEPT;
            }
    }
    if (waiting != old->waiting)
        grove_fatal("verify (%s): old space counts %zu blocks waiting for the sweep, its lists "
                    "hold %zu",
                    when, old->waiting, waiting);
    if (full != old->full_waiting)
        grove_fatal("verify (%s): old space counts %zu wholly live waiting blocks, its lists "
                    "hold %zu",
                    when, old->full_waiting, full);
    if (blocks != old->block_count)
        grove_fatal("verify (%s): old space counts %zu blocks, its lists hold %zu", when,
                    old->block_count, blocks);
}

static void free_list_of_blocks(const grove_old_space *old, grove_block *b)
{
    while (b) {
        grove_block *next = b->next;
        GROVE_ASAN_UNPOISON(b, GROVE_BLOCK_SIZE);
        grove_arena_free(old->arena, b);
        b = next;
    }
}

void grove_old_space_free(grove_old_space *old)
{
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        grove_size_class *sc = &old->classes[c];
        grove_block *lists[LISTS];
        lists_of(sc, lists);
        for (unsigned l = 0; l < LISTS; l++)
            free_list_of_blocks(old, lists[l]);
        *sc = (grove_size_class){.cell_size = sc->cell_size};
    }
    old->block_count = 0;
    old->object_bytes = old->marked_bytes = 0;
    old->full_waiting = old->waiting = 0;
}
