// test_weak.cpp — the C++ wrapper's weak boxes, ephemerons, guardians and
// cleanup hooks (grove/grove.hpp over grove/weak.h), backend-neutral: built
// and run once per rooting backend.
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"

using grove::Guardian;
using grove::Local;
using grove::Rooted;
using grove::Scope;

static_assert(!std::is_copy_constructible<Guardian>::value, "a guardian has one owner");
static_assert(!std::is_copy_assignable<Guardian>::value, "a guardian has one owner");
static_assert(std::is_nothrow_move_constructible<Guardian>::value, "");
static_assert(std::is_nothrow_move_assignable<Guardian>::value, "");
static_assert(!std::is_convertible<grove_heap *, Guardian>::value, "creating one is explicit");

// A fixture with a weak box type and an ephemeron type.
struct WeakFixture : Fixture {
    grove_type_id box = layout("weak box", GROVE_LAYOUT_WEAK_BOX);
    grove_type_id ephemeron = layout("ephemeron", GROVE_LAYOUT_EPHEMERON);

    grove_type_id layout(const char *name, grove_layout l)
    {
        grove_type_desc d{};
        d.name = name;
        d.layout = l;
        return heap.register_type(d);
    }
};

static void push_three(void *token)
{
    static_cast<std::vector<int> *>(token)->push_back(3);
}

GROVE_TEST(weak_box_follows_then_clears)
{
    WeakFixture f;
    Rooted<void **> box(f.heap);
    {
        Scope s(f.heap);
        Local<Pair *> target(f.heap, f.cons(fix(1), fix(2)));
        box = f.heap.alloc_weak_box(f.box, target.get());
        CHECK(box.get() != nullptr);
        CHECK(grove::weak_target<Pair *>(box.get()) == target.get());
        CHECK_EQ(f.heap.collect_minor(), GROVE_OK); // promotes (moves) the target
        CHECK(grove::weak_target<Pair *>(box.get()) == target.get());
        CHECK_EQ(unfix(grove::weak_target<Pair *>(box.get())->car), 1L);
    }
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK); // an old target: only a major GC clears it
    CHECK(grove::weak_target(box.get()) != nullptr);
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(grove::weak_target(box.get()) == nullptr);

    {
        Scope s(f.heap);
        Local<Pair *> young(f.heap, f.cons(fix(3), nullptr));
        grove::set_weak_target(f.heap, box.get(), young.get()); // an old box, a young target
    }
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK); // dies young
    CHECK(grove::weak_target(box.get()) == nullptr);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(weak_box_old_box_young_target_moves)
{
    WeakFixture f;
    Rooted<void **> box(f.heap, f.heap.alloc_weak_box(f.box, nullptr));
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK); // the box is old now
    Rooted<Pair *> target(f.heap, f.cons(fix(9), nullptr));
    grove::set_weak_target(f.heap, box.get(), target.get()); // needs the barrier
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
    CHECK(grove::weak_target<Pair *>(box.get()) == target.get());
    CHECK_EQ(unfix(target->car), 9L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(weak_box_immediate_and_strong_words)
{
    WeakFixture f;
    Rooted<void **> box(f.heap, f.heap.alloc_weak_box(f.box, fix(7), 2));
    CHECK(box.get() != nullptr);
    CHECK(box.get()[1] == nullptr);
    Pair *held = f.cons(fix(8), nullptr); // reachable only through word 1
    grove_write(f.heap, box.get(), &box.get()[1], held);
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(grove::weak_target(box.get()) == fix(7)); // immediates are left alone
    CHECK_EQ(unfix(static_cast<Pair *>(box.get()[1])->car), 8L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(ephemeron_value_lives_with_key)
{
    WeakFixture f;
    Rooted<void **> e(f.heap);
    {
        Scope s(f.heap);
        Local<Pair *> key(f.heap, f.cons(fix(1), nullptr));
        Local<Pair *> value(f.heap, f.cons(key.get(), fix(2))); // points back at its key
        e = f.heap.alloc_ephemeron(f.ephemeron, key.get(), value.get());
        CHECK(e.get() != nullptr);
        value = nullptr; // held by the ephemeron alone from here
        CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
        CHECK_EQ(f.heap.collect_major(), GROVE_OK);
        CHECK(grove::ephemeron_key<Pair *>(e.get()) == key.get());
        Pair *v = grove::ephemeron_value<Pair *>(e.get());
        CHECK(v != nullptr);
        CHECK(v->car == key.get());
        CHECK_EQ(unfix(v->cdr), 2L);
    }
    // The key is reachable only from its own value: dead.
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(grove::ephemeron_key(e.get()) == nullptr);
    CHECK(grove::ephemeron_value(e.get()) == nullptr);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(ephemeron_set_on_old_and_immediate_key)
{
    WeakFixture f;
    Rooted<void **> e(f.heap, f.heap.alloc_ephemeron(f.ephemeron, nullptr, nullptr, 3));
    CHECK(e.get() != nullptr);
    CHECK(e.get()[2] == nullptr);
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK); // the ephemeron is old now
    Rooted<Pair *> key(f.heap, f.cons(fix(4), nullptr));
    Pair *value = f.cons(fix(5), nullptr); // before e.get(): it may collect
    grove::set_ephemeron(f.heap, e.get(), key.get(), value);
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK); // young key and value in an old ephemeron
    CHECK(grove::ephemeron_key<Pair *>(e.get()) == key.get());
    CHECK_EQ(unfix(grove::ephemeron_value<Pair *>(e.get())->car), 5L);

    value = f.cons(fix(7), nullptr);
    grove::set_ephemeron(f.heap, e.get(), fix(6), value); // an immediate key
    key.reset();
    CHECK_EQ(f.heap.collect_major(), GROVE_OK); // an immediate key is always live
    CHECK(grove::ephemeron_key(e.get()) == fix(6));
    CHECK_EQ(unfix(grove::ephemeron_value<Pair *>(e.get())->car), 7L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(guardian_queues_each_registration)
{
    WeakFixture f;
    Guardian g(f.heap);
    CHECK(!g.empty());
    CHECK(g.heap() == f.heap.get());
    CHECK(g.get() != nullptr);
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(5), fix(6)));
        g.register_object(p.get());
        g.register_object(p.get());
        CHECK_EQ(g.registered(), std::size_t{2});
        CHECK_EQ(f.heap.collect_major(), GROVE_OK); // still rooted: nothing queued
        CHECK_EQ(g.queued(), std::size_t{0});
    }
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK_EQ(g.queued(), std::size_t{2});
    CHECK_EQ(g.registered(), std::size_t{0});
    CHECK_EQ(f.heap.collect_major(), GROVE_OK); // queued objects stay alive
    Rooted<Pair *> first = g.take_rooted<Pair *>();
    CHECK(!first.empty());
    CHECK_EQ(unfix(first->car), 5L);
    CHECK(g.take<Pair *>() == first.get()); // the same object, queued twice
    CHECK(g.take() == nullptr);
    CHECK(g.take_rooted<Pair *>().empty());
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
    CHECK_EQ(f.heap.collect_major(), GROVE_OK); // resurrected: kept by its root
    CHECK_EQ(unfix(first->cdr), 6L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(guardian_queue_after_weak_box_cleared)
{
    WeakFixture f;
    Guardian g(f.heap);
    Rooted<void **> box(f.heap);
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(11), nullptr));
        box = f.heap.alloc_weak_box(f.box, p.get());
        g.register_object(p.get());
    }
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK_EQ(g.queued(), std::size_t{1});
    CHECK(grove::weak_target(box.get()) == nullptr); // judged before the guardian kept it
    CHECK_EQ(unfix(g.take<Pair *>()->car), 11L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(guardian_move_reset_and_refusals)
{
    WeakFixture f;
    Rooted<Pair *> p(f.heap, f.cons(fix(1), nullptr));
    Guardian a(f.heap);
    a.register_object(p.get());
    Guardian b(std::move(a));
    CHECK(a.empty());
    CHECK(a.get() == nullptr);
    CHECK_EQ(a.registered(), std::size_t{0});
    CHECK_EQ(a.queued(), std::size_t{0});
    CHECK(a.take() == nullptr);
    CHECK_EQ(b.registered(), std::size_t{1});
    try {
        a.register_object(p.get());
        FAIL_TEST("an empty guardian took a registration");
    } catch (const grove::Error &e) {
        CHECK_EQ(e.code(), GROVE_E_BAD_HANDLE);
    }
    try {
        b.register_object(fix(3));
        FAIL_TEST("an immediate was registered");
    } catch (const grove::Error &e) {
        CHECK_EQ(e.code(), GROVE_E_NOT_OBJECT);
    }
    CHECK_EQ(b.registered(), std::size_t{1});

    Guardian c(f.heap);
    c = std::move(b); // frees c's own guardian
    CHECK(b.empty());
    CHECK_EQ(c.registered(), std::size_t{1});

    // Once freed, the guardian keeps nothing: the object dies for good.
    bool ran = false;
    CHECK_EQ(f.heap.add_cleanup(p.get(), [&ran] { ran = true; }), GROVE_OK);
    c.reset();
    CHECK(c.empty());
    p.reset();
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(ran);
    CHECK_EQ(f.misuse, 0); // refusing an immediate is an error, not misuse
}

GROVE_TEST(cleanup_hooks_run_in_order_once)
{
    WeakFixture f;
    std::vector<int> order;
    auto life = std::make_shared<int>(0); // counts the hooks' copies of it
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(1), nullptr));
        CHECK_EQ(f.heap.add_cleanup(p.get(), [&order, life] { order.push_back(1); }), GROVE_OK);
        CHECK_EQ(f.heap.add_cleanup(p.get(), [&order] { order.push_back(2); }), GROVE_OK);
        CHECK_EQ(f.heap.add_cleanup(p.get(), push_three, &order), GROVE_OK);
        CHECK_EQ(life.use_count(), 2L);
        CHECK_EQ(f.heap.collect_major(), GROVE_OK);
        CHECK(order.empty()); // alive
    }
    CHECK_EQ(f.heap.collect_major(), GROVE_OK); // dead: the hooks ran before it returned
    CHECK((order == std::vector<int>{1, 2, 3}));
    CHECK_EQ(life.use_count(), 1L); // the callable was destroyed after it ran
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK_EQ(order.size(), std::size_t{3});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(cleanup_waits_for_guardian)
{
    WeakFixture f;
    Guardian g(f.heap);
    bool ran = false;
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(1), nullptr));
        g.register_object(p.get());
        CHECK_EQ(f.heap.add_cleanup(p.get(), [&ran] { ran = true; }), GROVE_OK);
    }
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK_EQ(g.queued(), std::size_t{1});
    CHECK(!ran); // kept alive by the guardian
    CHECK(g.take() != nullptr); // taken and dropped: an ordinary dead object
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(ran);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(cleanup_pending_runs_at_heap_destruction)
{
    std::vector<int> ran;
    auto life = std::make_shared<int>(0);
    {
        WeakFixture f;
        Rooted<Pair *> p(f.heap, f.cons(fix(1), nullptr));
        CHECK_EQ(f.heap.add_cleanup(p.get(), [&ran, life] { ran.push_back(1); }), GROVE_OK);
        CHECK_EQ(f.heap.collect_major(), GROVE_OK);
        CHECK(ran.empty());
        CHECK_EQ(f.misuse, 0);
    } // p, then the heap: its pending hook runs
    CHECK((ran == std::vector<int>{1}));
    CHECK_EQ(life.use_count(), 1L);
}

GROVE_TEST(cleanup_refused_for_immediate)
{
    WeakFixture f;
    auto life = std::make_shared<int>(0);
    bool ran = false;
    CHECK_EQ(f.heap.add_cleanup(fix(1), [&ran, life] { ran = true; }), GROVE_E_NOT_OBJECT);
    CHECK_EQ(life.use_count(), 1L); // the refused hook's copy is gone
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(!ran);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(cleanup_hook_may_not_allocate)
{
    WeakFixture f;
    bool refused = false;
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(1), nullptr));
        CHECK_EQ(f.heap.add_cleanup(p.get(),
                                    [&f, &refused] {
                                        refused = f.heap.alloc<Pair>(f.pair) == nullptr &&
                                                  grove_last_error(f.heap) == GROVE_E_IN_GC;
                                    }),
                 GROVE_OK);
    }
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK(refused);
    CHECK_EQ(f.misuse, 1); // reported to the handler
    CHECK_EQ(f.last, GROVE_E_IN_GC);
    CHECK(f.heap.alloc<Pair>(f.pair) != nullptr); // allowed again after the hooks
}

GROVE_TEST_MAIN("cpp_weak")
