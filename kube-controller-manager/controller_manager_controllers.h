/*
 * controller_manager_controllers: the table of every controller this
 * program runs (NULL-terminated, in start order), and --controllers
 * matching with upstream's names: a controller answers to its short name
 * ("deployment"), its canonical name ("deployment-controller") and
 * upstream's aliases ("garbagecollector", "endpoint", "podgc", ...).
 * Read-only; thread-safe.
 */
#ifndef CONTROLLER_MANAGER_CONTROLLERS_H
#define CONTROLLER_MANAGER_CONTROLLERS_H

#include "controller_manager.h"

extern const controller_manager_controller_t *const controller_manager_controllers[];

/* Upstream's canonical name for a --controllers word or table name
 * ("replicaset" -> "replicaset-controller"); the word itself when unknown. */
const char *controller_manager_controllers_canonical(const char *name);
/* Whether a --controllers word ("foo", "-foo" or "*") names a controller
 * upstream knows. */
bool controller_manager_controllers_known(const char *word);
/* Whether --controllers enables c (see controller_manager_options_enabled;
 * aliases count as the same controller). */
bool controller_manager_controllers_enabled(const controller_manager_options_t *o,
					    const controller_manager_controller_t *c);

#endif
