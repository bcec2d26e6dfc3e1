/*
 * controller_manager_job: the Job controller ("job"), with the
 * ttl-after-finished cleanup folded in; decisions in
 * controller_manager_job_logic.
 */
#ifndef CONTROLLER_MANAGER_JOB_H
#define CONTROLLER_MANAGER_JOB_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_job_controller;

#endif
