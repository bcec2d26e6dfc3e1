/*
 * controller_manager_resourcequota: the resource quota controller ("resourcequota").
 */
#ifndef CONTROLLER_MANAGER_RESOURCEQUOTA_H
#define CONTROLLER_MANAGER_RESOURCEQUOTA_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_resourcequota_controller;

#endif
