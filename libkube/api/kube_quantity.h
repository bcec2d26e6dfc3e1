/*
 * kube_quantity: resource quantities as upstream's resource.Quantity:
 * "100m", "0.5", "1Gi", "128974848", "1e3", "1.5G". A quantity is held
 * exactly in nano-units (a 128-bit integer; finer values round up, as
 * upstream rounds to nano precision) together with the format its suffix
 * chose, and prints in upstream's canonical form ("0.5" -> "500m",
 * "1.5G" -> "1500M", "1.5Gi" -> "1536Mi", "1000" -> "1k"). Values are
 * plain structs; functions are pure and thread-safe.
 */
#ifndef KUBE_QUANTITY_H
#define KUBE_QUANTITY_H

#include "core/kube_core.h"

typedef enum {
	KUBE_QTY_DECIMAL_SI = 0,     /* "", m, k, M, ... */
	KUBE_QTY_BINARY_SI,	     /* Ki, Mi, Gi, ... */
	KUBE_QTY_DECIMAL_EXPONENT,   /* 1e3 */
} kube_quantity_format_t;

typedef struct kube_quantity {
	__int128 nanos;
	kube_quantity_format_t format;
} kube_quantity_t;

/* Parse; -EINVAL for bad syntax (upstream's message is KUBE_QUANTITY_SYNTAX),
 * -ERANGE when too large. */
int kube_quantity_parse(const char *s, kube_quantity_t *ret);
#define KUBE_QUANTITY_SYNTAX \
	"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
/* Canonical text into buf (at least 48 bytes). */
void kube_quantity_format(const kube_quantity_t *q, char *buf, size_t size);
/* Value() and MilliValue(): rounded up, saturating at INT64 limits. */
int64_t kube_quantity_value(const kube_quantity_t *q);
int64_t kube_quantity_milli_value(const kube_quantity_t *q);
int kube_quantity_cmp(const kube_quantity_t *a, const kube_quantity_t *b);
void kube_quantity_add(kube_quantity_t *q, const kube_quantity_t *b);
void kube_quantity_sub(kube_quantity_t *q, const kube_quantity_t *b);
kube_quantity_t kube_quantity_from_milli(int64_t milli, kube_quantity_format_t format);

#endif
