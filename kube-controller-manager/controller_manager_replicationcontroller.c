/* controller_manager_replicationcontroller: ReplicationControllers, run by
 * the ReplicaSet controller's code with a map selector (as upstream). */
#include "controller_manager_replicaset.h"

static const controller_manager_rs_kind_t rc_kind = {
	.group = "", .resource = "replicationcontrollers", .api_version = "v1",
	.kind = "ReplicationController", .component = "replication-controller",
	.map_selector = true,
};

static int start_rc(controller_manager_ctx_t *ctx, void **ret_state)
{
	return controller_manager_replicaset_start_kind(ctx, &rc_kind, ctx->opts->concurrent_rc_syncs,
							ret_state);
}

const controller_manager_controller_t controller_manager_replicationcontroller_controller = {
	.name = "replicationcontroller", .default_on = true,
	.start = start_rc, .stop = controller_manager_replicaset_stop,
};
