/* invariant.h — GROVE_ASSERT, the runtime's debug-only invariant check.
 *
 * GROVE_ASSERT(cond, "what must hold") states an invariant where the
 * design relies on it (the nursery is empty after a minor GC, the worklist
 * is empty between phases, ...). Debug builds trap with the message and
 * the place; release builds (NDEBUG) compile it away without evaluating
 * cond. Use it for the collector's own invariants, never for embedder
 * misuse: that goes through errors.h, in every build. */
#ifndef GROVE_INVARIANT_H
#define GROVE_INVARIANT_H

#include "errors.h"

#ifdef NDEBUG
#define GROVE_ASSERT(cond, message) ((void)sizeof(!(cond)))
#else
#define GROVE_ASSERT(cond, message)                                                              \
    ((cond) ? (void)0                                                                            \
            : grove_fatal("invariant broken at %s:%d: %s (%s)", __FILE__, __LINE__, (message),   \
                          #cond))
#endif

#endif
