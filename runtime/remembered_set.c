/* remembered_set.c — the log of old objects holding young pointers. */
#include "remembered_set.h"

void grove_remembered_keep_marked(grove_remembered_set *rs)
{
    grove_vec *log = &rs->objects;
    size_t kept = 0;
    for (size_t i = 0; i < log->len; i++)
        if (*grove__header(log->items[i]) & GROVE__HDR_MARK)
            log->items[kept++] = log->items[i];
    log->len = kept;
}

void grove_remembered_free(grove_remembered_set *rs)
{
    grove_vec_free(&rs->objects);
}
