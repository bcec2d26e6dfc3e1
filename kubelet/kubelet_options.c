/* kubelet_options: kubelet flags (see kubelet_options.h). */
#include "kubelet_options.h"

#include <string.h>
#include <sys/socket.h>

#define NS_S 1000000000LL

void kubelet_options_init(kubelet_options_t *o)
{
	static const char *pods[] = { "pods", NULL };
	static const char *evict[] = { "imagefs.available<15%", "memory.available<100Mi",
				       "nodefs.available<10%", "nodefs.inodesFree<5%", NULL };

	memset(o, 0, sizeof(*o));
	o->log.logtostderr = true;
	o->kube_api_qps = 50;
	o->kube_api_burst = 100;
	o->kube_api_content_type = "application/vnd.kubernetes.protobuf";
	o->file_check_frequency_ns = 20 * NS_S;
	o->http_check_frequency_ns = 20 * NS_S;
	o->sync_frequency_ns = 60 * NS_S;
	o->address.family = AF_INET; /* 0.0.0.0 */
	o->port = 10250;
	o->read_only_port = 10255;
	o->healthz_port = 10248;
	o->healthz_bind_address = "127.0.0.1";
	o->enable_server = true;
	o->cert_dir = "/var/lib/kubelet/pki";
	o->anonymous_auth = true;
	o->authentication_token_webhook_cache_ttl_ns = 120 * NS_S;
	o->authorization_mode = "AlwaysAllow";
	o->register_node = true;
	o->register_schedulable = true;
	o->node_status_update_frequency_ns = 10 * NS_S;
	o->node_status_report_frequency_ns = 300 * NS_S;
	o->max_pods = 110;
	o->cluster_domain = "";
	o->resolv_conf = "/etc/resolv.conf";
	o->container_runtime_endpoint = "unix:///run/containerd/containerd.sock";
	o->pod_infra_container_image = "registry.k8s.io/pause:3.10";
	o->runtime_request_timeout_ns = 120 * NS_S;
	o->cgroup_driver = "cgroupfs";
	o->cgroups_per_qos = true;
	o->fail_swap_on = true;
	o->root_dir = "/var/lib/kubelet";
	o->image_gc_high_threshold = 85;
	o->image_gc_low_threshold = 80;
	o->serialize_image_pulls = true;
	o->eviction_hard = (kube_strv_t)evict;
	o->enforce_node_allocatable = (kube_strv_t)pods;
	o->max_open_files = 1000000;
	o->event_qps = 50;
	o->event_burst = 100;
	o->make_iptables_util_chains = true;
	o->hairpin_mode = "promiscuous-bridge";
	o->volume_plugin_dir = "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/";
	o->streaming_connection_idle_timeout_ns = 4 * 3600 * NS_S;
}

void kubelet_options_register(kubelet_options_t *o, kube_flagset_t *fs)
{
	kube_flagset_add_log_flags(fs, &o->log);

	kube_flag_list(fs, "api-servers", &o->api_servers,
		       "List of Kubernetes API servers for publishing events, and reading pods and services. (ip:port), comma separated.");
	kube_flag_deprecate(fs, "api-servers", "Use --kubeconfig instead. Will be removed in a future version.");
	kube_flag_string(fs, "kubeconfig", 0, &o->kubeconfig,
			 "Path to a kubeconfig file, specifying how to connect to the API server. Providing --kubeconfig enables API server mode, omitting --kubeconfig enables standalone mode.");
	kube_flag_string(fs, "bootstrap-kubeconfig", 0, &o->bootstrap_kubeconfig,
			 "Path to a kubeconfig file that will be used to get client certificate for kubelet.");
	kube_flag_ignored(fs, "require-kubeconfig", true,
			  "If true the Kubelet will exit if there are configuration errors, and will ignore the value of --api-servers in favor of the server defined in the kubeconfig file.");
	kube_flag_deprecate(fs, "require-kubeconfig", "You no longer need to use --require-kubeconfig. This will be removed in a future version.");
	kube_flag_float(fs, "kube-api-qps", &o->kube_api_qps,
			"QPS to use while talking with kubernetes apiserver.");
	kube_flag_int(fs, "kube-api-burst", 0, &o->kube_api_burst,
		      "Burst to use while talking with kubernetes apiserver.");
	kube_flag_string(fs, "kube-api-content-type", 0, &o->kube_api_content_type,
			 "Content type of requests sent to apiserver.");

	kube_flag_string(fs, "config", 0, &o->config,
			 "The Kubelet will load its initial configuration from this file. The path may be absolute or relative; relative paths start at the Kubelet's current working directory. Omit this flag to use the built-in default configuration values. (Legacy: a directory is taken as --pod-manifest-path.)");
	kube_flag_string(fs, "pod-manifest-path", 0, &o->pod_manifest_path,
			 "Path to the directory containing static pod files to run, or the path to a single static pod file. Files starting with dots will be ignored.");
	kube_flag_string(fs, "manifest-url", 0, &o->manifest_url,
			 "URL for accessing additional Pod specifications to run");
	kube_flag_duration(fs, "file-check-frequency", &o->file_check_frequency_ns,
			   "Duration between checking config files for new data");
	kube_flag_duration(fs, "http-check-frequency", &o->http_check_frequency_ns,
			   "Duration between checking http for new data");
	kube_flag_duration(fs, "sync-frequency", &o->sync_frequency_ns,
			   "Max period between synchronizing running containers and config");

	kube_flag_ip(fs, "address", &o->address,
		     "The IP address for the Kubelet to serve on (set to 0.0.0.0 or :: for listening on all interfaces and IP address families)");
	kube_flag_int(fs, "port", 0, &o->port, "The port for the Kubelet to serve on.");
	kube_flag_set_type_name(fs, "port", "int32");
	kube_flag_int(fs, "read-only-port", 0, &o->read_only_port,
		      "The read-only port for the Kubelet to serve on with no authentication/authorization (set to 0 to disable)");
	kube_flag_set_type_name(fs, "read-only-port", "int32");
	kube_flag_int(fs, "healthz-port", 0, &o->healthz_port,
		      "The port of the localhost healthz endpoint (set to 0 to disable)");
	kube_flag_set_type_name(fs, "healthz-port", "int32");
	kube_flag_string(fs, "healthz-bind-address", 0, &o->healthz_bind_address,
			 "The IP address for the healthz server to serve on (set to 0.0.0.0 or :: for listening on all interfaces and IP families)");
	kube_flag_bool(fs, "enable-server", 0, &o->enable_server, "Enable the Kubelet's server");
	kube_flag_ignored(fs, "enable-debugging-handlers", true,
			  "Enables server endpoints for log collection and local running of containers and commands");
	kube_flag_ignored(fs, "cadvisor-port", false, "The port of the localhost cAdvisor endpoint (set to 0 to disable)");
	kube_flag_deprecate(fs, "cadvisor-port", "The default will change to 0 (disabled) in 1.11, and the cadvisor port will be removed entirely in 1.12");
	kube_flag_string(fs, "cert-dir", 0, &o->cert_dir,
			 "The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored.");
	kube_flag_string(fs, "tls-cert-file", 0, &o->tls_cert_file,
			 "File containing x509 Certificate used for serving HTTPS (with intermediate certs, if any, concatenated after server cert). If --tls-cert-file and --tls-private-key-file are not provided, a self-signed certificate and key are generated for the public address and saved to the directory passed to --cert-dir.");
	kube_flag_string(fs, "tls-private-key-file", 0, &o->tls_private_key_file,
			 "File containing x509 private key matching --tls-cert-file.");
	kube_flag_string(fs, "client-ca-file", 0, &o->client_ca_file,
			 "If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate.");
	kube_flag_list(fs, "tls-cipher-suites", &o->tls_cipher_suites,
		       "Comma-separated list of cipher suites for the server.");
	kube_flag_string(fs, "tls-min-version", 0, &o->tls_min_version,
			 "Minimum TLS version supported. Possible values: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13");
	kube_flag_bool(fs, "rotate-certificates", 0, &o->rotate_certificates,
		       "Auto rotate the kubelet client certificates by requesting new certificates from the kube-apiserver when the certificate expiration approaches.");
	kube_flag_bool(fs, "anonymous-auth", 0, &o->anonymous_auth,
		       "Enables anonymous requests to the Kubelet server. Requests that are not rejected by another authentication method are treated as anonymous requests. Anonymous requests have a username of system:anonymous, and a group name of system:unauthenticated.");
	kube_flag_bool(fs, "authentication-token-webhook", 0, &o->authentication_token_webhook,
		       "Use the TokenReview API to determine authentication for bearer tokens.");
	kube_flag_duration(fs, "authentication-token-webhook-cache-ttl", &o->authentication_token_webhook_cache_ttl_ns,
			   "The duration to cache responses from the webhook token authenticator.");
	kube_flag_string(fs, "authorization-mode", 0, &o->authorization_mode,
			 "Authorization mode for Kubelet server. Valid options are AlwaysAllow or Webhook. Webhook mode uses the SubjectAccessReview API to determine authorization.");

	kube_flag_string(fs, "hostname-override", 0, &o->hostname_override,
			 "If non-empty, will use this string as identification instead of the actual hostname.");
	kube_flag_string(fs, "node-ip", 0, &o->node_ip,
			 "IP address (or comma-separated dual-stack IP addresses) of the node. If unset, kubelet will use the node's default IPv4 address, if any, or its default IPv6 address if it has no IPv4 addresses.");
	kube_flag_string(fs, "provider-id", 0, &o->provider_id,
			 "Unique identifier for identifying the node in a machine database, i.e cloudprovider");
	kube_flag_bool(fs, "register-node", 0, &o->register_node,
		       "Register the node with the apiserver. If --kubeconfig is not provided, this flag is irrelevant, as the Kubelet won't have an apiserver to register with.");
	kube_flag_bool(fs, "register-schedulable", 0, &o->register_schedulable,
		       "Register the node as schedulable. Won't have any effect if register-node is false.");
	kube_flag_deprecate(fs, "register-schedulable", "will be removed in a future version");
	kube_flag_map(fs, "node-labels", &o->node_labels,
		      "Labels to add when registering the node in the cluster. Labels must be key=value pairs separated by ','.");
	kube_flag_list(fs, "register-with-taints", &o->register_with_taints,
		       "Register the node with the given list of taints (comma separated \"<key>=<value>:<effect>\"). No-op if register-node is false.");
	kube_flag_duration(fs, "node-status-update-frequency", &o->node_status_update_frequency_ns,
			   "Specifies how often kubelet posts node status to master. Note: be cautious when changing the constant, it must work with nodeMonitorGracePeriod in nodecontroller.");
	kube_flag_duration(fs, "node-status-report-frequency", &o->node_status_report_frequency_ns,
			   "How often the kubelet posts node status to the API server when nothing changed.");
	kube_flag_int(fs, "max-pods", 0, &o->max_pods, "Number of Pods that can run on this Kubelet.");
	kube_flag_set_type_name(fs, "max-pods", "int32");
	kube_flag_int(fs, "pods-per-core", 0, &o->pods_per_core,
		      "Number of Pods per core that can run on this Kubelet. The total number of Pods on this Kubelet cannot exceed max-pods, so max-pods will be used if this calculation results in a larger number of Pods allowed on the Kubelet. A value of 0 disables this limit.");
	kube_flag_set_type_name(fs, "pods-per-core", "int32");
	kube_flag_bool(fs, "allow-privileged", 0, &o->allow_privileged,
		       "If true, allow containers to request privileged mode.");

	kube_flag_list(fs, "cluster-dns", &o->cluster_dns,
		       "Comma-separated list of DNS server IP address. This value is used for containers DNS server in case of Pods with \"dnsPolicy=ClusterFirst\".");
	kube_flag_string(fs, "cluster-domain", 0, &o->cluster_domain,
			 "Domain for this cluster. If set, kubelet will configure all containers to search this domain in addition to the host's search domains");
	kube_flag_string(fs, "resolv-conf", 0, &o->resolv_conf,
			 "Resolver configuration file used as the basis for the container DNS resolution configuration.");

	kube_flag_string(fs, "container-runtime-endpoint", 0, &o->container_runtime_endpoint,
			 "The endpoint of remote runtime service. Unix Domain Sockets are supported on Linux, while npipe and tcp endpoints are supported on windows. Examples: 'unix:///path/to/runtime.sock', 'npipe:////./pipe/runtime'");
	kube_flag_string(fs, "image-service-endpoint", 0, &o->image_service_endpoint,
			 "The endpoint of remote image service. If not specified, it will be the same with --container-runtime-endpoint by default.");
	kube_flag_string(fs, "pod-infra-container-image", 0, &o->pod_infra_container_image,
			 "Specified image will not be pruned by the image garbage collector. CRI implementations have their own configuration to set this image.");
	kube_flag_duration(fs, "runtime-request-timeout", &o->runtime_request_timeout_ns,
			   "Timeout of all runtime requests except long running request - pull, logs, exec and attach. When timeout exceeded, kubelet will cancel the request, throw out an error and retry later.");
	kube_flag_ignored(fs, "container-runtime", false, "The container runtime to use.");
	kube_flag_deprecate(fs, "container-runtime", "will be removed in 1.27 as the only valid value is 'remote'");
	kube_flag_ignored(fs, "network-plugin", false, "The name of the network plugin to be invoked for various events in kubelet/pod lifecycle.");
	kube_flag_deprecate(fs, "network-plugin", "will be removed along with dockershim.");
	kube_flag_ignored(fs, "cni-bin-dir", false, "A comma-separated list of full paths of directories in which to search for CNI plugin binaries.");
	kube_flag_deprecate(fs, "cni-bin-dir", "will be removed along with dockershim.");
	kube_flag_ignored(fs, "cni-conf-dir", false, "The full path of the directory in which to search for CNI config files.");
	kube_flag_deprecate(fs, "cni-conf-dir", "will be removed along with dockershim.");
	kube_flag_ignored(fs, "docker-endpoint", false, "Use this for the docker endpoint to communicate with.");
	kube_flag_deprecate(fs, "docker-endpoint", "will be removed along with dockershim.");
	kube_flag_string(fs, "cgroup-driver", 0, &o->cgroup_driver,
			 "Driver that the kubelet uses to manipulate cgroups on the host. Possible values: 'cgroupfs', 'systemd'");
	kube_flag_string(fs, "cgroup-root", 0, &o->cgroup_root,
			 "Optional root cgroup to use for pods. This is handled by the container runtime on a best effort basis. Default: '', which means use the container runtime default.");
	kube_flag_bool(fs, "cgroups-per-qos", 0, &o->cgroups_per_qos,
		       "Enable creation of QoS cgroup hierarchy, if true top level QoS and pod cgroups are created.");
	kube_flag_ignored(fs, "kubelet-cgroups", false, "Optional absolute name of cgroups to create and run the Kubelet in.");
	kube_flag_ignored(fs, "system-cgroups", false, "Optional absolute name of cgroups in which to place all non-kernel processes that are not already inside a cgroup under '/'.");
	kube_flag_ignored(fs, "runtime-cgroups", false, "Optional absolute name of cgroups to create and run the runtime in.");
	kube_flag_bool(fs, "fail-swap-on", 0, &o->fail_swap_on,
		       "Makes the Kubelet fail to start if swap is enabled on the node.");
	kube_flag_string(fs, "root-dir", 0, &o->root_dir,
			 "Directory path for managing kubelet files (volume mounts,etc).");
	kube_flag_int(fs, "image-gc-high-threshold", 0, &o->image_gc_high_threshold,
		      "The percent of disk usage after which image garbage collection is always run. Values must be within the range [0, 100], To disable image garbage collection, set to 100.");
	kube_flag_set_type_name(fs, "image-gc-high-threshold", "int32");
	kube_flag_int(fs, "image-gc-low-threshold", 0, &o->image_gc_low_threshold,
		      "The percent of disk usage before which image garbage collection is never run. Lowest disk usage to garbage collect to. Values must be within the range [0, 100] and should not be larger than that of --image-gc-high-threshold.");
	kube_flag_set_type_name(fs, "image-gc-low-threshold", "int32");
	kube_flag_bool(fs, "serialize-image-pulls", 0, &o->serialize_image_pulls,
		       "Pull images one at a time. We recommend *not* changing the default value on nodes that run docker daemon with version < 1.9 or an Aufs storage backend.");
	kube_flag_list(fs, "eviction-hard", &o->eviction_hard,
		       "A set of eviction thresholds (e.g. memory.available<1Gi) that if met would trigger a pod eviction.");
	kube_flag_ignored(fs, "eviction-soft", false, "A set of eviction thresholds (e.g. memory.available<1.5Gi) that if met over a corresponding grace period would trigger a pod eviction.");
	kube_flag_ignored(fs, "eviction-soft-grace-period", false, "A set of eviction grace periods (e.g. memory.available=1m30s) that correspond to how long a soft eviction threshold must hold before triggering a pod eviction.");
	kube_flag_ignored(fs, "eviction-pressure-transition-period", false, "Duration for which the kubelet has to wait before transitioning out of an eviction pressure condition.");
	kube_flag_ignored(fs, "eviction-minimum-reclaim", false, "A set of minimum reclaims (e.g. imagefs.available=2Gi) that describes the minimum amount of resource the kubelet will reclaim when performing a pod eviction if that resource is under pressure.");
	kube_flag_map(fs, "kube-reserved", &o->kube_reserved,
		      "A set of ResourceName=ResourceQuantity (e.g. cpu=200m,memory=500Mi,ephemeral-storage=1Gi,pid=1000) pairs that describe resources reserved for kubernetes system components.");
	kube_flag_map(fs, "system-reserved", &o->system_reserved,
		      "A set of ResourceName=ResourceQuantity (e.g. cpu=200m,memory=500Mi,ephemeral-storage=1Gi,pid=1000) pairs that describe resources reserved for non-kubernetes components.");
	kube_flag_list(fs, "enforce-node-allocatable", &o->enforce_node_allocatable,
		       "A comma separated list of levels of node allocatable enforcement to be enforced by kubelet. Acceptable options are 'none', 'pods', 'system-reserved', and 'kube-reserved'.");
	kube_flag_int64(fs, "max-open-files", &o->max_open_files, "Number of files that can be opened by Kubelet process.");
	kube_flag_int(fs, "event-qps", 0, &o->event_qps,
		      "QPS to limit event creations. The number must be >= 0. If 0 will use DefaultQPS: 5.");
	kube_flag_set_type_name(fs, "event-qps", "int32");
	kube_flag_int(fs, "event-burst", 0, &o->event_burst,
		      "Maximum size of a bursty event records, temporarily allows event records to burst to this number, while still not exceeding event-qps. The number must be >= 0. If 0 will use DefaultBurst: 10.");
	kube_flag_set_type_name(fs, "event-burst", "int32");
	kube_flag_bool(fs, "runonce", 0, &o->runonce,
		       "If true, exit after spawning pods from static pod files or remote urls. Exclusive with --enable-server");
	kube_flag_bool(fs, "make-iptables-util-chains", 0, &o->make_iptables_util_chains,
		       "If true, kubelet will ensure iptables utility rules are present on host.");
	kube_flag_bool(fs, "protect-kernel-defaults", 0, &o->protect_kernel_defaults,
		       "Default kubelet behaviour for kernel tuning. If set, kubelet errors if any of kernel tunables is different than kubelet defaults.");
	kube_flag_string(fs, "hairpin-mode", 0, &o->hairpin_mode,
			 "How should the kubelet setup hairpin NAT. Valid values are \"promiscuous-bridge\", \"hairpin-veth\" and \"none\".");
	kube_flag_string(fs, "volume-plugin-dir", 0, &o->volume_plugin_dir,
			 "The full path of the directory in which to search for additional third party volume plugins");
	kube_flag_duration(fs, "streaming-connection-idle-timeout", &o->streaming_connection_idle_timeout_ns,
			   "Maximum time a streaming connection can be idle before the connection is automatically closed. 0 indicates no timeout.");
	kube_flag_map(fs, "feature-gates", &o->feature_gates,
		      "A set of key=value pairs that describe feature gates for alpha/experimental features.");
	kube_flag_ignored(fs, "cloud-provider", false, "The provider for cloud services. Set to empty string for running with no cloud provider.");
	kube_flag_ignored(fs, "cloud-config", false, "The path to the cloud provider configuration file.");
	kube_flag_ignored(fs, "minimum-container-ttl-duration", false, "Minimum age for a finished container before it is garbage collected.");
	kube_flag_deprecate(fs, "minimum-container-ttl-duration", "Use --eviction-hard or --eviction-soft instead. Will be removed in a future version.");
	kube_flag_ignored(fs, "maximum-dead-containers", false, "Maximum number of old instances of containers to retain globally.");
	kube_flag_deprecate(fs, "maximum-dead-containers", "Use --eviction-hard or --eviction-soft instead. Will be removed in a future version.");
	kube_flag_ignored(fs, "maximum-dead-containers-per-container", false, "Maximum number of old instances to retain per container.");
	kube_flag_deprecate(fs, "maximum-dead-containers-per-container", "Use --eviction-hard or --eviction-soft instead. Will be removed in a future version.");
	kube_flag_ignored(fs, "node-status-max-images", false, "The maximum number of images to report in Node.Status.Images.");
	kube_flag_ignored(fs, "lock-file", false, "The path to file for kubelet to use as a lock file.");
	kube_flag_ignored(fs, "exit-on-lock-contention", true, "Whether kubelet should exit upon lock-file contention.");
	kube_flag_ignored(fs, "seccomp-default", true, "Enable the use of `RuntimeDefault` as the default seccomp profile for all workloads.");
	kube_flag_ignored(fs, "containerized", true, "Running kubelet in a container.");
	kube_flag_deprecate(fs, "containerized", "This feature will be removed in a later release.");
}
