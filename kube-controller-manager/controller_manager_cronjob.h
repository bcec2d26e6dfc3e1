/*
 * controller_manager_cronjob: the CronJob controller ("cronjob");
 * decisions in controller_manager_cronjob_logic, schedules in
 * controller_manager_cron.
 */
#ifndef CONTROLLER_MANAGER_CRONJOB_H
#define CONTROLLER_MANAGER_CRONJOB_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_cronjob_controller;

#endif
