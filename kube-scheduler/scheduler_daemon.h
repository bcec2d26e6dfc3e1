/*
 * scheduler_daemon: the running kube-scheduler. It watches pods (those
 * not yet bound whose spec.schedulerName is ours go to the scheduling
 * queue; bound ones to the cache) and nodes, and runs one scheduling loop:
 * pop a pod, filter and score the nodes (scheduler_algo), assume the pod
 * on the chosen node in the cache and bind it through pods/<name>/binding
 * on a pool of binding threads (forgetting the assumption if that fails),
 * or, when nothing fits, try preemption (scheduler_preempt: nominate the
 * node, delete the victims) and record FailedScheduling with upstream's
 * message. Events go through kube_events, leadership through kube_leader
 * (Lease <ns>/<name> from the --leader-elect-* flags; losing it exits as
 * upstream does), /healthz, /livez, /readyz and /metrics through
 * kube_healthz on --port (legacy, insecure) and --secure-port.
 * It also watches PriorityClasses (a pod whose spec.priority the API
 * server left 0 gets its class's value, as the Priority admission plugin
 * would have set) and Services, ReplicationControllers, ReplicaSets and
 * StatefulSets (the selector of upstream's system-default spreading).
 * Pods with schedulingGates wait until the gates are removed.
 *
 * Threading: informer threads feed the queue and the cache; the loop
 * thread schedules; binder threads bind. The main thread waits for
 * SIGTERM/SIGINT.
 */
#ifndef SCHEDULER_DAEMON_H
#define SCHEDULER_DAEMON_H

#include "scheduler_options.h"

/* Run until SIGTERM or SIGINT; returns the exit status (1 on a start-up
 * error, with the message logged). */
int scheduler_daemon_run(const scheduler_options_t *o);

#endif
