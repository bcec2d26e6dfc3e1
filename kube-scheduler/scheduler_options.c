/* scheduler_options: kube-scheduler flags (see scheduler_options.h). */
#include "scheduler_options.h"

#include <string.h>
#include <sys/socket.h>

#define NS_S 1000000000LL

void scheduler_options_init(scheduler_options_t *o)
{
	static const char *allow_paths[] = { "/healthz", "/readyz", "/livez", NULL };

	memset(o, 0, sizeof(*o));
	o->log.logtostderr = true;
	o->kube_api_qps = 50;
	o->kube_api_burst = 100;
	o->kube_api_content_type = "application/vnd.kubernetes.protobuf";
	o->address = "0.0.0.0";
	o->port = 10251;
	o->bind_address.family = AF_INET; /* 0.0.0.0 */
	o->secure_port = 10259;
	o->authorization_always_allow_paths = (kube_strv_t)allow_paths;
	o->le.leader_elect = true;
	o->le.lease_duration_ns = 15 * NS_S;
	o->le.renew_deadline_ns = 10 * NS_S;
	o->le.retry_period_ns = 2 * NS_S;
	o->le.resource_lock = "leases";
	o->le.resource_name = "kube-scheduler";
	o->le.resource_namespace = "kube-system";
	o->scheduler_name = "default-scheduler";
	o->pod_max_in_unschedulable_pods_duration_ns = 300 * NS_S;
	o->profiling = true;
	o->contention_profiling = true;
	o->hard_pod_affinity_symmetric_weight = 1;
}

void scheduler_options_register(scheduler_options_t *o, kube_flagset_t *fs)
{
	kube_flagset_add_log_flags(fs, &o->log);

	kube_flag_string(fs, "config", 0, &o->config,
			 "The path to the configuration file.");
	kube_flag_string(fs, "write-config-to", 0, &o->write_config_to,
			 "If set, write the configuration values to this file and exit.");
	kube_flag_string(fs, "master", 0, &o->master,
			 "The address of the Kubernetes API server (overrides any value in kubeconfig)");
	kube_flag_string(fs, "kubeconfig", 0, &o->kubeconfig,
			 "Path to kubeconfig file with authorization and master location information.");
	kube_flag_float(fs, "kube-api-qps", &o->kube_api_qps,
			"QPS to use while talking with kubernetes apiserver.");
	kube_flag_int(fs, "kube-api-burst", 0, &o->kube_api_burst,
		      "Burst to use while talking with kubernetes apiserver.");
	kube_flag_string(fs, "kube-api-content-type", 0, &o->kube_api_content_type,
			 "Content type of requests sent to apiserver.");

	kube_flag_string(fs, "address", 0, &o->address,
			 "DEPRECATED: the IP address on which to listen for the --port port (set to 0.0.0.0 or :: for listening in all interfaces and IP families). See --bind-address instead.");
	kube_flag_int(fs, "port", 0, &o->port,
		      "DEPRECATED: the port on which to serve HTTP insecurely without authentication and authorization. If 0, don't serve plain HTTP at all. See --secure-port instead.");
	kube_flag_ip(fs, "bind-address", &o->bind_address,
		     "The IP address on which to listen for the --secure-port port. The associated interface(s) must be reachable by the rest of the cluster, and by CLI/web clients. If blank or an unspecified address (0.0.0.0 or ::), all interfaces and IP address families will be used.");
	kube_flag_int(fs, "secure-port", 0, &o->secure_port,
		      "The port on which to serve HTTPS with authentication and authorization. If 0, don't serve HTTPS at all.");
	kube_flag_string(fs, "cert-dir", 0, &o->cert_dir,
			 "The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored.");
	kube_flag_string(fs, "tls-cert-file", 0, &o->tls_cert_file,
			 "File containing the default x509 Certificate for HTTPS. (CA cert, if any, concatenated after server cert). If HTTPS serving is enabled, and --tls-cert-file and --tls-private-key-file are not provided, a self-signed certificate and key are generated for the public address and saved to the directory specified by --cert-dir.");
	kube_flag_string(fs, "tls-private-key-file", 0, &o->tls_private_key_file,
			 "File containing the default x509 private key matching --tls-cert-file.");
	kube_flag_string(fs, "client-ca-file", 0, &o->client_ca_file,
			 "If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate.");
	kube_flag_list(fs, "tls-cipher-suites", &o->tls_cipher_suites,
		       "Comma-separated list of cipher suites for the server. If omitted, the default Go cipher suites will be used.");
	kube_flag_string(fs, "tls-min-version", 0, &o->tls_min_version,
			 "Minimum TLS version supported. Possible values: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13");
	kube_flag_string(fs, "authentication-kubeconfig", 0, &o->authentication_kubeconfig,
			 "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create tokenreviews.authentication.k8s.io. This is optional. If empty, all token requests are considered to be anonymous and no client CA is looked up in the cluster.");
	kube_flag_string(fs, "authorization-kubeconfig", 0, &o->authorization_kubeconfig,
			 "kubeconfig file pointing at the 'core' kubernetes server with enough rights to create subjectaccessreviews.authorization.k8s.io. This is optional. If empty, all requests not skipped by authorization are forbidden.");
	kube_flag_list(fs, "authorization-always-allow-paths", &o->authorization_always_allow_paths,
		       "A list of HTTP paths to skip during authorization, i.e. these are authorized without contacting the 'core' kubernetes server.");
	kube_flag_ignored(fs, "authentication-skip-lookup", true,
			  "If false, the authentication-kubeconfig will be used to lookup missing authentication configuration from the cluster.");
	kube_flag_ignored(fs, "authentication-tolerate-lookup-failure", true,
			  "If true, failures to look up missing authentication configuration from the cluster are not considered fatal.");
	kube_flag_ignored(fs, "requestheader-client-ca-file", false,
			  "Root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers specified by --requestheader-username-headers.");
	kube_flag_ignored(fs, "requestheader-allowed-names", false,
			  "List of client certificate common names to allow to provide usernames in headers specified by --requestheader-username-headers.");
	kube_flag_ignored(fs, "permit-port-sharing", true,
			  "If true, SO_REUSEPORT will be used when binding the port.");
	kube_flag_ignored(fs, "http2-max-streams-per-connection", false,
			  "The limit that the server gives to clients for the maximum number of streams in an HTTP/2 connection.");

	kube_flag_bool(fs, "leader-elect", 0, &o->le.leader_elect,
		       "Start a leader election client and gain leadership before executing the main loop. Enable this when running replicated components for high availability.");
	kube_flag_duration(fs, "leader-elect-lease-duration", &o->le.lease_duration_ns,
			   "The duration that non-leader candidates will wait after observing a leadership renewal until attempting to acquire leadership of a led but unrenewed leader slot. This is effectively the maximum duration that a leader can be stopped before it is replaced by another candidate. This is only applicable if leader election is enabled.");
	kube_flag_duration(fs, "leader-elect-renew-deadline", &o->le.renew_deadline_ns,
			   "The interval between attempts by the acting master to renew a leadership slot before it stops leading. This must be less than the lease duration. This is only applicable if leader election is enabled.");
	kube_flag_duration(fs, "leader-elect-retry-period", &o->le.retry_period_ns,
			   "The duration the clients should wait between attempting acquisition and renewal of a leadership. This is only applicable if leader election is enabled.");
	kube_flag_string(fs, "leader-elect-resource-lock", 0, &o->le.resource_lock,
			 "The type of resource object that is used for locking during leader election. Supported options are 'leases'.");
	kube_flag_string(fs, "leader-elect-resource-name", 0, &o->le.resource_name,
			 "The name of resource object that is used for locking during leader election.");
	kube_flag_string(fs, "leader-elect-resource-namespace", 0, &o->le.resource_namespace,
			 "The namespace of resource object that is used for locking during leader election.");
	kube_flag_alias(fs, "lock-object-name", "leader-elect-resource-name",
			"use --leader-elect-resource-name instead");
	kube_flag_alias(fs, "lock-object-namespace", "leader-elect-resource-namespace",
			"use --leader-elect-resource-namespace instead");

	kube_flag_string(fs, "scheduler-name", 0, &o->scheduler_name,
			 "Name of the scheduler, used to select which pods will be processed by this scheduler, based on pod's \"spec.schedulerName\".");
	kube_flag_deprecate(fs, "scheduler-name", "use --config instead");
	kube_flag_duration(fs, "pod-max-in-unschedulable-pods-duration",
			   &o->pod_max_in_unschedulable_pods_duration_ns,
			   "The maximum time a pod can stay in unschedulablePods. If a pod stays in unschedulablePods for longer than this value, the pod will be moved from unschedulablePods to backoffQ or activeQ.");
	kube_flag_int(fs, "hard-pod-affinity-symmetric-weight", 0, &o->hard_pod_affinity_symmetric_weight,
		      "Weight of the implicit preferred pod affinity term for pods matching required affinity terms of existing pods.");
	kube_flag_deprecate(fs, "hard-pod-affinity-symmetric-weight", "use --config instead");
	kube_flag_ignored(fs, "policy-config-file", false,
			  "File with scheduler policy configuration.");
	kube_flag_deprecate(fs, "policy-config-file", "use --config instead");
	kube_flag_ignored(fs, "policy-configmap", false,
			  "Name of the ConfigMap object that contains scheduler's policy configuration.");
	kube_flag_deprecate(fs, "policy-configmap", "use --config instead");
	kube_flag_ignored(fs, "algorithm-provider", false,
			  "The scheduling algorithm provider to use.");
	kube_flag_deprecate(fs, "algorithm-provider", "use --config instead");
	kube_flag_ignored(fs, "use-legacy-policy-config", true,
			  "If true, scheduler will ignore policy ConfigMap and uses policy config file.");
	kube_flag_deprecate(fs, "use-legacy-policy-config", "use --config instead");

	kube_flag_bool(fs, "profiling", 0, &o->profiling,
		       "Enable profiling via web interface host:port/debug/pprof/");
	kube_flag_bool(fs, "contention-profiling", 0, &o->contention_profiling,
		       "Enable block profiling, if profiling is enabled");
	kube_flag_map(fs, "feature-gates", &o->feature_gates,
		      "A set of key=value pairs that describe feature gates for alpha/experimental features.");
	kube_flag_ignored(fs, "show-hidden-metrics-for-version", false,
			  "The previous version for which you want to show hidden metrics.");
	kube_flag_ignored(fs, "allow-metric-labels", false,
			  "The map from metric-label to value allow-list of this label.");
	kube_flag_ignored(fs, "disabled-metrics", false,
			  "This flag provides an escape hatch for misbehaving metrics.");
}
