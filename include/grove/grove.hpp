/**
 * @file grove.hpp
 * @brief Header-only C++17 wrapper: RAII heaps, scopes and roots.
 *
 * The wrapper adds no code to the library: it is inline C++ over the C API
 * of <grove/grove.h> and <grove/roots.h>, compiled against the rooting
 * backend recorded in <grove/config.h>. Its classes have the same members,
 * the same copy and move rules and the same errors on both backends, so code
 * written against them compiles (or does not) the same way on either; only
 * Rooted::handle() (indexed) and Rooted::node() (intrusive) are particular
 * to one.
 *
 * | class          | what it is                          | indexed backend         | intrusive backend          |
 * |----------------|-------------------------------------|-------------------------|----------------------------|
 * | grove::Heap    | owns a grove_heap                   |                         |                            |
 * | grove::Scope   | grove_scope_enter / exit (RAII)     |                         |                            |
 * | grove::Local   | a root in the innermost Scope; neither copied nor moved | a grove_rooted handle | a one-slot stack node (LIFO) |
 * | grove::Rooted  | a root with any lifetime, a value; destroy it before its heap | a grove_manual root | a grove_persistent_node |
 * | grove::Owned   | a Rooted that may outlive its grove::Heap | same                | same                       |
 * | grove::Guardian | a grove_guardian: create / free (RAII), register, take | same        | same                       |
 *
 * grove::Rooted and grove::Owned have value semantics: a copy is a new root
 * holding the same object, a move transfers the root and leaves the source
 * empty. So braced lists `{a, b}`, `std::vector<grove::Rooted<T>>` (with its
 * reallocations, inserts and erases) and Rooted members of host objects all
 * keep their objects alive and up to date across collections. An empty root
 * (default-constructed, moved from or reset) has no heap: storing an object
 * into it is refused (grove::Error, GROVE_E_BAD_HANDLE) rather than leaving
 * the object unrooted; give it a heap with `reset(heap, value)` or assign it
 * a root. An Owned holds a share of its grove::Heap's lifetime, the way
 * Wasmtime's `OwnedRooted` does of its store's: it may be destroyed after
 * the heap, and reads as empty once the heap is gone.
 *
 * A Local can be neither copied nor moved (a stack node's address is its
 * identity; an indexed handle dies with its scope), so it cannot be put in
 * a container or returned by name; assigning one Local to another copies
 * the value. A root that is refused (a Local with no Scope open, any root
 * made during a collection) is reported to the heap's error handler; if the
 * handler returns, the constructor throws grove::Error with that code.
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
 * Weak boxes and ephemerons (grove/weak.h) are read with grove::weak_target,
 * grove::ephemeron_key and grove::ephemeron_value, written with
 * grove::set_weak_target and grove::set_ephemeron (with the barrier), and
 * allocated with Heap::alloc_weak_box and Heap::alloc_ephemeron; a cleanup
 * hook may be any callable (Heap::add_cleanup).
 *
 * Every Local, Rooted and Guardian must be destroyed before its heap (an
 * Owned need not). A raw pointer read from a root is valid until the next
 * allocation or collection, as in C. Like its heap, a root is used by one
 * thread at a time.
 */
#ifndef GROVE_GROVE_HPP
#define GROVE_GROVE_HPP

#if !defined(__cplusplus) ||                                                                     \
    (__cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error "grove.hpp needs C++17 or later"
#endif

#include <grove/roots.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
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

// The C call refused a root and reported it; the handler returned.
[[noreturn]] inline void fail_recorded(grove_heap *heap)
{
    fail(grove_last_error(heap), grove_last_error_message(heap));
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

// A heap's lifetime, shared by the Heap owning it and the Owned roots made
// from it. Counted without atomics: like the heap, its roots are used by
// one thread at a time.
struct HeapLife {
    grove_heap *heap; // nullptr once the heap is destroyed
    std::size_t refs;
};

// A counted share of a HeapLife.
class LifeRef {
public:
    LifeRef() noexcept = default;
    explicit LifeRef(HeapLife *life) noexcept : life_(life) { acquire(); }
    LifeRef(const LifeRef &other) noexcept : life_(other.life_) { acquire(); }
    LifeRef(LifeRef &&other) noexcept : life_(std::exchange(other.life_, nullptr)) {}
    LifeRef &operator=(LifeRef other) noexcept
    {
        std::swap(life_, other.life_);
        return *this;
    }
    ~LifeRef() { reset(); }

    void reset() noexcept
    {
        if (life_ && --life_->refs == 0)
            delete life_;
        life_ = nullptr;
    }
    // The heap is being destroyed: every share now reads nullptr.
    void end() noexcept
    {
        if (life_)
            life_->heap = nullptr;
    }
    bool shared() const noexcept { return life_ != nullptr; }
    grove_heap *heap() const noexcept { return life_ ? life_->heap : nullptr; }

private:
    void acquire() noexcept
    {
        if (life_)
            life_->refs++;
    }
    HeapLife *life_ = nullptr;
};

// The backend's root with any lifetime, behind the one interface Rooted is
// written against: link (when empty), unlink, forget (its heap is gone),
// take (move another's root here, when empty), get, set.
#if GROVE_ROOTING_INDEXED
class RootCell {
public:
    RootCell() noexcept = default;
    RootCell(const RootCell &) = delete;
    RootCell &operator=(const RootCell &) = delete;

    bool link(grove_heap *heap, void *value) noexcept
    {
        grove_manual m = grove_manual_root(heap, value);
        if (m.gen == 0) // a zero handle: refused (GROVE_E_OOM, GROVE_E_IN_GC)
            return false;
        heap_ = heap;
        handle_ = m;
        return true;
    }
    void unlink() noexcept
    {
        if (heap_)
            grove_manual_unroot(heap_, handle_);
        forget();
    }
    void forget() noexcept
    {
        heap_ = nullptr;
        handle_ = {};
    }
    void take(RootCell &other) noexcept
    {
        heap_ = std::exchange(other.heap_, nullptr);
        handle_ = std::exchange(other.handle_, {});
    }
    void *get() const noexcept { return heap_ ? grove_manual_get(heap_, handle_) : nullptr; }
    void set(void *value) noexcept { grove_manual_set(heap_, handle_, value); }
    grove_heap *heap() const noexcept { return heap_; }
    grove_manual handle() const noexcept { return handle_; }

private:
    grove_heap *heap_ = nullptr;
    grove_manual handle_{};
};
#else
class RootCell {
public:
    RootCell() noexcept = default;
    RootCell(const RootCell &) = delete;
    RootCell &operator=(const RootCell &) = delete;

    bool link(grove_heap *heap, void *value) noexcept
    {
        grove_persistent_add(heap, &node_, value);
        return node_.heap != nullptr; // refused (GROVE_E_IN_GC): left unlinked
    }
    void unlink() noexcept
    {
        if (node_.heap)
            grove_persistent_remove(node_.heap, &node_);
        node_.ptr = nullptr;
    }
    void forget() noexcept { node_ = grove_persistent_node GROVE_PERSISTENT_NODE_INIT; }
    // A node's address is its identity: link this one, unlink the other.
    void take(RootCell &other) noexcept
    {
        if (other.node_.heap && link(other.node_.heap, other.node_.ptr))
            other.unlink();
    }
    void *get() const noexcept { return node_.ptr; }
    void set(void *value) noexcept { node_.ptr = value; }
    grove_heap *heap() const noexcept { return node_.heap; }
    const grove_persistent_node &node() const noexcept { return node_; }

private:
    grove_persistent_node node_ = GROVE_PERSISTENT_NODE_INIT;
};
#endif

// A callable cleanup hook: run once, then destroyed. Hooks are called from
// C, so an exception leaving one ends the program (noexcept).
template <class Fn> void run_cleanup(void *token) noexcept
{
    std::unique_ptr<Fn> fn(static_cast<Fn *>(token));
    (*fn)();
}

} // namespace detail

/** @addtogroup grove_cpp
 *  @{ */

template <class T> class Owned;

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

    /** Take over @p other's heap (its Owned roots follow); @p other becomes
     *  empty.
     *  @param other the heap moved from */
    Heap(Heap &&other) noexcept
        : heap_(std::exchange(other.heap_, nullptr)), life_(std::move(other.life_))
    {
    }

    /** Destroy the current heap and take over @p other's.
     *  @param other the heap moved from
     *  @return *this */
    Heap &operator=(Heap &&other) noexcept
    {
        if (this != &other) {
            close();
            heap_ = std::exchange(other.heap_, nullptr);
            life_ = std::move(other.life_);
        }
        return *this;
    }

    /** Destroy the heap. Every Local and Rooted of it must be gone by now;
     *  its Owned roots become empty. */
    ~Heap() { close(); }

    /** @return the C heap (nullptr after a move or release()) */
    grove_heap *get() const noexcept { return heap_; }

    /** @return the C heap */
    operator grove_heap *() const noexcept { return heap_; }

    /** Give up ownership without destroying the heap. Owned roots made from
     *  it still unroot themselves when destroyed, so they must now be
     *  destroyed before the caller destroys the heap.
     *  @return the C heap, now the caller's to destroy */
    grove_heap *release() noexcept
    {
        life_.reset();
        return std::exchange(heap_, nullptr);
    }

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

    /**
     * Allocate a zeroed record of type U, pinned from birth (as
     * grove_alloc_pinned()): born old, so every pointer store into it needs
     * the barrier. Unpin it with unpin().
     * @param type a registered type id
     * @return the object, or nullptr at the heap limit
     */
    template <class U> U *alloc_pinned(grove_type_id type) noexcept
    {
        return static_cast<U *>(grove_alloc_pinned(heap_, type, sizeof(U)));
    }

    /**
     * The object's identity hash, stable for its whole life (as
     * grove_identity_hash()).
     * @param object a live object
     * @return the hash
     */
    std::uint64_t identity_hash(void *object) noexcept { return grove_identity_hash(heap_, object); }

    /**
     * Pin a live object (as grove_pin()); may collect when it is young.
     * @param object a live object, rooted by the caller if young
     * @return its pinned address (use it: a young object moves once), or
     *         nullptr on failure
     */
    template <class U> U *pin(U *object) noexcept
    {
        return static_cast<U *>(grove_pin(heap_, static_cast<void *>(object)));
    }

    /** Drop one pin (as grove_unpin()).
     *  @param object a pinned object
     *  @return GROVE_OK or GROVE_E_NOT_PINNED */
    grove_error unpin(void *object) noexcept { return grove_unpin(heap_, object); }

    /**
     * Run @p cleanup(@p token) once @p object is dead for good (as
     * grove_add_cleanup()).
     * @param object  a heap object
     * @param cleanup the function
     * @param token   passed to it
     * @return as grove_add_cleanup()
     */
    grove_error add_cleanup(void *object, grove_cleanup_fn cleanup, void *token) noexcept
    {
        return grove_add_cleanup(heap_, object, cleanup, token);
    }

    /**
     * Run @p fn() once @p object is dead for good (after the collection
     * that finds it dead, or at the heap's destruction): a copy of @p fn
     * (a lambda may capture host resources) lives in the heap until it has
     * run, and is destroyed right after. The rules of grove_cleanup_fn
     * apply to it and to its destructor (neither may allocate on or collect
     * the heap; run from the heap's destruction, neither may use it); it
     * must not throw (an exception leaving it calls std::terminate).
     * @param object a heap object
     * @param fn     a callable taking no argument
     * @return as grove_add_cleanup(); on an error @p fn's copy is destroyed
     *         and will not run
     * @throws std::bad_alloc if @p fn cannot be copied
     */
    template <class F> grove_error add_cleanup(void *object, F &&fn)
    {
        using Fn = std::decay_t<F>;
        static_assert(std::is_invocable_v<Fn &>, "a cleanup hook is called with no argument");
        auto held = std::make_unique<Fn>(std::forward<F>(fn));
        grove_error err = grove_add_cleanup(heap_, object, &detail::run_cleanup<Fn>, held.get());
        if (err == GROVE_OK)
            held.release(); // the hook owns it now
        return err;
    }

    /**
     * Allocate a weak box of @p words words (a GROVE_LAYOUT_WEAK_BOX type)
     * aimed at @p target, its other words NULL; may collect. @p target is
     * rooted across the allocation (copies of it the caller holds unrooted
     * are stale afterwards: read it back with weak_target()).
     * @param type   a registered weak box type
     * @param target what the box refers to (an object or an immediate)
     * @param words  payload words, at least 1
     * @return the box, or nullptr at the heap limit
     * @throws Error if @p target cannot be rooted (as Rooted)
     */
    void **alloc_weak_box(grove_type_id type, void *target, std::size_t words = 1);

    /**
     * Allocate an ephemeron of @p words words (a GROVE_LAYOUT_EPHEMERON
     * type) holding @p key and @p value, its other words NULL; may collect.
     * Both are rooted across the allocation.
     * @param type  a registered ephemeron type
     * @param key   the key
     * @param value the value, kept alive while the key is
     * @param words payload words, at least 2
     * @return the ephemeron, or nullptr at the heap limit
     * @throws Error if @p key or @p value cannot be rooted (as Rooted)
     */
    void **alloc_ephemeron(grove_type_id type, void *key, void *value, std::size_t words = 2);

    /** @param object any object
     *  @return how many times it is pinned */
    std::uint32_t pin_count(const void *object) const noexcept
    {
        return grove_pin_count(heap_, object);
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
    template <class T> friend class Owned;

    static grove_heap *create(const grove_config *config)
    {
        grove_error_info info{};
        grove_heap *heap = grove_heap_create(config, &info);
        if (!heap)
            detail::fail(info.code, info.message);
        return heap;
    }

    // A share of the heap's lifetime, made on the first Owned root.
    const detail::LifeRef &life()
    {
        if (!life_.shared())
            life_ = detail::LifeRef(new detail::HeapLife{heap_, 0});
        return life_;
    }

    void close() noexcept
    {
        life_.end();
        life_.reset();
        grove_heap_destroy(std::exchange(heap_, nullptr));
    }

    grove_heap *heap_;
    detail::LifeRef life_;
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

/**
 * A scoped root: made in the innermost open Scope and valid until that
 * scope exits (indexed backend: a grove_rooted handle; intrusive backend: a
 * one-slot stack node, linked in the constructor and unlinked in the
 * destructor, read and written with plain loads and stores). Declare it as
 * a local variable inside a Scope: it can be neither copied nor moved, so
 * it cannot be put in a container, in a braced list or returned by name;
 * assigning a Local (or a T) stores a value into it.
 * @tparam T a pointer type
 */
template <class T> class Local {
    static_assert(std::is_pointer<T>::value, "grove::Local<T> needs a pointer type");

public:
    /**
     * Root @p value in the innermost scope.
     * @param heap  the heap
     * @param value the initial value
     * @throws Error if the heap's handler returned from a refusal:
     *         GROVE_E_NO_SCOPE with no Scope open (on the intrusive backend,
     *         with GROVE_ROOT_CHECKS), GROVE_E_IN_GC during a collection
     */
    explicit Local(grove_heap *heap, T value = nullptr) : Local(heap, detail::erase(value), 0) {}

    Local(const Local &) = delete; ///< not copyable, not movable: it belongs to its scope
    /** Store @p other's value (the roots stay distinct).
     *  @param other the local read
     *  @return *this */
    Local &operator=(const Local &other) noexcept
    {
        set(other.get());
        return *this;
    }
    /** Store a new value.
     *  @param value the value
     *  @return *this */
    Local &operator=(T value) noexcept
    {
        set(value);
        return *this;
    }
#if GROVE_ROOTING_INTRUSIVE
    /** Unlink the node. */
    ~Local() { grove_root_pop(heap_, &link_); }
#endif

    /** @return the value, valid until the next allocation */
    T get() const noexcept
    {
#if GROVE_ROOTING_INDEXED
        return detail::restore<T>(grove_rooted_get(heap_, handle_));
#else
        return detail::restore<T>(slot_);
#endif
    }
    /** Store a new value.
     *  @param value the value */
    void set(T value) noexcept
    {
#if GROVE_ROOTING_INDEXED
        grove_rooted_set(heap_, handle_, detail::erase(value));
#else
        slot_ = detail::erase(value);
#endif
    }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap */
    grove_heap *heap() const noexcept { return heap_; }
#if GROVE_ROOTING_INDEXED
    /** @return the C handle (indexed backend only) */
    grove_rooted handle() const noexcept { return handle_; }
#endif

private:
#if GROVE_ROOTING_INDEXED
    Local(grove_heap *heap, void *value, int) : heap_(heap), handle_(grove_root(heap, value))
    {
        if (handle_.gen == 0) // a zero handle: refused
            detail::fail_recorded(heap);
    }

    grove_heap *heap_;
    grove_rooted handle_;
#else
    Local(grove_heap *heap, void *value, int) : link_{nullptr, 1}, slot_(value), heap_(heap)
    {
        static_assert(offsetof(Local, slot_) == offsetof(Local, link_) + sizeof(grove_root_link),
                      "the slot must follow the link");
        if (!grove__push(heap, &link_, true)) // a rooted local: it needs a scope
            detail::fail_recorded(heap);
    }

    grove_root_link link_;
    void *slot_;
    grove_heap *heap_;
#endif
};

/**
 * A root with any lifetime (indexed backend: a grove_manual root; intrusive
 * backend: a grove_persistent_node it embeds), unrooted in the destructor,
 * in any order. A copy roots the same object again; a move transfers the
 * root and leaves the source empty. Usable as a member and in standard
 * containers. A default-constructed, moved-from or reset Rooted is empty:
 * it roots nothing, has no heap and reads as nullptr; storing anything but
 * nullptr into it is refused (Error, GROVE_E_BAD_HANDLE). It must be
 * destroyed before its heap (an Owned need not).
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
     * @throws Error if the heap's handler returned from a refusal
     *         (GROVE_E_IN_GC during a collection), or GROVE_E_OOM if the
     *         indexed root table cannot grow
     */
    explicit Rooted(grove_heap *heap, T value = nullptr) { link(heap, detail::erase(value)); }

    /** Root the object @p other holds, again (nothing if @p other is empty).
     *  @param other the root copied
     *  @throws Error as Rooted(grove_heap *, T) */
    Rooted(const Rooted &other)
    {
        if (!other.empty())
            link(other.heap(), other.cell_.get());
    }

    /** Take over @p other's root; @p other becomes empty.
     *  @param other the root moved from */
    Rooted(Rooted &&other) noexcept { cell_.take(other.cell_); }

    /** Hold the object @p other holds, rooted on @p other's heap (empty if
     *  @p other is).
     *  @param other the root copied
     *  @return *this
     *  @throws Error as Rooted(grove_heap *, T) */
    Rooted &operator=(const Rooted &other)
    {
        if (this == &other)
            return *this;
        if (!empty() && heap() == other.heap()) {
            cell_.set(other.cell_.get());
        } else {
            Rooted copy(other);
            *this = std::move(copy);
        }
        return *this;
    }

    /** Unroot the current object and take over @p other's root.
     *  @param other the root moved from
     *  @return *this */
    Rooted &operator=(Rooted &&other) noexcept
    {
        if (this != &other) {
            cell_.unlink();
            cell_.take(other.cell_);
        }
        return *this;
    }

    /** Store a new value (see set()).
     *  @param value the value
     *  @return *this
     *  @throws Error (GROVE_E_BAD_HANDLE) if the root is empty and @p value is not nullptr */
    Rooted &operator=(T value)
    {
        set(value);
        return *this;
    }

    /** Unroot. */
    ~Rooted() { cell_.unlink(); }

    /** Unroot now; the root becomes empty. */
    void reset() noexcept { cell_.unlink(); }

    /** Root @p value on @p heap, in place of what this root held.
     *  @param heap  the heap
     *  @param value the value
     *  @throws Error as Rooted(grove_heap *, T) */
    void reset(grove_heap *heap, T value)
    {
        Rooted fresh(heap, value);
        *this = std::move(fresh);
    }

    /** Exchange two roots.
     *  @param other the other root */
    void swap(Rooted &other) noexcept
    {
        Rooted tmp(std::move(other));
        other = std::move(*this);
        *this = std::move(tmp);
    }

    /** @return the value (nullptr if empty), valid until the next allocation */
    T get() const noexcept { return detail::restore<T>(cell_.get()); }
    /** Store a new value. An empty root has no heap to root it in, so storing
     *  anything but nullptr into it is refused rather than left unrooted.
     *  @param value the value
     *  @throws Error (GROVE_E_BAD_HANDLE) if the root is empty and @p value is not nullptr */
    void set(T value)
    {
        if (empty()) {
            if (value != nullptr)
                detail::fail(GROVE_E_BAD_HANDLE,
                             "a value stored into an empty grove::Rooted (default-constructed, "
                             "moved from or reset) would not be rooted: it has no heap; "
                             "construct it with one, or use reset(heap, value)");
            return;
        }
        cell_.set(detail::erase(value));
    }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap, or nullptr if empty */
    grove_heap *heap() const noexcept { return cell_.heap(); }
    /** @return true if the root holds nothing (default-constructed, moved from or reset) */
    bool empty() const noexcept { return cell_.heap() == nullptr; }
#if GROVE_ROOTING_INDEXED
    /** @return the C handle (zero if empty; indexed backend only) */
    grove_manual handle() const noexcept { return cell_.handle(); }
#else
    /** @return the C node (do not link or unlink it yourself; intrusive backend only) */
    const grove_persistent_node &node() const noexcept { return cell_.node(); }
#endif

private:
    template <class U> friend class Owned;

    void link(grove_heap *heap, void *value)
    {
        if (!cell_.link(heap, value))
            detail::fail_recorded(heap);
    }

    detail::RootCell cell_;
};

/**
 * A Rooted that holds a share of its grove::Heap's lifetime, so it may be
 * destroyed before or after the heap, by anyone, without the heap at hand:
 * the evolution Wasmtime's API made from `ManuallyRooted` to `OwnedRooted`.
 * Once the heap is destroyed the root is empty (reads nullptr, heap() is
 * nullptr) and destroying it touches nothing of the heap. Copies, moves,
 * containers and assignment behave as for Rooted. Made from a grove::Heap
 * (not a bare grove_heap *, whose end it could not see).
 * @tparam T a pointer type
 */
template <class T> class Owned {
    static_assert(std::is_pointer<T>::value, "grove::Owned<T> needs a pointer type");

public:
    /** An empty root. */
    Owned() noexcept = default;

    /**
     * Root @p value on @p heap until destruction (of this root or the heap).
     * @param heap  the heap
     * @param value the initial value
     * @throws Error as Rooted(grove_heap *, T)
     */
    explicit Owned(Heap &heap, T value = nullptr) : life_(heap.life()), root_(heap.get(), value) {}

    /** Root the object @p other holds, again (empty if @p other is).
     *  @param other the root copied
     *  @throws Error as Rooted(grove_heap *, T) */
    Owned(const Owned &other)
        : life_(other.alive() ? other.life_ : detail::LifeRef()),
          root_(other.alive() ? other.root_ : Rooted<T>())
    {
    }

    /** Take over @p other's root; @p other becomes empty.
     *  @param other the root moved from */
    Owned(Owned &&other) noexcept { take(other); }

    /** Hold the object @p other holds (empty if @p other is).
     *  @param other the root copied
     *  @return *this
     *  @throws Error as Rooted(grove_heap *, T) */
    Owned &operator=(const Owned &other)
    {
        if (this != &other) {
            Owned copy(other);
            *this = std::move(copy);
        }
        return *this;
    }

    /** Unroot the current object and take over @p other's root.
     *  @param other the root moved from
     *  @return *this */
    Owned &operator=(Owned &&other) noexcept
    {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }

    /** Store a new value (see set()).
     *  @param value the value
     *  @return *this
     *  @throws Error (GROVE_E_BAD_HANDLE) if the root is empty and @p value is not nullptr */
    Owned &operator=(T value)
    {
        set(value);
        return *this;
    }

    /** Unroot (if the heap is still there). */
    ~Owned() { reset(); }

    /** Unroot now (if the heap is still there); the root becomes empty. */
    void reset() noexcept
    {
        if (alive())
            root_.reset();
        else
            root_.cell_.forget(); // the heap and its tables are gone
        life_.reset();
    }

    /** Exchange two roots.
     *  @param other the other root */
    void swap(Owned &other) noexcept
    {
        Owned tmp(std::move(other));
        other = std::move(*this);
        *this = std::move(tmp);
    }

    /** @return the value (nullptr if empty or the heap is gone), valid until
     *  the next allocation */
    T get() const noexcept { return alive() ? root_.get() : nullptr; }
    /** Store a new value; refused, as for Rooted, if the root is empty (or
     *  its heap is gone) and @p value is not nullptr.
     *  @param value the value
     *  @throws Error (GROVE_E_BAD_HANDLE) */
    void set(T value)
    {
        if (!alive()) {
            if (value != nullptr)
                detail::fail(GROVE_E_BAD_HANDLE,
                             "a value stored into an empty grove::Owned (default-constructed, "
                             "moved from, reset, or its heap destroyed) would not be rooted");
            return;
        }
        root_.set(value);
    }
    /** @return the value */
    operator T() const noexcept { return get(); }
    /** @return the value, for member access */
    T operator->() const noexcept { return get(); }

    /** @return the heap, or nullptr if empty or the heap is gone */
    grove_heap *heap() const noexcept { return alive() ? root_.heap() : nullptr; }
    /** @return true if the root holds nothing (default-constructed, moved
     *  from, reset, or its heap destroyed) */
    bool empty() const noexcept { return !alive(); }

private:
    bool alive() const noexcept { return life_.heap() != nullptr && !root_.empty(); }

    void take(Owned &other) noexcept
    {
        if (other.alive()) {
            root_ = std::move(other.root_);
            life_ = std::move(other.life_);
        } else {
            other.reset();
        }
    }

    detail::LifeRef life_; // declared first: destroyed after the root
    Rooted<T> root_;
};

/**
 * The target of a weak box (payload word 0, as grove_weak_box_get()):
 * nullptr once a collection found it unreachable.
 * @tparam T the target's pointer type
 * @param box a weak box
 * @return the target, nullptr, or the immediate stored there
 */
template <class T = void *> inline T weak_target(const void *box) noexcept
{
    return detail::restore<T>(grove_weak_box_get(box));
}

/**
 * Aim a weak box at @p target, with the write barrier.
 * @param heap   the heap
 * @param box    a weak box
 * @param target an object, an immediate or nullptr
 */
inline void set_weak_target(grove_heap *heap, void *box, const void *target) noexcept
{
    grove_write(heap, box, &static_cast<void **>(box)[0], const_cast<void *>(target));
}

/**
 * The key of an ephemeron (as grove_ephemeron_key()): nullptr once it died.
 * @tparam T the key's pointer type
 * @param ephemeron an ephemeron
 * @return the key or nullptr
 */
template <class T = void *> inline T ephemeron_key(const void *ephemeron) noexcept
{
    return detail::restore<T>(grove_ephemeron_key(ephemeron));
}

/**
 * The value of an ephemeron (as grove_ephemeron_value()): nullptr once its
 * key died.
 * @tparam T the value's pointer type
 * @param ephemeron an ephemeron
 * @return the value or nullptr
 */
template <class T = void *> inline T ephemeron_value(const void *ephemeron) noexcept
{
    return detail::restore<T>(grove_ephemeron_value(ephemeron));
}

/**
 * Store an ephemeron's key and value, with the write barrier.
 * @param heap      the heap
 * @param ephemeron an ephemeron
 * @param key       the key
 * @param value     the value, kept alive while the key is
 */
inline void set_ephemeron(grove_heap *heap, void *ephemeron, const void *key,
                          const void *value) noexcept
{
    void **slots = static_cast<void **>(ephemeron);
    grove_write(heap, ephemeron, &slots[0], const_cast<void *>(key));
    grove_write(heap, ephemeron, &slots[1], const_cast<void *>(value));
}

inline void **Heap::alloc_weak_box(grove_type_id type, void *target, std::size_t words)
{
    Rooted<void *> held(heap_, target);
    void **box = alloc<void *>(type, words * sizeof(void *));
    if (box)
        set_weak_target(heap_, box, held.get());
    return box;
}

inline void **Heap::alloc_ephemeron(grove_type_id type, void *key, void *value, std::size_t words)
{
    Rooted<void *> held_key(heap_, key), held_value(heap_, value);
    void **ephemeron = alloc<void *>(type, words * sizeof(void *));
    if (ephemeron)
        set_ephemeron(heap_, ephemeron, held_key.get(), held_value.get());
    return ephemeron;
}

/**
 * A guardian (grove/weak.h): created in the constructor, freed in the
 * destructor (grove_guardian_free(): its registrations are dropped and its
 * queue no longer keeps anything alive). Register objects with
 * register_object(); each one a collection finds unreachable is kept alive
 * and queued, and take() hands it back, oldest first. Move-only; a
 * moved-from Guardian is empty: it queues nothing and refuses
 * registrations (GROVE_E_BAD_HANDLE). It must be destroyed before its heap.
 */
class Guardian {
public:
    /**
     * Create a guardian on @p heap.
     * @param heap the heap
     * @throws Error if it cannot be created (GROVE_E_OOM, GROVE_E_IN_GC)
     */
    explicit Guardian(grove_heap *heap) : heap_(heap), guardian_(grove_guardian_create(heap))
    {
        if (!guardian_)
            detail::fail_recorded(heap);
    }

    Guardian(const Guardian &) = delete;            ///< not copyable
    Guardian &operator=(const Guardian &) = delete; ///< not copyable

    /** Take over @p other's guardian; @p other becomes empty.
     *  @param other the guardian moved from */
    Guardian(Guardian &&other) noexcept
        : heap_(other.heap_), guardian_(std::exchange(other.guardian_, nullptr))
    {
    }

    /** Free the current guardian and take over @p other's.
     *  @param other the guardian moved from
     *  @return *this */
    Guardian &operator=(Guardian &&other) noexcept
    {
        if (this != &other) {
            reset();
            heap_ = other.heap_;
            guardian_ = std::exchange(other.guardian_, nullptr);
        }
        return *this;
    }

    /** Free the guardian. */
    ~Guardian() { reset(); }

    /** Free the guardian now; it becomes empty. */
    void reset() noexcept { grove_guardian_free(heap_, std::exchange(guardian_, nullptr)); }

    /**
     * Register @p object (as grove_guardian_register()): the first
     * collection that finds it unreachable queues it. Registering twice
     * queues it twice.
     * @param object a heap object
     * @throws Error GROVE_E_NOT_OBJECT for an immediate, GROVE_E_OOM,
     *         GROVE_E_IN_GC during a collection, GROVE_E_BAD_HANDLE if empty
     */
    void register_object(const void *object)
    {
        if (!guardian_)
            detail::fail(GROVE_E_BAD_HANDLE, "an object registered with an empty grove::Guardian "
                                             "(moved from or reset)");
        grove_error err = grove_guardian_register(heap_, guardian_, const_cast<void *>(object));
        if (err != GROVE_OK)
            detail::fail(err, grove_last_error_message(heap_));
    }

    /**
     * Take the oldest queued object (as grove_guardian_take()): it is the
     * caller's, valid until the next allocation unless rooted (see
     * take_rooted()).
     * @tparam T the object's pointer type
     * @return the object, or nullptr if none is queued (or empty)
     */
    template <class T = void *> T take() noexcept
    {
        return detail::restore<T>(guardian_ ? grove_guardian_take(heap_, guardian_) : nullptr);
    }

    /**
     * Take the oldest queued object, rooted.
     * @tparam T the object's pointer type
     * @return a root holding it, or an empty root if none is queued
     * @throws Error if it cannot be rooted (as Rooted); it is lost then
     */
    template <class T = void *> Rooted<T> take_rooted()
    {
        T object = take<T>();
        return object ? Rooted<T>(heap_, object) : Rooted<T>();
    }

    /** @return objects queued and not yet taken */
    std::size_t queued() const noexcept { return guardian_ ? grove_guardian_queued(guardian_) : 0; }
    /** @return registrations not yet queued */
    std::size_t registered() const noexcept
    {
        return guardian_ ? grove_guardian_registered(guardian_) : 0;
    }

    /** @return the C guardian (nullptr if empty) */
    grove_guardian *get() const noexcept { return guardian_; }
    /** @return the heap */
    grove_heap *heap() const noexcept { return heap_; }
    /** @return true if moved from or reset */
    bool empty() const noexcept { return guardian_ == nullptr; }

private:
    grove_heap *heap_;
    grove_guardian *guardian_;
};

/**
 * Exchange two roots.
 * @param a a root
 * @param b another root
 */
template <class T> inline void swap(Rooted<T> &a, Rooted<T> &b) noexcept
{
    a.swap(b);
}

/**
 * Exchange two owned roots.
 * @param a a root
 * @param b another root
 */
template <class T> inline void swap(Owned<T> &a, Owned<T> &b) noexcept
{
    a.swap(b);
}

/** @} */

} // namespace grove

#endif /* GROVE_GROVE_HPP */
