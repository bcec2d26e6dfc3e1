/*
 * kubectl_cmd: the command table, the global flags and the per-run context
 * every command works from (kubeconfig, REST client, discovery, namespace),
 * plus upstream's ways of reporting errors.
 *
 * main() finds the command word in argv (skipping global flags and their
 * values), makes one flagset holding the global flags and the command's
 * own, parses, and calls the command's run(). The client and discovery are
 * made lazily on first use, so `version --client` and `config` never touch
 * the network.
 *
 * Ownership: the context owns the flagset, kubeconfig, client and
 * discovery; kubectl_ctx_clear() frees them. Not thread-safe.
 */
#ifndef KUBECTL_CMD_H
#define KUBECTL_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include <cJSON.h>

#include "client/kube_client.h"
#include "client/kube_kubeconfig.h"
#include "core/kube_flags.h"

struct kubectl_discovery;

typedef struct kubectl_globals {
	kube_log_config_t log;
	char *kubeconfig, *context, *cluster, *user, *server, *namespace_;
	char *token, *username, *password, *certificate_authority;
	char *client_certificate, *client_key, *tls_server_name, *request_timeout;
	char *as, *cache_dir, *profile, *profile_output;
	kube_strv_t as_group;
	bool insecure_skip_tls_verify, match_server_version, warnings_as_errors;
	bool disable_compression;
} kubectl_globals_t;

typedef struct kubectl_ctx kubectl_ctx_t;

typedef struct kubectl_command {
	const char *name;
	const char *short_help;
	/* Register the command's flags (into static storage of its file). */
	void (*setup)(kubectl_ctx_t *ctx, kube_flagset_t *fs);
	/* Run with ctx->args (the positional words after the command). */
	int (*run)(kubectl_ctx_t *ctx);
} kubectl_command_t;

struct kubectl_ctx {
	kubectl_globals_t g;
	kube_flagset_t *fs;
	const kubectl_command_t *cmd;
	char **args;		/* positional arguments after the command word */
	int nargs;
	kube_kubeconfig_t kc;
	bool kc_loaded;
	kube_kubeconfig_resolved_t rc;
	bool resolved;
	kube_client_t *client;
	struct kubectl_discovery *disc;
	const char *ns;		/* effective namespace (flag, context, "default") */
	bool ns_explicit;	/* -n given */
	bool user_is_subject;	/* --user names an RBAC subject, not a kubeconfig user */
	FILE *out, *err;
};

/* The commands, in `kubectl --help` order; NULL-terminated. */
extern const kubectl_command_t *const kubectl_commands[];
const kubectl_command_t *kubectl_cmd_find(const char *name);

/* Run kubectl with argv; returns the exit status. */
int kubectl_main(int argc, char **argv);

/* Load and resolve the kubeconfig (once). 0, or prints upstream's error and
 * returns 1. */
int kubectl_ctx_config(kubectl_ctx_t *ctx);
/* The client (made once). NULL after printing the error. */
kube_client_t *kubectl_ctx_client(kubectl_ctx_t *ctx);
/* Discovery (fetched or read from cache once). NULL after printing. */
struct kubectl_discovery *kubectl_ctx_discovery(kubectl_ctx_t *ctx);
void kubectl_ctx_clear(kubectl_ctx_t *ctx);

/* Print upstream's message for a failed call and return 1:
 * "Error from server (Reason): message", or the transport error
 * ("The connection to the server H:P was refused - did you specify the
 * right host or port?"). prefix (may be NULL) goes after "(Reason): ". */
int kubectl_report(kubectl_ctx_t *ctx, int r, const kube_client_status_t *st, const char *prefix);
/* The same into a buffer (no newline). */
void kubectl_format_error(kubectl_ctx_t *ctx, int r, const kube_client_status_t *st,
			  const char *prefix, kube_buf_t *out);
/* "error: <fmt>\n" on stderr; returns 1. */
int kubectl_errorf(kubectl_ctx_t *ctx, const char *fmt, ...) KUBE_PRINTF(2, 3);
/* A usage error: "error: <msg>\nSee 'kubectl <cmd> -h' for help and examples" */
int kubectl_usage_error(kubectl_ctx_t *ctx, const char *msg);

/* Raw GET of a path with an Accept; *ret_body kube_malloc'd. Returns 0 on
 * 2xx, otherwise reports and returns 1 (status parsed from the body). */
int kubectl_get_json(kubectl_ctx_t *ctx, const char *path, const char *accept, cJSON **ret);

/* Sort object keys recursively (Go's map order, for -o json). */
void kubectl_json_sort(cJSON *j);
/* Print obj as kubectl's -o json (sorted keys, 4-space indent) or -o yaml. */
void kubectl_print_json(FILE *f, cJSON *obj);
void kubectl_print_yaml(FILE *f, const cJSON *obj);

#endif
