/* kubelet: parses its flags; the node agent itself is a later issue. */
#include "kubelet_options.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	kubelet_options_t o;
	kube_flagset_t *fs = kube_flagset_new(KUBELET_NAME,
		"The kubelet is the primary \"node agent\" that runs on each\n"
		"node. It can register the node with the apiserver using one of: the hostname; a flag to\n"
		"override the hostname; or specific logic for a cloud provider.\n\n"
		"The kubelet works in terms of a PodSpec. A PodSpec is a YAML or JSON object\n"
		"that describes a pod. The kubelet takes a set of PodSpecs that are provided through\n"
		"various mechanisms (primarily through the apiserver) and ensures that the containers\n"
		"described in those PodSpecs are running and healthy.");

	kubelet_options_init(&o);
	kubelet_options_register(&o, fs);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	if (kube_log_configure(&o.log) < 0)
		fprintf(stderr, "%s: cannot open log file %s\n", KUBELET_NAME, o.log.log_file);
	fprintf(stderr, "%s: not implemented yet; only flag parsing exists\n", KUBELET_NAME);
	kube_flagset_free(fs);
	return 1;
}
