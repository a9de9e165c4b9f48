// harness.hpp — a minimal test runner for the C++ wrapper tests: no
// dependency beyond the standard library, one executable per suite, a
// summary line "N passed, N failed" and a non-zero exit status on failure.
//
//   GROVE_TEST(name) { CHECK(cond); CHECK_EQ(a, b); FAIL_TEST("message"); }
//
// A failed CHECK throws out of the test case, so destructors (scopes, roots)
// run as they would for any exception.
#ifndef GROVE_TEST_HARNESS_HPP
#define GROVE_TEST_HARNESS_HPP

#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

namespace grove_test {

struct Case {
    const char *name;
    void (*fn)();
};

inline std::vector<Case> &registry()
{
    static std::vector<Case> cases;
    return cases;
}

struct Registrar {
    Registrar(const char *name, void (*fn)()) { registry().push_back({name, fn}); }
};

struct Failure {
    std::string what;
};

[[noreturn]] inline void fail(const char *file, int line, const std::string &what)
{
    std::ostringstream s;
    s << file << ":" << line << ": " << what;
    throw Failure{s.str()};
}

template <class A, class B>
inline void check_eq(const A &a, const B &b, const char *as, const char *bs, const char *file,
                     int line)
{
    if (!(a == b)) {
        std::ostringstream s;
        s << "CHECK_EQ(" << as << ", " << bs << "): " << a << " != " << b;
        fail(file, line, s.str());
    }
}

inline int run_all(const char *suite)
{
    int passed = 0, failed = 0;
    for (const Case &c : registry()) {
        try {
            c.fn();
            passed++;
            std::printf("PASS %s.%s\n", suite, c.name);
        } catch (const Failure &f) {
            failed++;
            std::printf("FAIL %s.%s: %s\n", suite, c.name, f.what.c_str());
        } catch (const std::exception &e) {
            failed++;
            std::printf("FAIL %s.%s: exception: %s\n", suite, c.name, e.what());
        }
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

} // namespace grove_test

#define GROVE_TEST(name)                                                                         \
    static void name();                                                                          \
    static const ::grove_test::Registrar name##_registrar(#name, name);                          \
    static void name()

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond))                                                                             \
            ::grove_test::fail(__FILE__, __LINE__, "CHECK(" #cond ")");                          \
    } while (0)

#define FAIL_TEST(what) ::grove_test::fail(__FILE__, __LINE__, (what))

#define CHECK_EQ(a, b) ::grove_test::check_eq((a), (b), #a, #b, __FILE__, __LINE__)

#define GROVE_TEST_MAIN(suite)                                                                   \
    int main() { return ::grove_test::run_all(suite); }

#endif
