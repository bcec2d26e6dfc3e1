/* fuzz_json_patch: first line is a JSON document, the rest a patch. Applies it
 * as an RFC 6902 JSON patch and as an RFC 7386 merge patch. */
#include <string.h>

#include "api/kube_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t dlen = nl ? (size_t)(nl - (const char *)data) : size;
	cJSON *doc = kube_json_parse((const char *)data, dlen);
	cJSON *patch = nl ? kube_json_parse(nl + 1, size - dlen - 1) : NULL;
	cJSON *out = NULL;
	char *err = NULL;

	if (patch) {
		if (kube_json_patch_apply(doc, patch, &out, &err) == 0) {
			char *s = kube_json_canonical(out);
			kube_free(s);
			cJSON_Delete(out);
		}
		kube_free(err);
		out = kube_json_merge_patch(doc, patch);
		cJSON_Delete(out);
	}
	cJSON_Delete(patch);
	cJSON_Delete(doc);
	return 0;
}
