/* kubectl_cmd: global flags, command dispatch, the lazy client, errors. */
#include "kubectl_cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"
#include "kubectl_discovery.h"

extern const kubectl_command_t kubectl_cmd_get, kubectl_cmd_version, kubectl_cmd_api_resources,
	kubectl_cmd_api_versions, kubectl_cmd_cluster_info, kubectl_cmd_create, kubectl_cmd_apply,
	kubectl_cmd_delete, kubectl_cmd_replace, kubectl_cmd_label, kubectl_cmd_annotate,
	kubectl_cmd_patch, kubectl_cmd_scale, kubectl_cmd_set, kubectl_cmd_cordon,
	kubectl_cmd_uncordon, kubectl_cmd_taint, kubectl_cmd_config,
	kubectl_cmd_rollout, kubectl_cmd_wait, kubectl_cmd_describe,
	kubectl_cmd_completion, kubectl_cmd_run, kubectl_cmd_expose, kubectl_cmd_logs, kubectl_cmd_drain,
	kubectl_cmd_auth, kubectl_cmd_explain, kubectl_cmd_exec, kubectl_cmd_edit;

const kubectl_command_t *const kubectl_commands[] = {
	&kubectl_cmd_create, &kubectl_cmd_expose, &kubectl_cmd_explain, &kubectl_cmd_run, &kubectl_cmd_get, &kubectl_cmd_delete, &kubectl_cmd_edit, &kubectl_cmd_apply,
	&kubectl_cmd_replace, &kubectl_cmd_patch, &kubectl_cmd_label, &kubectl_cmd_annotate,
	&kubectl_cmd_set, &kubectl_cmd_scale, &kubectl_cmd_cordon, &kubectl_cmd_uncordon, &kubectl_cmd_drain,
	&kubectl_cmd_describe, &kubectl_cmd_logs, &kubectl_cmd_exec, &kubectl_cmd_rollout, &kubectl_cmd_wait, &kubectl_cmd_taint, &kubectl_cmd_cluster_info, &kubectl_cmd_api_resources,
	&kubectl_cmd_api_versions, &kubectl_cmd_auth, &kubectl_cmd_config, &kubectl_cmd_completion, &kubectl_cmd_version,
	NULL,
};

const kubectl_command_t *kubectl_cmd_find(const char *name)
{
	for (size_t i = 0; kubectl_commands[i]; i++)
		if (strcmp(kubectl_commands[i]->name, name) == 0)
			return kubectl_commands[i];
	return NULL;
}

static void register_globals(kube_flagset_t *fs, kubectl_globals_t *g)
{
	kube_flagset_add_log_flags(fs, &g->log);
	kube_flag_string(fs, "kubeconfig", 0, &g->kubeconfig, "Path to the kubeconfig file to use for CLI requests.");
	kube_flag_string(fs, "context", 0, &g->context, "The name of the kubeconfig context to use");
	kube_flag_string(fs, "cluster", 0, &g->cluster, "The name of the kubeconfig cluster to use");
	kube_flag_string(fs, "user", 0, &g->user, "The name of the kubeconfig user to use");
	kube_flag_string(fs, "server", 's', &g->server, "The address and port of the Kubernetes API server");
	kube_flag_string(fs, "namespace", 'n', &g->namespace_, "If present, the namespace scope for this CLI request");
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
}

/* Global flags that take a value in the next word when given without '='. */
static bool global_takes_value(const char *a)
{
	static const char *const longs[] = {
		"kubeconfig", "context", "cluster", "user", "server", "namespace", "token",
		"username", "password", "certificate-authority", "client-certificate",
		"client-key", "tls-server-name", "request-timeout", "as", "as-group",
		"cache-dir", "profile", "profile-output", "v", "vmodule", "log-file",
		"log-dir", "stderrthreshold", "log-file-max-size", "logging-format", NULL,
	};

	if (strchr(a, '='))
		return false;
	if (a[1] != '-')
		return a[2] == 0 && strchr("snv", a[1]);
	for (size_t i = 0; longs[i]; i++)
		if (strcmp(a + 2, longs[i]) == 0)
			return true;
	return false;
}

static void usage_main(kubectl_ctx_t *ctx)
{
	fputs("kubectl controls the Kubernetes cluster manager.\n\n"
	      " Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\n"
	      "Commands:\n", ctx->out);
	for (size_t i = 0; kubectl_commands[i]; i++)
		fprintf(ctx->out, "  %-15s %s\n", kubectl_commands[i]->name,
			kubectl_commands[i]->short_help);
	fputs("\nUsage:\n  kubectl [flags] [options]\n\n"
	      "Use \"kubectl <command> --help\" for more information about a given command.\n"
	      "Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n",
	      ctx->out);
}

int kubectl_main(int argc, char **argv)
{
	kubectl_ctx_t ctx = { .g = { .log = { .logtostderr = true } }, .out = stdout, .err = stderr };
	const char *cmdword = NULL, *err = NULL;
	char help[256];
	int cmdidx = -1, rc, pr;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] == '-' && a[1]) {
			if (global_takes_value(a))
				i++;
			continue;
		}
		cmdword = a;
		cmdidx = i;
		break;
	}
	if (cmdword) {
		ctx.cmd = kubectl_cmd_find(cmdword);
		if (!ctx.cmd) {
			fprintf(stderr, "error: unknown command \"%s\" for \"kubectl\"\n", cmdword);
			fputs("Run 'kubectl --help' for usage.\n", stderr);
			return 1;
		}
	}
	snprintf(help, sizeof(help), "%s", ctx.cmd ? ctx.cmd->short_help : "kubectl controls the Kubernetes cluster manager.");
	ctx.fs = kube_flagset_new(ctx.cmd ? ctx.cmd->name : "kubectl", help);
	register_globals(ctx.fs, &ctx.g);
	if (ctx.cmd && ctx.cmd->setup)
		ctx.cmd->setup(&ctx, ctx.fs);
	pr = kube_flagset_parse(ctx.fs, argc, argv, &err);
	if (pr < 0) {
		fprintf(stderr, "error: %s\nSee 'kubectl%s%s --help' for usage.\n", err,
			ctx.cmd ? " " : "", ctx.cmd ? ctx.cmd->name : "");
		kube_flagset_free(ctx.fs);
		return 1;
	}
	if (pr > 0) {
		kube_flagset_free(ctx.fs);
		return 0;
	}
	kube_log_configure(&ctx.g.log);
	(void)cmdidx;
	ctx.args = kube_flagset_args(ctx.fs, &ctx.nargs);
	if (!ctx.cmd) {
		usage_main(&ctx);
		kube_flagset_free(ctx.fs);
		return 0;
	}
	/* drop the command word */
	ctx.args++;
	ctx.nargs--;
	ctx.ns_explicit = ctx.g.namespace_ && *ctx.g.namespace_;
	rc = ctx.cmd->run(&ctx);
	fflush(ctx.out);
	kubectl_ctx_clear(&ctx);
	return rc;
}

void kubectl_ctx_clear(kubectl_ctx_t *ctx)
{
	kubectl_discovery_free(ctx->disc);
	ctx->disc = NULL;
	kube_client_free(ctx->client);
	ctx->client = NULL;
	if (ctx->resolved)
		kube_kubeconfig_resolved_clear(&ctx->rc);
	if (ctx->kc_loaded)
		kube_kubeconfig_clear(&ctx->kc);
	ctx->resolved = ctx->kc_loaded = false;
	kube_flagset_free(ctx->fs);
	ctx->fs = NULL;
}

int kubectl_errorf(kubectl_ctx_t *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	return 1;
}

int kubectl_usage_error(kubectl_ctx_t *ctx, const char *msg)
{
	fprintf(ctx->err, "error: %s\nSee 'kubectl %s -h' for help and examples\n", msg,
		ctx->cmd ? ctx->cmd->name : "");
	return 1;
}

int kubectl_ctx_config(kubectl_ctx_t *ctx)
{
	kube_kubeconfig_overrides_t ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	char *err = NULL;
	int r;

	if (ctx->resolved)
		return 0;
	if (!ctx->kc_loaded) {
		r = kube_kubeconfig_load(ctx->g.kubeconfig && *ctx->g.kubeconfig ? ctx->g.kubeconfig : NULL,
					 &ctx->kc, &err);
		if (r == -ENOENT) {
			fprintf(ctx->err, "error: stat %s: no such file or directory\n", ctx->g.kubeconfig);
			kube_free(err);
			return 1;
		}
		if (r < 0) {
			fprintf(ctx->err, "error: %s\n", err ? err : strerror(-r));
			kube_free(err);
			return 1;
		}
		ctx->kc_loaded = true;
	}
	ov.context = ctx->g.context;
	ov.cluster = ctx->g.cluster;
	ov.user = ctx->user_is_subject ? NULL : ctx->g.user;
	ov.server = ctx->g.server;
	ov.token = ctx->g.token;
	ov.username = ctx->g.username;
	ov.password = ctx->g.password;
	ov.namespace_ = ctx->g.namespace_;
	ov.certificate_authority = ctx->g.certificate_authority;
	ov.client_certificate = ctx->g.client_certificate;
	ov.client_key = ctx->g.client_key;
	ov.tls_server_name = ctx->g.tls_server_name;
	if (kube_flag_changed(ctx->fs, "insecure-skip-tls-verify"))
		ov.insecure_skip_tls_verify = ctx->g.insecure_skip_tls_verify;
	r = kube_kubeconfig_resolve(&ctx->kc, &ov, &ctx->rc, &err);
	if (r == -EDESTADDRREQ) {
		/* upstream falls back to localhost:8080 */
		kube_free(err);
		err = NULL;
		ov.server = "http://localhost:8080";
		r = kube_kubeconfig_resolve(&ctx->kc, &ov, &ctx->rc, &err);
	}
	if (r < 0) {
		fprintf(ctx->err, "error: %s\n", err ? err : strerror(-r));
		kube_free(err);
		return 1;
	}
	ctx->resolved = true;
	ctx->ns = ctx->rc.namespace_;
	return 0;
}

kube_client_t *kubectl_ctx_client(kubectl_ctx_t *ctx)
{
	kube_client_config_t cfg;
	int64_t tmo = 0;
	int r;

	if (ctx->client)
		return ctx->client;
	if (kubectl_ctx_config(ctx))
		return NULL;
	cfg = ctx->rc.client;
	cfg.qps = -1;
	cfg.max_retries = -1;
	cfg.user_agent = "kubectl/v1.32.0 (linux/amd64) kubernetes/c";
	if (ctx->g.request_timeout && strcmp(ctx->g.request_timeout, "0") != 0) {
		char *end;
		long secs = strtol(ctx->g.request_timeout, &end, 10);

		if (*end == 0)
			tmo = (int64_t)secs * 1000000000LL;
		else if (kube_parse_duration(ctx->g.request_timeout, &tmo) < 0) {
			kubectl_errorf(ctx, "invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)");
			return NULL;
		}
		cfg.timeout_ms = (int)(tmo / 1000000);
	}
	r = kube_client_new(&cfg, &ctx->client);
	if (r < 0) {
		kubectl_errorf(ctx, "%s", strerror(-r));
		return NULL;
	}
	return ctx->client;
}

struct kubectl_discovery *kubectl_ctx_discovery(kubectl_ctx_t *ctx)
{
	kube_client_t *c = kubectl_ctx_client(ctx);
	kube_client_status_t st = { 0 };
	char *root = NULL;
	int r;

	if (!c)
		return NULL;
	if (ctx->disc)
		return ctx->disc;
	if (ctx->g.cache_dir && *ctx->g.cache_dir) {
		if (kube_startswith(ctx->g.cache_dir, "$HOME"))
			root = kube_asprintf("%s%s", getenv("HOME") ?: "", ctx->g.cache_dir + 5);
		else
			root = kube_strdup(ctx->g.cache_dir);
	}
	r = kubectl_discovery_load(c, root, &ctx->disc, &st);
	kube_free(root);
	if (r < 0) {
		kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return NULL;
	}
	return ctx->disc;
}

static const char *host_port(const char *server)
{
	const char *h = strstr(server, "://");

	return h ? h + 3 : server;
}

void kubectl_format_error(kubectl_ctx_t *ctx, int r, const kube_client_status_t *st,
			  const char *prefix, kube_buf_t *out)
{
	const char *server = ctx->client ? kube_client_server(ctx->client) : "";

	if (st && st->code == 422 && kube_streq(st->reason, "Invalid")) {
		const cJSON *d = st->details, *c;
		const char *kind = kube_json_get_str(d, "kind"), *name = kube_json_get_str(d, "name");
		const cJSON *causes = kube_json_get(d, "causes");
		int n = cJSON_GetArraySize(causes);

		if (!d) {
			kube_buf_printf(out, "The request is invalid%s%s", st->message && *st->message ? ": " : "",
					st->message ? st->message : "");
			return;
		}
		if ((kind && *kind) || (name && *name))
			kube_buf_printf(out, "The %s \"%s\" is invalid", kind ? kind : "", name ? name : "");
		else
			kube_buf_puts(out, "The request is invalid");
		if (n == 1) {
			c = cJSON_GetArrayItem(causes, 0);
			kube_buf_printf(out, ": %s: %s", kube_json_get_str(c, "field") ?: "",
					kube_json_get_str(c, "message") ?: "");
		} else if (n > 1) {
			kube_buf_puts(out, ": ");
			cJSON_ArrayForEach(c, causes)
				kube_buf_printf(out, "\n* %s: %s", kube_json_get_str(c, "field") ?: "",
						kube_json_get_str(c, "message") ?: "");
		}
		return;
	}
	if (st && st->code) {
		const char *reason = st->reason && *st->reason ? st->reason : NULL;

		if (!reason) {
			/* upstream names the reason from the code */
			switch (st->code) {
			case 404: reason = "NotFound"; break;
			case 400: reason = "BadRequest"; break;
			case 403: reason = "Forbidden"; break;
			case 409: reason = "Conflict"; break;
			case 405: reason = "MethodNotAllowed"; break;
			case 401: reason = "Unauthorized"; break;
			case 500: reason = "InternalError"; break;
			default: break;
			}
		}
		kube_buf_puts(out, "Error from server");
		if (reason)
			kube_buf_printf(out, " (%s)", reason);
		kube_buf_printf(out, ": %s%s", prefix ? prefix : "", st->message ? st->message : "");
		return;
	}
	if (r == -ECONNREFUSED) {
		char hp[256];

		snprintf(hp, sizeof(hp), "%s", host_port(server));
		if (strchr(hp, '/'))
			*strchr(hp, '/') = 0;
		kube_buf_printf(out, "The connection to the server %s was refused - did you specify the right host or port?", hp);
		return;
	}
	kube_buf_printf(out, "Unable to connect to the server: %s", strerror(-r));
}

int kubectl_report(kubectl_ctx_t *ctx, int r, const kube_client_status_t *st, const char *prefix)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kubectl_format_error(ctx, r, st, prefix, &b);
	fprintf(ctx->err, "%s\n", kube_buf_str(&b));
	kube_buf_clear(&b);
	return 1;
}

int kubectl_get_json(kubectl_ctx_t *ctx, const char *path, const char *accept, cJSON **ret)
{
	kube_client_t *c = kubectl_ctx_client(ctx);
	kube_client_raw_t req = { .method = "GET", .path = path, .accept = accept };
	kube_client_status_t st = { 0 };
	char *body = NULL;
	size_t len = 0;
	int code = 0, r;

	if (!c)
		return 1;
	r = kube_client_raw(c, &req, &code, &body, &len);
	if (r < 0)
		return kubectl_report(ctx, r, NULL, NULL);
	if (code / 100 != 2) {
		cJSON *j = kube_json_parse(body, len);

		st.code = code;
		st.reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st.message = kube_strdup(kube_json_get_str(j, "message") ?: "the server could not find the requested resource");
		cJSON_Delete(j);
		kube_free(body);
		kubectl_report(ctx, -EIO, &st, NULL);
		kube_client_status_clear(&st);
		return 1;
	}
	*ret = kube_json_parse(body, len);
	kube_free(body);
	if (!*ret)
		return kubectl_errorf(ctx, "invalid JSON from the server for %s", path);
	return 0;
}

void kubectl_json_sort(cJSON *j)
{
	cJSON *c;

	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return;
	cJSON_ArrayForEach(c, j)
		kubectl_json_sort(c);
	if (cJSON_IsObject(j) && j->child) {
		cJSON *sorted = NULL, *next, *prev = NULL;

		for (c = j->child; c; c = next) {
			cJSON **pp = &sorted;

			next = c->next;
			while (*pp && strcmp((*pp)->string, c->string) <= 0)
				pp = &(*pp)->next;
			c->next = *pp;
			*pp = c;
		}
		for (c = sorted; c; prev = c, c = c->next)
			c->prev = prev;
		sorted->prev = prev;
		j->child = sorted;
	}
}

void kubectl_print_json(FILE *f, cJSON *obj)
{
	char *s;

	kubectl_json_sort(obj);
	s = kube_json_pretty(obj);
	fprintf(f, "%s\n", s);
	kube_free(s);
}

void kubectl_print_yaml(FILE *f, const cJSON *obj)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_yaml_from_json(&b, obj);
	fputs(kube_buf_str(&b), f);
	kube_buf_clear(&b);
}
