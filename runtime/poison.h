/* poison.h — marking memory the mutator must not touch: a byte pattern that
 * makes stale reads obvious, and ASan poisoning when built with ASan. */
#ifndef GROVE_POISON_H
#define GROVE_POISON_H

#include <stddef.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define GROVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GROVE_ASAN 1
#endif
#endif

#ifdef GROVE_ASAN
#include <sanitizer/asan_interface.h>
#define GROVE_ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define GROVE_ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define GROVE_ASAN_POISON(p, n) ((void)(p), (void)(n))
#define GROVE_ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* 0xdb: "dead bytes". A pointer read from poisoned memory is odd, so it is
 * an immediate to the collector and an obvious crash to the mutator. */
#define GROVE_POISON_BYTE 0xdb

static inline void grove_poison(void *p, size_t n)
{
    memset(p, GROVE_POISON_BYTE, n);
    GROVE_ASAN_POISON(p, n);
}

#endif
