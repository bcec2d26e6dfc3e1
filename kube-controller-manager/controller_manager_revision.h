/*
 * controller_manager_revision: ControllerRevisions for the DaemonSet and
 * StatefulSet controllers, as upstream's history package: a revision named
 * "<owner>-<hash>" holding the pod template (data.spec.template with
 * "$patch": "replace"), the owner's controller ownerReference, the
 * template's labels plus controller-revision-hash, and revision = the
 * highest existing revision + 1.
 */
#ifndef CONTROLLER_MANAGER_REVISION_H
#define CONTROLLER_MANAGER_REVISION_H

#include <stdint.h>

#include "client/kube_client.h"
#include "client/kube_informer.h"

/* Make sure the revision for owner's current template (hash) exists;
 * revisions (an informer over controllerrevisions) supplies the existing
 * ones. Returns 0 or a negative errno. */
int controller_manager_revision_ensure(kube_client_t *c, kube_informer_t *revisions, const cJSON *owner,
				       const char *api_version, const char *kind, const char *hash);
/* The highest revision number among owner's revisions (0 when none). */
int64_t controller_manager_revision_max(kube_informer_t *revisions, const cJSON *owner);
/* The revision object named name in ns (a new reference) or NULL. */
kube_obj_t *controller_manager_revision_get(kube_informer_t *revisions, const char *ns, const char *name);

/* Delete owner's oldest revisions beyond spec.revisionHistoryLimit
 * (default 10), never the ones named in keep (n_keep names: the revisions
 * live pods use, the current and update ones). */
void controller_manager_revision_trim(kube_client_t *c, kube_informer_t *revisions, const cJSON *owner,
				      const char *const *keep, size_t n_keep);

#endif
