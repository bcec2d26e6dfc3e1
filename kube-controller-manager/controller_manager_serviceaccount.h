/*
 * controller_manager_serviceaccount: the ServiceAccount controller
 * (upstream's pkg/controller/serviceaccount): a "default" ServiceAccount in
 * every active namespace, re-created when deleted. State: a queue and one
 * worker.
 */
#ifndef CONTROLLER_MANAGER_SERVICEACCOUNT_H
#define CONTROLLER_MANAGER_SERVICEACCOUNT_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_serviceaccount_controller;

#endif
