/*
 * kube_protobuf: a schema-driven transcoder from the Kubernetes protobuf
 * wire format to the JSON the rest of the project speaks. Real kubectl's
 * typed clients (`kubectl create deployment|namespace|configmap|...`,
 * `create token`, `autoscale`, `auth can-i`) send request bodies as
 * `application/vnd.kubernetes.protobuf`: the 4 magic bytes "k8s\0", then a
 * runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3
 * contentEncoding, 4 contentType} whose raw bytes are the object encoded
 * with upstream's generated.proto field numbers.
 *
 * The decoder is generic (varint, 64-bit, length-delimited and 32-bit wire
 * types, every length bounds-checked) and is driven by message descriptors:
 * per field number a JSON name, a type and flags. The descriptors for the
 * kinds we decode live in kube_protobuf_schema.c (project-written data).
 * The JSON produced is what upstream's encoding/json would print for the
 * decoded Go struct:
 *  - zero scalars are omitted (omitempty) unless the field is marked
 *    KUBE_PB_KEEP (Go pointer fields, or fields without omitempty), which are
 *    kept when present on the wire even if zero (suspend=false, replicas=0);
 *  - nested messages present on the wire are emitted, as {} when empty;
 *  - map<string,X> entries become JSON objects, repeated fields arrays;
 *  - Time -> "2006-01-02T15:04:05Z", MicroTime -> "...05.000000Z",
 *    Quantity -> its string, IntOrString -> number or string, bytes ->
 *    base64, RawExtension -> the embedded JSON, Duration -> "1h0m0s".
 * Fields the schema does not know are skipped, as protobuf does. Pure
 * functions over caller-owned buffers; thread-safe.
 */
#ifndef KUBE_PROTOBUF_H
#define KUBE_PROTOBUF_H

#include <stdint.h>

#include <cJSON.h>

#include "core/kube_core.h"

typedef enum kube_protobuf_type {
	KUBE_PB_STRING = 0,
	KUBE_PB_BYTES,	     /* base64 in JSON */
	KUBE_PB_INT32,
	KUBE_PB_INT64,
	KUBE_PB_BOOL,
	KUBE_PB_DOUBLE,	     /* fixed64 */
	KUBE_PB_MESSAGE,     /* nested message: .message names it */
	KUBE_PB_TIME,	     /* meta/v1 Time {1 seconds, 2 nanos} */
	KUBE_PB_MICROTIME,   /* meta/v1 MicroTime, same wire shape */
	KUBE_PB_QUANTITY,    /* resource.Quantity {1 string} */
	KUBE_PB_INTORSTRING, /* intstr.IntOrString {1 type, 2 intVal, 3 strVal} */
	KUBE_PB_RAWEXTENSION,/* runtime.RawExtension / FieldsV1 {1 raw JSON bytes} */
	KUBE_PB_DURATION,    /* meta/v1 Duration {1 int64 nanoseconds} */
} kube_protobuf_type_t;

#define KUBE_PB_REPEATED 0x01 /* repeated: a JSON array */
#define KUBE_PB_MAP 0x02      /* map<string, type>: entries {1 key, 2 value} */
#define KUBE_PB_KEEP 0x04     /* emit even when zero (Go pointer / no omitempty) */
#define KUBE_PB_INLINE 0x08   /* embedded Go struct: fields merge into the parent */

struct kube_protobuf_message;

typedef struct kube_protobuf_field {
	uint32_t number;
	const char *json; /* JSON name; unused for KUBE_PB_INLINE */
	uint8_t type;	  /* kube_protobuf_type_t */
	uint8_t flags;
	const struct kube_protobuf_message *message; /* for KUBE_PB_MESSAGE */
} kube_protobuf_field_t;

typedef struct kube_protobuf_message {
	const char *name; /* upstream's message name, for errors */
	const kube_protobuf_field_t *fields;
	size_t n_fields;
} kube_protobuf_message_t;

/* The 4-byte prefix of every Kubernetes protobuf body. */
#define KUBE_PROTOBUF_MAGIC "k8s\0"
#define KUBE_PROTOBUF_MAGIC_LEN 4

/*
 * Decode one message's bytes with descriptor m into a new JSON object.
 * Returns 0 with *ret_obj (caller cJSON_Delete()s), or -EINVAL for malformed
 * input with *ret_err (caller kube_free()s) such as "Deployment.spec:
 * truncated length-delimited field 2".
 */
int kube_protobuf_decode_message(const kube_protobuf_message_t *m, const void *data, size_t len,
				 cJSON **ret_obj, char **ret_err);

/*
 * Decode a whole request body (magic + runtime.Unknown). The object gets
 * "apiVersion" and "kind" from the envelope's TypeMeta. Returns 0 with
 * *ret_obj; -EINVAL with *ret_err for malformed input; -ENOTSUP with
 * *ret_err when no schema describes the apiVersion/kind. Outputs are
 * untouched on failure except *ret_err.
 */
int kube_protobuf_decode(const void *data, size_t len, cJSON **ret_obj, char **ret_err);

/* The descriptor for an apiVersion ("apps/v1", "v1") and kind, or NULL.
 * Defined in kube_protobuf_schema.c. */
const kube_protobuf_message_t *kube_protobuf_schema_lookup(const char *api_version, const char *kind);

#endif
