/*
 * controller_manager_nodeipam: the node IPAM controller ("nodeipam").
 */
#ifndef CONTROLLER_MANAGER_NODEIPAM_H
#define CONTROLLER_MANAGER_NODEIPAM_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_nodeipam_controller;

#endif
