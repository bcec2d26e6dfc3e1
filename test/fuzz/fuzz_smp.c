/* fuzz_smp: the first byte picks a kind's schema (Pod, Deployment,
 * ConfigMap, Service or none); then a line with a JSON document, and the
 * rest a patch. Applies it as a strategic merge patch, checks the result's
 * fields, and runs the server-side apply field-set operations over it. */
#include <string.h>

#include "api/kube_fieldset.h"
#include "api/kube_json.h"
#include "api/kube_schema.h"
#include "api/kube_smp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[][2] = {
		{ "v1", "Pod" }, { "apps/v1", "Deployment" }, { "v1", "ConfigMap" }, { "v1", "Service" }, { "", "" },
	};
	const kube_protobuf_message_t *m;
	const char *text, *nl;
	size_t len, dlen;
	cJSON *doc, *patch, *out;
	char *err = NULL;

	if (size < 1)
		return 0;
	m = kube_schema_for(kinds[data[0] % 5][0], kinds[data[0] % 5][1]);
	text = (const char *)data + 1;
	len = size - 1;
	nl = memchr(text, '\n', len);
	dlen = nl ? (size_t)(nl - text) : len;
	doc = kube_json_parse(text, dlen);
	patch = nl ? kube_json_parse(nl + 1, len - dlen - 1) : NULL;
	if (doc && patch) {
		out = kube_smp_apply(m, doc, patch, &err);
		if (out) {
			char **probs = NULL;
			size_t n = kube_schema_check_fields(m, out, &probs);
			cJSON *a = kube_fieldset_of(m, patch), *b = kube_fieldset_of(m, doc);
			char **paths = NULL;
			size_t np = 0;
			const cJSON *others[] = { b };
			kube_schema_problems_free(probs, n);
			kube_fieldset_conflicts(a, b, patch, doc, true, &paths, &np);
			kube_fieldset_paths_free(paths, np);
			kube_fieldset_prune(out, b, a, others, 1);
			cJSON_Delete(a);
			cJSON_Delete(b);
			cJSON_Delete(out);
		}
		kube_free(err);
	}
	cJSON_Delete(patch);
	cJSON_Delete(doc);
	return 0;
}
