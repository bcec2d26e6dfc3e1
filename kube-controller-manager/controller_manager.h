/*
 * controller_manager: what every controller of kube-controller-manager
 * gets and gives. main.c builds one context (the API client, the shared
 * informer factory, the options, a metrics registry and the stop flag),
 * then starts each enabled controller from the table in
 * controller_manager_controllers.c once this instance leads.
 *
 * A controller's start() registers its informers and handlers on
 * ctx->informers (not started yet: main starts the factory after every
 * controller has registered, then waits for the caches to sync) and starts
 * its worker threads, which must wait for kube_informer_factory_wait_synced
 * before the first sync. stop() shuts its queues down, joins its threads
 * and frees its state. Controllers own their state; they share only the
 * context, which outlives them.
 *
 * Each controller is its own file, controller_manager_<name>.c, exporting
 * one `const controller_manager_controller_t controller_manager_<name>_controller`.
 */
#ifndef CONTROLLER_MANAGER_H
#define CONTROLLER_MANAGER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "core/kube_metrics.h"
#include "client/kube_client.h"
#include "client/kube_events.h"
#include "client/kube_informer.h"
#include "controller_manager_options.h"

typedef struct controller_manager_ctx {
	kube_client_t *client;
	kube_informer_factory_t *informers;
	const controller_manager_options_t *opts;
	kube_metrics_t *metrics;
	atomic_bool stopping;
} controller_manager_ctx_t;

typedef struct controller_manager_controller {
	const char *name;	/* as in --controllers: "deployment", "garbage-collector", ... */
	bool default_on;	/* on with "*" (upstream's default set) */
	/* Register informers and handlers, start workers; *ret_state is
	 * passed to stop(). Returns 0 or a negative errno (logged, fatal). */
	int (*start)(controller_manager_ctx_t *ctx, void **ret_state);
	void (*stop)(void *state);
} controller_manager_controller_t;

#endif
