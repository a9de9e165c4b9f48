// test_wrapper.cpp — the C++ wrapper (grove/grove.hpp), backend-neutral:
// built and run once per rooting backend. Objects move at every minor
// collection, so each test checks roots follow them.
#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"

using grove::Local;
using grove::Rooted;
using grove::Scope;

static_assert(std::is_nothrow_move_constructible<Rooted<Pair *>>::value,
              "vector reallocation must move roots, not copy them");
static_assert(std::is_nothrow_move_assignable<Rooted<Pair *>>::value, "");
static_assert(std::is_copy_constructible<Rooted<Pair *>>::value, "");
static_assert(!std::is_copy_constructible<Scope>::value, "");
static_assert(!std::is_copy_constructible<grove::Heap>::value, "");
static_assert(std::is_nothrow_move_constructible<grove::Heap>::value, "");

GROVE_TEST(heap_errors_throw)
{
    grove_config c;
    grove_config_init(&c);
    c.nursery_size = 1; // below the minimum
    try {
        grove::Heap h(c);
        FAIL_TEST("a heap with a 1-byte nursery was created");
    } catch (const grove::Error &e) {
        CHECK_EQ(e.code(), GROVE_E_BAD_CONFIG);
        CHECK(std::string(e.what()).find("GROVE_E_BAD_CONFIG") != std::string::npos);
    }

    Fixture f;
    grove_type_desc bad{};
    bad.name = "custom without trace";
    bad.layout = GROVE_LAYOUT_CUSTOM;
    try {
        f.heap.register_type(bad);
        FAIL_TEST("an invalid type was registered");
    } catch (const grove::Error &e) {
        CHECK_EQ(e.code(), GROVE_E_BAD_TYPE);
    }
}

GROVE_TEST(heap_is_move_only)
{
    grove::Heap a;
    grove_heap *raw = a.get();
    CHECK(raw != nullptr);
    grove::Heap b(std::move(a));
    CHECK(a.get() == nullptr);
    CHECK(b.get() == raw);
    grove::Heap c;
    c = std::move(b); // destroys c's first heap
    CHECK(c.get() == raw);
    grove_heap *released = c.release();
    CHECK(c.get() == nullptr);
    grove_heap_destroy(released);
}

GROVE_TEST(local_follows_moves)
{
    Fixture f;
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(42), nullptr));
        Pair *before = p.get();
        CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
        CHECK(p.get() != before); // promoted: it moved
        CHECK_EQ(unfix(p->car), 42L);
        p = f.cons(fix(43), p.get());
        CHECK_EQ(f.heap.collect_major(), GROVE_OK);
        CHECK_EQ(unfix(p->car), 43L);
        CHECK_EQ(unfix(static_cast<Pair *>(p->cdr)->car), 42L);
    }
    CHECK_EQ(scoped_state(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(list_through_many_collections)
{
    Fixture f;
    const long n = scaled(50000); // several nurseries full, even reduced
    {
        Scope s(f.heap);
        Local<Pair *> list(f.heap);
        for (long i = 0; i < n; i++) {
            Scope inner(f.heap);
            Local<Pair *> cell(f.heap, f.cons(fix(i), nullptr)); // may collect
            grove::store(f.heap, cell.get(), cell->cdr, list.get());
            list = cell.get();
        }
        CHECK(f.heap.stats().minor_collections > 0);
        f.heap.collect_major();
        long expect = n - 1, count = 0;
        for (Pair *p = list.get(); p; p = static_cast<Pair *>(p->cdr), expect--, count++)
            CHECK_EQ(unfix(p->car), expect);
        CHECK_EQ(count, n);
    }
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(vector_of_rooted)
{
    Fixture f;
    const long n = scaled(2000);
    {
        std::vector<Rooted<Pair *>> v;
        for (long i = 0; i < n; i++) // reallocations move the roots
            v.emplace_back(f.heap, f.cons(fix(i), nullptr));
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(n));
        f.heap.collect_minor();
        f.heap.collect_major();
        for (long i = 0; i < n; i++)
            CHECK_EQ(unfix(v[static_cast<std::size_t>(i)]->car), i);

        v.erase(v.begin(), v.begin() + 10); // move-assignments down the vector
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(n - 10));
        v.insert(v.begin(), Rooted<Pair *>(f.heap, f.cons(fix(-1), nullptr)));
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(n - 9));
        std::reverse(v.begin(), v.end()); // swaps
        f.heap.collect_minor();
        CHECK_EQ(unfix(v.back()->car), -1L);
        CHECK_EQ(unfix(v.front()->car), n - 1);
        std::vector<Rooted<Pair *>> copy = v; // copies are new roots
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(2 * (n - 9)));
        v.clear();
        f.heap.collect_major();
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(n - 9));
        CHECK_EQ(unfix(copy.back()->car), -1L);
    }
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(initializer_lists)
{
    Fixture f;
    {
        Rooted<Pair *> a(f.heap, f.cons(fix(1), nullptr));
        Rooted<Pair *> b(f.heap, f.cons(fix(2), nullptr));
        std::vector<Rooted<Pair *>> v{a, b}; // the list's copies die after v is built
        CHECK_EQ(live_rooted(f.heap), std::size_t{4});
        f.heap.collect_minor();
        CHECK(v[0].get() == a.get());
        CHECK(v[1].get() == b.get());
        CHECK_EQ(unfix(v[1]->car), 2L);

        // Allocations between the elements: earlier ones are already rooted.
        std::vector<Rooted<Pair *>> w = {Rooted<Pair *>(f.heap, f.cons(fix(10), nullptr)),
                                         Rooted<Pair *>(f.heap, f.cons(fix(11), nullptr)),
                                         Rooted<Pair *>(f.heap, f.cons(fix(12), nullptr))};
        f.heap.collect_minor();
        long i = 10;
        for (const Rooted<Pair *> &r : w)
            CHECK_EQ(unfix(r->car), i++);

        std::initializer_list<Rooted<Pair *>> il = {a, b, a};
        CHECK_EQ(live_rooted(f.heap), std::size_t{4 + 3 + 3});
        CHECK(il.begin()[2].get() == a.get());
    }
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(copy_and_move_semantics)
{
    Fixture f;
    {
        Rooted<Pair *> a(f.heap, f.cons(fix(1), nullptr));
        Rooted<Pair *> b(a); // a second root on the same object
        CHECK(b.get() == a.get());
        CHECK_EQ(live_rooted(f.heap), std::size_t{2});
        b = f.cons(fix(2), nullptr); // only b changes
        CHECK_EQ(unfix(a->car), 1L);
        CHECK_EQ(unfix(b->car), 2L);

        Rooted<Pair *> c(std::move(a)); // a is empty now
        CHECK(a.empty());
        CHECK(a.get() == nullptr);
        CHECK(a.heap() == nullptr);
        CHECK(!c.empty());
        CHECK_EQ(live_rooted(f.heap), std::size_t{2});
        f.heap.collect_minor();
        CHECK_EQ(unfix(c->car), 1L);

        a = c; // an empty root becomes a root of c's heap
        CHECK(!a.empty());
        CHECK(a.heap() == f.heap.get());
        CHECK_EQ(live_rooted(f.heap), std::size_t{3});

        b = std::move(c); // b drops its object, takes c's
        CHECK(c.empty());
        CHECK_EQ(unfix(b->car), 1L);
        CHECK_EQ(live_rooted(f.heap), std::size_t{2});

        Rooted<Pair *> &self = b;
        b = self; // self-assignment
        b = std::move(self);
        CHECK_EQ(unfix(b->car), 1L);
        CHECK_EQ(live_rooted(f.heap), std::size_t{2});

        Rooted<Pair *> empty;
        b = empty; // assigning an empty root empties
        CHECK(b.empty());
        CHECK_EQ(live_rooted(f.heap), std::size_t{1});

        a.reset();
        CHECK(a.empty());
        CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    }
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(swap_roots)
{
    Fixture f;
    Rooted<Pair *> a(f.heap, f.cons(fix(1), nullptr));
    Rooted<Pair *> b(f.heap, f.cons(fix(2), nullptr));
    std::swap(a, b);
    CHECK_EQ(unfix(a->car), 2L);
    CHECK_EQ(unfix(b->car), 1L);
    using std::swap;
    swap(a, b); // grove::swap by ADL
    CHECK_EQ(unfix(a->car), 1L);
    Rooted<Pair *> e;
    a.swap(e);
    CHECK(a.empty());
    CHECK_EQ(unfix(e->car), 1L);
    CHECK_EQ(live_rooted(f.heap), std::size_t{2});
    CHECK_EQ(f.misuse, 0);
}

struct Host {
    std::string name;
    Rooted<Pair *> value;
};

GROVE_TEST(rooted_members)
{
    Fixture f;
    {
        std::vector<Host> hosts;
        for (long i = 0; i < 100; i++)
            hosts.push_back(Host{std::to_string(i), Rooted<Pair *>(f.heap, f.cons(fix(i), nullptr))});
        f.heap.collect_minor();
        hosts.erase(hosts.begin() + 50);
        std::sort(hosts.begin(), hosts.end(),
                  [](const Host &x, const Host &y) { return unfix(x.value->car) > unfix(y.value->car); });
        f.heap.collect_major();
        CHECK_EQ(hosts.size(), std::size_t{99});
        CHECK_EQ(live_rooted(f.heap), std::size_t{99});
        for (const Host &h : hosts)
            CHECK_EQ(std::to_string(unfix(h.value->car)), h.name);
    }
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(roots_of_two_heaps)
{
    Fixture f, g;
    {
        Rooted<Pair *> x(f.heap, f.cons(fix(1), nullptr));
        Rooted<Pair *> y(g.heap, g.cons(fix(2), nullptr));
        x = y; // x now roots g's object, on g
        CHECK(x.heap() == g.heap.get());
        CHECK_EQ(live_rooted(f.heap), std::size_t{0});
        CHECK_EQ(live_rooted(g.heap), std::size_t{2});
        g.heap.collect_minor();
        CHECK(x.get() == y.get());
        CHECK_EQ(unfix(x->car), 2L);
    }
    CHECK_EQ(f.misuse + g.misuse, 0);
}

struct Boom {};

GROVE_TEST(exceptions_unwind_scopes_and_roots)
{
    Fixture f;
    std::size_t before = scoped_state(f.heap);
    try {
        Scope s(f.heap);
        Local<Pair *> a(f.heap, f.cons(fix(1), nullptr));
        Rooted<Pair *> r(f.heap, a.get());
        {
            Scope inner(f.heap);
            Local<Pair *> b(f.heap, f.cons(fix(2), a.get()));
            throw Boom{};
        }
    } catch (const Boom &) {
    }
    CHECK_EQ(scoped_state(f.heap), before);
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(store_has_the_barrier)
{
    Fixture f;
    Rooted<Pair *> old(f.heap, f.cons(fix(0), nullptr));
    f.heap.collect_minor(); // old is promoted
    {
        Scope s(f.heap);
        Local<Pair *> young(f.heap, f.cons(fix(7), nullptr));
        grove::store(f.heap, old.get(), old->car, static_cast<void *>(young.get()));
    }
    // The only reference to the young pair is old->car: the barrier logged old.
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
    CHECK_EQ(unfix(static_cast<Pair *>(old->car)->car), 7L);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(immediates_and_const_roots)
{
    Fixture f;
    {
        Scope s(f.heap);
        Local<void *> n(f.heap, fix(5));
        Rooted<const Pair *> c(f.heap, f.cons(fix(9), nullptr));
        f.heap.collect_minor();
        CHECK_EQ(unfix(n.get()), 5L);
        CHECK_EQ(unfix(c->car), 9L);
        const Pair *raw = c;
        CHECK(raw == c.get());
        CHECK(c != nullptr);
    }
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST(arrays)
{
    Fixture f;
    grove_type_desc d{};
    d.name = "vector";
    d.layout = GROVE_LAYOUT_ARRAY;
    grove_type_id vec = f.heap.register_type(d);
    Rooted<void **> arr(f.heap, f.heap.alloc_array(vec, 64));
    for (long i = 0; i < 64; i++) {
        Pair *p = f.cons(fix(i), nullptr); // may collect: arr follows
        grove::store(f.heap, arr.get(), arr.get()[i], static_cast<void *>(p));
    }
    f.heap.collect_major();
    for (long i = 0; i < 64; i++)
        CHECK_EQ(unfix(static_cast<Pair *>(arr.get()[i])->car), i);
    CHECK_EQ(grove_object_size(arr.get()), std::size_t{64 * sizeof(void *)});
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST_MAIN("wrapper." GROVE_ROOTING_NAME)
