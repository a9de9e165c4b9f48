/* remembered_set.c — the log of old objects, and the marked cards, that
 * may hold young pointers. */
#include "remembered_set.h"

#include <string.h>

#include "errors.h"

/* Is `slot` one of the payload slots of `object` (header `hdr`)? */
static bool own_slot(const void *object, uint64_t hdr, void *const *slot)
{
    size_t i = (size_t)((uintptr_t)slot - (uintptr_t)object) / sizeof *slot;
    return i < grove_hdr_payload_words(hdr);
}

/* The bit of the card holding `p` in large object `object`. */
static size_t large_card_index(const void *object, const void *p)
{
    return (size_t)(grove_card_of(p) - grove_card_of(object));
}

/* Carded objects of old space mark bytes in their block; large ones bits
 * after their payload. */
static bool in_block_carded(uint64_t hdr)
{
    return (hdr & GROVE__HDR_CARDED) && grove_old_holds(hdr);
}

static bool large_carded(uint64_t hdr)
{
    return (hdr & GROVE__HDR_CARDED) && !grove_old_holds(hdr);
}

void grove_remembered_add_slot(grove_remembered_set *rs, void *object, void **slot)
{
    uint64_t hdr = *grove__header(object);
    if (!own_slot(object, hdr, slot)) {
        grove_remembered_add(rs, object); /* misuse, remembered safely */
        return;
    }
    if (in_block_carded(hdr)) {
        grove_block *b = grove_block_of(object);
        b->cards[grove_block_card_index(slot)] = 1;
        if (!b->dirty) {
            b->dirty = 1;
            grove_vec_push(&rs->blocks, b);
        }
        return;
    }
    if (!large_carded(hdr)) {
        grove_remembered_add(rs, object);
        return;
    }
    if (!grove_card_set(grove_large_cards(object), large_card_index(object, slot)))
        return;
    grove_vec_push(&rs->cards, object);
    grove_vec_push(&rs->cards, (void *)(grove_card_of(slot) << GROVE_CARD_SHIFT));
}

void grove_remembered_add_pending(grove_remembered_set *rs, const struct grove__heap_fast *fast)
{
    grove_vec *p = &rs->pending;
    for (size_t i = 0; i < p->len; i += 2) {
        void *object = p->items[i], **slot = p->items[i + 1];
        if (grove__is_young(fast, *slot) && !(*grove__header(object) & GROVE__HDR_LOGGED))
            grove_remembered_add_slot(rs, object, slot);
    }
    p->len = 0;
}

bool grove_remembered_card_marked(const void *object, void *const *slot)
{
    uint64_t hdr = *grove__header(object);
    if (!own_slot(object, hdr, slot))
        return false;
    if (in_block_carded(hdr))
        return grove_block_of(object)->cards[grove_block_card_index(slot)] != 0;
    return large_carded(hdr) &&
           grove_card_is_set(grove_large_cards(object), large_card_index(object, slot));
}

static size_t bytes_set(const uint8_t *bytes, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += bytes[i] != 0;
    return count;
}

size_t grove_remembered_card_count(const grove_remembered_set *rs)
{
    size_t count = rs->cards.len / 2;
    for (size_t k = 0; k < rs->blocks.len; k++) {
        const grove_block *b = rs->blocks.items[k];
        count += bytes_set(b->cards, sizeof b->cards);
    }
    return count;
}

void grove_remembered_clear_cards(grove_remembered_set *rs)
{
    for (size_t k = 0; k < rs->blocks.len; k++) {
        grove_block *b = rs->blocks.items[k];
        memset(b->cards, 0, sizeof b->cards);
        b->dirty = 0;
    }
    rs->blocks.len = 0;
    const grove_vec *cards = &rs->cards;
    for (size_t k = 0; k < cards->len; k += 2)
        grove_card_clear(grove_large_cards(cards->items[k]),
                         large_card_index(cards->items[k], cards->items[k + 1]));
    rs->cards.len = 0;
}

void grove_remembered_keep_marked(grove_remembered_set *rs)
{
    grove_vec *log = &rs->objects;
    size_t kept = 0;
    for (size_t i = 0; i < log->len; i++)
        if (*grove__header(log->items[i]) & GROVE__HDR_MARK)
            log->items[kept++] = log->items[i];
    log->len = kept;

    /* The sweep releases blocks with nothing marked; a kept block's cards
     * may cover dead objects only: their scan skips them. */
    grove_vec *blocks = &rs->blocks;
    kept = 0;
    for (size_t k = 0; k < blocks->len; k++)
        if (((grove_block *)blocks->items[k])->marked > 0)
            blocks->items[kept++] = blocks->items[k];
    blocks->len = kept;

    grove_vec *cards = &rs->cards;
    kept = 0;
    for (size_t k = 0; k < cards->len; k += 2)
        if (*grove__header(cards->items[k]) & GROVE__HDR_MARK) {
            cards->items[kept++] = cards->items[k];
            cards->items[kept++] = cards->items[k + 1];
        }
    cards->len = kept;
}

/* ---- verify ---------------------------------------------------------------- */

typedef struct card_census {
    const grove_type_info *types;
    const char *when;
    size_t large_bits;
} card_census;

/* GROVE__HDR_CARDED is on an old or large object iff it is carded. */
static void check_carded_flag(void *object, void *data)
{
    const card_census *c = data;
    uint64_t hdr = *grove__header(object);
    if (((hdr & GROVE__HDR_CARDED) != 0) != grove_carded(c->types, hdr))
        grove_fatal("verify (%s): object %p of %zu bytes has the carded flag %s", c->when,
                    object, grove_hdr_payload_words(hdr) * 8,
                    (hdr & GROVE__HDR_CARDED) ? "set, but is not a carded array"
                                              : "clear, but is a carded array");
}

static void count_large_bits(void *object, void *data)
{
    card_census *c = data;
    check_carded_flag(object, data);
    uint64_t hdr = *grove__header(object);
    const uint64_t *bits = grove_large_cards(object);
    for (size_t w = 0; w < grove_card_bitmap_words(grove_hdr_payload_words(hdr) * 8); w++)
        c->large_bits += (size_t)__builtin_popcountll(bits[w]);
}

/* No item of `v` (every `stride`-th from `first`) is listed twice. */
static void check_listed_once(const grove_vec *v, size_t first, size_t stride, const char *what,
                              const char *when)
{
    grove_vec sorted = {0};
    for (size_t k = first; k < v->len; k += stride)
        grove_vec_push(&sorted, v->items[k]);
    grove_vec_sort(&sorted);
    for (size_t i = 1; i < sorted.len; i++)
        if (sorted.items[i] == sorted.items[i - 1])
            grove_fatal("verify (%s): %s %p is listed twice in the remembered set", when, what,
                        sorted.items[i]);
    grove_vec_free(&sorted);
}

void grove_remembered_verify_cards(const grove_remembered_set *rs, grove_old_space *old,
                                   grove_large_space *large, const grove_type_info *types,
                                   const char *when)
{
    card_census c = {.types = types, .when = when};
    grove_old_for_each(old, check_carded_flag, &c);

    check_listed_once(&rs->blocks, 0, 1, "block", when);
    for (size_t k = 0; k < rs->blocks.len; k++)
        if (!((const grove_block *)rs->blocks.items[k])->dirty)
            grove_fatal("verify (%s): block %p is listed but not dirty", when,
                        rs->blocks.items[k]);
    grove_vec blocks = {0};
    grove_old_blocks_sorted(old, &blocks);
    size_t dirty = 0;
    for (size_t i = 0; i < blocks.len; i++) {
        const grove_block *b = blocks.items[i];
        dirty += b->dirty;
        if (!b->dirty && bytes_set(b->cards, sizeof b->cards))
            grove_fatal("verify (%s): block %p has marked cards but is not listed", when,
                        (const void *)b);
    }
    grove_vec_free(&blocks);
    if (dirty != rs->blocks.len)
        grove_fatal("verify (%s): %zu blocks are dirty, %zu listed in the remembered set", when,
                    dirty, rs->blocks.len);

    check_listed_once(&rs->cards, 1, 2, "card", when);
    for (size_t k = 0; k < rs->cards.len; k += 2)
        if (!grove_card_is_set(grove_large_cards(rs->cards.items[k]),
                               large_card_index(rs->cards.items[k], rs->cards.items[k + 1])))
            grove_fatal("verify (%s): card %p of large object %p is listed but not marked", when,
                        rs->cards.items[k + 1], rs->cards.items[k]);
    /* Each listed card marked and listed once: as many marks as listings
     * means none is marked without being listed. */
    grove_large_for_each(large, count_large_bits, &c);
    if (c.large_bits != rs->cards.len / 2)
        grove_fatal("verify (%s): %zu cards of large objects are marked, %zu listed", when,
                    c.large_bits, rs->cards.len / 2);
}

void grove_remembered_free(grove_remembered_set *rs)
{
    grove_vec_free(&rs->objects);
    grove_vec_free(&rs->blocks);
    grove_vec_free(&rs->cards);
    grove_vec_free(&rs->pending);
}
