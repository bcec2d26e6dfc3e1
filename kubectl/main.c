/* kubectl: global flags and `version --client`; the commands are issue 4. */
#include "core/kube_flags.h"

#include <stdio.h>
#include <string.h>

#define KUBECTL_PLATFORM "linux/amd64"

struct kubectl_globals {
	kube_log_config_t log;
	char *kubeconfig, *context, *cluster, *user, *server, *namespace;
	char *token, *username, *password, *certificate_authority;
	char *client_certificate, *client_key, *tls_server_name, *request_timeout;
	char *as, *cache_dir, *profile, *profile_output;
	kube_strv_t as_group;
	bool insecure_skip_tls_verify, match_server_version, warnings_as_errors;
	bool disable_compression;
	/* version */
	bool client;
	char *output;
};

static const char *short_help =
	"kubectl controls the Kubernetes cluster manager.\n\n"
	" Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\n"
	"Commands:\n"
	"  version         Print the client and server version information\n"
	"\n"
	"Other commands (create, get, apply, delete, describe, logs, ...) are not implemented yet.";

static void register_globals(kube_flagset_t *fs, struct kubectl_globals *g)
{
	kube_flagset_add_log_flags(fs, &g->log);
	kube_flag_string(fs, "kubeconfig", 0, &g->kubeconfig, "Path to the kubeconfig file to use for CLI requests.");
	kube_flag_string(fs, "context", 0, &g->context, "The name of the kubeconfig context to use");
	kube_flag_string(fs, "cluster", 0, &g->cluster, "The name of the kubeconfig cluster to use");
	kube_flag_string(fs, "user", 0, &g->user, "The name of the kubeconfig user to use");
	kube_flag_string(fs, "server", 's', &g->server, "The address and port of the Kubernetes API server");
	kube_flag_string(fs, "namespace", 'n', &g->namespace, "If present, the namespace scope for this CLI request");
	kube_flag_string(fs, "token", 0, &g->token, "Bearer token for authentication to the API server");
	kube_flag_string(fs, "username", 0, &g->username, "Username for basic authentication to the API server");
	kube_flag_string(fs, "password", 0, &g->password, "Password for basic authentication to the API server");
	kube_flag_string(fs, "certificate-authority", 0, &g->certificate_authority, "Path to a cert file for the certificate authority");
	kube_flag_string(fs, "client-certificate", 0, &g->client_certificate, "Path to a client certificate file for TLS");
	kube_flag_string(fs, "client-key", 0, &g->client_key, "Path to a client key file for TLS");
	kube_flag_string(fs, "tls-server-name", 0, &g->tls_server_name, "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used");
	g->request_timeout = "0";
	kube_flag_string(fs, "request-timeout", 0, &g->request_timeout, "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.");
	kube_flag_string(fs, "as", 0, &g->as, "Username to impersonate for the operation. User could be a regular user or a service account in a namespace.");
	kube_flag_list(fs, "as-group", &g->as_group, "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.");
	g->cache_dir = "$HOME/.kube/cache";
	kube_flag_string(fs, "cache-dir", 0, &g->cache_dir, "Default cache directory");
	g->profile = "none";
	kube_flag_string(fs, "profile", 0, &g->profile, "Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)");
	g->profile_output = "profile.pprof";
	kube_flag_string(fs, "profile-output", 0, &g->profile_output, "Name of the file to write the profile to");
	kube_flag_bool(fs, "insecure-skip-tls-verify", 0, &g->insecure_skip_tls_verify, "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure");
	kube_flag_bool(fs, "match-server-version", 0, &g->match_server_version, "Require server version to match client version");
	kube_flag_bool(fs, "warnings-as-errors", 0, &g->warnings_as_errors, "Treat warnings received from the server as errors and exit with a non-zero exit code");
	kube_flag_bool(fs, "disable-compression", 0, &g->disable_compression, "If true, opt-out of response compression for all requests to the server");
	/* `kubectl version` flags (global here until the command tree exists). */
	kube_flag_bool(fs, "client", 0, &g->client, "If true, shows client version only (no server required).");
	kube_flag_string(fs, "output", 'o', &g->output, "One of 'yaml' or 'json'.");
}

static int cmd_version(struct kubectl_globals *g)
{
	const char *o = g->output ? g->output : "";

	if (strcmp(o, "json") == 0) {
		printf("{\n  \"clientVersion\": {\n    \"major\": \"%s\",\n    \"minor\": \"%s\",\n"
		       "    \"gitVersion\": \"%s\",\n    \"gitCommit\": \"%s\",\n"
		       "    \"gitTreeState\": \"clean\",\n    \"buildDate\": \"%s\",\n"
		       "    \"goVersion\": \"c\",\n    \"compiler\": \"gcc\",\n"
		       "    \"platform\": \"%s\"\n  }\n}\n",
		       KUBE_VERSION_MAJOR, KUBE_VERSION_MINOR, KUBE_GIT_VERSION, KUBE_GIT_COMMIT,
		       "1970-01-01T00:00:00Z", KUBECTL_PLATFORM);
	} else if (strcmp(o, "yaml") == 0) {
		printf("clientVersion:\n  buildDate: \"1970-01-01T00:00:00Z\"\n  compiler: gcc\n"
		       "  gitCommit: %s\n  gitTreeState: clean\n  gitVersion: %s\n  goVersion: c\n"
		       "  major: \"%s\"\n  minor: \"%s\"\n  platform: %s\n",
		       KUBE_GIT_COMMIT, KUBE_GIT_VERSION, KUBE_VERSION_MAJOR, KUBE_VERSION_MINOR,
		       KUBECTL_PLATFORM);
	} else if (*o) {
		fprintf(stderr, "error: --output must be 'yaml' or 'json'\n");
		return 1;
	} else {
		printf("Client Version: %s\n", KUBE_GIT_VERSION);
	}
	if (!g->client) {
		fprintf(stderr, "kubectl: server version is not implemented yet (issue 4)\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kubectl_globals g = { .log = { .logtostderr = true } };
	kube_flagset_t *fs = kube_flagset_new("kubectl", short_help);
	char **args;
	int nargs, rc;

	register_globals(fs, &g);
	kube_flagset_parse_or_exit(fs, argc, argv);
	kube_log_configure(&g.log);
	args = kube_flagset_args(fs, &nargs);
	if (nargs == 0) {
		kube_buf_t b = KUBE_BUF_INIT;
		kube_flagset_usage(fs, &b);
		fputs(kube_buf_str(&b), stdout);
		kube_buf_clear(&b);
		rc = 0;
	} else if (strcmp(args[0], "version") == 0) {
		rc = cmd_version(&g);
	} else {
		fprintf(stderr, "kubectl: \"%s\" is not implemented yet (issue 4)\n", args[0]);
		rc = 1;
	}
	kube_flagset_free(fs);
	return rc;
}
