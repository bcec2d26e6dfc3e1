/* kube-controller-manager: parses its flags; the controllers are issue 8. */
#include "controller_manager_options.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	controller_manager_options_t o;
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
	fprintf(stderr, "%s: not implemented yet; only flag parsing exists (issue 8)\n",
		CONTROLLER_MANAGER_NAME);
	kube_flagset_free(fs);
	return 1;
}
