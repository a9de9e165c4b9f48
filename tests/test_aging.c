/* test_aging.c — survivor aging (grove_config::survivor_age): survivors stay
 * young for that many minor GCs, one GC older each time, then are
 * promoted; old objects that point at them stay remembered (whole, by
 * card, as weak boxes); hashes, guardians and pins follow; the room for
 * survivors kept young is bounded; both regions are counted.
 *
 * No test allocates between a collection and the checks after it, so
 * zeal's extra collections (at allocations) never age an object the test
 * watches. */
#include "support.h"

#define AGE 3

/* Header bits 60-63 (grove.h). */
static unsigned age_of(const void *object)
{
    return (unsigned)(((const uint64_t *)object)[-1] >> 60);
}

static grove_heap *aging_heap(test_errors *rec, unsigned age)
{
    grove_config c;
    test_default_config(&c);
    c.survivor_age = age;
    return test_heap_config(&c, rec);
}

/* A survivor is copied young AGE times, one GC older each time, and
 * promoted (age 0) at the next; the bytes are counted as kept, then
 * promoted. */
START_TEST(survivor_ages_then_promotes)
{
    test_errors rec;
    grove_heap *h = aging_heap(&rec, AGE);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), FIX(2)));
    ck_assert(test_is_young(h, GROVE_GET(h, p)));
    ck_assert_uint_eq(age_of(GROVE_GET(h, p)), 0);
    grove_stats before = test_stats(h);
    for (unsigned i = 1; i <= AGE; i++) {
        void *was = GROVE_GET(h, p);
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_ptr_ne(GROVE_GET(h, p), was);
        ck_assert(test_is_young(h, GROVE_GET(h, p)));
        ck_assert_uint_eq(age_of(GROVE_GET(h, p)), i);
        ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(1));
    }
    grove_stats kept = test_stats(h);
    ck_assert_uint_ge(kept.bytes_kept_young - before.bytes_kept_young, AGE * 24);
    ck_assert_uint_eq(kept.bytes_promoted, before.bytes_promoted);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(!test_is_young(h, GROVE_GET(h, p)));
    ck_assert_uint_eq(age_of(GROVE_GET(h, p)), 0);
    ck_assert_ptr_eq(GROVE_GET(h, p)->cdr, FIX(2));
    ck_assert_uint_eq(test_stats(h).bytes_promoted - kept.bytes_promoted, 24);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Age 0 is today's behaviour: promoted at the first survival, nothing
 * kept, one nursery region counted. */
START_TEST(age_zero_promotes_at_once)
{
    test_errors rec;
    grove_heap *h = aging_heap(&rec, 0);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(1), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(!test_is_young(h, GROVE_GET(h, p)));
    ck_assert_uint_eq(test_stats(h).bytes_kept_young, 0);
    grove_scope_exit(h, s);
    grove_heap_destroy(h);

    grove_config c;
    test_default_config(&c);
    size_t one = test_stats(h = test_heap_config(&c, &rec)).heap_bytes;
    grove_heap_destroy(h);
    c.survivor_age = 1;
    size_t two = test_stats(h = test_heap_config(&c, &rec)).heap_bytes;
    grove_heap_destroy(h);
    ck_assert_uint_eq(two - one, c.nursery_size); /* the second region is held */
    ASSERT_NOT_REPORTED(&rec);
}
END_TEST

/* An old object's slot pointing at a survivor kept young stays
 * remembered through every minor GC that keeps it young, and is updated
 * each time it moves; once the target is promoted nothing is left. */
START_TEST(old_holder_stays_remembered)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.survivor_age = AGE;
    c.debug |= GROVE_DEBUG_VERIFY; /* checks every old-to-young slot is remembered */
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, holder, test_cons(h, NULL, NULL));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK); /* promotes every survivor */
    ck_assert(!test_is_young(h, GROVE_GET(h, holder)));
    struct pair *target = test_cons(h, FIX(5), FIX(6));
    ck_assert_ptr_nonnull(target);
    grove_write(h, GROVE_GET(h, holder), &GROVE_GET(h, holder)->car, target);
    for (unsigned i = 1; i <= AGE; i++) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        struct pair *now = GROVE_GET(h, holder)->car;
        ck_assert(test_is_young(h, now));
        ck_assert_uint_eq(age_of(now), i);
        ck_assert_ptr_eq(now->car, FIX(5));
        ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(!test_is_young(h, GROVE_GET(h, holder)->car));
    ck_assert_ptr_eq(((struct pair *)GROVE_GET(h, holder)->car)->cdr, FIX(6));
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* An object promoted while what it points to stays young (it is older)
 * is remembered by the minor GC that promotes it: without that, the next
 * minor GC would leave its slot pointing at the evacuated region. */
START_TEST(promoted_parent_of_young_child_is_remembered)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.survivor_age = 1;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, parent, test_cons(h, FIX(1), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(age_of(GROVE_GET(h, parent)), 1);
    struct pair *child = test_cons(h, FIX(2), NULL);
    ck_assert_ptr_nonnull(child);
    grove_write(h, GROVE_GET(h, parent), &GROVE_GET(h, parent)->cdr, child); /* young to young */
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(!test_is_young(h, GROVE_GET(h, parent)));
    ck_assert(test_is_young(h, GROVE_GET(h, parent)->cdr));
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK); /* the child is promoted */
    struct pair *now = GROVE_GET(h, parent)->cdr;
    ck_assert(!test_is_young(h, now));
    ck_assert_ptr_eq(now->car, FIX(2));
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A large (carded) array keeps the card of its slot marked while the
 * target stays young, not the whole array logged. */
START_TEST(carded_array_keeps_its_card)
{
    test_errors rec;
    grove_heap *h = aging_heap(&rec, 2);
    grove_scope s = grove_scope_enter(h);
    const size_t n = 2000;
    GROVE_LOCAL(h, void **, array, grove_alloc_array(h, tt.array, n));
    ck_assert_ptr_nonnull(GROVE_GET(h, array));
    ck_assert(!test_is_young(h, GROVE_GET(h, array))); /* large: born old */
    struct pair *target = test_cons(h, FIX(9), NULL);
    ck_assert_ptr_nonnull(target);
    grove_write(h, GROVE_GET(h, array), &GROVE_GET(h, array)[1500], target);
    ck_assert_uint_eq(test_stats(h).remembered_cards, 1);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert(test_is_young(h, GROVE_GET(h, array)[1500]));
        ck_assert_uint_eq(test_stats(h).remembered_cards, 1);
        ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    }
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    struct pair *now = GROVE_GET(h, array)[1500];
    ck_assert(!test_is_young(h, now));
    ck_assert_ptr_eq(now->car, FIX(9));
    ck_assert_uint_eq(test_stats(h).remembered_cards, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

static grove_type_id box_type(grove_heap *h)
{
    const grove_type_desc box = {.name = "weak-box", .layout = GROVE_LAYOUT_WEAK_BOX};
    grove_type_id t = grove_register_type(h, &box);
    ck_assert_uint_ne(t, GROVE_TYPE_INVALID);
    return t;
}

/* An old weak box follows its target through the moves that keep it young
 * and is cleared when it dies young. */
START_TEST(old_weak_box_follows_young_target)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.survivor_age = AGE;
    c.debug |= GROVE_DEBUG_VERIFY;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_type_id bt = box_type(h);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, void **, box, grove_alloc(h, bt, sizeof(void *)));
    ck_assert_ptr_nonnull(GROVE_GET(h, box));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    GROVE_LOCAL(h, struct pair *, target, test_cons(h, FIX(3), NULL));
    grove_write(h, GROVE_GET(h, box), &GROVE_GET(h, box)[0], GROVE_GET(h, target));
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert(test_is_young(h, GROVE_GET(h, target)));
        ck_assert_ptr_eq(grove_weak_box_get(GROVE_GET(h, box)), GROVE_GET(h, target));
        ck_assert_uint_eq(test_stats(h).remembered_set_size, 1);
    }
    GROVE_SET(h, target, NULL);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_ptr_null(grove_weak_box_get(GROVE_GET(h, box)));
    ck_assert_uint_eq(test_stats(h).remembered_set_size, 0);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* A hash taken young survives every young-to-young move and the
 * promotion; a guardian's registration stays young while its object does
 * and queues it when it dies young. */
START_TEST(hash_and_guardian_follow_aging)
{
    test_errors rec;
    grove_heap *h = aging_heap(&rec, AGE);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, p, test_cons(h, FIX(4), NULL));
    GROVE_LOCAL(h, struct pair *, dies, test_cons(h, FIX(8), NULL));
    uint64_t hash = grove_identity_hash(h, GROVE_GET(h, p));
    grove_guardian *g = grove_guardian_create(h);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(grove_guardian_register(h, g, GROVE_GET(h, dies)), GROVE_OK);
    for (unsigned i = 1; i <= AGE + 1; i++) {
        ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
        ck_assert_uint_eq(grove_identity_hash(h, GROVE_GET(h, p)), hash);
        ck_assert_uint_eq(grove_object_size(GROVE_GET(h, p)), sizeof(struct pair));
        ck_assert_ptr_eq(GROVE_GET(h, p)->car, FIX(4));
        if (i == 2) {
            ck_assert(test_is_young(h, GROVE_GET(h, dies)));
            GROVE_SET(h, dies, NULL);
        }
        ck_assert_uint_eq(grove_guardian_queued(g), i >= 3 ? 1 : 0);
    }
    ck_assert(!test_is_young(h, GROVE_GET(h, p)));
    struct pair *back = grove_guardian_take(h, g);
    ck_assert_ptr_nonnull(back);
    ck_assert_ptr_eq(back->car, FIX(8));
    grove_guardian_free(h, g);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Pinning an object kept young moves it to old space; a major GC promotes
 * every survivor, whatever its age. */
START_TEST(pin_and_major_promote_every_age)
{
    test_errors rec;
    grove_heap *h = aging_heap(&rec, AGE);
    grove_scope s = grove_scope_enter(h);
    GROVE_LOCAL(h, struct pair *, a, test_cons(h, FIX(1), NULL));
    GROVE_LOCAL(h, struct pair *, b, test_cons(h, FIX(2), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(test_is_young(h, GROVE_GET(h, a)));
    struct pair *pinned = grove_pin(h, GROVE_GET(h, a));
    ck_assert_ptr_nonnull(pinned);
    ck_assert(!test_is_young(h, pinned));
    ck_assert_ptr_eq(pinned, GROVE_GET(h, a));
    ck_assert_ptr_eq(pinned->car, FIX(1));
    ck_assert(!test_is_young(h, GROVE_GET(h, b))); /* the pin's minor GC promoted everything */
    GROVE_LOCAL(h, struct pair *, c, test_cons(h, FIX(3), NULL));
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert(test_is_young(h, GROVE_GET(h, c)));
    ck_assert_int_eq(grove_collect_major(h), GROVE_OK);
    ck_assert(!test_is_young(h, GROVE_GET(h, c)));
    ck_assert_uint_eq(age_of(GROVE_GET(h, c)), 0);
    ck_assert_ptr_eq(GROVE_GET(h, c)->car, FIX(3));
    ck_assert_int_eq(grove_unpin(h, pinned), GROVE_OK);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* Survivors kept young take at most half a region: a live list bigger
 * than that is partly promoted, and stays whole and in order. */
START_TEST(room_for_survivors_is_bounded)
{
    test_errors rec;
    grove_config c;
    test_default_config(&c);
    c.survivor_age = AGE;
    grove_heap *h = test_heap_config(&c, &rec);
    grove_scope s = grove_scope_enter(h);
    size_t n = c.nursery_size / 24 * 3 / 4; /* 3/4 of a region of pairs */
    GROVE_LOCAL(h, struct pair *, list, test_list(h, n, 0));
    ck_assert_ptr_nonnull(GROVE_GET(h, list));
    grove_stats before = test_stats(h);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    grove_stats after = test_stats(h);
    ck_assert_uint_le(after.bytes_kept_young - before.bytes_kept_young, c.nursery_size / 2);
    ck_assert_uint_gt(after.bytes_promoted, before.bytes_promoted);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), n, 0), n);
    ck_assert_int_eq(grove_collect_minor(h), GROVE_OK);
    ck_assert_uint_eq(test_list_check(GROVE_GET(h, list), n, 0), n);
    grove_scope_exit(h, s);
    ASSERT_NOT_REPORTED(&rec);
    grove_heap_destroy(h);
}
END_TEST

/* The configuration: an age above 15, or a heap limit that cannot hold
 * both regions, is refused with a message saying why. */
START_TEST(aging_config_checked)
{
    grove_config c;
    test_default_config(&c);
    c.survivor_age = 16;
    grove_error_info info;
    ck_assert_ptr_null(grove_heap_create(&c, &info));
    ck_assert_int_eq(info.code, GROVE_E_BAD_CONFIG);
    ck_assert_str_eq(info.message, "survivor_age 16 is above 15");
    c.survivor_age = 1;
    c.max_heap_size = c.nursery_size * 3 / 2;
    ck_assert_ptr_null(grove_heap_create(&c, &info));
    ck_assert_int_eq(info.code, GROVE_E_BAD_CONFIG);
    ck_assert_ptr_nonnull(strstr(info.message, "smaller than the nursery's 2 x"));
    ck_assert_int_eq(grove_config_parse(&c, "survivor-age=4", &info), GROVE_OK);
    ck_assert_uint_eq(c.survivor_age, 4);
}
END_TEST

static Suite *aging_suite(void)
{
    Suite *s = suite_create("aging");
    TCase *tc = test_tcase(s, "aging");
    tcase_add_test(tc, survivor_ages_then_promotes);
    tcase_add_test(tc, age_zero_promotes_at_once);
    tcase_add_test(tc, old_holder_stays_remembered);
    tcase_add_test(tc, promoted_parent_of_young_child_is_remembered);
    tcase_add_test(tc, carded_array_keeps_its_card);
    tcase_add_test(tc, old_weak_box_follows_young_target);
    tcase_add_test(tc, hash_and_guardian_follow_aging);
    tcase_add_test(tc, pin_and_major_promote_every_age);
    tcase_add_test(tc, room_for_survivors_is_bounded);
    tcase_add_test(tc, aging_config_checked);
    return s;
}

int main(void)
{
    return test_main(aging_suite());
}
