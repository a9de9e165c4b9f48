/* options.h — applying the environment to a configuration and checking
 * it, for grove_heap_create. */
#ifndef GROVE_OPTIONS_H
#define GROVE_OPTIONS_H

#include <grove/grove.h>

/* Apply GROVE_OPTIONS, then GROVE_DEBUG; false (with *error set) if either
 * is malformed. */
bool grove_config_apply_environment(grove_config *config, grove_error_info *error);

/* Is the configuration one a heap can be made with? */
bool grove_config_check(const grove_config *config, grove_error_info *error);

#endif
