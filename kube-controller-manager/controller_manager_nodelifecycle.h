/*
 * controller_manager_nodelifecycle: the node lifecycle controller
 * ("nodelifecycle"), including the NoExecute taint manager; decisions in
 * controller_manager_nodelifecycle_logic.
 */
#ifndef CONTROLLER_MANAGER_NODELIFECYCLE_H
#define CONTROLLER_MANAGER_NODELIFECYCLE_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_nodelifecycle_controller;

#endif
