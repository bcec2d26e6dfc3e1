/* controller_manager_options: kube-controller-manager flags. */
#include "controller_manager_options.h"

#include <string.h>
#include <sys/socket.h>

#define NS_S 1000000000LL

void controller_manager_options_init(controller_manager_options_t *o)
{
	static const char *all[] = { "*", NULL };

	memset(o, 0, sizeof(*o));
	o->log.logtostderr = true;
	o->kube_api_qps = 20;
	o->kube_api_burst = 30;
	o->kube_api_content_type = "application/vnd.kubernetes.protobuf";
	o->address = "0.0.0.0";
	o->port = 10252;
	o->bind_address.family = AF_INET;
	o->secure_port = 10257;
	o->leader_elect = true;
	o->le_lease_duration_ns = 15 * NS_S;
	o->le_renew_deadline_ns = 10 * NS_S;
	o->le_retry_period_ns = 2 * NS_S;
	o->le_resource_lock = "leases";
	o->le_resource_name = "kube-controller-manager";
	o->le_resource_namespace = "kube-system";
	o->controllers = (kube_strv_t)all;
	o->concurrent_deployment_syncs = 5;
	o->concurrent_replicaset_syncs = 5;
	o->concurrent_rc_syncs = 5;
	o->concurrent_endpoint_syncs = 5;
	o->concurrent_service_endpoint_syncs = 5;
	o->concurrent_namespace_syncs = 10;
	o->concurrent_serviceaccount_token_syncs = 5;
	o->concurrent_gc_syncs = 20;
	o->concurrent_job_syncs = 5;
	o->concurrent_cron_job_syncs = 5;
	o->concurrent_daemonset_syncs = 2;
	o->concurrent_statefulset_syncs = 5;
	o->concurrent_resource_quota_syncs = 5;
	o->concurrent_ttl_after_finished_syncs = 5;
	o->concurrent_service_syncs = 1;
	o->concurrent_horizontal_pod_autoscaler_syncs = 5;
	o->concurrent_ephemeralvolume_syncs = 5;
	o->concurrent_endpointslice_syncs = 5;
	o->min_resync_period_ns = 12 * 3600 * NS_S;
	o->namespace_sync_period_ns = 300 * NS_S;
	o->resource_quota_sync_period_ns = 300 * NS_S;
	o->enable_garbage_collector = true;
	o->node_monitor_grace_period_ns = 40 * NS_S;
	o->node_monitor_period_ns = 5 * NS_S;
	o->node_startup_grace_period_ns = 60 * NS_S;
	o->pod_eviction_timeout_ns = 300 * NS_S;
	o->node_eviction_rate = 0.1;
	o->secondary_node_eviction_rate = 0.01;
	o->unhealthy_zone_threshold = 0.55;
	o->large_cluster_size_threshold = 50;
	o->cluster_name = "kubernetes";
	o->terminated_pod_gc_threshold = 12500;
	o->cluster_signing_duration_ns = 8760LL * 3600 * NS_S;
	o->profiling = true;
}

static void syncs(kube_flagset_t *fs, const char *name, int *p, const char *what)
{
	char *help = kube_asprintf("The number of %s that are allowed to sync concurrently. Larger number = more responsive %s, but more CPU (and network) load", what, what);

	kube_flag_int(fs, name, 0, p, help);
	kube_free(help);
}

void controller_manager_options_register(controller_manager_options_t *o, kube_flagset_t *fs)
{
	kube_flagset_add_log_flags(fs, &o->log);

	kube_flag_string(fs, "master", 0, &o->master,
			 "The address of the Kubernetes API server (overrides any value in kubeconfig).");
	kube_flag_string(fs, "kubeconfig", 0, &o->kubeconfig,
			 "Path to kubeconfig file with authorization and master location information (the master location can be overridden by the master flag).");
	kube_flag_float(fs, "kube-api-qps", &o->kube_api_qps,
			"QPS to use while talking with kubernetes apiserver.");
	kube_flag_int(fs, "kube-api-burst", 0, &o->kube_api_burst,
		      "Burst to use while talking with kubernetes apiserver.");
	kube_flag_string(fs, "kube-api-content-type", 0, &o->kube_api_content_type,
			 "Content type of requests sent to apiserver.");

	kube_flag_string(fs, "address", 0, &o->address,
			 "DEPRECATED: the IP address on which to listen for the --port port. See --bind-address instead.");
	kube_flag_int(fs, "port", 0, &o->port,
		      "DEPRECATED: the port on which to serve HTTP insecurely without authentication and authorization. If 0, don't serve plain HTTP at all. See --secure-port instead.");
	kube_flag_ip(fs, "bind-address", &o->bind_address,
		     "The IP address on which to listen for the --secure-port port. The associated interface(s) must be reachable by the rest of the cluster, and by CLI/web clients. If blank or an unspecified address (0.0.0.0 or ::), all interfaces and IP address families will be used.");
	kube_flag_int(fs, "secure-port", 0, &o->secure_port,
		      "The port on which to serve HTTPS with authentication and authorization. If 0, don't serve HTTPS at all.");
	kube_flag_string(fs, "cert-dir", 0, &o->cert_dir,
			 "The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored.");
	kube_flag_string(fs, "tls-cert-file", 0, &o->tls_cert_file,
			 "File containing the default x509 Certificate for HTTPS. (CA cert, if any, concatenated after server cert).");
	kube_flag_string(fs, "tls-private-key-file", 0, &o->tls_private_key_file,
			 "File containing the default x509 private key matching --tls-cert-file.");
	kube_flag_string(fs, "client-ca-file", 0, &o->client_ca_file,
			 "If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate.");
	kube_flag_string(fs, "authentication-kubeconfig", 0, &o->authentication_kubeconfig,
			 "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create tokenreviews.authentication.k8s.io.");
	kube_flag_string(fs, "authorization-kubeconfig", 0, &o->authorization_kubeconfig,
			 "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create subjectaccessreviews.authorization.k8s.io.");
	kube_flag_ignored(fs, "authentication-skip-lookup", true,
			  "If false, the authentication-kubeconfig will be used to lookup missing authentication configuration from the cluster.");
	kube_flag_ignored(fs, "authorization-always-allow-paths", false,
			  "A list of HTTP paths to skip during authorization.");
	kube_flag_ignored(fs, "requestheader-client-ca-file", false,
			  "Root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers specified by --requestheader-username-headers.");
	kube_flag_ignored(fs, "tls-cipher-suites", false,
			  "Comma-separated list of cipher suites for the server.");
	kube_flag_ignored(fs, "tls-min-version", false, "Minimum TLS version supported.");

	kube_flag_bool(fs, "leader-elect", 0, &o->leader_elect,
		       "Start a leader election client and gain leadership before executing the main loop. Enable this when running replicated components for high availability.");
	kube_flag_duration(fs, "leader-elect-lease-duration", &o->le_lease_duration_ns,
			   "The duration that non-leader candidates will wait after observing a leadership renewal until attempting to acquire leadership of a led but unrenewed leader slot.");
	kube_flag_duration(fs, "leader-elect-renew-deadline", &o->le_renew_deadline_ns,
			   "The interval between attempts by the acting master to renew a leadership slot before it stops leading. This must be less than the lease duration.");
	kube_flag_duration(fs, "leader-elect-retry-period", &o->le_retry_period_ns,
			   "The duration the clients should wait between attempting acquisition and renewal of a leadership.");
	kube_flag_string(fs, "leader-elect-resource-lock", 0, &o->le_resource_lock,
			 "The type of resource object that is used for locking during leader election. Supported options are 'leases'.");
	kube_flag_string(fs, "leader-elect-resource-name", 0, &o->le_resource_name,
			 "The name of resource object that is used for locking during leader election.");
	kube_flag_string(fs, "leader-elect-resource-namespace", 0, &o->le_resource_namespace,
			 "The namespace of resource object that is used for locking during leader election.");

	kube_flag_list(fs, "controllers", &o->controllers,
		       "A list of controllers to enable. '*' enables all on-by-default controllers, 'foo' enables the controller named 'foo', '-foo' disables the controller named 'foo'.");
	syncs(fs, "concurrent-deployment-syncs", &o->concurrent_deployment_syncs, "deployment objects");
	syncs(fs, "concurrent-replicaset-syncs", &o->concurrent_replicaset_syncs, "replica sets");
	syncs(fs, "concurrent-rc-syncs", &o->concurrent_rc_syncs, "replication controllers");
	syncs(fs, "concurrent-endpoint-syncs", &o->concurrent_endpoint_syncs, "endpoint syncing operations");
	syncs(fs, "concurrent-service-endpoint-syncs", &o->concurrent_service_endpoint_syncs, "service endpoint syncing operations");
	syncs(fs, "concurrent-namespace-syncs", &o->concurrent_namespace_syncs, "namespace objects");
	syncs(fs, "concurrent-serviceaccount-token-syncs", &o->concurrent_serviceaccount_token_syncs, "service account token objects");
	syncs(fs, "concurrent-gc-syncs", &o->concurrent_gc_syncs, "garbage collector workers");
	syncs(fs, "concurrent-job-syncs", &o->concurrent_job_syncs, "job objects");
	syncs(fs, "concurrent-cron-job-syncs", &o->concurrent_cron_job_syncs, "cron job objects");
	syncs(fs, "concurrent-daemonset-syncs", &o->concurrent_daemonset_syncs, "daemonset objects");
	syncs(fs, "concurrent-statefulset-syncs", &o->concurrent_statefulset_syncs, "statefulset objects");
	syncs(fs, "concurrent-resource-quota-syncs", &o->concurrent_resource_quota_syncs, "resource quotas");
	syncs(fs, "concurrent-ttl-after-finished-syncs", &o->concurrent_ttl_after_finished_syncs, "ttl-after-finished-controller workers");
	syncs(fs, "concurrent-service-syncs", &o->concurrent_service_syncs, "services");
	syncs(fs, "concurrent-horizontal-pod-autoscaler-syncs", &o->concurrent_horizontal_pod_autoscaler_syncs, "horizontal pod autoscaler objects");
	syncs(fs, "concurrent-ephemeralvolume-syncs", &o->concurrent_ephemeralvolume_syncs, "ephemeral volume syncing operations");
	syncs(fs, "concurrent-endpointslice-syncs", &o->concurrent_endpointslice_syncs, "endpointslice syncing operations");
	kube_flag_duration(fs, "min-resync-period", &o->min_resync_period_ns,
			   "The resync period in reflectors will be random between MinResyncPeriod and 2*MinResyncPeriod.");
	kube_flag_duration(fs, "namespace-sync-period", &o->namespace_sync_period_ns,
			   "The period for syncing namespace life-cycle updates");
	kube_flag_duration(fs, "resource-quota-sync-period", &o->resource_quota_sync_period_ns,
			   "The period for syncing quota usage status in the system");
	kube_flag_bool(fs, "enable-garbage-collector", 0, &o->enable_garbage_collector,
		       "Enables the generic garbage collector. MUST be synced with the corresponding flag of the kube-apiserver.");

	kube_flag_duration(fs, "node-monitor-grace-period", &o->node_monitor_grace_period_ns,
			   "Amount of time which we allow running Node to be unresponsive before marking it unhealthy. Must be N times more than kubelet's nodeStatusUpdateFrequency, where N means number of retries allowed for kubelet to post node status.");
	kube_flag_duration(fs, "node-monitor-period", &o->node_monitor_period_ns,
			   "The period for syncing NodeStatus in cloud-node-lifecycle-controller.");
	kube_flag_duration(fs, "node-startup-grace-period", &o->node_startup_grace_period_ns,
			   "Amount of time which we allow starting Node to be unresponsive before marking it unhealthy.");
	kube_flag_duration(fs, "pod-eviction-timeout", &o->pod_eviction_timeout_ns,
			   "The grace period for deleting pods on failed nodes.");
	kube_flag_float(fs, "node-eviction-rate", &o->node_eviction_rate,
			"Number of nodes per second on which pods are deleted in case of node failure when a zone is healthy (see --unhealthy-zone-threshold for definition of healthy/unhealthy). Zone refers to entire cluster in non-multizone clusters.");
	kube_flag_float(fs, "secondary-node-eviction-rate", &o->secondary_node_eviction_rate,
			"Number of nodes per second on which pods are deleted in case of node failure when a zone is unhealthy (see --unhealthy-zone-threshold for definition of healthy/unhealthy).");
	kube_flag_float(fs, "unhealthy-zone-threshold", &o->unhealthy_zone_threshold,
			"Fraction of Nodes in a zone which needs to be not Ready (minimum 3) for zone to be treated as unhealthy.");
	kube_flag_int(fs, "large-cluster-size-threshold", 0, &o->large_cluster_size_threshold,
		      "Number of nodes from which node-lifecycle-controller treats the cluster as large for the eviction logic purposes.");

	kube_flag_string(fs, "cluster-cidr", 0, &o->cluster_cidr,
			 "CIDR Range for Pods in cluster. Requires --allocate-node-cidrs to be true");
	kube_flag_bool(fs, "allocate-node-cidrs", 0, &o->allocate_node_cidrs,
		       "Should CIDRs for Pods be allocated and set on the cloud provider.");
	kube_flag_int(fs, "node-cidr-mask-size", 0, &o->node_cidr_mask_size,
		      "Mask size for node cidr in cluster. Default is 24 for IPv4 and 64 for IPv6.");
	kube_flag_int(fs, "node-cidr-mask-size-ipv4", 0, &o->node_cidr_mask_size_ipv4,
		      "Mask size for IPv4 node cidr in dual-stack cluster. Default is 24.");
	kube_flag_int(fs, "node-cidr-mask-size-ipv6", 0, &o->node_cidr_mask_size_ipv6,
		      "Mask size for IPv6 node cidr in dual-stack cluster. Default is 64.");
	kube_flag_string(fs, "service-cluster-ip-range", 0, &o->service_cluster_ip_range,
			 "CIDR Range for Services in cluster. Requires --allocate-node-cidrs to be true");
	kube_flag_string(fs, "cluster-name", 0, &o->cluster_name,
			 "The instance prefix for the cluster.");
	kube_flag_int(fs, "terminated-pod-gc-threshold", 0, &o->terminated_pod_gc_threshold,
		      "Number of terminated pods that can exist before the terminated pod garbage collector starts deleting terminated pods. If <= 0, the terminated pod garbage collector is disabled.");

	kube_flag_string(fs, "service-account-private-key-file", 0, &o->service_account_private_key_file,
			 "Filename containing a PEM-encoded private RSA or ECDSA key used to sign service account tokens.");
	kube_flag_string(fs, "root-ca-file", 0, &o->root_ca_file,
			 "If set, this root certificate authority will be included in service account's token secret. This must be a valid PEM-encoded CA bundle.");
	kube_flag_string(fs, "cluster-signing-cert-file", 0, &o->cluster_signing_cert_file,
			 "Filename containing a PEM-encoded X509 CA certificate used to issue cluster-scoped certificates.");
	kube_flag_string(fs, "cluster-signing-key-file", 0, &o->cluster_signing_key_file,
			 "Filename containing a PEM-encoded RSA or ECDSA private key used to sign cluster-scoped certificates.");
	kube_flag_duration(fs, "cluster-signing-duration", &o->cluster_signing_duration_ns,
			   "The max length of duration signed certificates will be given.");
	kube_flag_bool(fs, "use-service-account-credentials", 0, &o->use_service_account_credentials,
		       "If true, use individual service account credentials for each controller.");

	kube_flag_bool(fs, "profiling", 0, &o->profiling,
		       "Enable profiling via web interface host:port/debug/pprof/");
	kube_flag_bool(fs, "contention-profiling", 0, &o->contention_profiling,
		       "Enable block profiling, if profiling is enabled");
	kube_flag_map(fs, "feature-gates", &o->feature_gates,
		      "A set of key=value pairs that describe feature gates for alpha/experimental features.");
	kube_flag_ignored(fs, "cloud-provider", false, "The provider for cloud services. Empty string for no provider.");
	kube_flag_ignored(fs, "cloud-config", false, "The path to the cloud provider configuration file. Empty string for no configuration file.");
	kube_flag_ignored(fs, "configure-cloud-routes", true, "Should CIDRs allocated by allocate-node-cidrs be configured on the cloud provider.");
	kube_flag_ignored(fs, "horizontal-pod-autoscaler-sync-period", false, "The period for syncing the number of pods in horizontal pod autoscaler.");
	kube_flag_ignored(fs, "deleting-pods-qps", false, "Number of nodes per second on which pods are deleted in case of node failure.");
	kube_flag_deprecate(fs, "deleting-pods-qps", "This flag is currently no-op and will be deleted.");
	kube_flag_ignored(fs, "deleting-pods-burst", false, "Number of nodes on which pods are bursty deleted in case of node failure.");
	kube_flag_deprecate(fs, "deleting-pods-burst", "This flag is currently no-op and will be deleted.");
	kube_flag_ignored(fs, "show-hidden-metrics-for-version", false, "The previous version for which you want to show hidden metrics.");
}

bool controller_manager_options_enabled(const controller_manager_options_t *o, const char *name,
					bool default_on)
{
	bool star = false;

	for (size_t i = 0; o->controllers && o->controllers[i]; i++) {
		const char *c = o->controllers[i];
		if (c[0] == '-' && strcmp(c + 1, name) == 0)
			return false;
		if (strcmp(c, name) == 0)
			return true;
		if (strcmp(c, "*") == 0)
			star = true;
	}
	return star && default_on;
}
