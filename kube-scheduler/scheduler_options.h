/*
 * scheduler_options: kube-scheduler's command-line options, with upstream's
 * flag names and defaults (v1.32), plus the legacy flags the seeds and the
 * Fedora environment files use (--master, --address/--port on 10251).
 * Strings, lists and maps are owned by the flagset they were registered
 * with; keep it alive while the options are used. Not thread-safe.
 */
#ifndef SCHEDULER_OPTIONS_H
#define SCHEDULER_OPTIONS_H

#include "core/kube_flags.h"

#define SCHEDULER_NAME "kube-scheduler"

typedef struct scheduler_leader_election {
	bool leader_elect;
	int64_t lease_duration_ns, renew_deadline_ns, retry_period_ns;
	char *resource_lock, *resource_name, *resource_namespace;
} scheduler_leader_election_t;

typedef struct scheduler_options {
	kube_log_config_t log;
	char *config;		/* --config: KubeSchedulerConfiguration file */
	char *write_config_to;
	char *master;		/* --master: API server URL, overrides kubeconfig */
	char *kubeconfig;
	double kube_api_qps;
	int kube_api_burst;
	char *kube_api_content_type;
	/* legacy insecure serving (healthz, metrics); port 0 = off */
	char *address;
	int port;
	/* secure serving; secure_port 0 = off */
	kube_ip_t bind_address;
	int secure_port;
	char *cert_dir, *tls_cert_file, *tls_private_key_file, *client_ca_file;
	kube_strv_t tls_cipher_suites;
	char *tls_min_version;
	char *authentication_kubeconfig, *authorization_kubeconfig;
	kube_strv_t authorization_always_allow_paths;
	scheduler_leader_election_t le;
	char *scheduler_name;
	int64_t pod_max_in_unschedulable_pods_duration_ns;
	bool profiling, contention_profiling;
	kube_strv_t feature_gates;
	int hard_pod_affinity_symmetric_weight;
	int percentage_of_nodes_to_score;	/* from --config; 0 = adaptive */
} scheduler_options_t;

/* Fill o with upstream defaults. */
void scheduler_options_init(scheduler_options_t *o);
/* Register every flag of o in fs (log flags included). */
void scheduler_options_register(scheduler_options_t *o, kube_flagset_t *fs);

#endif
