/*
 * controller_manager_deployment: the deployment controller (see its .c file's opening
 * comment for what it does, after upstream's controller of that name).
 */
#ifndef CONTROLLER_MANAGER_DEPLOYMENT_H
#define CONTROLLER_MANAGER_DEPLOYMENT_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_deployment_controller;

#endif
