/*
 * controller_manager_endpoints: the endpoints controller ("endpoint") and
 * the endpointslice controller ("endpointslice"); what they compute is in
 * controller_manager_endpoints_logic.
 */
#ifndef CONTROLLER_MANAGER_ENDPOINTS_H
#define CONTROLLER_MANAGER_ENDPOINTS_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_endpoints_controller;
extern const controller_manager_controller_t controller_manager_endpointslice_controller;

#endif
