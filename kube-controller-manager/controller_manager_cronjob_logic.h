/*
 * controller_manager_cronjob_logic: the CronJob controller's decisions as
 * pure functions (upstream's cronjob controllerv2 syncCronJob): from a
 * CronJob, the Jobs it owns and the time, the status to write (active list
 * pruned of finished or gone Jobs, lastScheduleTime, lastSuccessfulTime),
 * the Job to create for the most recent missed schedule (named
 * "<cronjob>-<scheduled minutes since the epoch>"), subject to suspend,
 * startingDeadlineSeconds and concurrencyPolicy Allow/Forbid/Replace, the
 * Jobs to delete (Replace, and finished Jobs beyond
 * successfulJobsHistoryLimit/failedJobsHistoryLimit), the events to record
 * and when to look again. Times are Unix seconds.
 */
#ifndef CONTROLLER_MANAGER_CRONJOB_LOGIC_H
#define CONTROLLER_MANAGER_CRONJOB_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define CONTROLLER_MANAGER_CRONJOB_SCHEDULED_KEY "batch.kubernetes.io/cronjob-scheduled-timestamp"
#define CONTROLLER_MANAGER_CRONJOB_MAX_EVENTS 8

typedef struct controller_manager_cronjob_event {
	const char *type, *reason;
	char *message;
} controller_manager_cronjob_event_t;

typedef struct controller_manager_cronjob_plan {
	cJSON *status;		/* the new status when it changed, else NULL */
	cJSON *create;		/* the Job to create, or NULL; on success the caller
				 * appends its reference to status.active */
	char **deletes;		/* Job names to delete (propagation Background) */
	size_t n_deletes;
	controller_manager_cronjob_event_t events[CONTROLLER_MANAGER_CRONJOB_MAX_EVENTS];
	size_t n_events;
	int64_t requeue_after;	/* seconds; -1 none */
} controller_manager_cronjob_plan_t;

void controller_manager_cronjob_plan(const cJSON *cj, const cJSON *const *jobs, size_t n_jobs,
				     int64_t now, controller_manager_cronjob_plan_t *ret);
void controller_manager_cronjob_plan_clear(controller_manager_cronjob_plan_t *p);
/* The Job for cj's schedule time t (seconds). */
cJSON *controller_manager_cronjob_job(const cJSON *cj, int64_t t, int32_t tz_offset);
/* An ObjectReference to job for status.active. */
cJSON *controller_manager_cronjob_job_ref(const cJSON *job);

#endif
