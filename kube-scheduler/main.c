/* kube-scheduler: parses its flags, then runs the scheduler (scheduler_daemon). */
#include "scheduler_config.h"
#include "scheduler_daemon.h"
#include "scheduler_options.h"

#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef __SANITIZE_ADDRESS__	/* ASan reports these itself */
/* A fatal signal prints a backtrace to stderr before dying, as FRR does. */
static void crash(int sig)
{
	void *frames[64];
	static const char msg[] = "kube-scheduler: fatal signal, backtrace:\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(128 + sig);
	backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
	signal(sig, SIG_DFL);
	raise(sig);
}
#endif

/* --write-config-to: the KubeSchedulerConfiguration the flags amount to. */
static int write_config(const scheduler_options_t *o)
{
	FILE *f = fopen(o->write_config_to, "w");
	if (!f) {
		fprintf(stderr, "E0000 %s: open %s: %m\n", SCHEDULER_NAME, o->write_config_to);
		return 1;
	}
	fprintf(f,
		"apiVersion: kubescheduler.config.k8s.io/v1\n"
		"kind: KubeSchedulerConfiguration\n"
		"clientConnection:\n"
		"  acceptContentTypes: \"\"\n"
		"  burst: %d\n"
		"  contentType: %s\n"
		"  kubeconfig: \"%s\"\n"
		"  qps: %g\n"
		"enableContentionProfiling: %s\n"
		"enableProfiling: %s\n"
		"leaderElection:\n"
		"  leaderElect: %s\n"
		"  leaseDuration: %llds\n"
		"  renewDeadline: %llds\n"
		"  resourceLock: %s\n"
		"  resourceName: %s\n"
		"  resourceNamespace: %s\n"
		"  retryPeriod: %llds\n"
		"parallelism: 16\n"
		"percentageOfNodesToScore: %d\n"
		"podInitialBackoffSeconds: 1\n"
		"podMaxBackoffSeconds: 10\n"
		"profiles:\n"
		"- schedulerName: %s\n",
		o->kube_api_burst, o->kube_api_content_type, o->kubeconfig ? o->kubeconfig : "", o->kube_api_qps,
		o->contention_profiling ? "true" : "false", o->profiling ? "true" : "false",
		o->le.leader_elect ? "true" : "false", (long long)(o->le.lease_duration_ns / 1000000000),
		(long long)(o->le.renew_deadline_ns / 1000000000), o->le.resource_lock, o->le.resource_name,
		o->le.resource_namespace, (long long)(o->le.retry_period_ns / 1000000000),
		o->percentage_of_nodes_to_score, o->scheduler_name);
	fclose(f);
	fprintf(stderr, "I0000 Wrote configuration to: %s\n", o->write_config_to);
	return 0;
}

int main(int argc, char **argv)
{
	scheduler_options_t o;
	cJSON *config = NULL;
	int rc;
	kube_flagset_t *fs = kube_flagset_new(SCHEDULER_NAME,
		"The Kubernetes scheduler is a control plane process which assigns\n"
		"Pods to Nodes. The scheduler determines which Nodes are valid placements for\n"
		"each Pod in the scheduling queue according to constraints and available\n"
		"resources. The scheduler then ranks each valid Node and binds the Pod to a\n"
		"suitable Node. Multiple different schedulers may be used within a cluster;\n"
		"kube-scheduler is the reference implementation.\n"
		"See [scheduling](https://kubernetes.io/docs/concepts/scheduling-eviction/)\n"
		"for more information about scheduling and the kube-scheduler component.");

#ifndef __SANITIZE_ADDRESS__	/* ASan reports these itself */
	signal(SIGSEGV, crash);
	signal(SIGBUS, crash);
	signal(SIGABRT, crash);
#endif
	scheduler_options_init(&o);
	scheduler_options_register(&o, fs);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	if (kube_log_configure(&o.log) < 0)
		fprintf(stderr, "%s: cannot open log file %s\n", SCHEDULER_NAME, o.log.log_file);
	if (o.config && *o.config) {
		char *err = NULL;
		if (scheduler_config_load(o.config, &o, &config, &err) < 0) {
			fprintf(stderr, "E0000 %s: %s\n", SCHEDULER_NAME, err);
			kube_free(err);
			kube_flagset_free(fs);
			return 1;
		}
	}
	if (o.write_config_to && *o.write_config_to)
		rc = write_config(&o);
	else
		rc = scheduler_daemon_run(&o);
	cJSON_Delete(config);
	kube_flagset_free(fs);
	return rc;
}
