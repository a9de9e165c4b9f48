/* generations.h — where the indexed backend's generations come from.
 *
 * A generation is 64 bits: a range number (high 32 bits) and a count within
 * the range. A heap draws ranges that no other heap of the process draws:
 * first the range numbered by its own id, then shared ranges from a
 * process-wide counter, each taken when the previous one is used up. So a
 * generation is unique in the process, and a handle's generation alone tells
 * a live handle of this heap from a stale one and from another heap's: the
 * fast paths compare nothing else. The ranges a heap drew are kept only to
 * name the misuse in slow paths. */
#ifndef GROVE_INDEXED_GENERATIONS_H
#define GROVE_INDEXED_GENERATIONS_H

#include <grove/roots_indexed.h>

/* Give t its next range and point next_gen at its start. Returns false if
 * the list of ranges cannot grow (out of memory). */
bool grove_gens_take_range(struct grove__root_table *t);

/* One past the last generation of the range t draws from now. */
uint64_t grove_gens_range_end(const struct grove__root_table *t);

/* Whether `gen` is in one of the ranges t drew (issued already if below
 * t->next_gen, else not yet). */
bool grove_gens_in_own_range(const struct grove__root_table *t, uint64_t gen);

/* Who issued a generation t did not: writes the heap's id to *heap_id, or 0
 * if the heap is not known by id (a shared range). Returns false if no heap
 * of the process can have issued it (forged). */
bool grove_gens_issued_elsewhere(uint64_t gen, uint32_t *heap_id);

/* The number of a generation t issued as messages show it: 1 for the heap's
 * first, 2 for the next, and so on. */
unsigned long long grove_gens_number(const struct grove__root_table *t, uint64_t gen);

void grove_gens_destroy(struct grove__root_table *t);

#endif
