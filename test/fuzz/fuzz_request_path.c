/* Fuzz the API server's request-path router. */
#include "apiserver_route.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = kube_strndup((const char *)data, size);
	apiserver_route_t r;

	if (apiserver_route_parse(path, &r) == 0) {
		apiserver_route_verb(&r, "GET", true);
		apiserver_route_verb(&r, "POST", false);
		apiserver_route_clear(&r);
	}
	kube_free(path);
	return 0;
}
