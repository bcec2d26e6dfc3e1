/* controller_manager_controllers: the controller table and its names (see
 * the header). Each entry's controller lives in its own file. */
#include "controller_manager_controllers.h"

#include <string.h>

#include "controller_manager_cronjob.h"
#include "controller_manager_daemonset.h"
#include "controller_manager_deployment.h"
#include "controller_manager_endpoints.h"
#include "controller_manager_garbagecollector.h"
#include "controller_manager_job.h"
#include "controller_manager_namespace.h"
#include "controller_manager_nodeipam.h"
#include "controller_manager_nodelifecycle.h"
#include "controller_manager_podgc.h"
#include "controller_manager_replicaset.h"
#include "controller_manager_resourcequota.h"
#include "controller_manager_serviceaccount.h"
#include "controller_manager_statefulset.h"

const controller_manager_controller_t *const controller_manager_controllers[] = {
	&controller_manager_serviceaccount_controller,
	&controller_manager_namespace_controller,
	&controller_manager_garbagecollector_controller,
	&controller_manager_replicaset_controller,
	&controller_manager_replicationcontroller_controller,
	&controller_manager_deployment_controller,
	&controller_manager_daemonset_controller,
	&controller_manager_statefulset_controller,
	&controller_manager_job_controller,
	&controller_manager_cronjob_controller,
	&controller_manager_endpoints_controller,
	&controller_manager_endpointslice_controller,
	&controller_manager_nodelifecycle_controller,
	&controller_manager_nodeipam_controller,
	&controller_manager_podgc_controller,
	&controller_manager_resourcequota_controller,
	NULL,
};

/* upstream's names.go constants and app.ControllerDescriptor aliases */
static const struct {
	const char *canonical, *alias, *alias2;
} names[] = {
	{ "serviceaccount-token-controller", "serviceaccount-token", NULL },
	{ "endpoints-controller", "endpoint", "endpoints" },
	{ "endpointslice-controller", "endpointslice", NULL },
	{ "endpointslice-mirroring-controller", "endpointslicemirroring", NULL },
	{ "replicationcontroller-controller", "replicationcontroller", NULL },
	{ "pod-garbage-collector-controller", "podgc", NULL },
	{ "resourcequota-controller", "resourcequota", NULL },
	{ "namespace-controller", "namespace", NULL },
	{ "serviceaccount-controller", "serviceaccount", NULL },
	{ "garbage-collector-controller", "garbagecollector", "garbage-collector" },
	{ "daemonset-controller", "daemonset", NULL },
	{ "job-controller", "job", NULL },
	{ "deployment-controller", "deployment", NULL },
	{ "replicaset-controller", "replicaset", NULL },
	{ "horizontal-pod-autoscaler-controller", "horizontalpodautoscaling", NULL },
	{ "disruption-controller", "disruption", NULL },
	{ "statefulset-controller", "statefulset", NULL },
	{ "cronjob-controller", "cronjob", NULL },
	{ "ttl-controller", "ttl", NULL },
	{ "bootstrap-signer-controller", "bootstrapsigner", NULL },
	{ "token-cleaner-controller", "tokencleaner", NULL },
	{ "node-ipam-controller", "nodeipam", NULL },
	{ "node-lifecycle-controller", "nodelifecycle", NULL },
	{ "ttl-after-finished-controller", "ttl-after-finished", NULL },
	{ "root-ca-certificate-publisher-controller", "root-ca-cert-publisher", NULL },
	{ "ephemeral-volume-controller", "ephemeral-volume", NULL },
	{ "persistentvolume-binder-controller", "persistentvolume-binder", NULL },
	{ "persistentvolume-attach-detach-controller", "attachdetach", NULL },
	{ "persistentvolume-expander-controller", "persistentvolume-expander", NULL },
	{ "persistentvolumeclaim-protection-controller", "pvc-protection", NULL },
	{ "persistentvolume-protection-controller", "pv-protection", NULL },
	{ "clusterrole-aggregation-controller", "clusterrole-aggregation", NULL },
	{ "certificatesigningrequest-signing-controller", "csrsigning", NULL },
	{ "certificatesigningrequest-approving-controller", "csrapproving", NULL },
	{ "certificatesigningrequest-cleaner-controller", "csrcleaner", NULL },
	{ "storageversion-garbage-collector-controller", "storage-version-gc", NULL },
	{ "resourceclaim-controller", "resource-claim-controller", NULL },
	{ "legacy-serviceaccount-token-cleaner-controller", "legacy-service-account-token-cleaner", NULL },
	{ "validatingadmissionpolicy-status-controller", NULL, NULL },
	{ "service-cidr-controller", NULL, NULL },
	{ "storage-version-migrator-controller", NULL, NULL },
	{ "taint-eviction-controller", NULL, NULL },
	{ "cloud-node-lifecycle-controller", "cloud-node-lifecycle", NULL },
	{ "service-lb-controller", "service", NULL },
	{ "node-route-controller", "route", NULL },
};

const char *controller_manager_controllers_canonical(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (kube_streq(name, names[i].canonical) || kube_streq(name, names[i].alias) ||
		    kube_streq(name, names[i].alias2))
			return names[i].canonical;
	return name;
}

bool controller_manager_controllers_known(const char *word)
{
	if (kube_streq(word, "*"))
		return true;
	if (word[0] == '-')
		word++;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (kube_streq(word, names[i].canonical) || kube_streq(word, names[i].alias) ||
		    kube_streq(word, names[i].alias2))
			return true;
	return false;
}

bool controller_manager_controllers_enabled(const controller_manager_options_t *o,
					    const controller_manager_controller_t *c)
{
	const char *want = controller_manager_controllers_canonical(c->name);
	bool star = false;
	for (size_t i = 0; o->controllers && o->controllers[i]; i++) {
		const char *w = o->controllers[i];
		bool neg = w[0] == '-';
		if (kube_streq(w, "*")) {
			star = true;
			continue;
		}
		if (kube_streq(controller_manager_controllers_canonical(neg ? w + 1 : w), want))
			return !neg;
	}
	return star && c->default_on;
}
