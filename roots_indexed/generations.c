/* generations.c — the ranges the indexed backend's generations come from
 * (generations.h). */
#include "generations.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "errors.h"

#define RANGE_BITS 32
#define RANGE_MASK (((uint64_t)1 << RANGE_BITS) - 1)
/* Ranges below this are the heaps' own, numbered by heap id (range 0, which
 * holds GROVE__NO_GEN, belongs to none); shared ranges start here. */
#define FIRST_SHARED_RANGE ((uint64_t)1 << 31)
/* The last range would end at 2^64, which does not fit a generation. */
#define RANGE_LIMIT (((uint64_t)1 << (64 - RANGE_BITS)) - 1)

static _Atomic uint64_t next_shared_range = FIRST_SHARED_RANGE;

bool grove_gens_take_range(struct grove__root_table *t)
{
    if (t->gen_range_count == t->gen_range_cap) {
        uint32_t n = t->gen_range_cap ? t->gen_range_cap * 2 : 4;
        uint64_t *grown = realloc(t->gen_ranges, (size_t)n * sizeof *grown);
        if (!grown)
            return false;
        t->gen_ranges = grown;
        t->gen_range_cap = n;
    }
    uint64_t range;
    if (t->gen_range_count == 0 && t->heap_id < FIRST_SHARED_RANGE) {
        range = t->heap_id;
    } else {
        range = atomic_fetch_add(&next_shared_range, 1);
        if (range >= RANGE_LIMIT) /* 2^31 ranges of 2^32: centuries of scopes */
            grove_fatal("the process used up its root generations");
    }
    t->gen_ranges[t->gen_range_count++] = range;
    t->next_gen = range << RANGE_BITS;
    return true;
}

uint64_t grove_gens_range_end(const struct grove__root_table *t)
{
    return (t->gen_ranges[t->gen_range_count - 1] + 1) << RANGE_BITS;
}

/* Where gen's range is in t's list, or -1. */
static long range_position(const struct grove__root_table *t, uint64_t gen)
{
    for (uint32_t i = 0; i < t->gen_range_count; i++)
        if (t->gen_ranges[i] == gen >> RANGE_BITS)
            return (long)i;
    return -1;
}

bool grove_gens_in_own_range(const struct grove__root_table *t, uint64_t gen)
{
    return range_position(t, gen) >= 0;
}

bool grove_gens_issued_elsewhere(uint64_t gen, uint32_t *heap_id)
{
    const uint64_t range = gen >> RANGE_BITS;
    *heap_id = range < FIRST_SHARED_RANGE ? (uint32_t)range : 0;
    if (range == 0)
        return false;
    return range < FIRST_SHARED_RANGE || range < atomic_load(&next_shared_range);
}

unsigned long long grove_gens_number(const struct grove__root_table *t, uint64_t gen)
{
    const long position = range_position(t, gen);
    if (position < 0)
        return gen;
    return ((unsigned long long)position << RANGE_BITS) + (gen & RANGE_MASK) + 1;
}

void grove_gens_destroy(struct grove__root_table *t)
{
    free(t->gen_ranges);
    t->gen_ranges = NULL;
    t->gen_range_count = t->gen_range_cap = 0;
}
