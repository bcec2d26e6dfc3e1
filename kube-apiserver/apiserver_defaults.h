/*
 * apiserver_defaults: upstream's SetDefaults for the objects we serve,
 * applied in place on create and on update of the main resource. Pure
 * functions on cJSON trees; thread-safe.
 */
#ifndef APISERVER_DEFAULTS_H
#define APISERVER_DEFAULTS_H

#include <cJSON.h>

#include "api/kube_kinds.h"

void apiserver_defaults_apply(const kube_kind_t *k, cJSON *obj);

#endif
