/*
 * kube-controller-manager: parse the flags, make the API client, the
 * shared informer factory and the metrics registry, serve healthz on the
 * legacy --port and the --secure-port, then (once this instance leads, with
 * --leader-elect) start every controller --controllers enables. SIGTERM or
 * SIGINT stops the controllers and releases the lease; losing the lease
 * exits 1 at once, as upstream.
 */
#include "controller_manager.h"
#include "controller_manager_controllers.h"
#include "controller_manager_options.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/kube_kubeconfig.h"
#include "client/kube_leader.h"
#include "core/kube_notify.h"
#include "core/kube_log.h"
#include "daemon/kube_healthz.h"

static atomic_bool lead_start, lead_lost;

static kube_metric_t *leader_metric;

static void set_leader_metric(double v)
{
	static const char *const values[] = { CONTROLLER_MANAGER_NAME, NULL };
	if (leader_metric)
		kube_metric_set(leader_metric, values, v);
}

static void on_started_leading(void *arg)
{
	set_leader_metric(1);
	atomic_store(&lead_start, true);
}

static void on_stopped_leading(void *arg)
{
	set_leader_metric(0);
	atomic_store(&lead_lost, true);
}

static void on_new_leader(const char *identity, void *arg)
{
	klog_info("new leader elected: %s", identity);
}

typedef struct running {
	const controller_manager_controller_t *c;
	void *state;
} running_t;

static size_t start_controllers(controller_manager_ctx_t *ctx, running_t *run)
{
	static const char *const labels[] = { "manager", "name", NULL };
	kube_metric_t *running = kube_metrics_gauge(ctx->metrics, "running_managed_controllers",
		"[ALPHA] Indicates where instances of a controller are currently running", labels);
	size_t n = 0;
	for (size_t i = 0; controller_manager_controllers[i]; i++) {
		const controller_manager_controller_t *c = controller_manager_controllers[i];
		const char *canon = controller_manager_controllers_canonical(c->name);
		if (!controller_manager_controllers_enabled(ctx->opts, c)) {
			klog_info("Warning: controller is disabled controller=\"%s\"", canon);
			continue;
		}
		if (kube_streq(canon, "garbage-collector-controller") &&
		    !ctx->opts->enable_garbage_collector) {
			klog_info("Warning: controller is disabled controller=\"%s\"", canon);
			continue;
		}
		klog_info("Starting controller controller=\"%s\"", canon);
		void *state = NULL;
		int r = c->start(ctx, &state);
		if (r < 0) {
			klog_error("Error starting controller controller=\"%s\": %s", canon, strerror(-r));
			continue;
		}
		const char *values[] = { CONTROLLER_MANAGER_NAME, canon, NULL };
		kube_metric_set(running, values, 1);
		run[n].c = c;
		run[n].state = state;
		n++;
	}
	int r = kube_informer_factory_start(ctx->informers);
	if (r < 0)
		klog_error("cannot start informers: %s", strerror(-r));
	klog_info("Started controllers count=%zu", n);
	return n;
}

/* The graceful stop has this long; then the process just exits (calls
 * in flight against an unreachable API server retry for minutes). */
#define SHUTDOWN_GRACE_S 15

static void *shutdown_watchdog(void *arg)
{
	sleep(SHUTDOWN_GRACE_S);
	klog_warn("graceful shutdown did not finish in %ds; exiting", SHUTDOWN_GRACE_S);
	_exit(0);
	return NULL;
}

static int check_ok(kube_buf_t *reason, void *arg)
{
	return 0;
}

static int check_leader(kube_buf_t *reason, void *arg)
{
	if (atomic_load(&lead_lost)) {
		kube_buf_puts(reason, "the lease was lost");
		return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	controller_manager_options_t o;
	/* SIGTERM and SIGINT are taken with sigtimedwait below; blocked first
	 * thing, so an early one is not lost and every thread inherits it */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	kube_flagset_t *fs = kube_flagset_new(CONTROLLER_MANAGER_NAME,
		"The Kubernetes controller manager is a daemon that embeds\n"
		"the core control loops shipped with Kubernetes. In applications of robotics and\n"
		"automation, a control loop is a non-terminating loop that regulates the state of\n"
		"the system. In Kubernetes, a controller is a control loop that watches the shared\n"
		"state of the cluster through the apiserver and makes changes attempting to move the\n"
		"current state towards the desired state. Examples of controllers that ship with\n"
		"Kubernetes today are the replication controller, endpoints controller, namespace\n"
		"controller, and serviceaccounts controller.");

	controller_manager_options_init(&o);
	controller_manager_options_register(&o, fs);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	if (kube_log_configure(&o.log) < 0)
		fprintf(stderr, "%s: cannot open log file %s\n", CONTROLLER_MANAGER_NAME, o.log.log_file);

	for (size_t i = 0; o.controllers && o.controllers[i]; i++)
		if (!controller_manager_controllers_known(o.controllers[i])) {
			const char *w = o.controllers[i][0] == '-' ? o.controllers[i] + 1 : o.controllers[i];
			fprintf(stderr, "Error: \"%s\" is not in the list of known controllers\n", w);
			kube_flagset_free(fs);
			return 1;
		}

	signal(SIGPIPE, SIG_IGN);

	klog_info("Version: %s", KUBE_GIT_VERSION);
	kube_client_t *client = NULL;
	char *err = NULL;
	int r = kube_kubeconfig_client(o.kubeconfig, o.master, o.kube_api_qps, o.kube_api_burst,
				       NULL, &client, &err);
	if (r < 0) {
		fprintf(stderr, "Error: %s\n", err ? err : strerror(-r));
		kube_free(err);
		kube_flagset_free(fs);
		return 1;
	}

	kube_metrics_t *metrics = kube_metrics_new();
	char bind[64] = "";
	if (o.bind_address.family)
		kube_format_ip(&o.bind_address, bind, sizeof(bind));
	kube_healthz_config_t hc = {
		.component = CONTROLLER_MANAGER_NAME,
		.insecure_address = o.address,
		.insecure_port = o.port,
		.secure_address = bind[0] ? bind : "0.0.0.0",
		.secure_port = o.secure_port,
		.tls_cert_file = o.tls_cert_file,
		.tls_key_file = o.tls_private_key_file,
		.cert_dir = o.cert_dir,
		.metrics = metrics,
	};
	kube_healthz_t *hz = NULL;
	if (o.port || o.secure_port) {
		r = kube_healthz_start(&hc, &hz, &err);
		if (r < 0) {
			fprintf(stderr, "Error: %s\n", err ? err : strerror(-r));
			kube_free(err);
			kube_metrics_free(metrics);
			kube_client_free(client);
			kube_flagset_free(fs);
			return 1;
		}
		kube_healthz_add_check(hz, "ping", false, check_ok, NULL);
		if (o.leader_elect)
			kube_healthz_add_check(hz, "leaderElection", false, check_leader, NULL);
	}

	controller_manager_ctx_t ctx = {
		.client = client,
		.informers = kube_informer_factory_new(client, o.min_resync_period_ns / 1000000),
		.opts = &o,
		.metrics = metrics,
	};
	atomic_init(&ctx.stopping, false);

	kube_leader_t *leader = NULL;
	if (o.leader_elect) {
		static const char *const labels[] = { "name", NULL };
		leader_metric = kube_metrics_gauge(metrics, "leader_election_master_status",
			"[ALPHA] Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
			labels);
		set_leader_metric(0);
		kube_leader_config_t lc = {
			.namespace_ = o.le_resource_namespace,
			.name = o.le_resource_name,
			.lease_duration_ms = o.le_lease_duration_ns / 1000000,
			.renew_deadline_ms = o.le_renew_deadline_ns / 1000000,
			.retry_period_ms = o.le_retry_period_ns / 1000000,
			.release_on_cancel = true,
			.on_started_leading = on_started_leading,
			.on_stopped_leading = on_stopped_leading,
			.on_new_leader = on_new_leader,
		};
		klog_info("attempting to acquire leader lease %s/%s...", o.le_resource_namespace,
			  o.le_resource_name);
		r = kube_leader_start(client, &lc, &leader);
		if (r < 0) {
			fprintf(stderr, "Error: leader election: %s\n", strerror(-r));
			return 1;
		}
	} else {
		atomic_store(&lead_start, true);
	}

	/* serving and campaigning: systemd's Type=notify may go on */
	kube_notify(false, "READY=1");
	size_t nctl = 0;
	for (size_t i = 0; controller_manager_controllers[i]; i++)
		nctl++;
	running_t *run = kube_calloc(nctl + 1, sizeof(*run));
	size_t nrun = 0;
	bool started = false;
	int rc = 0;
	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		int sig = sigtimedwait(&sigs, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT) {
			klog_info("Received signal %d, shutting down", sig);
			break;
		}
		if (atomic_load(&lead_lost)) {
			klog_error("leaderelection lost");
			_exit(1);
		}
		if (!started && atomic_load(&lead_start)) {
			if (leader)
				klog_info("successfully acquired lease %s/%s", o.le_resource_namespace,
					  o.le_resource_name);
			nrun = start_controllers(&ctx, run);
			started = true;
		}
	}

	kube_notify(false, "STOPPING=1");
	atomic_store(&ctx.stopping, true);
	pthread_t wd;
	if (pthread_create(&wd, NULL, shutdown_watchdog, NULL) == 0)
		pthread_detach(wd);
	for (size_t i = nrun; i-- > 0;)
		run[i].c->stop(run[i].state);
	kube_informer_factory_free(ctx.informers);
	if (leader) {
		kube_leader_stop(leader);
		kube_leader_free(leader);
	}
	kube_healthz_stop(hz);
	kube_free(run);
	kube_metrics_free(metrics);
	kube_client_free(client);
	kube_flagset_free(fs);
	return rc;
}
