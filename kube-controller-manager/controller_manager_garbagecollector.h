/*
 * controller_manager_garbagecollector: the garbage collector (upstream's
 * pkg/controller/garbagecollector). It watches every listable, deletable
 * resource but events, keeps a graph of ownerReferences, and deletes
 * dependents whose owners are gone (background), deletes an owner's
 * dependents before it (foregroundDeletion, blockOwnerDeletion), or strips
 * the owner's reference from them (orphan). Decisions are in
 * controller_manager_gcgraph. State: the graph (under a mutex), a queue,
 * workers and a small cache of owners known to be absent.
 */
#ifndef CONTROLLER_MANAGER_GARBAGECOLLECTOR_H
#define CONTROLLER_MANAGER_GARBAGECOLLECTOR_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_garbagecollector_controller;

#endif
