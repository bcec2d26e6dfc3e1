/*
 * controller_manager_namespace: the namespace controller (see its .c file's opening
 * comment for what it does, after upstream's controller of that name).
 */
#ifndef CONTROLLER_MANAGER_NAMESPACE_H
#define CONTROLLER_MANAGER_NAMESPACE_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_namespace_controller;

#endif
