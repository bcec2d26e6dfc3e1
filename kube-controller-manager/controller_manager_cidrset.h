/*
 * controller_manager_cidrset: upstream's cidrset for the node IPAM
 * controller: a cluster CIDR ("10.244.0.0/16" or an IPv6 one) cut into
 * node subnets of a given mask size ("/24"), handed out lowest first.
 * Subnets already on nodes are marked used (occupy) before any allocation,
 * so allocations stay consistent across restarts. At most 2^20 subnets.
 * Not thread-safe: the owner locks.
 */
#ifndef CONTROLLER_MANAGER_CIDRSET_H
#define CONTROLLER_MANAGER_CIDRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct controller_manager_cidrset controller_manager_cidrset_t;

/* -EINVAL: bad CIDR or a mask size not longer than its prefix or more
 * than 20 bits longer. */
int controller_manager_cidrset_new(const char *cidr, int mask_size, controller_manager_cidrset_t **ret);
void controller_manager_cidrset_free(controller_manager_cidrset_t *s);
/* The next free subnet ("10.244.3.0/24", kube_malloc'd), or NULL when full. */
char *controller_manager_cidrset_allocate(controller_manager_cidrset_t *s);
/* Mark subnet (or every subnet a wider CIDR overlaps) used / free.
 * Returns 0, or -ERANGE when it is outside the set, -EINVAL if malformed. */
int controller_manager_cidrset_occupy(controller_manager_cidrset_t *s, const char *cidr);
int controller_manager_cidrset_release(controller_manager_cidrset_t *s, const char *cidr);
size_t controller_manager_cidrset_used(const controller_manager_cidrset_t *s);
/* AF_INET or AF_INET6. */
int controller_manager_cidrset_family(const controller_manager_cidrset_t *s);

#endif
