// consumer.cpp — a tiny embedder of an installed Grove, in C++17 through
// grove/grove.hpp: RAII scopes, locals, a vector of roots, owned roots
// that outlive their heap.
#include <grove/grove.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

struct Pair {
    void *car;
    void *cdr;
};

static void *fix(long i)
{
    return reinterpret_cast<void *>(static_cast<std::intptr_t>(i) * 2 + 1);
}

static long unfix(const void *v)
{
    return static_cast<long>(reinterpret_cast<std::intptr_t>(v) >> 1);
}

int main()
{
    if (std::strcmp(GROVE_ROOTING_NAME, EXPECT_ROOTING) != 0)
        return 1;
    std::vector<grove::Owned<Pair *>> survivors; // outlive the heap
    try {
        grove_config config;
        grove_config_init(&config);
        config.nursery_size = 64 * 1024;
        grove::Heap heap(config);
        grove_type_desc desc{};
        desc.name = "pair";
        desc.layout = GROVE_LAYOUT_RECORD;
        desc.size = sizeof(Pair);
        desc.pointer_map = 0x3;
        grove_type_id T_PAIR = heap.register_type(desc);

        std::vector<grove::Rooted<Pair *>> roots;
        for (long i = 0; i < 10000; i++) {
            grove::Scope scope(heap);
            grove::Local<Pair *> p(heap, heap.alloc<Pair>(T_PAIR));
            p->car = fix(i);
            if (!roots.empty())
                grove::store(heap, p.get(), p->cdr, static_cast<void *>(roots.back().get()));
            roots.emplace_back(heap, p.get());
        }
        std::vector<grove::Rooted<Pair *>> pair{roots.front(), roots.back()};
        heap.collect_minor();
        heap.collect_major();
        for (long i = 0; i < 10000; i++)
            if (unfix(roots[static_cast<std::size_t>(i)]->car) != i)
                return 1;
        if (pair[1].get() != roots.back().get() || unfix(pair[0]->car) != 0)
            return 1;
        survivors.emplace_back(heap, roots.front().get());
        survivors.push_back(survivors.back());
        roots.clear();
        pair.clear();
        heap.collect_major();
        if (unfix(survivors[1]->car) != 0)
            return 1;
        std::printf("consumer (C++, %s rooting): ok, %llu minor collections\n", GROVE_ROOTING_NAME,
                    static_cast<unsigned long long>(heap.stats().minor_collections));
    } catch (const grove::Error &e) {
        std::fprintf(stderr, "consumer: %s\n", e.what());
        return 1;
    }
    if (survivors.size() != 2 || !survivors[0].empty() || survivors[1].get() != nullptr)
        return 1; // the heap is gone: its Owned roots are empty
    return 0;
}
