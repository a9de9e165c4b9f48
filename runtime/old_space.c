/* old_space.c — size-segregated blocks for promoted objects. */
#include "old_space.h"

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
    b->top = (uintptr_t)b + GROVE_BLOCK_HEADER;
    b->end = b->top + (GROVE_BLOCK_SIZE - GROVE_BLOCK_HEADER) / cell * cell;
    b->next = sc->blocks;
    sc->blocks = b;
    sc->bump_block = b;
    old->block_count++;
    return b;
}

void *grove_old_alloc_slow(grove_old_space *old, unsigned size_class)
{
    grove_block *b = new_block(old, size_class);
    void *cell = (void *)b->top;
    b->top += b->cell_size;
    return cell;
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
        size_t avail = sc->free_cells;
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

/* Sweep one block: thread its free cells onto *free_list (the first one
 * threaded, the list's tail, goes to *tail). Returns the live cell count;
 * freed object bytes are added to *freed, free cells to *free_cells. */
static size_t sweep_block(const grove_old_space *old, grove_block *b, void **free_list,
                          void **tail, uint64_t *freed, size_t *free_cells)
{
    bool poison = old->poison;
    size_t live = 0;
    for (uintptr_t p = (uintptr_t)b + GROVE_BLOCK_HEADER; p < b->top; p += b->cell_size) {
        uint64_t *hdr = (uint64_t *)p;
        GROVE_ASAN_UNPOISON(hdr, 16);
        if (*hdr & GROVE__HDR_MARK) {
            *hdr &= ~GROVE__HDR_MARK;
            live++;
            continue;
        }
        if (*hdr) {
            *freed += grove_hdr_words(*hdr) * 8;
            if (poison)
                grove_poison(hdr + 2, b->cell_size - 16);
            *hdr = 0;
        }
        hdr[1] = (uint64_t)(uintptr_t)*free_list;
        if (!*free_list)
            *tail = hdr;
        *free_list = hdr;
        (*free_cells)++;
        GROVE_ASAN_POISON(hdr, b->cell_size);
    }
    return live;
}

uint64_t grove_old_sweep(grove_old_space *old)
{
    uint64_t freed = 0;
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        grove_size_class *sc = &old->classes[c];
        sc->free_list = NULL;
        sc->free_cells = 0;
        grove_block **link = &sc->blocks;
        while (*link) {
            grove_block *b = *link;
            void *block_free = NULL, *tail = NULL;
            size_t block_free_cells = 0;
            if (sweep_block(old, b, &block_free, &tail, &freed, &block_free_cells) == 0) {
                /* Empty: give the whole block back; its cells leave with it. */
                *link = b->next;
                if (sc->bump_block == b)
                    sc->bump_block = NULL;
                GROVE_ASAN_UNPOISON(b, GROVE_BLOCK_SIZE);
                grove_arena_free(old->arena, b);
                old->block_count--;
                continue;
            }
            if (block_free) {
                /* Splice this block's free cells in front of the class list. */
                void **last = tail;
                GROVE_ASAN_UNPOISON(last, 16);
                last[1] = sc->free_list;
                GROVE_ASAN_POISON(last, 16);
                sc->free_list = block_free;
                sc->free_cells += block_free_cells;
            }
            link = &b->next;
        }
    }
    return freed;
}

size_t grove_old_space_bytes(const grove_old_space *old)
{
    return old->block_count * GROVE_BLOCK_SIZE;
}

void grove_old_for_each(grove_old_space *old, void (*fn)(void *object, void *data), void *data)
{
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++)
        for (grove_block *b = old->classes[c].blocks; b; b = b->next)
            for (uintptr_t p = (uintptr_t)b + GROVE_BLOCK_HEADER; p < b->top; p += b->cell_size) {
                uint64_t *hdr = (uint64_t *)p;
                GROVE_ASAN_UNPOISON(hdr, 8);
                if (*hdr)
                    fn(hdr + 1, data);
                else
                    GROVE_ASAN_POISON(hdr, 8);
            }
}

void grove_old_blocks_sorted(const grove_old_space *old, grove_vec *out)
{
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++)
        for (grove_block *b = old->classes[c].blocks; b; b = b->next)
            grove_vec_push(out, b);
    grove_vec_sort(out);
}

bool grove_old_contains_object(const grove_vec *sorted_blocks, const void *p)
{
    uintptr_t cell = (uintptr_t)p - 8;
    void *want = (void *)(cell & ~(uintptr_t)(GROVE_BLOCK_SIZE - 1));
    const grove_block *b = grove_vec_find_sorted(sorted_blocks, want);
    if (!b)
        return false;
    return cell >= (uintptr_t)b + GROVE_BLOCK_HEADER && cell < b->top &&
           (cell - (uintptr_t)b - GROVE_BLOCK_HEADER) % b->cell_size == 0 &&
           (*(const uint64_t *)cell & GROVE__HDR_LIVE);
}

void grove_old_space_free(grove_old_space *old)
{
    for (unsigned c = 0; c < GROVE_SIZE_CLASSES; c++) {
        grove_size_class *sc = &old->classes[c];
        while (sc->blocks) {
            grove_block *b = sc->blocks;
            sc->blocks = b->next;
            GROVE_ASAN_UNPOISON(b, GROVE_BLOCK_SIZE);
            grove_arena_free(old->arena, b);
        }
        sc->bump_block = NULL;
        sc->free_list = NULL;
        sc->free_cells = 0;
    }
    old->block_count = 0;
}
