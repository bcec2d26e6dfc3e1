/*
 * apiserver_options: kube-apiserver's flags, with upstream's names and
 * defaults. Legacy flags the seeds' env files use (--insecure-port,
 * --insecure-bind-address, --address, --port, --etcd_servers,
 * --admission_control, ...) are accepted; flags whose feature comes later
 * are accepted and reported once as not enforced yet. Strings and lists are
 * owned by the flagset they were registered with.
 */
#ifndef APISERVER_OPTIONS_H
#define APISERVER_OPTIONS_H

#include "core/kube_flags.h"

typedef struct apiserver_options {
	kube_log_config_t log;
	/* serving */
	kube_ip_t bind_address;
	int secure_port;
	kube_ip_t insecure_bind_address;
	int insecure_port;
	kube_ip_t advertise_address;
	char *cert_dir;
	char *tls_cert_file, *tls_private_key_file, *client_ca_file;
	int max_requests_inflight, max_mutating_requests_inflight;
	int64_t request_timeout_ns;
	int64_t min_request_timeout_s;
	/* storage */
	kube_strv_t etcd_servers;
	char *etcd_prefix;
	char *etcd_cafile, *etcd_certfile, *etcd_keyfile;
	char *storage_backend;
	int64_t etcd_compaction_interval_ns;
	char *data_dir;
	int watch_cache_size; /* events kept per resource */
	/* cluster */
	kube_cidr_t service_cluster_ip_range;
	kube_port_range_t service_node_port_range;
	int apiserver_count;
	int64_t event_ttl_ns;
	int kubelet_port;
	bool allow_privileged;
	kube_strv_t admission_control, enable_admission_plugins, disable_admission_plugins;
	kube_strv_t authorization_mode;
	char *token_auth_file;
	kube_strv_t service_account_key_file;
	kube_strv_t runtime_config;
	char *external_hostname;
} apiserver_options_t;

void apiserver_options_init(apiserver_options_t *o);
void apiserver_options_register(apiserver_options_t *o, kube_flagset_t *fs);
/* Check values after parsing; 0 or -EINVAL with a one-line message. */
int apiserver_options_validate(const apiserver_options_t *o, const kube_flagset_t *fs,
			       char *err, size_t errsize);

#endif
