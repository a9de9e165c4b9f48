/**
 * @file weak.h
 * @brief Weak references, ephemerons, guardians and cleanup hooks.
 *
 * Included by grove.h; see docs/weak.md for the semantics, their order and
 * what they cost.
 *
 * - A **weak box** is an object of a type registered with
 *   GROVE_LAYOUT_WEAK_BOX: payload word 0 is a weak slot, any further words
 *   are strong slots. The collection that finds the weak slot's target
 *   unreachable stores NULL there (a minor GC for a young target, a major
 *   GC otherwise); while it is reachable the slot follows it when it moves.
 * - An **ephemeron** is an object of a type registered with
 *   GROVE_LAYOUT_EPHEMERON: word 0 is the key, word 1 the value, further
 *   words strong slots. The value is kept alive only while the key is
 *   reachable other than through the ephemeron's own value; when the key
 *   dies both words become NULL. An immediate key (NULL included) never
 *   dies: its value is an ordinary strong slot.
 * - A **guardian** keeps a list of registered objects. When a collection
 *   finds one unreachable, it keeps the object (and all it reaches) alive
 *   and queues it; grove_guardian_take() hands it back to the embedder,
 *   which may keep it (resurrect it) or drop it. No callback runs inside a
 *   collection.
 * - A **cleanup hook** (grove_add_cleanup) runs a C function with a token
 *   once its object is dead for good, after the collection that found it.
 *
 * Ordering. Weak slots and ephemerons are judged on strong reachability,
 * before guardians keep their dead objects alive: an object a guardian
 * queues is already gone from every weak box and ephemeron key that pointed
 * to it, so no weak reference ever yields an object that has been queued
 * (as JavaScript's WeakRef and FinalizationRegistry, and Java's weak
 * references before finalization). Cleanup hooks are judged last, after
 * guardians: an object a guardian queued is alive, so its hook waits.
 *
 * Weak slots are read with plain loads (the payload word); they are written
 * like any slot, with grove_write() or GROVE_STORE.
 */
#ifndef GROVE_WEAK_H
#define GROVE_WEAK_H

#ifndef GROVE_GROVE_H
#error "include <grove/grove.h>, not <grove/weak.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup grove_weak Weak references, ephemerons and finalization
 * @brief Slots that do not keep their target alive, and objects the
 *        embedder hears about when they die.
 * @{
 */

/**
 * The target of a weak box (payload word 0): the object, or NULL once a
 * collection found it unreachable. A plain load.
 * @param box an object of a GROVE_LAYOUT_WEAK_BOX type
 * @return the target, NULL, or the immediate stored there
 */
static inline void *grove_weak_box_get(const void *box)
{
    return ((void *const *)box)[0];
}

/**
 * The key of an ephemeron (payload word 0), or NULL once it died.
 * @param ephemeron an object of a GROVE_LAYOUT_EPHEMERON type
 * @return the key or NULL
 */
static inline void *grove_ephemeron_key(const void *ephemeron)
{
    return ((void *const *)ephemeron)[0];
}

/**
 * The value of an ephemeron (payload word 1), or NULL once its key died.
 * @param ephemeron an object of a GROVE_LAYOUT_EPHEMERON type of at least
 *                  two words
 * @return the value or NULL
 */
static inline void *grove_ephemeron_value(const void *ephemeron)
{
    return ((void *const *)ephemeron)[1];
}

/** A guardian: see grove_guardian_create(). */
typedef struct grove_guardian grove_guardian;

/**
 * Create a guardian on @p heap. The heap owns it: grove_heap_destroy()
 * frees any guardian not freed before.
 * @param heap the heap
 * @return the guardian, or NULL (GROVE_E_OOM, or GROVE_E_IN_GC during a
 *         collection)
 */
GROVE_API grove_guardian *grove_guardian_create(grove_heap *heap);

/**
 * Free a guardian: its registrations are dropped and the objects in its
 * queue are no longer kept alive by it. NULL is ignored. O(1) (the
 * registrations are dropped by later collections).
 * @param heap     the heap that created it
 * @param guardian the guardian
 */
GROVE_API void grove_guardian_free(grove_heap *heap, grove_guardian *guardian);

/**
 * Register @p object with @p guardian: the first collection that finds it
 * unreachable queues it (instead of freeing it). Each registration queues
 * the object once: an object registered twice is queued twice. A queued
 * object, once taken, is an ordinary object again; register it again to
 * hear of its death again.
 * @param heap     the heap
 * @param guardian a guardian of @p heap
 * @param object   a heap object
 * @return GROVE_OK; GROVE_E_NOT_OBJECT for an immediate (returned and
 *         recorded, not passed to the misuse handler: a runtime may guard
 *         whatever value it is given); GROVE_E_OOM; GROVE_E_IN_GC during a
 *         collection (misuse)
 */
GROVE_API grove_error grove_guardian_register(grove_heap *heap, grove_guardian *guardian,
                                              void *object);

/**
 * Take the oldest queued object from @p guardian. The object is the
 * embedder's again: root it before the next allocation to keep it.
 * @param heap     the heap
 * @param guardian a guardian of @p heap
 * @return the object, or NULL when the queue is empty (and during a
 *         collection: misuse, GROVE_E_IN_GC)
 */
GROVE_API void *grove_guardian_take(grove_heap *heap, grove_guardian *guardian);

/**
 * Objects queued on @p guardian and not yet taken.
 * @param guardian the guardian
 * @return the queue's length
 */
GROVE_API size_t grove_guardian_queued(const grove_guardian *guardian);

/**
 * Registrations of @p guardian whose object has not been queued yet.
 * @param guardian the guardian
 * @return the number of pending registrations
 */
GROVE_API size_t grove_guardian_registered(const grove_guardian *guardian);

/**
 * A cleanup hook: called with its token once its object is dead. The
 * object is gone and is not passed. It runs after the collection that
 * found the object dead has finished (outside its pause, with the heap
 * consistent), on the thread that ran the collection, before the call
 * that collected returns. It may read and write objects and roots of the
 * heap, and use other heaps; it must not allocate on or collect this heap
 * (refused as GROVE_E_IN_GC), and it must not register cleanup hooks. It
 * must return normally: no longjmp or C++ exception out of it (the heap
 * would stay in the hook's restricted state).
 * Release host resources here (a Wasm engine's host data for an
 * externref, a file descriptor); use a guardian to run code that needs
 * the object itself.
 */
typedef void (*grove_cleanup_fn)(void *token);

/**
 * Run @p cleanup(@p token) once @p object is dead for good: after the
 * collection that finds it unreachable and not kept alive by a guardian.
 * Hooks on one object run in the order they were added. Hooks still registered
 * when the heap is destroyed run then, from grove_heap_destroy(), and must
 * not use the heap (it is being torn down).
 * @param heap    the heap
 * @param object  a heap object
 * @param cleanup the function
 * @param token   passed to it
 * @return GROVE_OK; GROVE_E_NOT_OBJECT for an immediate (returned and
 *         recorded, not passed to the misuse handler); GROVE_E_OOM;
 *         GROVE_E_IN_GC during a collection or a cleanup hook (misuse)
 */
GROVE_API grove_error grove_add_cleanup(grove_heap *heap, void *object, grove_cleanup_fn cleanup,
                                        void *token);

/** @} */

#ifdef __cplusplus
}
#endif

#endif
