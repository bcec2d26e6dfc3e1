/*
 * kube_healthz: the small HTTP(S) server every daemon other than the API
 * server runs (libkube's daemon layer: it uses net for serving and pki for
 * the self-signed certificate) for /healthz, /livez, /readyz and /metrics, as upstream's
 * component-base does: the legacy insecure port (kube-scheduler 10251,
 * kube-controller-manager 10252, kubelet healthz 10248, kube-proxy 10256
 * and 10249) and the secure port (10259, 10257, ...) with a self-signed
 * certificate when no cert is given: kept in cert_dir when one is set,
 * in memory otherwise (as upstream's --cert-dir "" does).
 *
 * Checks are named functions returning 0 (ok) or a negative errno with a
 * reason; /healthz and /readyz answer "ok" (200) or list failing checks
 * with 500, and support ?verbose as upstream ("[+]ping ok" lines, then
 * "healthz check passed"). /metrics renders a kube_metrics registry.
 *
 * Threading: the server runs on its own thread with its own event loop;
 * check functions are called from it and must be thread-safe.
 */
#ifndef KUBE_HEALTHZ_H
#define KUBE_HEALTHZ_H

#include <stdbool.h>

#include "core/kube_buf.h"
#include "core/kube_metrics.h"

typedef struct kube_healthz kube_healthz_t;

/* A check: 0 when healthy, or a negative errno and a short reason in out. */
typedef int (*kube_healthz_check_fn)(kube_buf_t *reason, void *arg);

typedef struct kube_healthz_config {
	const char *component;		/* "kube-scheduler" (certificate CN) */
	const char *insecure_address;	/* default "127.0.0.1"; "" = all */
	int insecure_port;		/* 0: off */
	const char *secure_address;	/* default "0.0.0.0" */
	int secure_port;		/* 0: off */
	const char *tls_cert_file, *tls_key_file;
	const char *cert_dir;		/* where a self-signed pair is kept; NULL: memory */
	kube_metrics_t *metrics;	/* may be NULL: /metrics is 404 */
} kube_healthz_config_t;

/* Bind the ports and start the thread. Returns 0, or a negative errno with
 * a one-line message in *ret_err (e.g. the port is in use). */
int kube_healthz_start(const kube_healthz_config_t *cfg, kube_healthz_t **ret, char **ret_err);
/* Add a check to /healthz, /livez and/or /readyz (ready_only: /readyz only).
 * Thread-safe; name is copied. */
void kube_healthz_add_check(kube_healthz_t *h, const char *name, bool ready_only,
			    kube_healthz_check_fn fn, void *arg);
/* The ports actually bound. A configured port of -1 binds a free port
 * (for tests); 0 turns that listener off. */
int kube_healthz_insecure_port(kube_healthz_t *h);
int kube_healthz_secure_port(kube_healthz_t *h);
/* Stop the thread and free. Accepts NULL. */
void kube_healthz_stop(kube_healthz_t *h);

#endif
