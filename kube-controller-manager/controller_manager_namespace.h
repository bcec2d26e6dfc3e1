/*
 * controller_manager_namespace: the namespace controller (upstream's
 * pkg/controller/namespace). A namespace being deleted is emptied of
 * every namespaced resource discovery lists, its deletion conditions are
 * written as upstream's, and the "kubernetes" finalizer is removed through
 * namespaces/<name>/finalize once nothing remains. State: a queue and
 * workers.
 */
#ifndef CONTROLLER_MANAGER_NAMESPACE_H
#define CONTROLLER_MANAGER_NAMESPACE_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_namespace_controller;

#endif
