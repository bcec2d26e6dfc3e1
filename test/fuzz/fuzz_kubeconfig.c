/* Fuzz kubeconfig parsing and resolving (with and without overrides). */
#include "client/kube_kubeconfig.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kube_kubeconfig_overrides_t ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	kube_kubeconfig_resolved_t r;
	kube_kubeconfig_t kc;
	char *err = NULL;

	if (kube_kubeconfig_parse((const char *)data, size, "/base", &kc, &err) == 0) {
		if (kube_kubeconfig_resolve(&kc, NULL, &r, &err) == 0)
			kube_kubeconfig_resolved_clear(&r);
		kube_free(err);
		err = NULL;
		ov.server = "http://127.0.0.1:8080";
		ov.insecure_skip_tls_verify = 1;
		if (kube_kubeconfig_resolve(&kc, &ov, &r, &err) == 0)
			kube_kubeconfig_resolved_clear(&r);
		kube_kubeconfig_clear(&kc);
	}
	kube_free(err);
	return 0;
}
