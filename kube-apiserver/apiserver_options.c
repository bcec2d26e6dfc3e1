/* apiserver_options: kube-apiserver flags (see apiserver_options.h). */
#include "apiserver_options.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define NS_S 1000000000LL

void apiserver_options_init(apiserver_options_t *o)
{
	memset(o, 0, sizeof(*o));
	o->log.logtostderr = true;
	o->bind_address.family = AF_INET;
	o->secure_port = 6443;
	kube_parse_ip("127.0.0.1", &o->insecure_bind_address);
	o->insecure_port = 0;
	o->cert_dir = "/var/run/kubernetes";
	o->max_requests_inflight = 400;
	o->max_mutating_requests_inflight = 200;
	o->request_timeout_ns = 60 * NS_S;
	o->min_request_timeout_s = 1800;
	o->etcd_prefix = "/registry";
	o->storage_backend = "";
	o->etcd_compaction_interval_ns = 300 * NS_S;
	o->data_dir = "/var/lib/kube-apiserver";
	o->watch_cache_size = 10000;
	kube_parse_cidr("10.0.0.0/24", &o->service_cluster_ip_range);
	o->service_node_port_range.base = 30000;
	o->service_node_port_range.size = 2768;
	o->apiserver_count = 1;
	o->event_ttl_ns = 3600 * NS_S;
	o->kubelet_port = 10250;
}

/* Flags accepted for compatibility whose feature is not built yet. */
static const char *const later_flags[] = {
	"authentication-token-webhook-config-file", "authorization-policy-file",
	"authorization-webhook-config-file", "audit-log-path", "audit-policy-file",
	"audit-log-maxage", "audit-log-maxbackup", "audit-log-maxsize", "cloud-provider",
	"cloud-config", "enable-aggregator-routing", "encryption-provider-config",
	"feature-gates", "kubelet-certificate-authority", "kubelet-client-certificate",
	"kubelet-client-key", "kubelet-preferred-address-types", "oidc-issuer-url",
	"oidc-client-id", "proxy-client-cert-file", "proxy-client-key-file",
	"requestheader-allowed-names", "requestheader-client-ca-file",
	"requestheader-extra-headers-prefix", "requestheader-group-headers",
	"requestheader-username-headers", "service-account-issuer",
	"service-account-signing-key-file", "service-account-lookup", "tls-cipher-suites",
	"tls-min-version", "endpoint-reconciler-type", "default-not-ready-toleration-seconds",
	"default-unreachable-toleration-seconds", "kubelet-https", "kubelet-timeout",
	"public-address-override", "master-service-namespace", "storage-media-type",
	"default-watch-cache-size", "watch-cache", "watch-cache-sizes", "profiling",
	"enable-swagger-ui", "service-account-extend-token-expiration", "api-audiences",
	"max-connection-bytes-per-sec", "enable-garbage-collector", "delete-collection-workers",
	"goaway-chance", "livez-grace-period", "shutdown-delay-duration",
	"shutdown-send-retry-after", "anonymous-auth", "basic-auth-file",
	"runtime-config-file", "cors-allowed-origins", "etcd-servers-overrides",
	"long-running-request-regexp", "storage-versions", "tls-sni-cert-key",
	"kubelet-read-only-port", "ssh-user", "ssh-keyfile", "enable-logs-handler",
	"event-ttl-nanos", NULL,
};
static const char *const later_bool_flags[] = {
	"anonymous-auth", "profiling", "watch-cache", "enable-swagger-ui", "service-account-lookup",
	"enable-aggregator-routing", "kubelet-https", "enable-garbage-collector",
	"service-account-extend-token-expiration", "enable-logs-handler", NULL,
};

static bool is_bool_flag(const char *name)
{
	for (size_t i = 0; later_bool_flags[i]; i++)
		if (strcmp(later_bool_flags[i], name) == 0)
			return true;
	return false;
}

void apiserver_options_register(apiserver_options_t *o, kube_flagset_t *fs)
{
	kube_flagset_add_log_flags(fs, &o->log);

	kube_flag_ip(fs, "bind-address", &o->bind_address,
		     "The IP address on which to listen for the --secure-port port. If blank or an unspecified address (0.0.0.0 or ::), all interfaces and IP address families will be used.");
	kube_flag_int(fs, "secure-port", 0, &o->secure_port,
		      "The port on which to serve HTTPS with authentication and authorization. It cannot be switched off with 0.");
	kube_flag_ip(fs, "insecure-bind-address", &o->insecure_bind_address,
		     "The IP address on which to serve the --insecure-port (set to 0.0.0.0 or :: for listening on all interfaces and IP address families).");
	kube_flag_alias(fs, "address", "insecure-bind-address",
			"see --bind-address instead.");
	kube_flag_int(fs, "insecure-port", 0, &o->insecure_port,
		      "The port on which to serve unsecured, unauthenticated access. 0 turns it off.");
	kube_flag_alias(fs, "port", "insecure-port", "see --secure-port instead.");
	kube_flag_ip(fs, "advertise-address", &o->advertise_address,
		     "The IP address on which to advertise the apiserver to members of the cluster. If blank, the --bind-address will be used.");
	kube_flag_string(fs, "cert-dir", 0, &o->cert_dir,
			 "The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored.");
	kube_flag_string(fs, "tls-cert-file", 0, &o->tls_cert_file,
			 "File containing the default x509 Certificate for HTTPS. If HTTPS serving is enabled, and --tls-cert-file and --tls-private-key-file are not provided, a self-signed certificate and key are generated for the public address and saved to the directory specified by --cert-dir.");
	kube_flag_string(fs, "tls-private-key-file", 0, &o->tls_private_key_file,
			 "File containing the default x509 private key matching --tls-cert-file.");
	kube_flag_string(fs, "client-ca-file", 0, &o->client_ca_file,
			 "If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated with an identity corresponding to the CommonName of the client certificate.");
	kube_flag_int(fs, "max-requests-inflight", 0, &o->max_requests_inflight,
		      "The maximum number of non-mutating requests in flight at a given time.");
	kube_flag_int(fs, "max-mutating-requests-inflight", 0, &o->max_mutating_requests_inflight,
		      "The maximum number of mutating requests in flight at a given time.");
	kube_flag_duration(fs, "request-timeout", &o->request_timeout_ns,
			   "An optional field indicating the duration a handler must keep a request open before timing it out.");
	kube_flag_int64(fs, "min-request-timeout", &o->min_request_timeout_s,
			"An optional field indicating the minimum number of seconds a handler must keep a request open before timing it out. Currently only honored by the watch request handler, which picks a randomized value above this number as the connection timeout, to spread out load.");

	kube_flag_list(fs, "etcd-servers", &o->etcd_servers,
		       "List of etcd servers to connect with (scheme://ip:port), comma separated. Empty: the embedded store under --data-dir.");
	kube_flag_string(fs, "etcd-prefix", 0, &o->etcd_prefix,
			 "The prefix to prepend to all resource paths in etcd.");
	kube_flag_string(fs, "etcd-cafile", 0, &o->etcd_cafile,
			 "SSL Certificate Authority file used to secure etcd communication.");
	kube_flag_string(fs, "etcd-certfile", 0, &o->etcd_certfile,
			 "SSL certification file used to secure etcd communication.");
	kube_flag_string(fs, "etcd-keyfile", 0, &o->etcd_keyfile,
			 "SSL key file used to secure etcd communication.");
	kube_flag_string(fs, "storage-backend", 0, &o->storage_backend,
			 "The storage backend for persistence. Options: 'etcd3', or empty for the embedded store.");
	kube_flag_duration(fs, "etcd-compaction-interval", &o->etcd_compaction_interval_ns,
			   "The interval of compaction requests. If 0, the compaction request from apiserver is disabled.");
	kube_flag_string(fs, "data-dir", 0, &o->data_dir,
			 "Directory of the embedded store, used when --etcd-servers is empty.");
	kube_flag_int(fs, "watch-cache-size", 0, &o->watch_cache_size,
		      "Events kept per resource for watches that resume from an older resourceVersion.");

	kube_flag_cidr(fs, "service-cluster-ip-range", &o->service_cluster_ip_range,
		       "A CIDR notation IP range from which to assign service cluster IPs. This must not overlap with any IP ranges assigned to nodes or pods.");
	kube_flag_alias(fs, "portal-net", "service-cluster-ip-range", "use --service-cluster-ip-range instead.");
	kube_flag_port_range(fs, "service-node-port-range", &o->service_node_port_range,
			     "A port range to reserve for services with NodePort visibility. Example: '30000-32767'. Inclusive at both ends of the range.");
	kube_flag_int(fs, "apiserver-count", 0, &o->apiserver_count,
		      "The number of apiservers running in the cluster, must be a positive number.");
	kube_flag_duration(fs, "event-ttl", &o->event_ttl_ns,
			   "Amount of time to retain events.");
	kube_flag_int(fs, "kubelet-port", 0, &o->kubelet_port, "DEPRECATED: kubelet port.");
	kube_flag_bool(fs, "allow-privileged", 0, &o->allow_privileged,
		       "If true, allow privileged containers.");
	kube_flag_list(fs, "admission-control", &o->admission_control,
		       "Admission is divided into two phases. DEPRECATED: Use --enable-admission-plugins or --disable-admission-plugins instead.");
	kube_flag_list(fs, "enable-admission-plugins", &o->enable_admission_plugins,
		       "admission plugins that should be enabled in addition to default enabled ones.");
	kube_flag_list(fs, "disable-admission-plugins", &o->disable_admission_plugins,
		       "admission plugins that should be disabled although they are in the default enabled plugins list.");
	kube_flag_list(fs, "authorization-mode", &o->authorization_mode,
		       "Ordered list of plug-ins to do authorization on secure port.");
	kube_flag_string(fs, "token-auth-file", 0, &o->token_auth_file,
			 "If set, the file that will be used to secure the secure port of the API server via token authentication.");
	kube_flag_list(fs, "service-account-key-file", &o->service_account_key_file,
		       "File containing PEM-encoded x509 RSA or ECDSA private or public keys, used to verify ServiceAccount tokens.");
	kube_flag_map(fs, "runtime-config", &o->runtime_config,
		      "A set of key=value pairs that enable or disable built-in APIs.");
	kube_flag_string(fs, "external-hostname", 0, &o->external_hostname,
			 "The hostname to use when generating externalized URLs for this master.");
	for (size_t i = 0; later_flags[i]; i++)
		kube_flag_ignored(fs, later_flags[i], is_bool_flag(later_flags[i]),
				  "Accepted for compatibility; not enforced yet.");
}

int apiserver_options_validate(const apiserver_options_t *o, const kube_flagset_t *fs,
			       char *err, size_t errsize)
{
	if (o->secure_port < 0 || o->secure_port > 65535) {
		snprintf(err, errsize, "--secure-port %d must be between 0 and 65535, inclusive. 0 for turning off secure port", o->secure_port);
		return -EINVAL;
	}
	if (o->insecure_port < 0 || o->insecure_port > 65535) {
		snprintf(err, errsize, "--insecure-port %d must be between 0 and 65535, inclusive. 0 for turning off insecure (HTTP) port", o->insecure_port);
		return -EINVAL;
	}
	if (o->apiserver_count <= 0) {
		snprintf(err, errsize, "--apiserver-count should be a positive number, but value '%d' provided", o->apiserver_count);
		return -EINVAL;
	}
	if (o->service_cluster_ip_range.ip.family == AF_INET &&
	    (o->service_cluster_ip_range.prefix > 30 || o->service_cluster_ip_range.prefix < 8)) {
		snprintf(err, errsize, "specified --service-cluster-ip-range is too large or too small");
		return -EINVAL;
	}
	if (o->storage_backend && o->storage_backend[0] && strcmp(o->storage_backend, "etcd3") != 0) {
		snprintf(err, errsize, "--storage-backend invalid, allowed values: etcd3. If not specified, the embedded store is used");
		return -EINVAL;
	}
	if (o->storage_backend && strcmp(o->storage_backend, "etcd3") == 0 &&
	    !(o->etcd_servers && o->etcd_servers[0])) {
		snprintf(err, errsize, "--etcd-servers must be specified");
		return -EINVAL;
	}
	return 0;
}
