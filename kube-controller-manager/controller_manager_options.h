/*
 * controller_manager_options: kube-controller-manager's command-line
 * options, with upstream's flag names and defaults (v1.32), plus the legacy
 * ones the seeds use (--master, --address/--port on 10252,
 * --pod-eviction-timeout). Strings, lists and maps are owned by the flagset
 * they were registered with. Not thread-safe.
 */
#ifndef CONTROLLER_MANAGER_OPTIONS_H
#define CONTROLLER_MANAGER_OPTIONS_H

#include "core/kube_flags.h"

#define CONTROLLER_MANAGER_NAME "kube-controller-manager"

typedef struct controller_manager_options {
	kube_log_config_t log;
	char *master, *kubeconfig;
	double kube_api_qps;
	int kube_api_burst;
	char *kube_api_content_type;
	/* legacy insecure serving; port 0 = off */
	char *address;
	int port;
	kube_ip_t bind_address;
	int secure_port; /* 0 = off */
	char *cert_dir, *tls_cert_file, *tls_private_key_file, *client_ca_file;
	char *authentication_kubeconfig, *authorization_kubeconfig;
	/* leader election */
	bool leader_elect;
	int64_t le_lease_duration_ns, le_renew_deadline_ns, le_retry_period_ns;
	char *le_resource_lock, *le_resource_name, *le_resource_namespace;
	/* controllers: "*", "foo", "-foo" */
	kube_strv_t controllers;
	int concurrent_deployment_syncs, concurrent_replicaset_syncs, concurrent_rc_syncs;
	int concurrent_endpoint_syncs, concurrent_service_endpoint_syncs;
	int concurrent_namespace_syncs, concurrent_serviceaccount_token_syncs;
	int concurrent_gc_syncs, concurrent_job_syncs, concurrent_cron_job_syncs;
	int concurrent_daemonset_syncs, concurrent_statefulset_syncs;
	int concurrent_resource_quota_syncs, concurrent_ttl_after_finished_syncs;
	int concurrent_service_syncs, concurrent_horizontal_pod_autoscaler_syncs;
	int concurrent_ephemeralvolume_syncs, concurrent_endpointslice_syncs;
	int64_t min_resync_period_ns, namespace_sync_period_ns, resource_quota_sync_period_ns;
	bool enable_garbage_collector;
	/* node lifecycle */
	int64_t node_monitor_grace_period_ns, node_monitor_period_ns, node_startup_grace_period_ns;
	int64_t pod_eviction_timeout_ns;
	double node_eviction_rate, secondary_node_eviction_rate, unhealthy_zone_threshold;
	int large_cluster_size_threshold;
	/* node IPAM */
	char *cluster_cidr, *service_cluster_ip_range;
	bool allocate_node_cidrs;
	int node_cidr_mask_size, node_cidr_mask_size_ipv4, node_cidr_mask_size_ipv6;
	char *cluster_name;
	int terminated_pod_gc_threshold;
	/* security */
	char *service_account_private_key_file, *root_ca_file;
	char *cluster_signing_cert_file, *cluster_signing_key_file;
	int64_t cluster_signing_duration_ns;
	bool use_service_account_credentials;
	bool profiling, contention_profiling;
	kube_strv_t feature_gates;
} controller_manager_options_t;

/* Fill o with upstream defaults. */
void controller_manager_options_init(controller_manager_options_t *o);
/* Register every flag of o in fs (log flags included). */
void controller_manager_options_register(controller_manager_options_t *o, kube_flagset_t *fs);
/* Whether controller name is enabled by --controllers ("*" enables the
 * default-on ones, "foo" enables, "-foo" disables; the last match wins as
 * upstream: explicit names before "*"). default_on: whether it is on with "*". */
bool controller_manager_options_enabled(const controller_manager_options_t *o, const char *name,
					bool default_on);

#endif
