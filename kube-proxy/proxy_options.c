/* proxy_options: kube-proxy flags (see proxy_options.h). */
#include "proxy_options.h"

#include <string.h>
#include <sys/socket.h>

#define NS_S 1000000000LL

void proxy_options_init(proxy_options_t *o)
{
	memset(o, 0, sizeof(*o));
	o->log.logtostderr = true;
	o->kube_api_qps = 5;
	o->kube_api_burst = 10;
	o->kube_api_content_type = "application/vnd.kubernetes.protobuf";
	o->bind_address.family = AF_INET;
	o->healthz_bind_address = "0.0.0.0:10256";
	o->healthz_port = 10256;
	o->metrics_bind_address = "127.0.0.1:10249";
	o->metrics_port = 10249;
	o->iptables_masquerade_bit = 14;
	o->iptables_sync_period_ns = 30 * NS_S;
	o->iptables_min_sync_period_ns = 1 * NS_S;
	o->iptables_localhost_nodeports = true;
	o->conntrack_max_per_core = 32768;
	o->conntrack_min = 131072;
	o->conntrack_tcp_timeout_established_ns = 24 * 3600 * NS_S;
	o->conntrack_tcp_timeout_close_wait_ns = 3600 * NS_S;
	o->udp_timeout_ns = NS_S / 4;
	o->oom_score_adj = -999;
	o->config_sync_period_ns = 15 * 60 * NS_S;
	o->profiling = false;
}

void proxy_options_register(proxy_options_t *o, kube_flagset_t *fs)
{
	kube_flagset_add_log_flags(fs, &o->log);

	kube_flag_string(fs, "config", 0, &o->config, "The path to the configuration file.");
	kube_flag_string(fs, "write-config-to", 0, &o->write_config_to,
			 "If set, write the default configuration values to this file and exit.");
	kube_flag_string(fs, "master", 0, &o->master,
			 "The address of the Kubernetes API server (overrides any value in kubeconfig)");
	kube_flag_string(fs, "kubeconfig", 0, &o->kubeconfig,
			 "Path to kubeconfig file with authorization information (the master location can be overridden by the master flag).");
	kube_flag_float(fs, "kube-api-qps", &o->kube_api_qps,
			"QPS to use while talking with kubernetes apiserver");
	kube_flag_int(fs, "kube-api-burst", 0, &o->kube_api_burst,
		      "Burst to use while talking with kubernetes apiserver");
	kube_flag_set_type_name(fs, "kube-api-burst", "int32");
	kube_flag_string(fs, "kube-api-content-type", 0, &o->kube_api_content_type,
			 "Content type of requests sent to apiserver.");
	kube_flag_string(fs, "proxy-mode", 0, &o->proxy_mode,
			 "Which proxy mode to use: on Linux this can be 'iptables' (default), 'ipvs', or 'nftables'.");
	kube_flag_string(fs, "cluster-cidr", 0, &o->cluster_cidr,
			 "The CIDR range of the pods in the cluster. (For dual-stack clusters, this can be a comma-separated dual-stack pair of CIDR ranges.). When --detect-local-mode is set to ClusterCIDR, kube-proxy will consider traffic to be local if its source IP is in this range. (Otherwise it is not used.)");
	kube_flag_ip(fs, "bind-address", &o->bind_address,
		     "Overrides kube-proxy's idea of what its node's primary IP is. Note that the name is a historical artifact, and kube-proxy does not actually bind any sockets to this IP.");
	kube_flag_bool(fs, "bind-address-hard-fail", 0, &o->bind_address_hard_fail,
		       "If true kube-proxy will treat failure to bind to a port as fatal and exit");
	kube_flag_string(fs, "healthz-bind-address", 0, &o->healthz_bind_address,
			 "The IP address and port for the health check server to serve on, defaulting to \"0.0.0.0:10256\". This can be set to \"\" to disable the health check server.");
	kube_flag_int(fs, "healthz-port", 0, &o->healthz_port,
		      "The port to bind the health check server. Use 0 to disable.");
	kube_flag_set_type_name(fs, "healthz-port", "int32");
	kube_flag_deprecate(fs, "healthz-port", "This flag is deprecated and will be removed in a future release. Please use --healthz-bind-address instead.");
	kube_flag_string(fs, "metrics-bind-address", 0, &o->metrics_bind_address,
			 "The IP address and port for the metrics server to serve on, defaulting to \"127.0.0.1:10249\". (Set to \"0.0.0.0:10249\" / \"[::]:10249\" to bind on all interfaces.) Set empty to disable.");
	kube_flag_int(fs, "metrics-port", 0, &o->metrics_port,
		      "The port to bind the metrics server. Use 0 to disable.");
	kube_flag_set_type_name(fs, "metrics-port", "int32");
	kube_flag_deprecate(fs, "metrics-port", "This flag is deprecated and will be removed in a future release. Please use --metrics-bind-address instead.");
	kube_flag_string(fs, "hostname-override", 0, &o->hostname_override,
			 "If non-empty, will be used as the name of the Node that kube-proxy is running on. If unset, the node name is assumed to be the same as the node's hostname.");
	kube_flag_bool(fs, "masquerade-all", 0, &o->masquerade_all,
		       "SNAT all traffic sent via Service cluster IPs. This may be required with some CNI plugins. Only supported on Linux.");
	kube_flag_int(fs, "iptables-masquerade-bit", 0, &o->iptables_masquerade_bit,
		      "If using the iptables or ipvs proxy mode, the bit of the fwmark space to mark packets requiring SNAT with. Must be within the range [0, 31].");
	kube_flag_set_type_name(fs, "iptables-masquerade-bit", "int32");
	kube_flag_duration(fs, "iptables-sync-period", &o->iptables_sync_period_ns,
			   "An interval (e.g. '5s', '1m', '2h22m') indicating how frequently various re-synchronizing and cleanup operations are performed. Must be greater than 0.");
	kube_flag_duration(fs, "iptables-min-sync-period", &o->iptables_min_sync_period_ns,
			   "The minimum period between iptables rule resyncs (e.g. '5s', '1m', '2h22m'). A value of 0 means every Service or EndpointSlice change will result in an immediate iptables resync.");
	kube_flag_bool(fs, "iptables-localhost-nodeports", 0, &o->iptables_localhost_nodeports,
		       "If false, kube-proxy will disable the legacy behavior of allowing NodePort services to be accessed via localhost. (Applies only to iptables mode and IPv4; localhost NodePorts are never allowed with other proxy modes or with IPv6.)");
	kube_flag_int(fs, "conntrack-max-per-core", 0, &o->conntrack_max_per_core,
		      "Maximum number of NAT connections to track per CPU core (0 to leave the limit as-is and ignore conntrack-min).");
	kube_flag_set_type_name(fs, "conntrack-max-per-core", "int32");
	kube_flag_int(fs, "conntrack-min", 0, &o->conntrack_min,
		      "Minimum number of conntrack entries to allocate, regardless of conntrack-max-per-core (set conntrack-max-per-core=0 to leave the limit as-is).");
	kube_flag_set_type_name(fs, "conntrack-min", "int32");
	kube_flag_duration(fs, "conntrack-tcp-timeout-established", &o->conntrack_tcp_timeout_established_ns,
			   "Idle timeout for established TCP connections (0 to leave as-is)");
	kube_flag_duration(fs, "conntrack-tcp-timeout-close-wait", &o->conntrack_tcp_timeout_close_wait_ns,
			   "NAT timeout for TCP connections in the CLOSE_WAIT state");
	kube_flag_ignored(fs, "conntrack-tcp-be-liberal", true,
			  "Enable liberal mode for tracking TCP packets by setting nf_conntrack_tcp_be_liberal to 1");
	kube_flag_duration(fs, "conntrack-udp-timeout", &o->conntrack_udp_timeout_ns,
			   "Idle timeout for UNREPLIED UDP connections (0 to leave as-is)");
	kube_flag_duration(fs, "conntrack-udp-timeout-stream", &o->conntrack_udp_timeout_stream_ns,
			   "Idle timeout for ASSURED UDP connections (0 to leave as-is)");
	kube_flag_list(fs, "nodeport-addresses", &o->nodeport_addresses,
		       "A list of CIDR ranges that contain valid node IPs, or alternatively, the single string 'primary'. If set to a list of CIDRs, connections to NodePort services will only be accepted on node IPs in one of the indicated ranges. If set to 'primary', NodePort services will only be accepted on the node's primary IP(s) according to the Node object. If unset, NodePort connections will be accepted on all local IPs.");
	kube_flag_port_range(fs, "proxy-port-range", &o->proxy_port_range,
			     "Range of host ports (beginPort-endPort, single port or beginPort+offset, inclusive) that may be consumed in order to proxy service traffic. If (unspecified, 0, or 0-0) then ports will be randomly chosen.");
	kube_flag_deprecate(fs, "proxy-port-range", "This flag has no effect and will be removed in a future release.");
	kube_flag_duration(fs, "udp-timeout", &o->udp_timeout_ns,
			   "How long an idle UDP connection will be kept open (e.g. '250ms', '2s'). Must be greater than 0. Only applicable for proxy-mode=userspace");
	kube_flag_deprecate(fs, "udp-timeout", "This flag has no effect and will be removed in a future release.");
	kube_flag_int(fs, "oom-score-adj", 0, &o->oom_score_adj,
		      "The oom-score-adj value for kube-proxy process. Values must be within the range [-1000, 1000]");
	kube_flag_set_type_name(fs, "oom-score-adj", "int32");
	kube_flag_duration(fs, "config-sync-period", &o->config_sync_period_ns,
			   "How often configuration from the apiserver is refreshed. Must be greater than 0.");
	kube_flag_string(fs, "detect-local-mode", 0, &o->detect_local_mode,
			 "Mode to use to detect local traffic. This defaults to ClusterCIDR if --cluster-cidr is specified, or NodeCIDR otherwise.");
	kube_flag_bool(fs, "cleanup", 0, &o->cleanup,
		       "If true cleanup iptables and ipvs rules and exit.");
	kube_flag_bool(fs, "init-only", 0, &o->init_only,
		       "If true, perform any initialization steps that must be done with full root privileges, and then exit.");
	kube_flag_bool(fs, "profiling", 0, &o->profiling,
		       "If true enables profiling via web interface on /debug/pprof handler.");
	kube_flag_map(fs, "feature-gates", &o->feature_gates,
		      "A set of key=value pairs that describe feature gates for alpha/experimental features.");
	kube_flag_ignored(fs, "ipvs-scheduler", false, "The ipvs scheduler type when proxy mode is ipvs");
	kube_flag_ignored(fs, "ipvs-sync-period", false, "An interval (e.g. '5s', '1m', '2h22m') indicating how frequently various re-synchronizing and cleanup operations are performed.");
	kube_flag_ignored(fs, "ipvs-min-sync-period", false, "The minimum period between IPVS rule resyncs.");
	kube_flag_ignored(fs, "ipvs-strict-arp", true, "Enable strict ARP by setting arp_ignore to 1 and arp_announce to 2");
	kube_flag_ignored(fs, "ipvs-exclude-cidrs", false, "A comma-separated list of CIDRs which the ipvs proxier should not touch when cleaning up IPVS rules.");
	kube_flag_ignored(fs, "pod-bridge-interface", false, "A bridge interface name. When --detect-local-mode is set to BridgeInterface, kube-proxy will consider traffic to be local if it originates from this bridge.");
	kube_flag_ignored(fs, "pod-interface-name-prefix", false, "An interface name prefix. When --detect-local-mode is set to InterfaceNamePrefix, kube-proxy will consider traffic to be local if it originates from any interface whose name begins with this prefix.");
	kube_flag_ignored(fs, "show-hidden-metrics-for-version", false, "The previous version for which you want to show hidden metrics.");
	kube_flag_ignored(fs, "resource-container", false, "Absolute name of the resource-only container to create and run the Kube-proxy in (Default: /kube-proxy).");
	kube_flag_deprecate(fs, "resource-container", "This feature will be removed in a later release.");
}
