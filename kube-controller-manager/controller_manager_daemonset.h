/*
 * controller_manager_daemonset: the DaemonSet controller ("daemonset");
 * decisions in controller_manager_daemonset_logic.
 */
#ifndef CONTROLLER_MANAGER_DAEMONSET_H
#define CONTROLLER_MANAGER_DAEMONSET_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_daemonset_controller;

#endif
