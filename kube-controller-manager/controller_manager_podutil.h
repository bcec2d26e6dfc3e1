/*
 * controller_manager_podutil: small pure helpers over pod and object JSON
 * the workload controllers share (upstream's podutil and controller
 * utils): pod phase and readiness, controller owner references, status
 * conditions, and timestamps. Times are Unix seconds. Thread-safe.
 */
#ifndef CONTROLLER_MANAGER_PODUTIL_H
#define CONTROLLER_MANAGER_PODUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

/* status.phase is Succeeded or Failed. */
bool controller_manager_podutil_terminal(const cJSON *pod);
/* metadata.deletionTimestamp is set. */
bool controller_manager_podutil_deleting(const cJSON *pod);
/* Not terminal and not being deleted (upstream's IsPodActive). */
bool controller_manager_podutil_active(const cJSON *pod);
/* The Ready condition is True. */
bool controller_manager_podutil_ready(const cJSON *pod);
/* The status of condition type in status.conditions ("True", ...) or NULL. */
const cJSON *controller_manager_podutil_condition(const cJSON *obj, const char *type);
bool controller_manager_podutil_condition_true(const cJSON *obj, const char *type);
/* The uid of obj's controller ownerReference, or NULL. */
const char *controller_manager_podutil_controller_uid(const cJSON *obj);
/* An RFC 3339 string at path as Unix seconds, or def. */
int64_t controller_manager_podutil_time(const cJSON *obj, const char *path, int64_t def);
/* Set path to t as an RFC 3339 string. */
void controller_manager_podutil_set_time(cJSON *obj, const char *path, int64_t t);
/* Set (or update) condition type in the array at status.conditions of
 * status (an object with "conditions"); lastTransitionTime changes only
 * when the status changes. Returns true when anything changed. */
bool controller_manager_podutil_set_condition(cJSON *status, const char *type, const char *cstatus,
					      const char *reason, const char *message, int64_t now,
					      bool probe_time);
/* The latest container terminated.finishedAt of a pod, else its Ready or
 * PodScheduled condition's lastTransitionTime, else creationTimestamp. */
int64_t controller_manager_podutil_finish_time(const cJSON *pod);

/* Whether toleration tol tolerates taint (upstream's ToleratesTaint). */
bool controller_manager_podutil_tolerates(const cJSON *tol, const cJSON *taint);
/* Whether some toleration in the array tols tolerates taint; *ret_seconds
 * (may be NULL) gets the smallest tolerationSeconds among the matching
 * ones, or -1 when one of them tolerates forever. */
bool controller_manager_podutil_tolerated(const cJSON *tols, const cJSON *taint, int64_t *ret_seconds);

#endif
