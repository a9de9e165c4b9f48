// compile_checks.cpp — what the wrapper's portable types allow and what they
// refuse, the same on both backends. compile_checks.cmake compiles this file
// once per case and per backend: case 0 must compile on both, every other
// case must fail on both, with a diagnostic matching the regular expression
// its line names after "error:".
#include <grove/grove.hpp>

#include <initializer_list>
#include <map>
#include <utility>
#include <vector>

struct Pair {
    void *car;
    void *cdr;
};

#if GROVE_CASE == 0 // compiles: the idioms both backends allow

grove::Rooted<Pair *> make_rooted(grove_heap *heap, Pair *p)
{
    return grove::Rooted<Pair *>(heap, p);
}

grove::Rooted<Pair *> make_named_rooted(grove_heap *heap, Pair *p)
{
    grove::Rooted<Pair *> r(heap, p);
    return r;
}

grove::Owned<Pair *> make_owned(grove::Heap &heap, Pair *p)
{
    grove::Owned<Pair *> r(heap, p);
    return r;
}

struct Host {
    grove::Rooted<Pair *> value;
    grove::Owned<void *> other;
};

void use(grove::Heap &heap, Pair *p)
{
    grove::Scope scope(heap);
    grove::Local<Pair *> a(heap, p);
    grove::Local<Pair *> b(heap);
    b = a; // copies the value
    a = p;
    Pair *raw = a;
    (void)raw;
    (void)a->car;
    a.set(b.get());

    std::vector<grove::Rooted<Pair *>> v{make_rooted(heap, p), make_named_rooted(heap, a)};
    v.emplace_back(heap, b.get());
    v.resize(4);
    v[3].reset(heap, p);
    v.push_back(v.front());
    v.insert(v.begin(), 2, v.back());
    v.erase(v.begin());
    std::map<int, grove::Owned<Pair *>> m;
    m.emplace(1, make_owned(heap, p));
    m[2] = m[1];
    std::vector<grove::Owned<Pair *>> w(2);
    w[0] = make_owned(heap, p);
    std::vector<Host> hosts;
    hosts.push_back(Host{v[0], grove::Owned<void *>(heap, p)});
    using std::swap;
    swap(v[0], v[1]);
    swap(w[0], w[1]);
    grove::Rooted<const Pair *> c(heap, p);
    grove::Heap moved(std::move(heap));
    heap = std::move(moved);
}

#elif GROVE_CASE == 1 // error: deleted -- copying a Local
void f(grove_heap *h)
{
    grove::Local<Pair *> a(h);
    grove::Local<Pair *> b(a);
}
#elif GROVE_CASE == 2 // error: deleted -- moving a Local
void f(grove_heap *h)
{
    grove::Local<Pair *> a(h);
    grove::Local<Pair *> b(std::move(a));
}
#elif GROVE_CASE == 3 // error: deleted -- returning a named Local
grove::Local<Pair *> f(grove_heap *h)
{
    grove::Local<Pair *> a(h);
    return a;
}
#elif GROVE_CASE == 4 // error: deleted|constructible -- a vector of Locals
void f(grove_heap *h)
{
    std::vector<grove::Local<Pair *>> v;
    v.emplace_back(h);
}
#elif GROVE_CASE == 5 // error: deleted -- a braced list of Locals
void f(grove_heap *h)
{
    grove::Local<Pair *> a(h), b(h);
    std::initializer_list<grove::Local<Pair *>> l{a, b};
    (void)l;
}
#elif GROVE_CASE == 6 // error: deleted -- copying a Scope
void f(grove_heap *h)
{
    grove::Scope s(h);
    grove::Scope t(s);
}
#elif GROVE_CASE == 7 // error: deleted -- copying a Heap
void f(grove::Heap &h)
{
    grove::Heap copy(h);
}
#elif GROVE_CASE == 8 // error: needs a pointer type -- a Rooted of a non-pointer
grove::Rooted<long> r;
#elif GROVE_CASE == 9 // error: needs a pointer type -- a Local of a non-pointer
void f(grove_heap *h)
{
    grove::Local<int> l(h);
}
#elif GROVE_CASE == 10 // error: conversion -- a Rooted from a bare pointer, with no heap
void f(Pair *p)
{
    grove::Rooted<Pair *> r = p;
}
#elif GROVE_CASE == 11 // error: no matching -- an Owned from a bare grove_heap *
void f(grove_heap *h, Pair *p)
{
    grove::Owned<Pair *> o(h, p);
}
#else
#error "unknown GROVE_CASE"
#endif
