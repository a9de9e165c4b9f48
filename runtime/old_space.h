/* old_space.h — objects promoted out of the nursery: size-segregated blocks,
 * never moved, reclaimed by mark-sweep with a lazy sweep.
 *
 * Each block is GROVE_BLOCK_SIZE bytes, aligned to its size, holding cells
 * of one size class. A cell is an object (header word first) or free
 * (header word 0, next free cell in the following word). Cells of a fresh
 * block are handed out by bumping `top`; cells beyond `top` were never used
 * and the sweeper does not look at them.
 *
 * Lazy sweeping: the major GC's mark counts the cells it marks per block.
 * At the end of the mark, blocks with no marked cell are released at once
 * (so the heap shrinks with the live data, as an eager sweep would), the
 * class's bump block is swept, and every other block waits: on its class's
 * `unswept` list if it has dead cells, on `unswept_full` if not. Promotion
 * sweeps the next `unswept` block when its class runs out of free cells,
 * just before it writes into it (the cells are then in cache); allocation
 * refills clear the marks of `unswept_full` blocks one at a time, outside
 * any pause; the next major GC sweeps what is still waiting before it
 * marks. Invariants, checked by verify:
 * - a block is on a waiting list iff its `unswept` flag is set; such a block
 *   holds no object allocated since the major GC that marked it, and its
 *   objects are live iff marked (the unmarked ones are dead, not yet freed);
 * - `unswept_free_cells` is what sweeping the class's waiting blocks would
 *   free (so the heap limit is checked exactly without sweeping);
 * - outside a major GC's mark (which, incremental, spans the slices of a
 *   cycle: `marking`), no object of a swept block is marked. */
#ifndef GROVE_OLD_SPACE_H
#define GROVE_OLD_SPACE_H

#include <grove/grove.h>

#include <stddef.h>

#include "arena.h"
#include "cards.h"
#include "object.h"
#include "poison.h"
#include "vec.h"

/* 256 KiB: with 64 KiB blocks binary-trees ran about 30% slower (more
 * blocks to open, sweep and hand back). The price is coarse growth under
 * small heap limits: each size class in use may hold one partly used block. */
#define GROVE_BLOCK_SIZE ((size_t)256 * 1024)
#define GROVE_BLOCK_HEADER ((size_t)GROVE__BLOCK_CARDS + GROVE_BLOCK_SIZE / GROVE_CARD_BYTES)
#define GROVE_MAX_CELL ((size_t)4096)
#define GROVE_SIZE_CLASSES 31

typedef struct grove_block {
    struct grove_block *next; /* blocks of the same class, on one of its two lists */
    uint32_t cell_size;
    uint32_t marked; /* cells the running or last major GC marked; 0 once swept */
    uintptr_t top;   /* first never-used cell */
    uintptr_t end;   /* past the last whole cell */
    bool unswept;    /* marked by the last major GC, not swept since */
    uint8_t dirty;   /* listed in the remembered set: some card byte may be set */
    /* Card i covers the block's bytes [i << GROVE_CARD_SHIFT, (i + 1) <<
     * GROVE_CARD_SHIFT); grove_write sets it (cards.h). */
    _Alignas(GROVE__BLOCK_CARDS) uint8_t cards[GROVE_BLOCK_SIZE / GROVE_CARD_BYTES];
} grove_block;

_Static_assert(sizeof(grove_block) <= GROVE_BLOCK_HEADER, "the block header fits its reserved space");
_Static_assert(GROVE_BLOCK_SIZE == GROVE__BLOCK_SIZE && GROVE_CARD_SHIFT == GROVE__CARD_SHIFT &&
                   offsetof(grove_block, cards) == GROVE__BLOCK_CARDS &&
                   offsetof(grove_block, dirty) == GROVE__BLOCK_DIRTY,
               "grove_write's inline card marking (grove.h) sees the block header as it is");
_Static_assert(GROVE__BLOCK_OBJECT_MAX_WORDS + 1 == GROVE_MAX_CELL / 8 &&
                   GROVE__BLOCK_OBJECT_MAX_WORDS == GROVE_MAX_SMALL_PAYLOAD / 8 + 1,
               "an object of at most GROVE__BLOCK_OBJECT_MAX_WORDS is in a block (whatever its "
               "hash word), one of two more is large");
_Static_assert(GROVE_BLOCK_HEADER % 16 == 0, "cells after the block header stay 16-byte aligned");
_Static_assert((GROVE_BLOCK_SIZE & (GROVE_BLOCK_SIZE - 1)) == 0,
               "blocks are a power of two, so a cell's block is its address masked");
_Static_assert(GROVE_MAX_SMALL_PAYLOAD + 16 == GROVE_MAX_CELL,
               "every nursery object (payload, header and a hash word added at evacuation) "
               "fits the largest old-space cell");

typedef struct grove_size_class {
    uint32_t cell_size;
    grove_block *blocks;       /* swept or fresh blocks */
    grove_block *unswept;      /* waiting for the lazy sweep, with dead cells */
    grove_block *unswept_full; /* waiting, every cell marked: sweeping only clears marks */
    grove_block *bump_block;   /* newest block, cells still past its top */
    void *free_list;           /* free cells of swept blocks */
    size_t free_cells;         /* length of free_list */
    size_t unswept_free_cells; /* cells sweeping `unswept` would add to free_list */
} grove_size_class;

typedef struct grove_old_space {
    grove_size_class classes[GROVE_SIZE_CLASSES];
    uint8_t class_of[GROVE_MAX_CELL / 8 + 1]; /* by object words */
    size_t block_count;
    uint64_t object_bytes; /* objects in the blocks, the dead not yet found included */
    uint64_t marked_bytes; /* of them, marked by the running major GC */
    size_t full_waiting;   /* blocks on the classes' unswept_full lists */
    size_t waiting;        /* blocks on either waiting list */
    unsigned full_cursor;  /* the class grove_old_sweep_some looks at first */
    const grove_arena *arena;
    bool poison;  /* fill freed cells with the poison pattern */
    bool marking; /* an incremental mark runs: swept blocks hold marks, counted in `marked` */
} grove_old_space;

void grove_old_space_init(grove_old_space *old, const grove_arena *arena, bool poison);
void grove_old_space_free(grove_old_space *old);

void *grove_old_alloc_slow(grove_old_space *old, unsigned size_class);

static inline grove_block *grove_block_of(const void *object)
{
    return (grove_block *)((uintptr_t)object & ~(uintptr_t)(GROVE_BLOCK_SIZE - 1));
}

/* The index of the card holding `p` among its block's cards. */
static inline size_t grove_block_card_index(const void *p)
{
    return (size_t)(grove_card_of(p) - grove_card_of(grove_block_of(p)));
}

/* The first address card i of block b covers. */
static inline uintptr_t grove_block_card_start(const grove_block *b, size_t i)
{
    return (uintptr_t)b + (i << GROVE_CARD_SHIFT);
}

/* Is the cell at `hdr` of block `b` an object that is live, as far as the
 * last major GC knows? In a block waiting for the lazy sweep only the
 * marked ones are; elsewhere every cell not free is. */
static inline bool grove_block_cell_live(const grove_block *b, const uint64_t *hdr)
{
    return b->unswept ? (*hdr & GROVE__HDR_MARK) != 0 : *hdr != 0;
}

/* The first cell of `b` that ends after address `p` (p inside b). */
static inline uintptr_t grove_block_cell_reaching(const grove_block *b, uintptr_t p)
{
    uintptr_t first = (uintptr_t)b + GROVE_BLOCK_HEADER;
    return p <= first ? first : first + (p - first) / b->cell_size * b->cell_size;
}

/* Is this heap object (not young) in old space rather than the large-object
 * space? Decided by its size as allocated: the hash word a copy may carry
 * does not count, so an old object is never taken for a large one. */
static inline bool grove_old_holds(uint64_t hdr)
{
    return grove_hdr_payload_words(hdr) <= GROVE_MAX_SMALL_PAYLOAD / 8;
}

/* The major GC's mark just marked this old-space object (header `hdr`). */
static inline void grove_old_note_marked(grove_old_space *old, const void *object, uint64_t hdr)
{
    grove_block_of(object)->marked++;
    old->marked_bytes += grove_hdr_words(hdr) * 8;
}

static inline unsigned grove_size_class_of(const grove_old_space *old, size_t bytes)
{
    return old->class_of[bytes / 8];
}

/* A cell for an object of `bytes` bytes (header included, <= GROVE_MAX_CELL):
 * from the class's free list, else its bump block, else a new block. Never
 * fails: it is called during minor GC, which must finish. Inline because
 * promotion calls it once per surviving object. */
static inline void *grove_old_alloc(grove_old_space *old, size_t bytes)
{
    old->object_bytes += bytes;
    unsigned c = grove_size_class_of(old, bytes);
    grove_size_class *sc = &old->classes[c];
    void **cell = sc->free_list;
    if (cell) {
        GROVE_ASAN_UNPOISON(cell, sc->cell_size);
        sc->free_list = cell[1];
        sc->free_cells--;
        /* The next cell is read at the next promotion of this class: fetch
         * it while this one is filled. */
        __builtin_prefetch(sc->free_list, 1);
        return cell;
    }
    grove_block *b = sc->bump_block;
    if (b && b->end - b->top >= sc->cell_size) {
        cell = (void **)b->top;
        b->top += sc->cell_size;
        return cell;
    }
    return grove_old_alloc_slow(old, c);
}

/* Bytes of new blocks that promoting cells[c] objects of each class c would
 * take, after the free cells and the bump blocks' tails are used. */
size_t grove_old_growth_needed(const grove_old_space *old, const size_t cells[GROVE_SIZE_CLASSES]);

/* An upper bound of the same for `bytes` of objects of unknown classes. */
size_t grove_old_growth_bound(size_t bytes);

/* Before a major GC marks: sweep every block still waiting, so no old
 * object is marked and every dead one is freed. */
void grove_old_finish_sweep(grove_old_space *old);

/* The same in steps (an incremental cycle's first slices): sweep at most
 * `max_blocks` waiting blocks; returns how many it swept. */
size_t grove_old_sweep_waiting(grove_old_space *old, size_t max_blocks);
/* Is no block waiting for the sweep? */
static inline bool grove_old_sweep_finished(const grove_old_space *old)
{
    return old->waiting == 0;
}

/* Outside a collection: sweep one waiting block whose cells are all live
 * (it only has marks to clear), if there is one, so that the next major
 * GC's finish sweep has less to do. */
void grove_old_sweep_some(grove_old_space *old);

/* After a major GC marked: release the blocks it marked nothing in, sweep
 * the bump blocks, queue the others for the lazy sweep. Returns the object
 * bytes found dead (freed now or when their block is swept). */
uint64_t grove_old_sweep(grove_old_space *old);

/* Bytes of block memory held. */
size_t grove_old_space_bytes(const grove_old_space *old);

/* Call fn on every live object in old space (verify, heap walks): the dead
 * ones of unswept blocks are skipped. */
void grove_old_for_each(grove_old_space *old, void (*fn)(void *object, void *data), void *data);

/* The blocks, sorted by address, for grove_old_contains_object (verify). */
void grove_old_blocks_sorted(const grove_old_space *old, grove_vec *out);
/* Is `p` the payload address of a live object in one of sorted_blocks? */
bool grove_old_contains_object(const grove_vec *sorted_blocks, const void *p);

/* Verify: abort unless every block's flags, lists and counts keep the
 * invariants above. */
void grove_old_verify(const grove_old_space *old, const char *when);

#endif
