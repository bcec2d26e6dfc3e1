/*
 * proxy_options: kube-proxy's command-line options, with upstream's flag
 * names and defaults (v1.32), plus the legacy ones the seeds use
 * (--master, --healthz-port, --proxy-port-range, --udp-timeout).
 * Strings, lists and maps are owned by the flagset they were registered
 * with. Not thread-safe.
 */
#ifndef PROXY_OPTIONS_H
#define PROXY_OPTIONS_H

#include "core/kube_flags.h"

#define PROXY_NAME "kube-proxy"

typedef struct proxy_options {
	kube_log_config_t log;
	char *config, *write_config_to;
	char *master, *kubeconfig;
	double kube_api_qps;
	int kube_api_burst;
	char *kube_api_content_type;
	char *proxy_mode; /* "" = iptables on Linux, or "nftables", "ipvs" */
	char *cluster_cidr;
	kube_ip_t bind_address;
	bool bind_address_hard_fail;
	char *healthz_bind_address; /* host:port, default 0.0.0.0:10256 */
	int healthz_port;	    /* legacy; 0 disables */
	char *metrics_bind_address; /* host:port, default 127.0.0.1:10249 */
	int metrics_port;	    /* legacy */
	char *hostname_override;
	bool masquerade_all;
	int iptables_masquerade_bit;
	int64_t iptables_sync_period_ns, iptables_min_sync_period_ns;
	bool iptables_localhost_nodeports;
	int conntrack_max_per_core, conntrack_min;
	int64_t conntrack_tcp_timeout_established_ns, conntrack_tcp_timeout_close_wait_ns;
	int64_t conntrack_udp_timeout_ns, conntrack_udp_timeout_stream_ns;
	kube_strv_t nodeport_addresses;
	kube_port_range_t proxy_port_range;
	int64_t udp_timeout_ns;
	int oom_score_adj;
	int64_t config_sync_period_ns;
	char *detect_local_mode;
	bool cleanup, init_only, profiling;
	kube_strv_t feature_gates;
} proxy_options_t;

/* Fill o with upstream defaults. */
void proxy_options_init(proxy_options_t *o);
/* Register every flag of o in fs (log flags included). */
void proxy_options_register(proxy_options_t *o, kube_flagset_t *fs);

#endif
