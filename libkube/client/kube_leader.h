/*
 * kube_leader: leader election on a coordination.k8s.io/v1 Lease, as
 * client-go's leaderelection package does it.
 *
 * A candidate tries to create or take over the Lease every retry_period;
 * it may take it when holderIdentity is empty or the lease was not renewed
 * for lease_duration (as observed on the candidate's own clock since it
 * last saw the record change). The leader renews every retry_period; if a
 * renewal has not succeeded within renew_deadline it stops leading at once
 * (on_stopped_leading is called; upstream's daemons exit there). Each
 * take-over increments leaseTransitions. The record uses upstream's
 * fields: holderIdentity, leaseDurationSeconds, acquireTime, renewTime
 * (MicroTime, "2006-01-02T15:04:05.000000Z"), leaseTransitions.
 *
 * Threading: kube_leader_start() runs the election on its own thread;
 * callbacks are called from it. is_leader() is thread-safe.
 */
#ifndef KUBE_LEADER_H
#define KUBE_LEADER_H

#include <stdbool.h>
#include <stdint.h>

#include "client/kube_client.h"

typedef struct kube_leader kube_leader_t;

typedef struct kube_leader_config {
	const char *namespace_;		/* default "kube-system" */
	const char *name;		/* "kube-scheduler", "kube-controller-manager" */
	const char *identity;		/* default "<hostname>_<random uuid>" as upstream */
	int64_t lease_duration_ms;	/* default 15000 */
	int64_t renew_deadline_ms;	/* default 10000 */
	int64_t retry_period_ms;	/* default 2000 */
	bool release_on_cancel;		/* stop() empties holderIdentity */
	void (*on_started_leading)(void *arg);
	void (*on_stopped_leading)(void *arg);
	void (*on_new_leader)(const char *identity, void *arg);
	void *arg;
} kube_leader_config_t;

/* Start campaigning on a thread. Returns 0 or -EINVAL (renew_deadline must
 * be below lease_duration, retry_period below renew_deadline). */
int kube_leader_start(kube_client_t *c, const kube_leader_config_t *cfg, kube_leader_t **ret);
bool kube_leader_is_leader(kube_leader_t *l);
/* The identity this candidate uses (owned by l). */
const char *kube_leader_identity(kube_leader_t *l);
/* Stop campaigning (release the lease if configured and held) and join
 * the thread; on_stopped_leading runs if it was leading. Accepts NULL. */
void kube_leader_stop(kube_leader_t *l);
void kube_leader_free(kube_leader_t *l);

#endif
