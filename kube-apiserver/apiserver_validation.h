/*
 * apiserver_validation: upstream's validation for the objects we serve.
 * Adds one cause per problem (reason, field path, message) to a Status made
 * with kube_status_invalid_new(); old is NULL on create. Pure functions on
 * cJSON trees; thread-safe.
 */
#ifndef APISERVER_VALIDATION_H
#define APISERVER_VALIDATION_H

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "api/kube_status.h"

void apiserver_validate(const kube_kind_t *k, const cJSON *obj, const cJSON *old, kube_status_t *st);

/* Name checks with upstream's messages; NULL when valid (static string). */
const char *apiserver_validate_dns1123_subdomain(const char *s);
const char *apiserver_validate_dns1123_label(const char *s);
const char *apiserver_validate_dns1035_label(const char *s);

#endif
