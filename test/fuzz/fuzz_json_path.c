/* fuzz_json_path: first line is a field path, the rest a JSON document.
 * Exercises the path parser, get/set/delete and the Go-compatible printers. */
#include <string.h>

#include "api/kube_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - (const char *)data) : size;
	char *path = kube_strndup((const char *)data, plen);
	const char *rest = nl ? nl + 1 : "";
	size_t rlen = nl ? size - plen - 1 : 0;
	cJSON *doc = kube_json_parse(rest, rlen);

	if (!doc)
		doc = cJSON_CreateObject();
	(void)kube_json_path_check(path);
	(void)kube_json_get(doc, path);
	(void)kube_json_get_str(doc, path);
	(void)kube_json_get_int64(doc, path, 0);
	(void)kube_json_get_bool(doc, path, false);
	cJSON *copy = kube_json_dup(doc);
	(void)kube_json_set_str(copy, path, "v");
	(void)kube_json_get(copy, path);
	char *a = kube_json_canonical(copy);
	char *b = kube_json_pretty(copy);
	cJSON *re = kube_json_parse(a, strlen(a));
	if (!re || !kube_json_equal(re, copy)) {
		/* canonical output parses back to an equal tree, unless invalid
		 * UTF-8 was replaced by U+FFFD (as Go does) or an overflowing
		 * number became null */
		if (!strstr(a, "\\ufffd") && !strstr(a, "null"))
			__builtin_trap();
	}
	(void)kube_json_delete(copy, path);
	cJSON_Delete(re);
	kube_free(a);
	kube_free(b);
	cJSON_Delete(copy);
	cJSON_Delete(doc);
	kube_free(path);
	return 0;
}
