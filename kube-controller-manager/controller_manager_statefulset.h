/*
 * controller_manager_statefulset: the StatefulSet controller
 * ("statefulset"); decisions in controller_manager_statefulset_logic.
 */
#ifndef CONTROLLER_MANAGER_STATEFULSET_H
#define CONTROLLER_MANAGER_STATEFULSET_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_statefulset_controller;

#endif
