/* kube-scheduler: parses its flags; the scheduler itself is issue 7. */
#include "scheduler_options.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	scheduler_options_t o;
	kube_flagset_t *fs = kube_flagset_new(SCHEDULER_NAME,
		"The Kubernetes scheduler is a control plane process which assigns\n"
		"Pods to Nodes. The scheduler determines which Nodes are valid placements for\n"
		"each Pod in the scheduling queue according to constraints and available\n"
		"resources. The scheduler then ranks each valid Node and binds the Pod to a\n"
		"suitable Node. Multiple different schedulers may be used within a cluster;\n"
		"kube-scheduler is the reference implementation.\n"
		"See [scheduling](https://kubernetes.io/docs/concepts/scheduling-eviction/)\n"
		"for more information about scheduling and the kube-scheduler component.");

	scheduler_options_init(&o);
	scheduler_options_register(&o, fs);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	if (kube_log_configure(&o.log) < 0)
		fprintf(stderr, "%s: cannot open log file %s\n", SCHEDULER_NAME, o.log.log_file);
	fprintf(stderr, "%s: not implemented yet; only flag parsing exists (issue 7)\n", SCHEDULER_NAME);
	kube_flagset_free(fs);
	return 1;
}
