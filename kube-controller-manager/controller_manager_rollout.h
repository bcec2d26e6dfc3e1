/*
 * controller_manager_rollout: the pure arithmetic of the deployment
 * controller, as upstream's pkg/controller/deployment/util does it:
 * pod-template-hash (FNV-32a of the template plus the collision count,
 * rendered with SafeEncodeString's alphabet), maxSurge/maxUnavailable
 * resolution (counts and percentages; surge rounds up, unavailable down),
 * the new ReplicaSet's size during a rolling update, the scale-down of old
 * ReplicaSets, and proportional scaling of every active ReplicaSet when the
 * Deployment is resized mid-rollout.
 *
 * ReplicaSets are described by controller_manager_rs_t rows the caller
 * fills from its cache; functions write the sizes they want into `target`.
 * No I/O, no allocation beyond what is documented. Thread-safe.
 */
#ifndef CONTROLLER_MANAGER_ROLLOUT_H
#define CONTROLLER_MANAGER_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define CM_ANN_REVISION "deployment.kubernetes.io/revision"
#define CM_ANN_REVISION_HISTORY "deployment.kubernetes.io/revision-history"
#define CM_ANN_DESIRED_REPLICAS "deployment.kubernetes.io/desired-replicas"
#define CM_ANN_MAX_REPLICAS "deployment.kubernetes.io/max-replicas"
#define CM_ANN_CHANGE_CAUSE "kubernetes.io/change-cause"
#define CM_LABEL_POD_TEMPLATE_HASH "pod-template-hash"

/* Normalise a template in place for comparison and hashing, as
 * apiequality.Semantic.DeepEqual sees Go structs: null values, empty
 * objects and empty arrays are dropped (nil and empty are equal; an
 * all-zero struct is its zero value), and so are patch directives ("$..."
 * keys) that a client may have left behind. */
void controller_manager_rollout_normalize(cJSON *v);
/* EqualIgnoreHash: two PodTemplateSpecs equal once normalised and without
 * the pod-template-hash label. */
bool controller_manager_rollout_template_equal(const cJSON *a, const cJSON *b);

/* The pod-template-hash of template (a PodTemplateSpec; a
 * pod-template-hash label in it is ignored) with collision_count (< 0:
 * none), over its normalised canonical JSON. Written to out (at most 10 digits' worth of characters + NUL). */
void controller_manager_rollout_hash(const cJSON *template_, int64_t collision_count,
				     char out[16]);
/* rand.SafeEncodeString: each byte to "bcdfghjklmnpqrstvwxz2456789"[b % 27]. */
void controller_manager_rollout_safe_encode(const char *in, char *out, size_t size);

/* intstr.GetScaledValueFromIntOrPercent: v is a JSON number or "N%" string
 * (NULL: def). Returns 0 and *ret, or -EINVAL for a malformed value. */
int controller_manager_rollout_scaled(const cJSON *v, int64_t def, int64_t total, bool round_up,
				      int64_t *ret);
/* ResolveFenceposts: surge and unavailable for desired replicas; both
 * zero gives unavailable 1. -EINVAL on a malformed value. */
int controller_manager_rollout_fenceposts(const cJSON *max_surge, const cJSON *max_unavailable,
					  int64_t desired, int64_t *ret_surge,
					  int64_t *ret_unavailable);

/* What the deployment controller knows about one of its ReplicaSets. */
typedef struct controller_manager_rs {
	const char *name;
	int64_t created_ns;	/* creationTimestamp */
	int64_t replicas;	/* spec.replicas */
	int64_t available;	/* status.availableReplicas */
	int64_t max_replicas;	/* max-replicas annotation, -1 when absent */
	int64_t desired;	/* desired-replicas annotation, -1 when absent */
	int64_t target;		/* output: the size wanted */
} controller_manager_rs_t;

/* The deployment's rollout parameters. */
typedef struct controller_manager_rollout {
	int64_t replicas;	/* spec.replicas */
	bool recreate;		/* strategy.type == Recreate */
	int64_t max_surge;	/* resolved */
	int64_t max_unavailable; /* resolved, capped at replicas (MaxUnavailable) */
	int64_t status_replicas; /* status.replicas */
} controller_manager_rollout_t;

/* Fill max_surge and max_unavailable from a Deployment's spec (upstream
 * defaults 25%/25%). -EINVAL for malformed values. */
int controller_manager_rollout_from_deployment(const cJSON *deploy, controller_manager_rollout_t *ret);

/* NewRSNewReplicas: the new ReplicaSet's size given every ReplicaSet
 * (new included, at index new_idx). */
int64_t controller_manager_rollout_new_rs_replicas(const controller_manager_rollout_t *d,
						   const controller_manager_rs_t *all, size_t n,
						   size_t new_idx);
/* Rolling update scale-down of old ReplicaSets (reconcileOldReplicaSets:
 * unhealthy replicas first, then by age down to minAvailable). all[new_idx]
 * is the new one (new_idx == n: none). Sets target of every row (the new
 * one's unchanged). Returns how many replicas were scaled down. */
int64_t controller_manager_rollout_scale_down_old(const controller_manager_rollout_t *d,
						  controller_manager_rs_t *all, size_t n,
						  size_t new_idx);
/* Deployment.scale(): resize during a rollout. Sets target of every row;
 * returns true when some target differs from replicas. new_idx == n: none. */
bool controller_manager_rollout_scale(const controller_manager_rollout_t *d,
				      controller_manager_rs_t *all, size_t n, size_t new_idx);
/* IsSaturated. */
bool controller_manager_rollout_saturated(const controller_manager_rollout_t *d,
					  const controller_manager_rs_t *rs);

#endif
