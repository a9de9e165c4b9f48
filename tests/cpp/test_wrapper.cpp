// test_wrapper.cpp — the C++ wrapper (grove/grove.hpp), backend-neutral:
// built and run once per rooting backend. Objects move at every minor
// collection, so each test checks roots follow them.
#include <algorithm>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"

using grove::Local;
using grove::Rooted;
using grove::Scope;

using grove::Owned;

// The same answers on both backends (tests/cpp/compile_checks.cpp checks
// what must not compile).
static_assert(std::is_nothrow_move_constructible<Rooted<Pair *>>::value,
              "vector reallocation must move roots, not copy them");
static_assert(std::is_nothrow_move_assignable<Rooted<Pair *>>::value, "");
static_assert(std::is_copy_constructible<Rooted<Pair *>>::value, "");
static_assert(!std::is_nothrow_copy_constructible<Rooted<Pair *>>::value, "a copy may be refused");
static_assert(std::is_nothrow_move_constructible<Owned<Pair *>>::value, "");
static_assert(std::is_nothrow_move_assignable<Owned<Pair *>>::value, "");
static_assert(std::is_copy_constructible<Owned<Pair *>>::value, "");
static_assert(!std::is_constructible<Owned<Pair *>, grove_heap *, Pair *>::value,
              "an Owned needs a grove::Heap, whose end it can see");
static_assert(!std::is_copy_constructible<Local<Pair *>>::value, "a Local belongs to its scope");
static_assert(!std::is_move_constructible<Local<Pair *>>::value, "a Local belongs to its scope");
static_assert(std::is_copy_assignable<Local<Pair *>>::value, "assigning copies the value");
static_assert(!std::is_convertible<Pair *, Rooted<Pair *>>::value, "rooting needs a heap");
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

GROVE_TEST(identity_hash_and_pins)
{
    Fixture f;
    {
        Scope s(f.heap);
        Local<Pair *> p(f.heap, f.cons(fix(7), nullptr));
        std::uint64_t hash = f.heap.identity_hash(p.get());
        Pair *pinned = f.heap.pin(p.get()); // young: moved out once
        CHECK(pinned == p.get());
        CHECK_EQ(f.heap.pin_count(pinned), std::uint32_t{1});
        CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
        CHECK_EQ(f.heap.collect_major(), GROVE_OK);
        CHECK(p.get() == pinned);
        CHECK_EQ(f.heap.identity_hash(pinned), hash);
        CHECK_EQ(f.heap.unpin(pinned), GROVE_OK);
        CHECK_EQ(f.heap.pin_count(pinned), std::uint32_t{0});
        Pair *born = f.heap.alloc_pinned<Pair>(f.pair);
        CHECK(born != nullptr);
        CHECK_EQ(f.heap.pin_count(born), std::uint32_t{1});
        CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
        CHECK_EQ(f.heap.unpin(born), GROVE_OK);
    }
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

// ---- empty roots, and the container idioms that make them ------------------

template <class Root> static bool refused_as_empty(Root &r, Pair *value)
{
    try {
        r = value;
    } catch (const grove::Error &e) {
        CHECK_EQ(e.code(), GROVE_E_BAD_HANDLE);
        CHECK(std::string(e.what()).find("empty") != std::string::npos);
        return true;
    }
    return false;
}

// Storing an object into an empty root would leave it unrooted: refused,
// with the root still empty and nothing else changed.
GROVE_TEST(empty_rooted_refuses_values)
{
    Fixture f;
    {
        std::vector<Rooted<Pair *>> v(2);
        CHECK(v[0].empty());
        CHECK(refused_as_empty(v[0], f.cons(fix(1), nullptr)));
        CHECK(v[0].empty());
        CHECK(v[0].get() == nullptr);
        v[0] = nullptr; // nothing to root: accepted, still empty
        CHECK(v[0].empty());
        try {
            v[1].set(f.cons(fix(2), nullptr));
            FAIL_TEST("set() on an empty root was accepted");
        } catch (const grove::Error &e) {
            CHECK_EQ(e.code(), GROVE_E_BAD_HANDLE);
        }
        CHECK_EQ(live_rooted(f.heap), std::size_t{0});

        // The ways to give an empty root a heap.
        v[0] = Rooted<Pair *>(f.heap, f.cons(fix(3), nullptr));
        v[1].reset(f.heap, f.cons(fix(4), nullptr));
        CHECK_EQ(live_rooted(f.heap), std::size_t{2});
        f.heap.collect_minor();
        CHECK_EQ(unfix(v[0]->car), 3L);
        CHECK_EQ(unfix(v[1]->car), 4L);
        v[1] = f.cons(fix(5), nullptr); // not empty now: a plain store
        f.heap.collect_minor();
        CHECK_EQ(unfix(v[1]->car), 5L);

        Rooted<Pair *> moved(std::move(v[0]));
        CHECK(refused_as_empty(v[0], f.cons(fix(6), nullptr)));
        v[1].reset();
        CHECK(refused_as_empty(v[1], f.cons(fix(7), nullptr)));
        CHECK_EQ(live_rooted(f.heap), std::size_t{1});
        CHECK_EQ(unfix(moved->car), 3L);
    }
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

// Every way a standard container constructs its elements: each root ends
// up either rooted, or empty and refusing values.
GROVE_TEST(container_idioms_every_constructor)
{
    Fixture f;
    {
        const Rooted<Pair *> proto(f.heap, f.cons(fix(100), nullptr));
        std::vector<Rooted<Pair *>> sized(3);                  // default
        std::vector<Rooted<Pair *>> filled(3, proto);          // copies
        std::vector<Rooted<Pair *>> listed{proto, Rooted<Pair *>(f.heap, f.cons(fix(101), nullptr))};
        std::vector<Rooted<Pair *>> grown;
        grown.emplace_back(f.heap, f.cons(fix(102), nullptr)); // (heap, value)
        grown.emplace_back(f.heap);                            // (heap): holds nullptr, rooted
        grown.emplace_back();                                  // default
        grown.push_back(proto);                                // copy
        grown.push_back(Rooted<Pair *>(f.heap, f.cons(fix(103), nullptr))); // move
        grown.resize(7);                                       // default
        grown.resize(9, proto);                                // copies
        grown.insert(grown.begin() + 1, 2, proto);             // copies, moves
        std::map<int, Rooted<Pair *>> by_key;
        by_key[1];                                             // default, through operator[]
        by_key[2] = Rooted<Pair *>(f.heap, f.cons(fix(104), nullptr));
        by_key.emplace(3, Rooted<Pair *>(f.heap, f.cons(fix(105), nullptr)));
        by_key.try_emplace(4, f.heap, f.cons(fix(106), nullptr));

        for (auto &r : sized)
            CHECK(refused_as_empty(r, f.cons(fix(0), nullptr)));
        // grown is now 102, 100 x2 (insert), (heap), (), 100, 103, () x2, 100 x2
        CHECK(refused_as_empty(grown[4], f.cons(fix(0), nullptr))); // the emplace_back()
        CHECK(refused_as_empty(grown[7], f.cons(fix(0), nullptr))); // from resize(7)
        CHECK(refused_as_empty(by_key[1], f.cons(fix(0), nullptr)));
        CHECK(!grown[3].empty());
        grown[3] = f.cons(fix(107), nullptr); // (heap) made a root: stores work

        // 1 proto, 3 filled, 2 listed, grown: 102, 107, 100, 103, 100 x2 (resize),
        // 100 x2 (insert); 3 in the map.
        CHECK_EQ(live_rooted(f.heap), std::size_t{1 + 3 + 2 + 8 + 3});
        f.heap.collect_minor();
        f.heap.collect_major();
        for (const auto &r : filled)
            CHECK(r.get() == proto.get());
        CHECK_EQ(unfix(listed[1]->car), 101L);
        const long want[] = {102, 100, 100, 107, -1, 100, 103, -1, -1, 100, 100};
        CHECK_EQ(grown.size(), std::size_t{11});
        for (std::size_t i = 0; i < grown.size(); i++) {
            if (want[i] < 0)
                CHECK(grown[i].empty());
            else
                CHECK_EQ(unfix(grown[i]->car), want[i]);
        }
        CHECK_EQ(unfix(by_key[2]->car), 104L);
        CHECK_EQ(unfix(by_key[3]->car), 105L);
        CHECK_EQ(unfix(by_key[4]->car), 106L);
        grown.assign(4, proto); // copy-assignments over roots and empties
        CHECK_EQ(live_rooted(f.heap), std::size_t{1 + 3 + 2 + 4 + 3});
        for (const auto &r : grown)
            CHECK(r.get() == proto.get());
    }
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

// ---- Owned: a root that may outlive its heap ------------------------------

GROVE_TEST(owned_copy_and_move_in_containers)
{
    Fixture f;
    const long n = scaled(500);
    {
        std::vector<Owned<Pair *>> v;
        for (long i = 0; i < n; i++) // reallocations move them
            v.emplace_back(f.heap, f.cons(fix(i), nullptr));
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(n));
        f.heap.collect_minor();
        std::vector<Owned<Pair *>> copy = v; // new roots
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(2 * n));
        v.erase(v.begin(), v.begin() + 5);
        std::reverse(copy.begin(), copy.end());
        f.heap.collect_major();
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(2 * n - 5));
        CHECK_EQ(unfix(v.front()->car), 5L);
        CHECK_EQ(unfix(copy.front()->car), n - 1);
        CHECK(copy.back().get() != v.front().get());

        Owned<Pair *> a(f.heap, f.cons(fix(-1), nullptr));
        Owned<Pair *> b(std::move(a));
        CHECK(a.empty());
        CHECK(a.get() == nullptr);
        CHECK(refused_as_empty(a, f.cons(fix(0), nullptr)));
        a = b; // copy: two roots, one object
        CHECK(a.get() == b.get());
        CHECK(a.heap() == f.heap.get());
        std::swap(a, copy[0]);
        CHECK_EQ(unfix(a->car), n - 1);
        CHECK_EQ(unfix(copy[0]->car), -1L);
        std::vector<Owned<Pair *>> listed{a, b, Owned<Pair *>()};
        CHECK(listed[2].empty());
        CHECK_EQ(live_rooted(f.heap), static_cast<std::size_t>(2 * n - 5 + 2 + 2));
        b.reset();
        CHECK(b.empty());
    }
    CHECK_EQ(live_rooted(f.heap), std::size_t{0});
    CHECK_EQ(f.misuse, 0);
}

// Destroyed after its heap, an Owned root touches nothing of it (ASan and
// Valgrind would see it); meanwhile it reads as empty.
GROVE_TEST(owned_roots_outlive_their_heap)
{
    std::vector<Owned<Pair *>> keep;
    Owned<Pair *> single;
    {
        Fixture f;
        for (long i = 0; i < 10; i++)
            keep.emplace_back(f.heap, f.cons(fix(i), nullptr));
        single = keep[3];
        f.heap.collect_minor();
        CHECK_EQ(unfix(single->car), 3L);
        CHECK_EQ(live_rooted(f.heap), std::size_t{11});
        CHECK_EQ(f.misuse, 0);
    } // the heap is destroyed here, its roots still alive
    for (const auto &r : keep) {
        CHECK(r.empty());
        CHECK(r.get() == nullptr);
        CHECK(r.heap() == nullptr);
    }
    Owned<Pair *> copy(single); // a copy of a root whose heap is gone is empty
    CHECK(copy.empty());
    Owned<Pair *> moved(std::move(keep[0]));
    CHECK(moved.empty());
    CHECK(refused_as_empty(single, nullptr) == false); // nullptr: accepted
    keep.erase(keep.begin() + 2);
    keep.clear();
    single.reset();
}

GROVE_TEST(owned_roots_follow_their_heap)
{
    grove_config c = Fixture::make_config(nullptr);
    c.error_handler = nullptr; // misuse aborts
    grove::Heap first(c);
    grove_type_id pair = first.register_type(Fixture::pair_desc());
    Owned<Pair *> r(first, first.alloc<Pair>(pair));
    r->car = fix(8);
    grove::Heap second(std::move(first)); // the heap moves, its roots stay
    CHECK(r.heap() == second.get());
    second.collect_minor();
    CHECK_EQ(unfix(r->car), 8L);
    {
        grove::Heap other(c);
        second = std::move(other); // destroys the first heap
    }
    CHECK(r.empty());

    // After release(), the roots unroot themselves into the released heap.
    grove::Heap third(c);
    pair = third.register_type(Fixture::pair_desc());
    Owned<Pair *> s(third, third.alloc<Pair>(pair));
    grove_heap *raw = third.release();
    CHECK(s.heap() == raw);
    CHECK_EQ(live_rooted(raw), std::size_t{1});
    s.reset();
    CHECK_EQ(live_rooted(raw), std::size_t{0});
    grove_heap_destroy(raw);
}

// ---- Local: values, no copies -----------------------------------------------

GROVE_TEST(local_assignment_copies_the_value)
{
    Fixture f;
    Scope s(f.heap);
    Local<Pair *> a(f.heap, f.cons(fix(1), nullptr));
    Local<Pair *> b(f.heap);
    b = a; // a value: a and b stay two roots
    CHECK(b.get() == a.get());
    a = f.cons(fix(2), nullptr);
    f.heap.collect_minor();
    CHECK_EQ(unfix(a->car), 2L);
    CHECK_EQ(unfix(b->car), 1L);
    CHECK_EQ(f.misuse, 0);
}

#if GROVE_ROOTING_INDEXED || GROVE_ROOT_CHECKS
GROVE_TEST(local_without_scope_is_refused)
{
    Fixture f;
    try {
        Local<Pair *> l(f.heap, f.cons(fix(1), nullptr));
        FAIL_TEST("a Local with no Scope open was made");
    } catch (const grove::Error &e) {
        CHECK_EQ(e.code(), GROVE_E_NO_SCOPE);
    }
    CHECK_EQ(f.misuse, 1);
    CHECK_EQ(f.last, GROVE_E_NO_SCOPE);
    CHECK_EQ(scoped_state(f.heap), std::size_t{0});
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
}
#endif

// ---- roots made during a collection -------------------------------------------

struct InGc {
    Fixture *f;
    Pair *object;
    int refused_rooted = 0, refused_owned = 0, refused_local = 0, made = 0;
};

// A root visitor is C code: exceptions must not leave it.
static void make_roots_in_visitor(grove_heap *heap, grove_tracer *, void *data)
{
    InGc *g = static_cast<InGc *>(data);
    try {
        Rooted<Pair *> r(heap, g->object);
        g->made++;
    } catch (const grove::Error &e) {
        g->refused_rooted += e.code() == GROVE_E_IN_GC;
    }
    try {
        Owned<Pair *> o(g->f->heap, g->object);
        g->made++;
    } catch (const grove::Error &e) {
        g->refused_owned += e.code() == GROVE_E_IN_GC;
    }
#if GROVE_ROOTING_INDEXED || GROVE_ROOT_CHECKS
    try {
        Scope s(heap);
        Local<Pair *> l(heap, g->object);
        g->made++;
    } catch (const grove::Error &e) {
        g->refused_local += e.code() == GROVE_E_IN_GC;
    }
#else
    g->refused_local++;
#endif
}

GROVE_TEST(roots_refused_during_collection)
{
    Fixture f;
    Rooted<Pair *> keep(f.heap, f.cons(fix(1), nullptr));
    InGc g{&f, keep.get()};
    CHECK_EQ(grove_add_root_visitor(f.heap, make_roots_in_visitor, &g), GROVE_OK);
    CHECK_EQ(f.heap.collect_minor(), GROVE_OK);
    CHECK_EQ(f.heap.collect_major(), GROVE_OK);
    CHECK_EQ(grove_remove_root_visitor(f.heap, make_roots_in_visitor, &g), GROVE_OK);
    CHECK_EQ(g.made, 0);
    CHECK(g.refused_rooted >= 2);
    CHECK_EQ(g.refused_owned, g.refused_rooted);
    CHECK_EQ(g.refused_local, g.refused_rooted);
    CHECK_EQ(f.last, GROVE_E_IN_GC);
    CHECK_EQ(live_rooted(f.heap), std::size_t{1});
    CHECK_EQ(scoped_state(f.heap), std::size_t{0});
    CHECK_EQ(unfix(keep->car), 1L);
}

GROVE_TEST_MAIN("wrapper." GROVE_ROOTING_NAME)
