/* kube-proxy: parses its flags; the proxy itself is a later issue. */
#include "proxy_options.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	proxy_options_t o;
	kube_flagset_t *fs = kube_flagset_new(PROXY_NAME,
		"The Kubernetes network proxy runs on each node. This\n"
		"reflects services as defined in the Kubernetes API on each node and can do simple\n"
		"TCP, UDP, and SCTP stream forwarding or round robin TCP, UDP, and SCTP forwarding across a set of backends.\n"
		"Service cluster IPs and ports are currently found through Docker-links-compatible\n"
		"environment variables specifying ports opened by the service proxy. There is an optional\n"
		"addon that provides cluster DNS for these cluster IPs. The user must create a service\n"
		"with the apiserver API to configure the proxy.");

	proxy_options_init(&o);
	proxy_options_register(&o, fs);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	if (kube_log_configure(&o.log) < 0)
		fprintf(stderr, "%s: cannot open log file %s\n", PROXY_NAME, o.log.log_file);
	fprintf(stderr, "%s: not implemented yet; only flag parsing exists\n", PROXY_NAME);
	kube_flagset_free(fs);
	return 1;
}
