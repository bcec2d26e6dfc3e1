/*
 * Fuzz the protobuf -> JSON transcoder: the whole request body (magic +
 * runtime.Unknown envelope) as the API server sees it, and the same bytes
 * after the first as a bare message of the kind the first byte picks, so
 * mutations reach the nested descriptors without having to keep the
 * envelope intact. The corpus holds bodies captured from real kubectl.
 */
#include "api/kube_json.h"
#include "api/kube_protobuf.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[][2] = {
	{ "apps/v1", "Deployment" },
	{ "batch/v1", "CronJob" },
	{ "v1", "Service" },
	{ "v1", "Secret" },
	{ "networking.k8s.io/v1", "Ingress" },
	{ "policy/v1", "PodDisruptionBudget" },
	{ "v1", "ResourceQuota" },
	{ "rbac.authorization.k8s.io/v1", "Role" },
};

static void render(cJSON *obj)
{
	char *s = kube_json_compact(obj);
	kube_free(s);
	cJSON_Delete(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *obj = NULL;
	char *err = NULL;

	if (kube_protobuf_decode(data, size, &obj, &err) == 0)
		render(obj);
	kube_free(err);
	err = NULL;
	if (size > 0) {
		const char *const *k = kinds[data[0] % (sizeof(kinds) / sizeof(kinds[0]))];
		const kube_protobuf_message_t *m = kube_protobuf_schema_lookup(k[0], k[1]);
		if (m && kube_protobuf_decode_message(m, data + 1, size - 1, &obj, &err) == 0)
			render(obj);
		kube_free(err);
	}
	return 0;
}
