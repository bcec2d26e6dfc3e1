/*
 * apiserver_validation: upstream's field validation for built-in kinds.
 * Each problem found is added to a kube_status_t as a cause (reason,
 * field, message) with upstream's reasons and messages ("Required value",
 * "Invalid value: \"x\": ...", "Unsupported value: ...", ...). The caller
 * makes st with kube_status_invalid_new() and, when st->ncauses > 0, calls
 * kube_status_invalid_finish(). Pure: no I/O, no globals; thread-safe on
 * distinct objects.
 */
#ifndef APISERVER_VALIDATION_H
#define APISERVER_VALIDATION_H

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "api/kube_status.h"

/* Validate obj (of kind k, already defaulted). old is the stored object on
 * update, NULL on create (enables immutability checks). Adds causes to st. */
void apiserver_validate(const kube_kind_t *k, const cJSON *obj, const cJSON *old,
			kube_status_t *st);

/* Name validators: NULL when s is valid, else upstream's detail message
 * (static string) for an "Invalid value" cause. */
const char *apiserver_validation_dns1123_subdomain(const char *s);
const char *apiserver_validation_dns1123_label(const char *s);
const char *apiserver_validation_dns1035_label(const char *s);

#endif
