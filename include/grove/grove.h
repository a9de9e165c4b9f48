/**
 * @file grove.h
 * @brief The Grove collector's public API.
 *
 * Grove is a precise, moving, generational collector for language runtimes.
 * This header is the collector itself: heap lifecycle, type registration,
 * allocation, the write barrier, explicit collection, embedder root
 * visitors, errors and statistics. Rooting of C locals lives in a backend
 * header chosen at build time; include <grove/roots.h> for the portable
 * facade over it.
 *
 * Fast paths (allocation, write barrier, immediates) are static inline and
 * read a small struct at the start of every heap (struct grove__heap_fast).
 * Its fields are not API: touch them only through these functions.
 *
 * A heap is used by one thread at a time (any thread, one after another);
 * separate heaps may run in parallel on different threads. Overlapping use
 * of one heap by two threads is misuse, GROVE_E_CONCURRENT_USE naming both
 * threads, wherever it reaches the runtime: an allocation that refills or
 * collects, a collection, the barrier's logging, registering types,
 * visitors or listeners. The inline fast paths cannot see it.
 */
#ifndef GROVE_GROVE_H
#define GROVE_GROVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup grove_util Compiler helpers and symbol visibility
 * @brief Macros the public headers use on every compiler.
 * @{
 */

#if defined(__GNUC__)
/** Branch hint: @p x is expected to be true (no-op on compilers without
 *  `__builtin_expect`). */
#define GROVE_LIKELY(x) __builtin_expect(!!(x), 1)
/** Branch hint: @p x is expected to be false. */
#define GROVE_UNLIKELY(x) __builtin_expect(!!(x), 0)
/** Marks a variable that may legitimately go unread (silences
 *  `-Wunused-variable`). */
#define GROVE_MAYBE_UNUSED __attribute__((unused))
/* Fast-path helpers that must fold into their callers, whatever the
 * inliner's size estimate (not API). */
#define GROVE__ALWAYS_INLINE __attribute__((always_inline))
#else
#define GROVE_LIKELY(x) (x)
#define GROVE_UNLIKELY(x) (x)
#define GROVE_MAYBE_UNUSED
#define GROVE__ALWAYS_INLINE
#endif

#ifndef GROVE_API
#if defined(__GNUC__) && __GNUC__ >= 4
/**
 * Marks a declaration as part of the library's binary interface. The
 * library is compiled with hidden visibility, so only declarations carrying
 * GROVE_API are exported from the shared library; everything else in
 * `runtime/` stays internal. Includes the few `grove__` helpers that the
 * inline fast paths call: they are ABI, not API.
 */
#define GROVE_API __attribute__((visibility("default")))
#else
#define GROVE_API
#endif
#endif

/** @} */

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_errors Errors
 * @brief Error codes, messages and the misuse handler.
 *
 * Every failure has one of these codes and a message, recorded in the heap
 * (grove_last_error()). Resource failures (out of memory, bad configuration,
 * oversized request, a root visitor not found) are returned to the caller.
 * Misuse (a stale handle, an unknown type id, allocating during a
 * collection, ...) additionally calls the heap's error handler, whose default
 * prints the message and aborts; `try_` forms record and return the code and
 * never call the handler.
 * @{
 */

/** Error codes. Names are stable (grove_error_name()). */
typedef enum grove_error {
    GROVE_OK = 0,           /**< no error */
    GROVE_E_OOM,            /**< heap limit reached, or the system is out of memory */
    GROVE_E_TOO_LARGE,      /**< object size beyond what any object can have */
    GROVE_E_BAD_CONFIG,     /**< invalid heap configuration */
    GROVE_E_BAD_TYPE,       /**< unknown type id, or invalid type description */
    GROVE_E_IN_GC,          /**< allocation or collection requested during a GC */
    GROVE_E_STALE_HANDLE,   /**< root used after its scope exited or it was unrooted */
    GROVE_E_FOREIGN_HANDLE, /**< root handle made by another heap */
    GROVE_E_BAD_HANDLE,     /**< forged, zeroed or out-of-range root handle */
    GROVE_E_DOUBLE_UNROOT,  /**< a root was unrooted twice */
    GROVE_E_NO_SCOPE,       /**< scoped root requested with no scope open */
    GROVE_E_BAD_SCOPE,      /**< scope exited twice, out of order, or foreign */
    GROVE_E_ROOT_ORDER,     /**< stack root unlinked out of LIFO order */
    GROVE_E_BAD_NODE,       /**< persistent node removed twice or never added */
    GROVE_E_NOT_FOUND,      /**< removing a root visitor or listener that is not registered */
    GROVE_E_CONCURRENT_USE, /**< the heap used by a second thread while one is using it */
    GROVE_E_NOT_OBJECT,     /**< an immediate (NULL, a tagged value) where an object is needed */
    GROVE_E_NOT_PINNED      /**< grove_unpin() of an object that is not pinned */
} grove_error;

/** A heap: an opaque handle created by grove_heap_create(). */
typedef struct grove_heap grove_heap;

/**
 * Called for misuse errors. If it returns, the failing operation has done
 * nothing and returns its failure value (NULL, an error code, a zero handle).
 *
 * @param heap    the heap the misuse happened on
 * @param code    what went wrong
 * @param message a description of this occurrence (valid during the call)
 * @param data    the pointer given with the handler
 */
typedef void (*grove_error_handler)(grove_heap *heap, grove_error code,
                                    const char *message, void *data);

/** An error as a value, for functions that have no heap to record it in. */
typedef struct grove_error_info {
    grove_error code;  /**< the error, GROVE_OK if none */
    char message[256]; /**< its message, NUL-terminated ("" if none) */
} grove_error_info;

/**
 * Stable identifier of a code.
 * @param code any error code
 * @return its name, e.g. "GROVE_E_OOM" (a static string; "GROVE_E_UNKNOWN"
 *         for values outside the enum)
 */
GROVE_API const char *grove_error_name(grove_error code);

/**
 * The last error recorded by any operation on this heap.
 * @param heap the heap
 * @return GROVE_OK if none since the last grove_clear_error()
 */
GROVE_API grove_error grove_last_error(const grove_heap *heap);
/**
 * Message of the last error recorded on this heap.
 * @param heap the heap
 * @return the message ("" if none); valid until the next error is recorded
 */
GROVE_API const char *grove_last_error_message(const grove_heap *heap);
/**
 * Forget the last error: grove_last_error() returns GROVE_OK afterwards.
 * @param heap the heap
 */
GROVE_API void grove_clear_error(grove_heap *heap);

/**
 * Replace the misuse handler.
 * @param heap    the heap
 * @param handler the new handler; NULL restores the default (print and abort)
 * @param data    passed to every call of @p handler
 */
GROVE_API void grove_set_error_handler(grove_heap *heap, grove_error_handler handler, void *data);

/** @} */

/* ------------------------------------------------------------------------ */
/* Heap lifecycle                                                           */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_heap_group Heap lifecycle
 * @brief Creating, configuring and destroying heaps.
 * @{
 */

/** Debug modes for grove_config::debug (bit flags). */
enum {
    GROVE_DEBUG_VERIFY = 1u << 0, /**< check heap invariants around every GC */
    GROVE_DEBUG_POISON = 1u << 1  /**< fill (and ASan-poison) evacuated memory */
};

/** Heap configuration; fill with grove_config_init() and adjust. */
typedef struct grove_config {
    size_t nursery_size;    /**< bytes of nursery (default 4 MiB; >= 64 KiB); with an
                               adaptive nursery, its smallest and first size */
    size_t nursery_max_size; /**< adaptive nursery: if not 0 (the default, a fixed size),
                               the nursery may grow up to this many bytes (>= nursery_size).
                               After each minor GC that found the nursery full, a pause under
                               half of minor_pause_target_ns doubles the nursery (if the heap
                               limit allows), one over the target halves it, never below
                               nursery_size. A bigger nursery gives objects longer to die, so
                               fewer are promoted, at the price of longer minor pauses. */
    uint64_t minor_pause_target_ns; /**< the adaptive nursery's target minor pause
                                       (default 1 ms; > 0) */
    unsigned survivor_age;  /**< minor GCs an object survives in the young generation
                               before it is promoted (0: promoted at its first survival;
                               at most 15). With aging, the nursery is two regions of
                               nursery_size that alternate: a minor GC copies survivors
                               younger than this to the start of the other region (at most
                               half of it; the rest are promoted) and allocation resumes
                               after them. Both regions count against max_heap_size. */
    size_t max_heap_size;   /**< nursery + old-space blocks + large objects, never
                               exceeded (default: no limit, but one object larger
                               than the machine's physical memory is refused) */
    double growth_factor;   /**< major GC when old space exceeds live-after-last-major
                               times this (default 2.0; in (1.0, 1000]) */
    size_t major_min_bytes; /**< never trigger a major GC below this old-space size
                               (default 16 MiB) */
    bool incremental;       /**< mark the old generation in slices between minor GCs
                               instead of in one pause (default off). A cycle starts half-way
                               to the major threshold; slices run at each minor GC and as
                               the nursery fills, and the cycle ends in a short final pause.
                               The write barrier shades what it stores meanwhile. A heap
                               whose codegen ABI was requested at a version below 3 stays
                               stop-the-world. */
    size_t major_slice_bytes; /**< incremental: the least work of one slice, in bytes of
                                 objects marked (default 1 MiB; > 0). Slices do more, up to
                                 32 times this, when the mutator promotes faster than
                                 this would keep up with. */
    unsigned debug;         /**< GROVE_DEBUG_* flags */
    unsigned zeal_minor;    /**< if > 0, a minor GC every zeal_minor allocations */
    unsigned zeal_major;    /**< if > 0, a major GC every zeal_major allocations */
    unsigned zeal_slice;    /**< if > 0, an incremental marking slice (starting a cycle
                               if none runs) every zeal_slice allocations; with
                               incremental off it does nothing */
    grove_error_handler error_handler; /**< NULL: print and abort */
    void *error_data;       /**< passed to error_handler */
} grove_config;

/**
 * Fill *config with the defaults.
 * @param config the configuration to initialise
 */
GROVE_API void grove_config_init(grove_config *config);

/**
 * Apply an options string to @p config, strictly: a comma-separated list of
 * `key=value` settings, applied left to right (a later setting of the same
 * key wins). On any error nothing is applied and @p error names the
 * offending setting.
 *
 * | key               | value                               | sets                          |
 * |-------------------|-------------------------------------|-------------------------------|
 * | `nursery-size`    | bytes, with an optional K, M, G or T | grove_config::nursery_size    |
 * | `nursery-max-size`| bytes as above, 0 = fixed size      | grove_config::nursery_max_size |
 * | `minor-pause-target-us` | a whole number of microseconds | grove_config::minor_pause_target_ns |
 * | `survivor-age`    | a whole number of minor GCs, 0-15   | grove_config::survivor_age    |
 * | `max-heap-size`   | bytes as above, or `none`           | grove_config::max_heap_size   |
 * | `growth-factor`   | a decimal number                    | grove_config::growth_factor   |
 * | `major-min-bytes` | bytes as above                      | grove_config::major_min_bytes |
 * | `verify`, `poison`| `on` or `off` (alone: on)           | grove_config::debug flags     |
 * | `incremental`     | `on` or `off` (alone: on)           | grove_config::incremental     |
 * | `major-slice-bytes` | bytes as above                    | grove_config::major_slice_bytes |
 * | `zeal-minor`, `zeal-major`, `zeal-slice` | a whole number, 0 = off | grove_config::zeal_minor / zeal_major / zeal_slice |
 *
 * Suffixes are binary (K = 1024). Numbers are decimal, without sign; an
 * unknown key, an empty or malformed value, a number out of range or
 * trailing characters are GROVE_E_BAD_CONFIG. Whether the values together
 * make a valid heap is checked by grove_heap_create().
 *
 * Example: `"nursery-size=8M,max-heap-size=1G,growth-factor=1.5"`.
 *
 * @param config  the configuration to change (e.g. from grove_config_init())
 * @param options the options string (NULL or "" changes nothing)
 * @param error   if not NULL, receives the reason on failure
 * @return GROVE_OK or GROVE_E_BAD_CONFIG
 */
GROVE_API grove_error grove_config_parse(grove_config *config, const char *options,
                                         grove_error_info *error);

/**
 * Create a heap. Two environment variables adjust every heap, so a deployed
 * runtime can be tuned and a whole test run debugged without recompiling;
 * both are parsed by grove_config_parse() and applied over @p config, first
 * GROVE_OPTIONS (e.g. "nursery-size=16M,growth-factor=1.5"), then
 * GROVE_DEBUG (e.g. "verify,poison,zeal-minor=7,zeal-major=97"). A
 * malformed variable makes creation fail with GROVE_E_BAD_CONFIG naming it.
 *
 * @param config the configuration, or NULL for the defaults
 * @param error  if not NULL, receives the reason when creation fails
 * @return the heap, or NULL on an invalid config or if memory is short
 */
GROVE_API grove_heap *grove_heap_create(const grove_config *config, grove_error_info *error);

/**
 * Release every byte the heap holds. All roots and objects die with it.
 * @param heap the heap (NULL is ignored)
 */
GROVE_API void grove_heap_destroy(grove_heap *heap);

/** @} */

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_types Types
 * @brief Describing object layouts to the collector.
 * @{
 */

/** Identifier of a registered type; dense from 0 within a heap. */
typedef uint32_t grove_type_id;
/** Returned by grove_register_type() for an invalid description. */
#define GROVE_TYPE_INVALID ((grove_type_id)UINT32_MAX)

/** How the collector finds the pointer slots of a type's objects. */
typedef enum grove_layout {
    GROVE_LAYOUT_RECORD = 1, /**< fixed size; pointer_map marks the pointer words */
    GROVE_LAYOUT_ARRAY,      /**< variable size; every word is a pointer slot */
    GROVE_LAYOUT_BYTES,      /**< variable size; no pointers */
    GROVE_LAYOUT_CUSTOM,     /**< variable size; the trace callback visits slots */
    GROVE_LAYOUT_WEAK_BOX,   /**< word 0 weak, further words strong slots (grove/weak.h) */
    GROVE_LAYOUT_EPHEMERON   /**< word 0 key, word 1 value, further words strong (grove/weak.h) */
} grove_layout;

/** Passed to trace callbacks and root visitors; see grove_trace_slot(). */
typedef struct grove_tracer grove_tracer;

/**
 * Trace callback of a GROVE_LAYOUT_CUSTOM type: visit every pointer slot of
 * @p object with grove_trace_slot(). Must not allocate or touch roots.
 *
 * @param object the object's payload
 * @param size   payload size in bytes
 * @param tracer pass to grove_trace_slot() / grove_trace_slots()
 */
typedef void (*grove_trace_fn)(void *object, size_t size, grove_tracer *tracer);

/** A type description for grove_register_type(). */
typedef struct grove_type_desc {
    const char *name;     /**< for messages; copied */
    grove_layout layout;  /**< how slots are found */
    size_t size;          /**< RECORD: payload bytes, at most 64 words */
    uint64_t pointer_map; /**< RECORD: bit i set => payload word i is a slot */
    grove_trace_fn trace; /**< CUSTOM: required */
} grove_type_desc;

/**
 * Register a type; ids are dense from 0.
 * @param heap the heap the type belongs to
 * @param desc the description (copied)
 * @return the new id, or GROVE_TYPE_INVALID (recording GROVE_E_BAD_TYPE) for
 *         an invalid description
 */
GROVE_API grove_type_id grove_register_type(grove_heap *heap, const grove_type_desc *desc);

/**
 * Whether a slot value is an immediate. A slot holds a pointer to an
 * object's payload, or an immediate: NULL or any value with one of the low
 * three bits set (tagged fixnums, chars...). Immediates are never traced
 * nor moved.
 * @param value a slot's value
 * @return true for NULL and tagged values
 */
static inline bool grove_is_immediate(const void *value)
{
    return value == NULL || ((uintptr_t)value & 7u) != 0;
}

/** @} */

/* ------------------------------------------------------------------------ */
/* Fast-path state (not API)                                                */
/* ------------------------------------------------------------------------ */

/* Object header: one word before the payload.
 *   bit 0      1 for an object; 0 means the word is a forwarding pointer
 *   bit 1      marked (major GC)
 *   bit 2      logged in the remembered set
 *   bit 3      visited (verify mode only; clear outside verify)
 *   bit 4      hashed: its identity hash was taken at its current address
 *   bit 5      hash word: its identity hash is its last word (moved since)
 *   bit 6      ephemeron key: ephemerons wait on it (during a collection only)
 *   bit 7      carded: an old array remembered by card (grove_write)
 *   bits 8-23  type id
 *   bits 24-59 total size in words, header included
 *   bits 60-63 age: minor GCs survived in the young generation (young
 *              objects only; 0 as allocated and in old objects) */
#define GROVE__HDR_LIVE ((uint64_t)1)
#define GROVE__HDR_MARK ((uint64_t)2)
#define GROVE__HDR_LOGGED ((uint64_t)4)
#define GROVE__HDR_HASHED ((uint64_t)16)
#define GROVE__HDR_HASH_WORD_SHIFT 5
#define GROVE__HDR_HASH_WORD ((uint64_t)1 << GROVE__HDR_HASH_WORD_SHIFT)
#define GROVE__HDR_CARDED ((uint64_t)128)
#define GROVE__HDR_TYPE_SHIFT 8
#define GROVE__HDR_SIZE_SHIFT 24
#define GROVE__HDR_SIZE_BITS 36
#define GROVE__HDR_AGE_SHIFT 60
#define GROVE__HDR_AGE_MAX 15u
#define GROVE__MAX_TYPES 0xffffu

/** @addtogroup grove_alloc
 *  @{ */
/** Largest payload allocated in the nursery; bigger objects go straight to
 *  the large-object space. (The largest old-space cell is 4096 bytes: the
 *  payload, its header and, for an object hashed while young, its hash.) */
#define GROVE_MAX_SMALL_PAYLOAD ((size_t)4096 - 16)
/** @} */

/* Old-space blocks, as grove_write marks cards in them: a block is
 * GROVE__BLOCK_SIZE bytes aligned to its size; the byte at offset
 * GROVE__BLOCK_CARDS + i is card i of the block (GROVE__CARD_SHIFT bits of
 * address each), set when a slot in it may hold a young pointer; the byte
 * at GROVE__BLOCK_DIRTY is set once the block is listed for the next minor
 * collection. (runtime/old_space.h asserts the block header agrees.) */
#define GROVE__BLOCK_SIZE ((uintptr_t)256 * 1024)
#define GROVE__CARD_SHIFT 8
#define GROVE__BLOCK_CARDS 64
#define GROVE__BLOCK_DIRTY 33
/* Objects of at most this many words, header included, are in old-space
 * blocks; of more than one word more, large. (Exactly one more: a large
 * object, or a hashed old-space one; the barrier asks the runtime.) */
#define GROVE__BLOCK_OBJECT_MAX_WORDS ((uint64_t)511)

struct grove__heap_fast {
    uintptr_t alloc_ptr;   /* nursery bump pointer */
    uintptr_t alloc_limit; /* end of the zeroed part; forced low to take the slow path */
    uintptr_t nursery_start;
    size_t nursery_size;
    uint32_t type_count;
    uint32_t heap_id;
    void *roots;            /* the rooting backend's state */
    uintptr_t uninit_limit; /* grove_alloc_uninit may allocate below it, zeroed or not */
    uint32_t marking;       /* nonzero while an incremental major GC marks: the barrier shades */
};

static inline struct grove__heap_fast *grove__fast(grove_heap *heap)
{
    return (struct grove__heap_fast *)(void *)heap;
}

/* "Is this address young?" — the one definition of the young generation,
 * used by the barrier below and by the runtime's tracer filter, verify and
 * census. Today young is the nursery's address range. */
static inline bool grove__is_young(const struct grove__heap_fast *f, const void *p)
{
    return (uintptr_t)p - f->nursery_start < f->nursery_size;
}

static inline uint64_t *grove__header(const void *object)
{
    return (uint64_t *)(uintptr_t)object - 1;
}

/* Object bytes, header included, for a payload of `size` bytes: at least two
 * words, so that even an empty object's payload address lies inside it (an
 * empty object ending the nursery must still test as young). */
static inline size_t grove__object_bytes(size_t size)
{
    size_t bytes = (size + 15) & ~(size_t)7;
    return bytes < 16 ? 16 : bytes;
}

GROVE_API void *grove__alloc_slow(grove_heap *heap, grove_type_id type, size_t size);
GROVE_API void grove__remember(grove_heap *heap, void *object);
GROVE_API void grove__remember_slot(grove_heap *heap, void *object, void **slot);
GROVE_API void grove__shade(grove_heap *heap, void *object, const void *value);

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_alloc Allocation
 * @brief Allocating objects and inspecting them.
 * @{
 */

/* Both allocation fast paths, `uninit` a constant: bump the nursery
 * pointer up to the end of its zeroed part, or (uninit) up to its end —
 * past the zeroed part, which is then empty — and write the header. */
static inline GROVE__ALWAYS_INLINE void *grove__alloc_fast(grove_heap *heap, grove_type_id type,
                                                           size_t size, bool uninit)
{
    struct grove__heap_fast *f = grove__fast(heap);
    if (GROVE_LIKELY(size <= GROVE_MAX_SMALL_PAYLOAD && type < f->type_count)) {
        size_t bytes = grove__object_bytes(size);
        uintptr_t p = f->alloc_ptr;
        if (GROVE_LIKELY((uninit ? f->uninit_limit : f->alloc_limit) - p >= bytes)) {
            if (uninit && f->alloc_limit - p < bytes)
                f->alloc_limit = p + bytes;
            f->alloc_ptr = p + bytes;
            *(uint64_t *)p = GROVE__HDR_LIVE | ((uint64_t)type << GROVE__HDR_TYPE_SHIFT) |
                             ((uint64_t)(bytes / 8) << GROVE__HDR_SIZE_SHIFT);
            return (void *)(p + 8);
        }
    }
    return grove__alloc_slow(heap, type, size);
}

/**
 * Allocate an object of @p type with a payload of @p size bytes (rounded up
 * to a multiple of 8, and at least 8), zeroed. For RECORD types pass the record's size. An unknown type id
 * is misuse. May collect: every heap pointer not rooted is invalid afterwards.
 *
 * @param heap the heap
 * @param type a type registered on @p heap
 * @param size payload size in bytes
 * @return the object's payload, or NULL if the heap limit is reached
 *         (GROVE_E_OOM) or size is beyond any object (GROVE_E_TOO_LARGE)
 */
static inline void *grove_alloc(grove_heap *heap, grove_type_id type, size_t size)
{
    return grove__alloc_fast(heap, type, size, false);
}

/**
 * Allocate as grove_alloc() does, but without zeroing the payload: the
 * caller writes every word the collector reads — every slot of an ARRAY,
 * the pointer words of a RECORD, the words of a weak box or ephemeron,
 * whatever a CUSTOM type's trace callback reads — before its next
 * allocation or any call that may collect. (BYTES objects have nothing the
 * collector reads: for them it is always safe.) The payload otherwise holds
 * whatever the memory held, so an unwritten slot is a dangling pointer to
 * the collector. What it saves: the nursery zeroes memory ahead of
 * allocation, so an object its allocator fills at once is written twice;
 * this form takes memory past the zeroed part when it can. The header is
 * written as by grove_alloc().
 *
 * @param heap the heap
 * @param type a type registered on @p heap
 * @param size payload size in bytes
 * @return the payload, or NULL as for grove_alloc() (the slow path, taken
 *         at the nursery's end, returns zeroed memory)
 */
static inline void *grove_alloc_uninit(grove_heap *heap, grove_type_id type, size_t size)
{
    return grove__alloc_fast(heap, type, size, true);
}

/**
 * Allocate an ARRAY (or CUSTOM) object of @p count pointer slots, all NULL.
 * @param heap  the heap
 * @param type  a type registered on @p heap
 * @param count number of slots
 * @return the payload, or NULL as for grove_alloc()
 */
static inline void *grove_alloc_array(grove_heap *heap, grove_type_id type, size_t count)
{
    if (GROVE_UNLIKELY(count > SIZE_MAX / sizeof(void *)))
        return grove__alloc_slow(heap, type, SIZE_MAX);
    return grove_alloc(heap, type, count * sizeof(void *));
}

/**
 * Type id of a live object.
 * @param object a live object's payload
 * @return the id it was allocated with
 */
static inline grove_type_id grove_object_type(const void *object)
{
    return (grove_type_id)((*grove__header(object) >> GROVE__HDR_TYPE_SHIFT) & GROVE__MAX_TYPES);
}
/**
 * Payload size of a live object.
 * @param object a live object's payload
 * @return its size in bytes (a multiple of 8)
 */
static inline size_t grove_object_size(const void *object)
{
    uint64_t hdr = *grove__header(object);
    /* Less the header and, once a hashed object has moved, its hash word. */
    size_t words = (size_t)((hdr >> GROVE__HDR_SIZE_SHIFT) & (((uint64_t)1 << GROVE__HDR_SIZE_BITS) - 1));
    return (words - 1 - ((hdr >> GROVE__HDR_HASH_WORD_SHIFT) & 1)) * 8;
}

/** @} */

/* ------------------------------------------------------------------------ */
/* Identity and pinning                                                     */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_identity Identity hashes and pinning
 * @brief What a moving collector owes code that keys on, or holds, an
 *        object's address.
 *
 * An identity hash is stable for the object's whole life, across every
 * minor and major collection, and costs nothing for objects never hashed:
 * it is derived from the object's address while the object has not moved
 * (a header bit records that it was taken), and a hashed young object
 * carries it in one extra word from its evacuation on. grove_object_size()
 * and the heap limit stay exact.
 *
 * A pinned object does not move and stays alive until unpinned: its
 * address may be handed to C code, the OS or generated code. Old and large
 * objects never move; pinning a young object moves it out of the nursery
 * first (a minor collection), so allocate objects that are pinned from the
 * start with grove_alloc_pinned(). Pins nest.
 * @{
 */

/**
 * The identity hash of a live object: the same value for its whole life.
 * Distinct objects may share a hash (it is a hash, not an id). Not to be
 * called during a collection (misuse, GROVE_E_IN_GC).
 * @param heap   the heap
 * @param object a live object's payload; an immediate is misuse
 *               (GROVE_E_NOT_OBJECT)
 * @return the hash, or 0 after a misuse the handler returned from
 */
GROVE_API uint64_t grove_identity_hash(grove_heap *heap, void *object);

/**
 * Pin a live object: it stays at the returned address, and alive, until
 * grove_unpin() has been called as many times as grove_pin(). May collect
 * when @p object is young (it is moved out of the nursery first): as after
 * an allocation, other unrooted pointers are invalid afterwards, and the
 * object's own address may have changed — use the one returned.
 * @param heap   the heap
 * @param object a live object's payload, rooted by the caller if young
 * @return the object's pinned address, or NULL: GROVE_E_OOM (no room to
 *         move it or to record the pin), GROVE_E_NOT_OBJECT (an immediate),
 *         GROVE_E_IN_GC
 */
GROVE_API void *grove_pin(grove_heap *heap, void *object);

/**
 * Drop one pin of @p object.
 * @param heap   the heap
 * @param object an object returned by grove_pin() or grove_alloc_pinned()
 * @return GROVE_OK, or GROVE_E_NOT_PINNED (misuse) if it is not pinned
 */
GROVE_API grove_error grove_unpin(grove_heap *heap, void *object);

/**
 * How many times @p object is pinned now.
 * @param heap   the heap
 * @param object any object
 * @return its pin count, 0 if not pinned
 */
GROVE_API uint32_t grove_pin_count(grove_heap *heap, const void *object);

/**
 * Allocate an object that is pinned from the start (as if by grove_pin(),
 * once), zeroed, without a collection to move it: it is born in old space.
 * Being old from birth, it needs the write barrier on every pointer store,
 * even the first ones.
 * @param heap the heap
 * @param type a type registered on @p heap
 * @param size payload size in bytes
 * @return the payload, or NULL as for grove_alloc()
 */
GROVE_API void *grove_alloc_pinned(grove_heap *heap, grove_type_id type, size_t size);

/** @} */

/* ------------------------------------------------------------------------ */
/* Write barrier                                                            */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_barrier_group Write barrier
 * @brief Every store of a heap pointer into a heap object goes through here.
 * @{
 */

/**
 * Tell the collector that @p value was just stored into a slot of @p object.
 * Every store of a heap pointer into a heap object must be followed by a
 * barrier (or go through grove_write()): an old object gaining a pointer to a
 * young one is logged once in the remembered set; while an incremental major
 * GC marks, an old object gaining a pointer to an old one has it shaded.
 *
 * @param heap   the heap
 * @param object the object stored into
 * @param value  the value stored (immediates are fine)
 */
static inline void grove_barrier(grove_heap *heap, void *object, const void *value)
{
    const struct grove__heap_fast *f = grove__fast(heap);
    if (grove__is_young(f, value)) {
        if (!grove__is_young(f, object) && !(*grove__header(object) & GROVE__HDR_LOGGED))
            grove__remember(heap, object);
    } else if (GROVE_UNLIKELY(f->marking) && !grove__is_young(f, object)) {
        grove__shade(heap, object, value);
    }
}

/* The barrier of a store of `value` into `slot` of `object`: as
 * grove_barrier, but an old-space carded array marks the slot's card
 * inline, and a large one returns at once if the card is marked; the call
 * lists the card's block the first time, marks a large array's card, and
 * logs any other object. */
static inline GROVE__ALWAYS_INLINE void grove__barrier_slot(grove_heap *heap, void *object,
                                                            void **slot, const void *value)
{
    const struct grove__heap_fast *f = grove__fast(heap);
    if (!grove__is_young(f, value)) {
        if (GROVE_UNLIKELY(f->marking) && !grove__is_young(f, object))
            grove__shade(heap, object, value);
        return;
    }
    if (grove__is_young(f, object))
        return;
    uint64_t hdr = *grove__header(object);
    if (hdr & GROVE__HDR_LOGGED)
        return;
    uint64_t words = hdr >> GROVE__HDR_SIZE_SHIFT;
    if ((hdr & GROVE__HDR_CARDED) && words <= GROVE__BLOCK_OBJECT_MAX_WORDS) {
        /* The index is masked: a slot outside the object (misuse) cannot
         * write outside the block's card bytes. */
        uint8_t *block = (uint8_t *)((uintptr_t)object & ~(GROVE__BLOCK_SIZE - 1));
        size_t card = (((uintptr_t)slot - (uintptr_t)block) >> GROVE__CARD_SHIFT) &
                      ((GROVE__BLOCK_SIZE >> GROVE__CARD_SHIFT) - 1);
        block[GROVE__BLOCK_CARDS + card] = 1;
        if (block[GROVE__BLOCK_DIRTY])
            return;
    } else if ((hdr & GROVE__HDR_CARDED) && words > GROVE__BLOCK_OBJECT_MAX_WORDS + 1 &&
               (uintptr_t)slot - (uintptr_t)object < (words - 1) * 8) {
        /* A large array: its card bits follow its payload. A store into a
         * marked card (a loop filling the array) needs no call. */
        const uint64_t *bits = (const uint64_t *)object + (words - 1);
        size_t card = ((uintptr_t)slot >> GROVE__CARD_SHIFT) - ((uintptr_t)object >> GROVE__CARD_SHIFT);
        if ((bits[card / 64] >> (card % 64)) & 1)
            return;
    }
    grove__remember_slot(heap, object, slot);
}

/**
 * Store @p value into @p slot (a pointer slot inside @p object) with the
 * barrier. Knowing the slot, it remembers a large array by card: when an
 * old ARRAY of 1 KiB or more gains a young pointer, the next minor
 * collection rescans the 256 bytes around the slot, not the whole array.
 * (grove_barrier() and GROVE_STORE log such an array whole.) For arrays
 * of up to 4 KiB the card is marked inline, with a call only for the first
 * card of a block between two minor collections; for large objects in
 * the call.
 * @param heap   the heap
 * @param object the object containing @p slot
 * @param slot   the slot
 * @param value  the value to store
 */
static inline void grove_write(grove_heap *heap, void *object, void **slot, void *value)
{
    *slot = value;
    grove__barrier_slot(heap, object, slot, value);
}

/**
 * Copy n values into consecutive slots of @p object starting at @p dst, with
 * the barrier of grove_write() for each slot (the ranges may overlap).
 * @param heap   the heap
 * @param object the object containing the slots
 * @param dst    the first slot written
 * @param src    the values (may be a C array or another object's slots)
 * @param n      number of slots
 */
GROVE_API void grove_write_n(grove_heap *heap, void *object, void **dst, void *const *src,
                             size_t n);

/**
 * Typed store with the barrier: GROVE_STORE(h, pair, car, value) stores
 * pair->car = value.
 * @param heap   the heap
 * @param object pointer to the object (a struct with the field)
 * @param field  the field's name
 * @param value  the value to store
 */
#define GROVE_STORE(heap, object, field, value)                                                  \
    do {                                                                                         \
        (object)->field = (value);                                                               \
        grove_barrier((heap), (object), (const void *)(object)->field);                          \
    } while (0)

/** @} */

/* ------------------------------------------------------------------------ */
/* Collection                                                               */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_collect Collection and embedder roots
 * @brief Explicit collections, tracing, and root visitors.
 * @{
 */

/**
 * Collect the nursery now. GROVE_E_IN_GC if called from inside a collection
 * (a trace callback or root visitor); that is misuse. GROVE_E_OOM if the heap
 * is at its limit and the nursery's survivors do not fit in old space: the
 * collection freed what it could and left the nursery in place, consistent.
 * (Near the limit, a minor collection may run a major one to make room.)
 * @param heap the heap
 * @return GROVE_OK, GROVE_E_OOM or GROVE_E_IN_GC
 */
GROVE_API grove_error grove_collect_minor(grove_heap *heap);
/**
 * Run one slice of the incremental major GC now (grove_config::incremental):
 * start a cycle if none runs, do major_slice_bytes of its work, and end it
 * with its final pause (and the nursery's evacuation) if marking is done —
 * for a runtime that collects in idle time. Without incremental mode, or
 * on a heap that stopped it (grove/codegen.h), a whole major GC.
 * Errors as for grove_collect_minor().
 * @param heap the heap
 * @return GROVE_OK, GROVE_E_OOM or GROVE_E_IN_GC
 */
GROVE_API grove_error grove_collect_slice(grove_heap *heap);
/**
 * Collect the whole heap now; errors as for grove_collect_minor().
 * Everything unreachable at the call is freed: a running incremental
 * cycle is finished and followed by a stop-the-world major GC (two
 * collections), as the cycle keeps what was reachable when it began.
 * @param heap the heap
 * @return GROVE_OK, GROVE_E_OOM or GROVE_E_IN_GC
 */
GROVE_API grove_error grove_collect_major(grove_heap *heap);

/**
 * Visit one slot: if it holds a heap pointer, keep the object alive and
 * update the slot if the object moved. Immediates are left alone.
 * @param tracer the tracer passed to the callback
 * @param slot   the slot
 */
GROVE_API void grove_trace_slot(grove_tracer *tracer, void **slot);
/**
 * Visit n consecutive slots.
 * @param tracer the tracer passed to the callback
 * @param slots  the first slot
 * @param n      number of slots
 */
GROVE_API void grove_trace_slots(grove_tracer *tracer, void **slots, size_t n);

/**
 * Embedder roots: called at every collection to trace the slots the runtime
 * keeps itself (an operand stack, a globals table) with grove_trace_slot().
 * @param heap   the heap being collected
 * @param tracer pass to grove_trace_slot() / grove_trace_slots()
 * @param data   the pointer given at registration
 */
typedef void (*grove_root_visitor)(grove_heap *heap, grove_tracer *tracer, void *data);
/**
 * Register a root visitor.
 * @param heap  the heap
 * @param visit the visitor
 * @param data  passed to every call of @p visit
 * @return GROVE_OK, or GROVE_E_OOM
 */
GROVE_API grove_error grove_add_root_visitor(grove_heap *heap, grove_root_visitor visit,
                                             void *data);
/**
 * Remove the registration with this exact (visit, data).
 * @param heap  the heap
 * @param visit the visitor
 * @param data  its data pointer
 * @return GROVE_OK, or GROVE_E_NOT_FOUND if none
 */
GROVE_API grove_error grove_remove_root_visitor(grove_heap *heap, grove_root_visitor visit,
                                                void *data);

/** @} */

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_stats_group Statistics
 * @brief Counters, pause times and JSON.
 * @{
 */

/**
 * Pause times of one kind of collection, over the heap's whole life.
 *
 * count, total_ns and max_ns are exact. p50_ns and p99_ns are nearest-rank
 * percentiles read from a log-bucketed histogram with 32 linear sub-buckets
 * per power of two: each is the middle of the bucket holding the exact
 * nearest-rank pause, clamped to the shortest and longest pause seen, so it
 * differs from the exact value v by at most v / 64 (1.6 %). They are exact
 * for pauses under 64 ns, for a single pause and when all pauses are equal.
 * The histogram has a fixed size: however long the heap runs, recording a
 * pause never allocates.
 */
typedef struct grove_pause_stats {
    uint64_t count;    /**< collections of this kind */
    uint64_t total_ns; /**< sum of their pauses */
    uint64_t max_ns;   /**< longest pause */
    uint64_t p50_ns;   /**< median pause */
    uint64_t p99_ns;   /**< 99th percentile pause */
} grove_pause_stats;

/** A heap's statistics (grove_get_stats()). */
typedef struct grove_stats {
    uint64_t minor_collections; /**< minor GCs so far */
    uint64_t major_collections; /**< major GCs so far */
    uint64_t bytes_allocated;  /**< all objects ever allocated, headers included */
    uint64_t bytes_promoted;   /**< copied from the nursery to old space, or allocated
                                  there directly (grove_alloc_pinned()) */
    uint64_t bytes_kept_young; /**< survivor aging: copied by minor GCs from the nursery
                                  to the nursery's next region, counted at each copy */
    uint64_t bytes_large;      /**< allocated directly in the large-object space */
    uint64_t bytes_freed;      /**< old and large objects reclaimed by major GCs */
    uint64_t live_bytes;       /**< old + large objects not yet reclaimed:
                                  promoted + large - freed */
    uint64_t heap_bytes;       /**< memory held: nursery (both regions when aging) + old
                                  blocks + large objects */
    uint64_t peak_heap_bytes;  /**< highest heap_bytes seen */
    uint64_t roots_scanned;    /**< root slots visited, all collections */
    uint64_t remembered_set_size;     /**< objects logged right now */
    uint64_t remembered_objects_scanned; /**< total over all minor GCs */
    uint64_t remembered_cards;         /**< cards of large arrays marked right now */
    uint64_t remembered_cards_scanned; /**< total over all minor GCs */
    grove_pause_stats minor;   /**< minor GC pauses */
    grove_pause_stats major;   /**< major GC pauses: with incremental marking, every
                                  slice and every cycle's final pause */
    uint64_t major_slices;     /**< incremental marking slices run (sweeping the last
                                  cycle's rest, or marking) */
    uint32_t major_cycle;      /**< the incremental cycle now: 0 none, 1 sweeping the
                                  last one's rest, 2 marking */
} grove_stats;

/**
 * Read the heap's statistics.
 * @param heap the heap
 * @param out  receives them
 */
GROVE_API void grove_get_stats(grove_heap *heap, grove_stats *out);

/** Kind of collection, for grove_pause_samples(). */
typedef enum grove_collection_kind {
    GROVE_MINOR = 0, /**< nursery collections */
    GROVE_MAJOR = 1  /**< whole-heap collections */
} grove_collection_kind;

/**
 * Copy the most recent pause times (ns) of one kind into out, oldest first.
 *
 * For pause distributions. The heap keeps the last 4096 pauses of each kind
 * in a fixed ring (older ones still count in grove_pause_stats). The call
 * copies the min(cap, stored) most recent of them in collection order and
 * returns how many are stored, whatever cap is: so a first call with cap 0
 * sizes the buffer, and a second call with that cap fills it (the number
 * stored never goes down).
 * @param heap the heap
 * @param kind minor or major
 * @param out  receives min(@p cap, the return value) samples (may be NULL if
 *             cap is 0)
 * @param cap  capacity of @p out
 * @return how many samples are stored: the number of collections of that
 *         kind so far, at most 4096
 */
GROVE_API size_t grove_pause_samples(grove_heap *heap, grove_collection_kind kind,
                                     uint64_t *out, size_t cap);

/**
 * Write stats as one JSON object into buf, with snprintf semantics.
 * @param stats the statistics
 * @param buf   the buffer (may be NULL if cap is 0)
 * @param cap   its size in bytes
 * @return the length needed, excluding the terminator
 */
GROVE_API size_t grove_stats_json(const grove_stats *stats, char *buf, size_t cap);

/** @} */

/* ------------------------------------------------------------------------ */
/* Collection events                                                        */
/* ------------------------------------------------------------------------ */

/**
 * @defgroup grove_events Collection events
 * @brief A listener told when each collection and each of its phases
 *        starts and ends: the hook for profilers, tracing and devtools.
 *
 * Listeners run inside the collection, synchronously, on the thread that
 * collects: they must not allocate, collect, create or drop roots, or touch
 * objects (allocation there is misuse, GROVE_E_IN_GC, as in a root visitor).
 * With no listener registered, a collection builds no event and reads no
 * extra clock.
 * @{
 */

/** What happened. */
typedef enum grove_event_type {
    GROVE_EVENT_COLLECTION_START = 0, /**< a collection begins (before its first phase) */
    GROVE_EVENT_PHASE_START,          /**< one of its phases begins */
    GROVE_EVENT_PHASE_END,            /**< that phase ends */
    GROVE_EVENT_COLLECTION_END,       /**< the collection ends; its pause is duration_ns */
    GROVE_EVENT_SLICE_START,          /**< an incremental major GC's slice begins (kind
                                           major; collection is the last one run) */
    GROVE_EVENT_SLICE_END             /**< the slice ends; its pause is duration_ns. Every
                                           major pause is a collection's or a slice's */
} grove_event_type;

/** The phases of a collection, in the order they run. */
typedef enum grove_phase {
    GROVE_PHASE_NONE = 0,    /**< not a phase event */
    GROVE_PHASE_FINISH_SWEEP, /**< major: sweeping the old-space blocks the previous major GC's
                                   lazy sweep has not reached, before marking */
    GROVE_PHASE_ROOTS,      /**< the backend's roots and the embedder's root visitors */
    GROVE_PHASE_REMEMBERED, /**< minor: old objects logged by the write barrier */
    GROVE_PHASE_DRAIN,      /**< tracing until the worklist is empty */
    GROVE_PHASE_WEAK,       /**< weak boxes, ephemerons, guardians and cleanup hooks */
    GROVE_PHASE_SWEEP,      /**< major: freeing unmarked large objects and old-space blocks
                                 with nothing marked; the other old blocks are swept lazily,
                                 as promotion needs their cells */
    GROVE_PHASE_RESET       /**< minor: emptying the nursery; major: unmarking it */
} grove_phase;

/** Why a collection runs. */
typedef enum grove_gc_reason {
    GROVE_REASON_NURSERY_FULL = 0, /**< an allocation found the nursery full */
    GROVE_REASON_EXPLICIT,         /**< grove_collect_minor() / grove_collect_major() */
    GROVE_REASON_ZEAL,             /**< zeal mode's schedule */
    GROVE_REASON_OLD_THRESHOLD,    /**< old space passed its growth threshold */
    GROVE_REASON_HEAP_LIMIT,       /**< the nursery's survivors would not fit under
                                        max_heap_size without a full collection */
    GROVE_REASON_LARGE_OBJECT,     /**< a large or pinned allocation would pass the threshold
                                        or limit */
    GROVE_REASON_AFTER_MAJOR,      /**< the nursery evacuated at the end of a major GC */
    GROVE_REASON_PIN,              /**< grove_pin() on a young object moves it out first */
    GROVE_REASON_MARKING_DONE      /**< an incremental cycle's slices marked everything
                                        they could reach: its final pause */
} grove_gc_reason;

/** One event. Byte counts are those of the heap at the moment of the event. */
typedef struct grove_event {
    grove_event_type type;      /**< what happened */
    grove_collection_kind kind; /**< minor or major */
    grove_gc_reason reason;     /**< why this collection runs */
    grove_phase phase;          /**< for phase events, else GROVE_PHASE_NONE */
    uint64_t collection;        /**< this collection's number on its heap, from 1 */
    uint64_t time_ns;           /**< CLOCK_MONOTONIC time of the event */
    uint64_t duration_ns;       /**< end events: time since the matching start, else 0 */
    uint64_t heap_bytes;        /**< memory held (as grove_stats::heap_bytes) */
    uint64_t bytes_promoted;    /**< end events: copied out of the nursery so far in this
                                     collection */
    uint64_t bytes_freed;       /**< end events: old and large bytes freed so far in this
                                     collection */
} grove_event;

/**
 * Receives collection events.
 * @param heap  the heap collecting
 * @param event the event (valid during the call)
 * @param data  the pointer given at registration
 */
typedef void (*grove_event_listener)(grove_heap *heap, const grove_event *event, void *data);

/**
 * Register a listener; listeners are called in registration order.
 * Adding or removing one during a collection is misuse (GROVE_E_IN_GC).
 * @param heap   the heap
 * @param listen the listener
 * @param data   passed to every call of @p listen
 * @return GROVE_OK, GROVE_E_OOM or GROVE_E_IN_GC
 */
GROVE_API grove_error grove_add_event_listener(grove_heap *heap, grove_event_listener listen,
                                               void *data);
/**
 * Remove the registration with this exact (listen, data).
 * @param heap   the heap
 * @param listen the listener
 * @param data   its data pointer
 * @return GROVE_OK, GROVE_E_NOT_FOUND if none, or GROVE_E_IN_GC
 */
GROVE_API grove_error grove_remove_event_listener(grove_heap *heap, grove_event_listener listen,
                                                  void *data);

/**
 * Stable names for messages and logs.
 * @param phase a phase
 * @return e.g. "roots"; "unknown" outside the enum
 */
GROVE_API const char *grove_phase_name(grove_phase phase);
/**
 * @param reason a reason
 * @return e.g. "nursery-full"; "unknown" outside the enum
 */
GROVE_API const char *grove_gc_reason_name(grove_gc_reason reason);

/** @} */

#ifdef __cplusplus
}
#endif

#include <grove/weak.h>

#endif /* GROVE_GROVE_H */
