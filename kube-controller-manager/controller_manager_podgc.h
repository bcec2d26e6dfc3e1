/*
 * controller_manager_podgc: the pod garbage collector controller ("podgc").
 */
#ifndef CONTROLLER_MANAGER_PODGC_H
#define CONTROLLER_MANAGER_PODGC_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_podgc_controller;

#endif
