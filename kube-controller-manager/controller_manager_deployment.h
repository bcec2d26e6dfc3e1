/*
 * controller_manager_deployment: the Deployment controller (upstream's
 * pkg/controller/deployment). It owns ReplicaSets named
 * <deployment>-<pod-template-hash>, rolls them (RollingUpdate within
 * maxSurge/maxUnavailable, or Recreate), keeps revisions in
 * deployment.kubernetes.io/revision, prunes beyond revisionHistoryLimit,
 * honours pause and progressDeadlineSeconds, and writes the Deployment's
 * status with the Available and Progressing conditions. The arithmetic is
 * in controller_manager_rollout. State: the controller's own queue,
 * workers and event recorder; informers come from the shared factory.
 */
#ifndef CONTROLLER_MANAGER_DEPLOYMENT_H
#define CONTROLLER_MANAGER_DEPLOYMENT_H

#include "controller_manager.h"

extern const controller_manager_controller_t controller_manager_deployment_controller;

#endif
