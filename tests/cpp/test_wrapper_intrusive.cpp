// test_wrapper_intrusive.cpp — grove.hpp on the intrusive backend: Local is
// a LIFO stack node, Rooted a persistent node linked in its constructor and
// unlinked in its destructor, in any order.
#include <list>
#include <memory>
#include <type_traits>
#include <vector>

#include "common.hpp"

#if !GROVE_ROOTING_INTRUSIVE
#error "test_wrapper_intrusive.cpp is built against the intrusive backend"
#endif

using grove::Local;
using grove::Rooted;
using grove::Scope;

static_assert(!std::is_copy_constructible<Local<Pair *>>::value, "a stack node has one address");
static_assert(!std::is_move_constructible<Local<Pair *>>::value, "a stack node has one address");
static_assert(sizeof(Local<Pair *>) == sizeof(grove_root_link) + 2 * sizeof(void *),
              "link, slot, heap");

GROVE_TEST(local_links_and_unlinks)
{
    Fixture f;
    CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{0});
    Scope s(f.heap);
    {
        Local<Pair *> a(f.heap, f.cons(fix(1), nullptr));
        CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{1});
        {
            Local<Pair *> b(f.heap, f.cons(fix(2), a.get()));
            Local<void *> c(f.heap);
            CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{3});
            f.heap.collect_minor();
            CHECK(b->cdr == a.get());
        }
        CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{1});
    }
    CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(locals_inside_and_around_scopes)
{
    Fixture f;
    Scope top(f.heap);
    Local<Pair *> outer(f.heap, f.cons(fix(0), nullptr));
    {
        Scope s(f.heap);
        Local<Pair *> a(f.heap, f.cons(fix(1), nullptr));
        for (int i = 0; i < 100; i++) { // a Local in a loop body: linked and unlinked each time
            Local<Pair *> tmp(f.heap, f.cons(fix(i), a.get()));
            a = tmp.get();
        }
        CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{2});
    }
    Scope late(f.heap); // entered after outer: exits first, leaving outer linked
    CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{1});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(rooted_is_a_persistent_node)
{
    Fixture f;
    Rooted<Pair *> r(f.heap, f.cons(fix(1), nullptr));
    CHECK(r.node().heap == f.heap.get());
    CHECK(r.node().next != nullptr);
    CHECK(r.node().ptr == r.get());
    Rooted<Pair *> e;
    CHECK(e.node().heap == nullptr);
    CHECK(e.node().next == nullptr);
    Rooted<Pair *> m(std::move(r));
    CHECK(r.node().next == nullptr); // the moved-from node is unlinked
    CHECK_EQ(grove_persistent_count(f.heap), std::size_t{1});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(any_destruction_order)
{
    Fixture f;
    const long n = scaled(1000);
    {
        std::list<Rooted<Pair *>> l; // nodes never move; erase from the middle
        std::vector<std::unique_ptr<Rooted<Pair *>>> owned;
        for (long i = 0; i < n; i++) {
            l.emplace_back(f.heap, f.cons(fix(i), nullptr));
            owned.push_back(std::make_unique<Rooted<Pair *>>(f.heap, f.cons(fix(-i), nullptr)));
        }
        CHECK_EQ(grove_persistent_count(f.heap), static_cast<std::size_t>(2 * n));
        for (auto it = l.begin(); it != l.end();) // every other one, in FIFO order
            it = l.erase(it), it = it == l.end() ? it : std::next(it);
        for (std::size_t i = 0; i < owned.size(); i += 3)
            owned[i].reset();
        f.heap.collect_minor();
        f.heap.collect_major();
        long expect = 1;
        for (const Rooted<Pair *> &r : l) {
            CHECK_EQ(unfix(r->car), expect);
            expect += 2;
        }
        for (std::size_t i = 0; i < owned.size(); i++)
            if (owned[i])
                CHECK_EQ(unfix((*owned[i])->car), -static_cast<long>(i));
    }
    CHECK_EQ(grove_persistent_count(f.heap), std::size_t{0});
    CHECK_EQ(grove_stack_root_nodes(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(reading_a_local_is_a_load)
{
    Fixture f;
    Scope s(f.heap);
    Local<Pair *> a(f.heap, f.cons(fix(3), nullptr));
    grove_root_link *head = grove__lists(f.heap)->head; // internal: for this test only
    CHECK(head != nullptr);
    CHECK_EQ(head->count, std::size_t{1});
    void **slot = reinterpret_cast<void **>(head + 1);
    CHECK(*slot == a.get());
    f.heap.collect_minor(); // the collector rewrites the slot in place
    CHECK(*slot == a.get());
    CHECK_EQ(unfix(a->car), 3L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST_MAIN("wrapper_intrusive")
