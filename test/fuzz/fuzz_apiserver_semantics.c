/* Fuzz: defaults, validation, field selectors and Table cells over any JSON
 * object for every kind (first byte picks the kind). Must never crash/leak. */
#include <stddef.h>
#include <stdint.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "api/kube_status.h"
#include "apiserver_defaults.h"
#include "apiserver_fields.h"
#include "apiserver_table.h"
#include "apiserver_validation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	size_t nkinds;
	const kube_kind_t *kinds = kube_kinds_all(&nkinds);
	const kube_kind_t *k = &kinds[data[0] % nkinds];
	cJSON *obj = kube_json_parse((const char *)data + 1, size - 1);
	if (!obj)
		return 0;
	cJSON *old = kube_json_dup(obj);
	apiserver_defaults_apply(k, obj);
	kube_status_t *st = kube_status_invalid_new();
	apiserver_validate(k, obj, NULL, st);
	apiserver_validate(k, obj, old, st);
	kube_status_free(st);
	static const char *const fields[] = { "metadata.name", "spec.nodeName", "status.phase",
					      "source", "status.replicas", "spec.hostNetwork" };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		kube_free(apiserver_fields_value(k, obj, fields[i]));
	kube_buf_t b = KUBE_BUF_INIT;
	cJSON *objs[2] = { obj, old };
	apiserver_table_render(&b, k, objs, 2, APISERVER_TABLE_INCLUDE_METADATA, "1", NULL, true, 0);
	kube_buf_clear(&b);
	cJSON_Delete(old);
	cJSON_Delete(obj);
	return 0;
}
