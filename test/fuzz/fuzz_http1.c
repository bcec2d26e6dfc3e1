/* Fuzz the HTTP/1.x request-head parser. */
#include "net/kube_http1.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kube_http1_head_t h;
	int status;
	size_t n = kube_http1_head_length((const char *)data, size);

	if (kube_http1_parse_head((const char *)data, n ? n : size, &h, &status) == 0) {
		kube_http1_head_get(&h, "Host");
		kube_http1_head_clear(&h);
	}
	char *u = kube_http1_unescape((const char *)data, size, true);
	kube_free(u);
	return 0;
}
