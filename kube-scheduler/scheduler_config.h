/*
 * scheduler_config: the --config file, a KubeSchedulerConfiguration
 * (kubescheduler.config.k8s.io/v1, YAML or JSON). The fields the scheduler
 * acts on are applied over the options: clientConnection (kubeconfig, qps,
 * burst), leaderElection (leaderElect, leaseDuration, renewDeadline,
 * retryPeriod, resourceName, resourceNamespace), percentageOfNodesToScore,
 * and the first profile's schedulerName. Other fields are accepted and
 * ignored. Strings put in the options point into the returned document,
 * which the caller keeps until the options are no longer used.
 */
#ifndef SCHEDULER_CONFIG_H
#define SCHEDULER_CONFIG_H

#include <cJSON.h>

#include "scheduler_options.h"

/* Load path and apply it to o. Returns 0 with *ret_doc (caller frees with
 * cJSON_Delete), or a negative errno with a one-line message in *ret_err. */
int scheduler_config_load(const char *path, scheduler_options_t *o, cJSON **ret_doc, char **ret_err);
/* Apply an already parsed document (tests). */
int scheduler_config_apply(const cJSON *doc, scheduler_options_t *o, char **ret_err);

#endif
