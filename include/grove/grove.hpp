/**
 * @file grove.hpp
 * @brief Header-only C++17 wrapper: RAII heaps, scopes and roots.
 *
 * The wrapper adds no code to the library: it is inline C++ over the C API
 * of <grove/grove.h> and <grove/roots.h>, compiled against the rooting
 * backend recorded in <grove/config.h>.
 *
 * | class          | indexed backend                    | intrusive backend                              |
 * |----------------|------------------------------------|------------------------------------------------|
 * | grove::Heap    | owns a grove_heap                  | same                                           |
 * | grove::Scope   | grove_scope_enter / exit           | same                                           |
 * | grove::Local   | a grove_rooted handle (a value)    | a stack node, linked in the constructor and unlinked in the destructor (LIFO) |
 * | grove::Rooted  | a grove_manual root, unrooted in the destructor | a grove_persistent_node, linked in the constructor and unlinked in the destructor (any order) |
 *
 * grove::Rooted has value semantics on both backends: a copy is a new root
 * holding the same object, a move transfers the root and leaves the source
 * empty. So braced lists `{a, b}`, `std::vector<grove::Rooted<T>>` (with its
 * reallocations, inserts and erases) and Rooted members of host objects all
 * keep their objects alive and up to date across collections.
 *
 * @code
 * grove::Heap heap;                                 // throws grove::Error on failure
 * grove_type_id T_PAIR = heap.register_type(pair_desc);
 * std::vector<grove::Rooted<Pair *>> roots;
 * {
 *     grove::Scope scope(heap);
 *     grove::Local<Pair *> p(heap, heap.alloc<Pair>(T_PAIR));
 *     grove::store(heap, p.get(), p->car, some_value);   // with the barrier
 *     roots.emplace_back(heap, p.get());               // outlives the scope
 * }
 * heap.collect_minor();                             // roots[0] follows the move
 * @endcode
 *
 * Every root must be destroyed before its heap. A raw pointer read from a
 * root is valid until the next allocation or collection, as in C.
 */
#ifndef GROVE_GROVE_HPP
#define GROVE_GROVE_HPP

#if !defined(__cplusplus) ||                                                                     \
    (__cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error "grove.hpp needs C++17 or later"
#endif

#include <grove/roots.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

/** The C++ wrapper's namespace. */
namespace grove {

/**
 * @defgroup grove_cpp C++17 wrapper
 * @brief RAII heaps, scopes and roots over the C API (grove/grove.hpp).
 * @{
 */

/** An error reported by the wrapper, carrying the C error code. */
class Error : public std::runtime_error {
public:
    /**
     * @param code    the error code
     * @param message what happened
     */
    Error(grove_error code, const std::string &message)
        : std::runtime_error(std::string(grove_error_name(code)) + ": " + message), code_(code)
    {
    }

    /** @return the error code */
    grove_error code() const noexcept { return code_; }

private:
    grove_error code_;
};

/** @} */

namespace detail {

[[noreturn]] inline void fail(grove_error code, const char *message)
{
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
    throw Error(code, message);
#else
    std::fprintf(stderr, "grove: %s: %s\n", grove_error_name(code), message);
    std::abort();
#endif
}

template <class T> inline void *erase(T value) noexcept
{
    static_assert(std::is_pointer<T>::value, "grove roots hold pointers (or tagged immediates)");
    return const_cast<void *>(static_cast<const volatile void *>(value));
}

template <class T> inline T restore(void *value) noexcept
{
    return static_cast<T>(value);
}

} // namespace detail

/** @addtogroup grove_cpp
 *  @{ */

/**
 * Owns a heap: created in the constructor, destroyed in the destructor.
 * Move-only. Converts to `grove_heap *`, so it can be passed to every C
 * function and to the wrapper's constructors.
 */
class Heap {
public:
    /**
     * Create a heap.
     * @param config the configuration, or nullptr for the defaults
     * @throws Error if the heap cannot be created (bad configuration, no memory)
     */
    explicit Heap(const grove_config *config = nullptr) : heap_(create(config)) {}

    /**
     * Create a heap.
     * @param config the configuration
     * @throws Error if the heap cannot be created
     */
    explicit Heap(const grove_config &config) : heap_(create(&config)) {}

    Heap(const Heap &) = delete;            ///< not copyable
    Heap &operator=(const Heap &) = delete; ///< not copyable

    /** Take over @p other's heap; @p other becomes empty.
     *  @param other the heap moved from */
    Heap(Heap &&other) noexcept : heap_(std::exchange(other.heap_, nullptr)) {}

    /** Destroy the current heap and take over @p other's.
     *  @param other the heap moved from
     *  @return *this */
    Heap &operator=(Heap &&other) noexcept
    {
        if (this != &other) {
            grove_heap_destroy(heap_);
            heap_ = std::exchange(other.heap_, nullptr);
        }
        return *this;
    }

    /** Destroy the heap (every root must be gone by now). */
    ~Heap() { grove_heap_destroy(heap_); }

    /** @return the C heap (nullptr after a move or release()) */
    grove_heap *get() const noexcept { return heap_; }

    /** @return the C heap */
    operator grove_heap *() const noexcept { return heap_; }

    /** Give up ownership without destroying the heap.
     *  @return the C heap, now the caller's to destroy */
    grove_heap *release() noexcept { return std::exchange(heap_, nullptr); }

    /**
     * Register a type.
     * @param desc the description (copied)
     * @return the new type id
     * @throws Error (GROVE_E_BAD_TYPE) for an invalid description
     */
    grove_type_id register_type(const grove_type_desc &desc)
    {
        grove_type_id id = grove_register_type(heap_, &desc);
        if (id == GROVE_TYPE_INVALID)
            detail::fail(grove_last_error(heap_), grove_last_error_message(heap_));
        return id;
    }

    /**
     * Allocate a zeroed object with a payload of @p size bytes; may collect.
     * @tparam U the payload's C++ type
     * @param type a registered type id
     * @param size payload size in bytes
     * @return the object, or nullptr (as grove_alloc()) at the heap limit
     */
    template <class U> U *alloc(grove_type_id type, std::size_t size) noexcept
    {
        return static_cast<U *>(grove_alloc(heap_, type, size));
    }

    /**
     * Allocate a zeroed record of type U (sizeof(U) bytes); may collect.
     * @tparam U the record's C++ type
     * @param type a registered RECORD type id
     * @return the object, or nullptr at the heap limit
     */
    template <class U> U *alloc(grove_type_id type) noexcept
    {
        return static_cast<U *>(grove_alloc(heap_, type, sizeof(U)));
    }

    /**
     * Allocate an ARRAY (or CUSTOM) object of @p count slots; may collect.
     * @param type  a registered type id
     * @param count number of pointer slots
     * @return the slots, or nullptr at the heap limit
     */
    void **alloc_array(grove_type_id type, std::size_t count) noexcept
    {
        return static_cast<void **>(grove_alloc_array(heap_, type, count));
    }

    /** Collect the nursery now.
     *  @return as grove_collect_minor() */
    grove_error collect_minor() noexcept { return grove_collect_minor(heap_); }

    /** Collect the whole heap now.
     *  @return as grove_collect_major() */
    grove_error collect_major() noexcept { return grove_collect_major(heap_); }

    /** @return the heap's statistics */
    grove_stats stats() const noexcept
    {
        grove_stats s;
        grove_get_stats(heap_, &s);
        return s;
    }

private:
    static grove_heap *create(const grove_config *config)
    {
        grove_error_info info{};
        grove_heap *heap = grove_heap_create(config, &info);
        if (!heap)
            detail::fail(info.code, info.message);
        return heap;
    }

    grove_heap *heap_;
};

/**
 * Store @p value into @p field of @p object with the write barrier: the C++
 * form of GROVE_STORE(). `grove::store(h, pair, pair->car, v)`.
 * @param heap   the heap
 * @param object the object containing @p field
 * @param field  a pointer field of @p object
 * @param value  the value stored
 */
template <class Object, class Field, class Value>
inline void store(grove_heap *heap, Object *object, Field &field, Value &&value) noexcept
{
    field = std::forward<Value>(value);
    grove_barrier(heap, const_cast<void *>(static_cast<const volatile void *>(object)),
                  detail::erase(field));
}

/**
 * An open scope: grove_scope_enter() in the constructor, grove_scope_exit()
 * in the destructor (also when an exception unwinds through it). Every
 * Local created while it is the innermost scope dies with it. Neither
 * copyable nor movable.
 */
class Scope {
public:
    /** Enter a scope.
     *  @param heap the heap */
    explicit Scope(grove_heap *heap) noexcept : heap_(heap), scope_(grove_scope_enter(heap)) {}
    Scope(const Scope &) = delete;            ///< not copyable
    Scope &operator=(const Scope &) = delete; ///< not copyable
    /** Exit the scope. */
    ~Scope() { grove_scope_exit(heap_, scope_); }

    /** @return the heap */
    grove_heap *heap() const noexcept { return heap_; }
    /** @return the C scope */
    const grove_scope &get() const noexcept { return scope_; }

private:
    grove_heap *heap_;
    grove_scope scope_;
};

#if GROVE_ROOTING_INDEXED

/**
 * A scoped root (indexed backend): a grove_rooted handle made in the
 * innermost open Scope, valid until that scope exits. Like the C handle it
 * is a value: copies name the same root slot. Assigning a T stores into the
 * root.
 * @tparam T a pointer type
 */
template <class T> class Local {
    static_assert(std::is_pointer<T>::value, "grove::Local<T> needs a pointer type");

public:
    /**
     * Root @p value in the innermost scope (misuse if none is open).
     * @param heap  the heap
     * @param value the initial value
     */
    explicit Local(grove_heap *heap, T value = nullptr) noexcept
        : heap_(heap), handle_(grove_root(heap, detail::erase(value)))
    {
    }

    /** @return the value, valid until the next allocation */
    T get() const noexcept { return detail::restore<T>(grove_rooted_get(heap_, handle_)); }
    /** Store a new value.
     *  @param value the value */
    void set(T value) noexcept { grove_rooted_set(heap_, handle_, detail::erase(value)); }
    /** Store a new value.
     *  @param value the value
     *  @return *this */
    Local &operator=(T value) noexcept
    {
        set(value);
        return *this;
    }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap */
    grove_heap *heap() const noexcept { return heap_; }
    /** @return the C handle */
    grove_rooted handle() const noexcept { return handle_; }

private:
    grove_heap *heap_;
    grove_rooted handle_;
};

/**
 * A root with any lifetime (indexed backend): owns a grove_manual root,
 * unrooted in the destructor. A copy roots the same object again; a move
 * transfers the root and leaves the source empty. Usable as a member and in
 * standard containers. A default-constructed or moved-from Rooted is empty:
 * it roots nothing and reads as nullptr.
 * @tparam T a pointer type
 */
template <class T> class Rooted {
    static_assert(std::is_pointer<T>::value, "grove::Rooted<T> needs a pointer type");

public:
    /** An empty root. */
    Rooted() noexcept = default;

    /**
     * Root @p value until destruction.
     * @param heap  the heap
     * @param value the initial value
     * @throws Error (GROVE_E_OOM) if the root table cannot grow
     */
    explicit Rooted(grove_heap *heap, T value = nullptr) { attach(heap, detail::erase(value)); }

    /** Root the object @p other holds, again.
     *  @param other the root copied
     *  @throws Error (GROVE_E_OOM) if the root table cannot grow */
    Rooted(const Rooted &other)
    {
        if (other.heap_)
            attach(other.heap_, other.raw());
    }

    /** Take over @p other's root; @p other becomes empty.
     *  @param other the root moved from */
    Rooted(Rooted &&other) noexcept
        : heap_(std::exchange(other.heap_, nullptr)), handle_(std::exchange(other.handle_, {}))
    {
    }

    /** Hold the object @p other holds (rooting it on @p other's heap).
     *  @param other the root copied
     *  @return *this */
    Rooted &operator=(const Rooted &other)
    {
        if (this == &other)
            return *this;
        if (heap_ && heap_ == other.heap_) {
            grove_manual_set(heap_, handle_, other.raw());
        } else {
            Rooted copy(other);
            swap(copy);
        }
        return *this;
    }

    /** Unroot the current object and take over @p other's root.
     *  @param other the root moved from
     *  @return *this */
    Rooted &operator=(Rooted &&other) noexcept
    {
        if (this != &other) {
            reset();
            heap_ = std::exchange(other.heap_, nullptr);
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }

    /** Store a new value (the root must not be empty).
     *  @param value the value
     *  @return *this */
    Rooted &operator=(T value) noexcept
    {
        set(value);
        return *this;
    }

    /** Unroot. */
    ~Rooted() { reset(); }

    /** Unroot now; the root becomes empty. */
    void reset() noexcept
    {
        if (heap_)
            grove_manual_unroot(std::exchange(heap_, nullptr), handle_);
        handle_ = {};
    }

    /** Exchange two roots.
     *  @param other the other root */
    void swap(Rooted &other) noexcept
    {
        std::swap(heap_, other.heap_);
        std::swap(handle_, other.handle_);
    }

    /** @return the value (nullptr if empty), valid until the next allocation */
    T get() const noexcept { return detail::restore<T>(raw()); }
    /** Store a new value (the root must not be empty).
     *  @param value the value */
    void set(T value) noexcept { grove_manual_set(heap_, handle_, detail::erase(value)); }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap, or nullptr if empty */
    grove_heap *heap() const noexcept { return heap_; }
    /** @return true if the root holds nothing (default-constructed or moved from) */
    bool empty() const noexcept { return heap_ == nullptr; }
    /** @return the C handle (zero if empty) */
    grove_manual handle() const noexcept { return handle_; }

private:
    void attach(grove_heap *heap, void *value)
    {
        grove_manual m = grove_manual_root(heap, value);
        if (m.gen == 0) // a zero handle: the table could not grow
            detail::fail(GROVE_E_OOM, "grove::Rooted: the root table cannot grow");
        heap_ = heap;
        handle_ = m;
    }

    void *raw() const noexcept { return heap_ ? grove_manual_get(heap_, handle_) : nullptr; }

    grove_heap *heap_ = nullptr;
    grove_manual handle_{};
};

#else /* GROVE_ROOTING_INTRUSIVE */

/**
 * A scoped root (intrusive backend): a one-slot stack node, linked in the
 * constructor and unlinked in the destructor. Stack nodes are LIFO, so a
 * Local is neither copyable nor movable: declare it as a local variable.
 * Reading and writing it is a plain load and store.
 * @tparam T a pointer type
 */
template <class T> class Local {
    static_assert(std::is_pointer<T>::value, "grove::Local<T> needs a pointer type");

public:
    /**
     * Link a node holding @p value.
     * @param heap  the heap
     * @param value the initial value
     */
    explicit Local(grove_heap *heap, T value = nullptr) noexcept
        : link_{nullptr, 1}, slot_(detail::erase(value)), heap_(heap)
    {
        static_assert(offsetof(Local, slot_) == offsetof(Local, link_) + sizeof(grove_root_link),
                      "the slot must follow the link");
        grove_root_push(heap, &link_);
    }
    Local(const Local &) = delete;            ///< not copyable (the node's address is its identity)
    Local &operator=(const Local &) = delete; ///< not copyable
    /** Unlink the node. */
    ~Local() { grove_root_pop(heap_, &link_); }

    /** @return the value, valid until the next allocation */
    T get() const noexcept { return detail::restore<T>(slot_); }
    /** Store a new value.
     *  @param value the value */
    void set(T value) noexcept { slot_ = detail::erase(value); }
    /** Store a new value.
     *  @param value the value
     *  @return *this */
    Local &operator=(T value) noexcept
    {
        set(value);
        return *this;
    }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap */
    grove_heap *heap() const noexcept { return heap_; }

private:
    grove_root_link link_;
    void *slot_;
    grove_heap *heap_;
};

/**
 * A root with any lifetime (intrusive backend): a grove_persistent_node
 * embedded in the object, linked in the constructor and unlinked in the
 * destructor, in any order. A copy links a new node holding the same
 * object; a move links a new node and unlinks the source, which becomes
 * empty. Usable as a member and in standard containers. A
 * default-constructed or moved-from Rooted is empty: it roots nothing and
 * reads as nullptr.
 * @tparam T a pointer type
 */
template <class T> class Rooted {
    static_assert(std::is_pointer<T>::value, "grove::Rooted<T> needs a pointer type");

public:
    /** An empty root. */
    Rooted() noexcept = default;

    /**
     * Link a node holding @p value.
     * @param heap  the heap
     * @param value the initial value
     */
    explicit Rooted(grove_heap *heap, T value = nullptr) noexcept
    {
        grove_persistent_add(heap, &node_, detail::erase(value));
    }

    /** Link a new node holding the object @p other holds.
     *  @param other the root copied */
    Rooted(const Rooted &other) noexcept
    {
        if (other.node_.heap)
            grove_persistent_add(other.node_.heap, &node_, other.node_.ptr);
    }

    /** Link a new node holding @p other's object and unlink @p other.
     *  @param other the root moved from */
    Rooted(Rooted &&other) noexcept
    {
        if (other.node_.heap) {
            grove_persistent_add(other.node_.heap, &node_, other.node_.ptr);
            other.reset();
        }
    }

    /** Hold the object @p other holds (on @p other's heap).
     *  @param other the root copied
     *  @return *this */
    Rooted &operator=(const Rooted &other) noexcept
    {
        if (this == &other)
            return *this;
        if (node_.heap == other.node_.heap) {
            node_.ptr = other.node_.ptr;
        } else {
            reset();
            if (other.node_.heap)
                grove_persistent_add(other.node_.heap, &node_, other.node_.ptr);
        }
        return *this;
    }

    /** Hold @p other's object; @p other becomes empty.
     *  @param other the root moved from
     *  @return *this */
    Rooted &operator=(Rooted &&other) noexcept
    {
        if (this != &other) {
            *this = static_cast<const Rooted &>(other);
            other.reset();
        }
        return *this;
    }

    /** Store a new value (the root must not be empty).
     *  @param value the value
     *  @return *this */
    Rooted &operator=(T value) noexcept
    {
        set(value);
        return *this;
    }

    /** Unlink the node. */
    ~Rooted() { reset(); }

    /** Unlink now; the root becomes empty. */
    void reset() noexcept
    {
        if (node_.heap)
            grove_persistent_remove(node_.heap, &node_);
        node_.ptr = nullptr;
    }

    /** Exchange the values (and heaps) of two roots.
     *  @param other the other root */
    void swap(Rooted &other) noexcept
    {
        Rooted tmp(std::move(other));
        other = std::move(*this);
        *this = std::move(tmp);
    }

    /** @return the value (nullptr if empty), valid until the next allocation */
    T get() const noexcept { return detail::restore<T>(node_.ptr); }
    /** Store a new value (the root must not be empty).
     *  @param value the value */
    void set(T value) noexcept { node_.ptr = detail::erase(value); }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap, or nullptr if empty */
    grove_heap *heap() const noexcept { return node_.heap; }
    /** @return true if the root holds nothing (default-constructed or moved from) */
    bool empty() const noexcept { return node_.heap == nullptr; }
    /** @return the C node (do not link or unlink it yourself) */
    const grove_persistent_node &node() const noexcept { return node_; }

private:
    grove_persistent_node node_ = GROVE_PERSISTENT_NODE_INIT;
};

#endif

/**
 * Exchange two roots.
 * @param a a root
 * @param b another root
 */
template <class T> inline void swap(Rooted<T> &a, Rooted<T> &b) noexcept
{
    a.swap(b);
}

/** @} */

} // namespace grove

#endif /* GROVE_GROVE_HPP */
