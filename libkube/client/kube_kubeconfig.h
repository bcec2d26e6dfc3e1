/*
 * kube_kubeconfig: kubeconfig files (clientcmd's v1 Config), as kubectl and
 * the daemons read them.
 *
 * Loading follows client-go's rules: an explicit path (--kubeconfig) is
 * read alone and must exist; otherwise $KUBECONFIG is a ':'-separated list
 * of files merged in order (the first file to set a map entry or
 * current-context wins; missing files are skipped), and otherwise
 * ~/.kube/config (absent: an empty config). YAML or JSON.
 *
 * Resolving picks a context (override, else current-context), its cluster
 * and user, applies overrides (--server/--master, --token, --namespace,
 * --insecure-skip-tls-verify, ...) and yields a kube_client_config_t plus
 * the namespace (default "default"). Relative file paths in a kubeconfig
 * are resolved against the directory of the file that named them;
 * certificate-authority-data and friends are base64-decoded to PEM.
 *
 * The kubeconfig_t keeps the merged document as a cJSON tree so kubectl's
 * `config` commands can edit and write it back.
 *
 * Ownership: a kube_kubeconfig_t owns its tree; a resolved config owns
 * every string its kube_client_config_t points to. Not thread-safe.
 */
#ifndef KUBE_KUBECONFIG_H
#define KUBE_KUBECONFIG_H

#include <cJSON.h>

#include "client/kube_client.h"

typedef struct kube_kubeconfig {
	cJSON *doc;		/* merged: apiVersion, kind, clusters, contexts,
				 * users, current-context, preferences */
	char **files;		/* the files that were read, in order */
	size_t nfiles;
	char *first_file;	/* where `kubectl config` writes (first of the
				 * load order, existing or not) */
} kube_kubeconfig_t;

/* Load as described above. explicit_path may be NULL. Returns 0, -ENOENT
 * when explicit_path does not exist, -EINVAL with *ret_err (kube_malloc'd
 * one-line message naming the file) when a file does not parse. */
int kube_kubeconfig_load(const char *explicit_path, kube_kubeconfig_t *ret, char **ret_err);
/* Parse one document (YAML or JSON) from memory; base_dir resolves
 * relative paths (may be NULL). */
int kube_kubeconfig_parse(const char *text, size_t len, const char *base_dir,
			  kube_kubeconfig_t *ret, char **ret_err);
void kube_kubeconfig_clear(kube_kubeconfig_t *kc);

/* Overrides from the command line; NULL or empty fields are unset. */
typedef struct kube_kubeconfig_overrides {
	const char *context;
	const char *cluster;
	const char *user;
	const char *server;	/* --server, --master, --api-servers */
	const char *token;
	const char *username, *password;
	const char *namespace_;
	const char *certificate_authority;
	const char *client_certificate, *client_key;
	const char *tls_server_name;
	int insecure_skip_tls_verify;	/* -1 unset, 0, 1 */
} kube_kubeconfig_overrides_t;
#define KUBE_KUBECONFIG_OVERRIDES_INIT { .insecure_skip_tls_verify = -1 }

typedef struct kube_kubeconfig_resolved {
	kube_client_config_t client;	/* strings owned by this struct */
	char *namespace_;		/* the context's namespace or "default" */
	char *context_name;		/* "" when no context was used */
	char *strings[24];		/* storage behind client's pointers */
	size_t nstrings;
} kube_kubeconfig_resolved_t;

/* Resolve. With no server anywhere, upstream's in-cluster fallback is not
 * tried: returns -EDESTADDRREQ and *ret_err "invalid configuration: no
 * configuration has been provided". A context, cluster or user named but
 * absent gives -ENOENT and upstream's message ("context \"x\" does not
 * exist"). */
int kube_kubeconfig_resolve(const kube_kubeconfig_t *kc, const kube_kubeconfig_overrides_t *ov,
			    kube_kubeconfig_resolved_t *ret, char **ret_err);
void kube_kubeconfig_resolved_clear(kube_kubeconfig_resolved_t *r);

/* The daemons' way: --kubeconfig and/or --master (either may be NULL or
 * empty; a bare "host:port" master gets "http://"). Loads, resolves and
 * makes a client with qps and burst (<= 0 keeps the defaults). On error a
 * one-line message in *ret_err. */
int kube_kubeconfig_client(const char *kubeconfig, const char *master, double qps, int burst,
			   const char *user_agent, kube_client_t **ret, char **ret_err);

#endif
