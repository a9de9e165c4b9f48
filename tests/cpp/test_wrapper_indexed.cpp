// test_wrapper_indexed.cpp — grove.hpp on the indexed backend: Local holds
// a grove_rooted handle that dies with its Scope, Rooted owns a grove_manual
// root.
#include <type_traits>
#include <vector>

#include "common.hpp"

#if !GROVE_ROOTING_INDEXED
#error "test_wrapper_indexed.cpp is built against the indexed backend"
#endif

using grove::Local;
using grove::Rooted;
using grove::Scope;

GROVE_TEST(scope_exit_kills_locals)
{
    Fixture f;
    grove_rooted handle;
    CHECK_EQ(grove_scope_depth(f.heap), 0u);
    {
        Scope outer(f.heap);
        {
            Scope inner(f.heap);
            CHECK_EQ(grove_scope_depth(f.heap), 2u);
            Local<Pair *> l(f.heap, f.cons(fix(1), nullptr));
            handle = l.handle();
            void *out = nullptr;
            CHECK_EQ(grove_rooted_try_get(f.heap, handle, &out), GROVE_OK);
            CHECK(out == l.get());
        }
        void *out = nullptr;
        CHECK_EQ(grove_rooted_try_get(f.heap, handle, &out), GROVE_E_STALE_HANDLE);
    }
    CHECK_EQ(grove_scope_depth(f.heap), 0u);
    CHECK_EQ(f.misuse, 0); // try_ forms never call the handler
}

GROVE_TEST(rooted_owns_a_manual_root)
{
    Fixture f;
    {
        Rooted<Pair *> a(f.heap, f.cons(fix(1), nullptr)); // no scope needed
        CHECK_EQ(grove_manual_count(f.heap), 1u);
        Rooted<Pair *> b(a);
        CHECK_EQ(grove_manual_count(f.heap), 2u);
        CHECK(b.handle().offset != a.handle().offset);
        grove_manual old = a.handle();
        Rooted<Pair *> c(std::move(a));
        CHECK_EQ(c.handle().offset, old.offset); // moved, not re-rooted
        CHECK_EQ(a.handle().gen, 0u);
        CHECK_EQ(grove_manual_count(f.heap), 2u);
        std::vector<Rooted<Pair *>> v;
        for (int i = 0; i < 100; i++)
            v.emplace_back(f.heap, f.cons(fix(i), nullptr));
        CHECK_EQ(grove_manual_count(f.heap), 102u);
        v.erase(v.begin() + 3, v.begin() + 50);
        CHECK_EQ(grove_manual_count(f.heap), 55u);
        f.heap.collect_minor();
        CHECK_EQ(unfix(v[3]->car), 50L);
    }
    CHECK_EQ(grove_manual_count(f.heap), 0u);
    CHECK_EQ(f.misuse, 0); // no moved-from root unrooted a zero handle
}

GROVE_TEST(unrooted_handles_are_stale)
{
    Fixture f;
    grove_manual h;
    {
        Rooted<Pair *> r(f.heap, f.cons(fix(1), nullptr));
        h = r.handle();
    }
    void *out = nullptr;
    CHECK_EQ(grove_manual_try_get(f.heap, h, &out), GROVE_E_STALE_HANDLE);
    CHECK_EQ(f.misuse, 0);
}

GROVE_TEST_MAIN("wrapper_indexed")
