/* worklist.c — the reservation that makes the minor GC's pushes unchecked. */
#include "worklist.h"

/* One slot more than asked, so a checked push that finds fewer than
 * `reserve` free slots after it always grows (worklist.h). */
void grove_worklist_reserve(grove_worklist *w, size_t count)
{
    w->reserve = count;
    grove_vec_reserve(&w->objects, count + 1);
}
