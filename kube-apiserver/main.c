/* kube-apiserver: parse flags, configure logging, run. */
#include "apiserver_options.h"
#include "apiserver_server.h"

#include "core/kube_log.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	apiserver_options_t o;
	kube_flagset_t *fs = kube_flagset_new("kube-apiserver",
		"The Kubernetes API server validates and configures data for the api objects which include pods, services, replicationcontrollers, and others.");
	char err[256];
	int r;

	apiserver_options_init(&o);
	apiserver_options_register(&o, fs);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	if (apiserver_options_validate(&o, fs, err, sizeof(err)) < 0) {
		fprintf(stderr, "Error: %s\n", err);
		kube_flagset_free(fs);
		return 2;
	}
	if (kube_log_configure(&o.log) < 0) {
		fprintf(stderr, "Error: cannot open --log-file %s\n", o.log.log_file);
		kube_flagset_free(fs);
		return 2;
	}
	klog_info("Version: %s", KUBE_GIT_VERSION);
	r = apiserver_run(&o);
	kube_flagset_free(fs);
	return r;
}
