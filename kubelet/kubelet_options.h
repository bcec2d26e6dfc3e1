/*
 * kubelet_options: the kubelet's command-line options, with upstream's flag
 * names and defaults (v1.32), plus the legacy ones the seeds and Fedora's
 * environment files use (--api-servers, --allow-privileged, --config as a
 * manifest directory, --register-node, the 10255 read-only port).
 * Strings, lists and maps are owned by the flagset they were registered
 * with. Not thread-safe.
 */
#ifndef KUBELET_OPTIONS_H
#define KUBELET_OPTIONS_H

#include "core/kube_flags.h"

#define KUBELET_NAME "kubelet"

typedef struct kubelet_options {
	kube_log_config_t log;
	/* API server */
	kube_strv_t api_servers; /* legacy --api-servers */
	char *kubeconfig, *bootstrap_kubeconfig;
	double kube_api_qps;
	int kube_api_burst;
	char *kube_api_content_type;
	/* --config: a KubeletConfiguration file, or (legacy) a manifest directory */
	char *config;
	char *pod_manifest_path, *manifest_url;
	int64_t file_check_frequency_ns, http_check_frequency_ns, sync_frequency_ns;
	/* serving */
	kube_ip_t address;
	int port, read_only_port, healthz_port;
	char *healthz_bind_address;
	bool enable_server;
	char *cert_dir, *tls_cert_file, *tls_private_key_file, *client_ca_file;
	kube_strv_t tls_cipher_suites;
	char *tls_min_version;
	bool rotate_certificates, anonymous_auth, authentication_token_webhook;
	int64_t authentication_token_webhook_cache_ttl_ns;
	char *authorization_mode;
	/* node */
	char *hostname_override, *node_ip, *provider_id;
	bool register_node, register_schedulable;
	kube_strv_t node_labels;	 /* map */
	kube_strv_t register_with_taints; /* list of key=value:Effect */
	int64_t node_status_update_frequency_ns, node_status_report_frequency_ns;
	int max_pods, pods_per_core;
	bool allow_privileged;
	/* DNS */
	kube_strv_t cluster_dns;
	char *cluster_domain, *resolv_conf;
	/* runtime */
	char *container_runtime_endpoint, *image_service_endpoint;
	char *pod_infra_container_image;
	int64_t runtime_request_timeout_ns;
	char *cgroup_driver, *cgroup_root;
	bool cgroups_per_qos, fail_swap_on;
	char *root_dir;
	int image_gc_high_threshold, image_gc_low_threshold;
	bool serialize_image_pulls;
	kube_strv_t eviction_hard; /* raw "memory.available<100Mi,..." pairs */
	kube_strv_t kube_reserved, system_reserved; /* maps */
	kube_strv_t enforce_node_allocatable;
	int64_t max_open_files;
	int event_qps, event_burst;
	bool runonce, make_iptables_util_chains, protect_kernel_defaults;
	char *hairpin_mode, *volume_plugin_dir;
	int64_t streaming_connection_idle_timeout_ns;
	kube_strv_t feature_gates;
} kubelet_options_t;

/* Fill o with upstream defaults. */
void kubelet_options_init(kubelet_options_t *o);
/* Register every flag of o in fs (log flags included). */
void kubelet_options_register(kubelet_options_t *o, kube_flagset_t *fs);

#endif
