/* remembered_set.h — old objects that may hold pointers into the nursery.
 *
 * Object logging: the barrier logs an old object the first time it gains a
 * young pointer (header bit GROVE__HDR_LOGGED) and pushes it here once. A
 * minor GC traces every logged object's slots as roots, then clears the log:
 * after a minor GC no old object points into the (empty) nursery. */
#ifndef GROVE_REMEMBERED_SET_H
#define GROVE_REMEMBERED_SET_H

#include "vec.h"

typedef struct grove_remembered_set {
    grove_vec objects;
} grove_remembered_set;

#endif
