/* Fuzz YAML -> JSON -> YAML. */
#include "api/kube_json.h"
#include "api/kube_yaml.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON **docs = NULL;
	size_t n = 0;
	char *err = NULL;

	if (kube_yaml_to_json((const char *)data, size, &docs, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			kube_buf_t b = KUBE_BUF_INIT;
			kube_yaml_from_json(&b, docs[i]);
			kube_buf_clear(&b);
		}
		kube_yaml_docs_free(docs, n);
	}
	kube_free(err);
	return 0;
}
