// common.hpp — fixtures shared by the C++ wrapper tests.
#ifndef GROVE_TEST_CPP_COMMON_HPP
#define GROVE_TEST_CPP_COMMON_HPP

#include <grove/grove.hpp>

#include <cstdint>
#include <cstdlib>

#include "harness.hpp"

struct Pair {
    void *car;
    void *cdr;
};

inline void *fix(long i)
{
    return reinterpret_cast<void *>(static_cast<std::intptr_t>(i) * 2 + 1);
}

inline long unfix(const void *v)
{
    return static_cast<long>(reinterpret_cast<std::intptr_t>(v) >> 1);
}

// Smaller sizes under Valgrind (GROVE_TEST_REDUCED) and in zeal runs
// (GROVE_DEBUG), where every few allocations collect and verify anyway.
inline long scaled(long n)
{
    return std::getenv("GROVE_TEST_REDUCED") || std::getenv("GROVE_DEBUG") ? n / 10 + 1 : n;
}

// A heap with a small nursery (collections happen often) whose misuse
// handler records instead of aborting: every test ends by checking that no
// misuse was reported.
struct Fixture {
    int misuse = 0;
    grove_error last = GROVE_OK;
    grove::Heap heap;
    grove_type_id pair;

    Fixture() : heap(make_config(this)), pair(heap.register_type(pair_desc())) {}

    static grove_config make_config(Fixture *self)
    {
        grove_config c;
        grove_config_init(&c);
        c.nursery_size = 64 * 1024;
        c.error_handler = on_misuse;
        c.error_data = self;
        return c;
    }

    static grove_type_desc pair_desc()
    {
        grove_type_desc d{};
        d.name = "pair";
        d.layout = GROVE_LAYOUT_RECORD;
        d.size = sizeof(Pair);
        d.pointer_map = 0x3;
        return d;
    }

    static void on_misuse(grove_heap *, grove_error code, const char *, void *data)
    {
        Fixture *f = static_cast<Fixture *>(data);
        f->misuse++;
        f->last = code;
    }

    // car and cdr stay rooted across the allocation, which may collect: the
    // caller's own copies of them are stale afterwards.
    Pair *cons(void *car, void *cdr)
    {
        grove::Rooted<void *> rooted_car(heap, car), rooted_cdr(heap, cdr);
        Pair *p = heap.alloc<Pair>(pair);
        CHECK(p != nullptr);
        p->car = rooted_car.get(); // p is new: no barrier needed
        p->cdr = rooted_cdr.get();
        return p;
    }
};

// Roots with any lifetime alive now, whichever backend.
inline std::size_t live_rooted(grove_heap *h)
{
#if GROVE_ROOTING_INDEXED
    return grove_manual_count(h);
#else
    return grove_persistent_count(h);
#endif
}

// Scoped roots alive now (indexed: open scopes; intrusive: linked stack nodes).
inline std::size_t scoped_state(grove_heap *h)
{
#if GROVE_ROOTING_INDEXED
    return grove_scope_depth(h);
#else
    return grove_stack_root_nodes(h);
#endif
}

#endif
