/* controller_manager_rollout: deployment arithmetic (see the header). */
#include "controller_manager_rollout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"
#include "core/kube_core.h"

static const char safe_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

void controller_manager_rollout_safe_encode(const char *in, char *out, size_t size)
{
	size_t i = 0;
	if (!size)
		return;
	for (; in[i] && i + 1 < size; i++)
		out[i] = safe_alphabet[(unsigned char)in[i] % (sizeof(safe_alphabet) - 1)];
	out[i] = '\0';
}

static uint32_t fnv32a(uint32_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void controller_manager_rollout_normalize(cJSON *v)
{
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return;
	cJSON *c = v->child;
	while (c) {
		cJSON *next = c->next;
		controller_manager_rollout_normalize(c);
		bool drop = cJSON_IsNull(c) ||
			    ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !c->child) ||
			    (cJSON_IsObject(v) && c->string && c->string[0] == '$');
		/* array elements keep their positions (only empty containers inside go) */
		if (drop && cJSON_IsObject(v))
			cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
		c = next;
	}
}

static cJSON *normalized_sans_hash(const cJSON *t)
{
	cJSON *d = t ? kube_json_dup(t) : cJSON_CreateObject();
	kube_json_delete(d, "metadata.labels.pod-template-hash");
	controller_manager_rollout_normalize(d);
	return d;
}

bool controller_manager_rollout_template_equal(const cJSON *a, const cJSON *b)
{
	cJSON *x = normalized_sans_hash(a), *y = normalized_sans_hash(b);
	bool eq = kube_json_equal(x, y);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

void controller_manager_rollout_hash(const cJSON *template_, int64_t collision_count, char out[16])
{
	cJSON *t = normalized_sans_hash(template_);
	char *s = kube_json_canonical(t);
	cJSON_Delete(t);
	uint32_t h = fnv32a(2166136261u, s, strlen(s));
	kube_free(s);
	if (collision_count >= 0) {
		/* binary.LittleEndian.PutUint32 into an 8-byte slice */
		unsigned char b[8] = { 0 };
		uint32_t c = (uint32_t)collision_count;
		for (int i = 0; i < 4; i++)
			b[i] = (unsigned char)(c >> (8 * i));
		h = fnv32a(h, b, sizeof(b));
	}
	char dec[16];
	snprintf(dec, sizeof(dec), "%u", h);
	controller_manager_rollout_safe_encode(dec, out, 16);
}

int controller_manager_rollout_scaled(const cJSON *v, int64_t def, int64_t total, bool round_up,
				      int64_t *ret)
{
	if (!v || cJSON_IsNull(v)) {
		*ret = def;
		return 0;
	}
	if (cJSON_IsNumber(v)) {
		*ret = (int64_t)v->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(v))
		return -EINVAL;
	const char *s = v->valuestring;
	size_t len = strlen(s);
	if (len < 2 || s[len - 1] != '%')
		return -EINVAL;
	char *end;
	errno = 0;
	long long pct = strtoll(s, &end, 10);
	if (errno || end != s + len - 1)
		return -EINVAL;
	double x = (double)pct * (double)total / 100.0;
	*ret = (int64_t)(round_up ? ceil(x) : floor(x));
	return 0;
}

int controller_manager_rollout_fenceposts(const cJSON *max_surge, const cJSON *max_unavailable,
					  int64_t desired, int64_t *ret_surge,
					  int64_t *ret_unavailable)
{
	int64_t s, u;
	if (controller_manager_rollout_scaled(max_surge, 0, desired, true, &s) < 0 ||
	    controller_manager_rollout_scaled(max_unavailable, 0, desired, false, &u) < 0)
		return -EINVAL;
	if (s == 0 && u == 0)
		u = 1;
	*ret_surge = s;
	*ret_unavailable = u;
	return 0;
}

int controller_manager_rollout_from_deployment(const cJSON *deploy, controller_manager_rollout_t *ret)
{
	controller_manager_rollout_t d = { 0 };
	d.replicas = kube_json_get_int64(deploy, "spec.replicas", 1);
	d.status_replicas = kube_json_get_int64(deploy, "status.replicas", 0);
	d.recreate = kube_streq(kube_json_get_str(deploy, "spec.strategy.type"), "Recreate");
	if (!d.recreate) {
		cJSON *pct = cJSON_CreateString("25%");
		const cJSON *ms = kube_json_get(deploy, "spec.strategy.rollingUpdate.maxSurge");
		const cJSON *mu = kube_json_get(deploy, "spec.strategy.rollingUpdate.maxUnavailable");
		int r = controller_manager_rollout_fenceposts(ms ? ms : pct, mu ? mu : pct, d.replicas,
							      &d.max_surge, &d.max_unavailable);
		cJSON_Delete(pct);
		if (r < 0)
			return r;
		/* MaxUnavailable(): 0 for no replicas, capped at replicas */
		if (d.replicas == 0)
			d.max_unavailable = 0;
		else if (d.max_unavailable > d.replicas)
			d.max_unavailable = d.replicas;
	}
	*ret = d;
	return 0;
}

static int64_t sum_replicas(const controller_manager_rs_t *all, size_t n)
{
	int64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += all[i].replicas;
	return s;
}

int64_t controller_manager_rollout_new_rs_replicas(const controller_manager_rollout_t *d,
						   const controller_manager_rs_t *all, size_t n,
						   size_t new_idx)
{
	const controller_manager_rs_t *nrs = &all[new_idx];
	if (d->recreate)
		return d->replicas;
	int64_t current = sum_replicas(all, n);
	int64_t max_total = d->replicas + d->max_surge;
	if (current >= max_total)
		return nrs->replicas;
	int64_t up = max_total - current;
	up = KUBE_MIN(up, d->replicas - nrs->replicas);
	return nrs->replicas + up;
}

/* ReplicaSetsByCreationTimestamp: older first, then by name. */
static int cmp_by_age(const void *a, const void *b)
{
	const controller_manager_rs_t *x = *(controller_manager_rs_t *const *)a;
	const controller_manager_rs_t *y = *(controller_manager_rs_t *const *)b;
	if (x->created_ns != y->created_ns)
		return x->created_ns < y->created_ns ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_size_newer(const void *a, const void *b)
{
	const controller_manager_rs_t *x = *(controller_manager_rs_t *const *)a;
	const controller_manager_rs_t *y = *(controller_manager_rs_t *const *)b;
	if (x->replicas != y->replicas)
		return x->replicas > y->replicas ? -1 : 1;
	return -cmp_by_age(a, b);
}

static int cmp_size_older(const void *a, const void *b)
{
	const controller_manager_rs_t *x = *(controller_manager_rs_t *const *)a;
	const controller_manager_rs_t *y = *(controller_manager_rs_t *const *)b;
	if (x->replicas != y->replicas)
		return x->replicas > y->replicas ? -1 : 1;
	return cmp_by_age(a, b);
}

int64_t controller_manager_rollout_scale_down_old(const controller_manager_rollout_t *d,
						  controller_manager_rs_t *all, size_t n,
						  size_t new_idx)
{
	for (size_t i = 0; i < n; i++)
		all[i].target = all[i].replicas;
	controller_manager_rs_t **old = kube_calloc(n ? n : 1, sizeof(*old));
	size_t nold = 0;
	int64_t old_count = 0;
	for (size_t i = 0; i < n; i++)
		if (i != new_idx) {
			old[nold++] = &all[i];
			old_count += all[i].replicas;
		}
	int64_t total = 0;
	if (old_count == 0)
		goto out;
	int64_t all_count = sum_replicas(all, n);
	int64_t min_available = d->replicas - d->max_unavailable;
	int64_t new_unavailable = new_idx < n ? all[new_idx].replicas - all[new_idx].available : 0;
	int64_t max_scaled_down = all_count - min_available - new_unavailable;
	if (max_scaled_down <= 0)
		goto out;
	qsort(old, nold, sizeof(*old), cmp_by_age);
	/* cleanupUnhealthyReplicas */
	for (size_t i = 0; i < nold && total < max_scaled_down; i++) {
		controller_manager_rs_t *rs = old[i];
		if (rs->target == 0 || rs->available == rs->target)
			continue;
		int64_t down = KUBE_MIN(max_scaled_down - total, rs->target - rs->available);
		if (down <= 0)
			continue;
		rs->target -= down;
		total += down;
	}
	/* scaleDownOldReplicaSetsForRollingUpdate */
	int64_t available = 0;
	for (size_t i = 0; i < n; i++)
		available += all[i].available;
	if (available > min_available) {
		int64_t want = available - min_available, done = 0;
		for (size_t i = 0; i < nold && done < want; i++) {
			controller_manager_rs_t *rs = old[i];
			if (rs->target == 0)
				continue;
			int64_t down = KUBE_MIN(rs->target, want - done);
			rs->target -= down;
			done += down;
		}
		total += done;
	}
out:
	kube_free(old);
	return total;
}

bool controller_manager_rollout_saturated(const controller_manager_rollout_t *d,
					  const controller_manager_rs_t *rs)
{
	return rs && rs->replicas == d->replicas && rs->desired == d->replicas &&
	       rs->available == d->replicas;
}

/* getReplicaSetFraction + GetProportion */
static int64_t proportion(const controller_manager_rollout_t *d, const controller_manager_rs_t *rs,
			  int64_t to_add, int64_t added)
{
	if (rs->replicas == 0 || to_add == 0 || to_add == added)
		return 0;
	int64_t fraction;
	if (d->replicas == 0) {
		fraction = -rs->replicas;
	} else {
		int64_t dep = d->replicas + d->max_surge;
		int64_t annotated = rs->max_replicas >= 0 ? rs->max_replicas : d->status_replicas;
		double size = annotated ? (double)(rs->replicas * dep) / (double)annotated : 0;
		fraction = (int64_t)round(size) - rs->replicas;
	}
	int64_t allowed = to_add - added;
	return to_add > 0 ? KUBE_MIN(fraction, allowed) : KUBE_MAX(fraction, allowed);
}

bool controller_manager_rollout_scale(const controller_manager_rollout_t *d,
				      controller_manager_rs_t *all, size_t n, size_t new_idx)
{
	bool changed = false;
	for (size_t i = 0; i < n; i++)
		all[i].target = all[i].replicas;
	if (n == 0)
		return false;
	/* FindActiveOrLatest */
	size_t nactive = 0, active = n;
	for (size_t i = 0; i < n; i++)
		if (all[i].replicas > 0) {
			nactive++;
			active = i;
		}
	if (nactive <= 1) {
		if (nactive == 0) {
			if (new_idx < n) {
				active = new_idx;
			} else {
				active = 0; /* the newest old one */
				for (size_t i = 1; i < n; i++)
					if (cmp_by_age(&(controller_manager_rs_t *){ &all[i] },
						       &(controller_manager_rs_t *){ &all[active] }) > 0)
						active = i;
			}
		}
		all[active].target = d->replicas;
		return all[active].replicas != d->replicas;
	}
	if (new_idx < n && controller_manager_rollout_saturated(d, &all[new_idx])) {
		for (size_t i = 0; i < n; i++)
			if (i != new_idx && all[i].replicas > 0) {
				all[i].target = 0;
				changed = true;
			}
		return changed;
	}
	if (d->recreate)
		return false;
	controller_manager_rs_t **act = kube_calloc(n, sizeof(*act));
	size_t na = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].replicas > 0)
			act[na++] = &all[i];
	int64_t cur = 0;
	for (size_t i = 0; i < na; i++)
		cur += act[i]->replicas;
	int64_t allowed = d->replicas > 0 ? d->replicas + d->max_surge : 0;
	int64_t to_add = allowed - cur, added = 0;
	if (to_add > 0)
		qsort(act, na, sizeof(*act), cmp_size_newer);
	else if (to_add < 0)
		qsort(act, na, sizeof(*act), cmp_size_older);
	for (size_t i = 0; i < na; i++) {
		if (to_add == 0)
			continue;
		int64_t p = proportion(d, act[i], to_add, added);
		act[i]->target = act[i]->replicas + p;
		added += p;
	}
	if (na && to_add != 0) {
		act[0]->target += to_add - added;
		if (act[0]->target < 0)
			act[0]->target = 0;
	}
	for (size_t i = 0; i < na; i++)
		if (act[i]->target != act[i]->replicas)
			changed = true;
	kube_free(act);
	return changed;
}
