/*
 * controller_manager_job_logic: the Job controller's decisions as pure
 * functions (upstream's syncJob without the job-tracking finalizer): from a
 * Job and the pods it controls, the status to write (active, ready,
 * terminating, succeeded, failed, completedIndexes, startTime,
 * completionTime, and the SuccessCriteriaMet/Complete or
 * FailureTarget/Failed conditions with reasons BackoffLimitExceeded,
 * DeadlineExceeded and PodFailurePolicy), spec.podFailurePolicy (FailJob,
 * Ignore, Count, FailIndex on exit codes and pod conditions), Indexed
 * backoffLimitPerIndex/maxFailedIndexes (status.failedIndexes, reasons
 * FailedIndexes and MaxFailedIndexesExceeded) and successPolicy (reason
 * SuccessPolicy), the pods to create (completion indexes in Indexed
 * mode) or delete, the pod-failure backoff (10 s doubling per failure
 * since the last success, up to 10 min), and ttlSecondsAfterFinished.
 * Times are Unix seconds.
 */
#ifndef CONTROLLER_MANAGER_JOB_LOGIC_H
#define CONTROLLER_MANAGER_JOB_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define CONTROLLER_MANAGER_JOB_INDEX_KEY "batch.kubernetes.io/job-completion-index"
#define CONTROLLER_MANAGER_JOB_INDEX_FAILURES_KEY "batch.kubernetes.io/job-index-failure-count"
#define CONTROLLER_MANAGER_JOB_BACKOFF_BASE 10
#define CONTROLLER_MANAGER_JOB_BACKOFF_MAX 600
#define CONTROLLER_MANAGER_JOB_BURST 500

typedef struct controller_manager_job_plan {
	cJSON *status;		 /* the new status when it changed, else NULL */
	int create;		 /* pods to create (NonIndexed) */
	int *indexes;		 /* Indexed: completion indexes to create */
	int *index_failures;	 /* per entry of indexes: failures so far (backoffLimitPerIndex) */
	size_t n_indexes;
	char **deletes;		 /* names of pods to delete */
	size_t n_deletes;
	int64_t requeue_after;	 /* seconds until the next needed sync; -1 none */
	const char *event_type;	 /* an event to record ("Normal"/"Warning"), or NULL */
	const char *event_reason;
	const char *event_message;
	char *owned_message;	 /* storage event_message may point into */
	bool delete_job;	 /* finished and ttlSecondsAfterFinished passed */
} controller_manager_job_plan_t;

/* Decide for job given its pods (those it controls) at time now. */
void controller_manager_job_plan(const cJSON *job, const cJSON *const *pods, size_t n_pods,
				 int64_t now, controller_manager_job_plan_t *ret);
void controller_manager_job_plan_clear(controller_manager_job_plan_t *p);

/* Whether the Job has a Complete or Failed condition True; *ret_time
 * (may be NULL) gets that condition's lastTransitionTime. */
bool controller_manager_job_finished(const cJSON *job, int64_t *ret_time);
/* A pod for job from its template: generateName "<job>-" (or
 * "<job>-<index>-"), the controller ownerReference, and in Indexed mode
 * the completion-index annotation and label, the JOB_COMPLETION_INDEX env
 * var and hostname "<job>-<index>". index < 0: NonIndexed. */
cJSON *controller_manager_job_pod(const cJSON *job, int index);
/* The completion index of a pod (annotation), or -1. */
int controller_manager_job_pod_index(const cJSON *pod);
/* Indexes 0..n-1 set in `set` as upstream's compressed "1,3-5,7". */
char *controller_manager_job_format_indexes(const bool *set, int n);
/* Parse "1,3-5,7" into set (0..n-1); out-of-range values are ignored. */
void controller_manager_job_parse_indexes(const char *s, bool *set, int n);

#endif
