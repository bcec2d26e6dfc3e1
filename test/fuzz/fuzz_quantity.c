/* Fuzz the quantity parser and formatter: what it prints parses back equal. */
#include "api/kube_quantity.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = kube_strndup((const char *)data, size);
	kube_quantity_t q, back;
	char buf[128];

	if (kube_quantity_parse(s, &q) == 0) {
		kube_quantity_format(&q, buf, sizeof(buf));
		if (kube_quantity_parse(buf, &back) != 0 || kube_quantity_cmp(&q, &back) != 0)
			abort();
		kube_quantity_milli_value(&q);
	}
	kube_free(s);
	return 0;
}
