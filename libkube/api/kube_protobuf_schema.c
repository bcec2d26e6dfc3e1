/*
 * kube_protobuf_schema: the message descriptors kube_protobuf decodes with
 * (see kube_protobuf.h), written for this project from the field numbers of
 * upstream's k8s.io/api and k8s.io/apimachinery generated.proto files. Each
 * table lists, per field number, the JSON name, type and flags; KEEP marks Go
 * pointer fields (and fields without omitempty) whose zero value must still
 * be printed. Messages are defined leaves first. Fields a table leaves out
 * are skipped by the decoder, as protobuf skips unknown fields.
 */
#include "api/kube_protobuf.h"

#include <string.h>

#define F(num, name, type, flags) { num, name, KUBE_PB_##type, flags, NULL }
#define M(num, name, msg, flags) { num, name, KUBE_PB_MESSAGE, flags, &msg }
#define INLINE(num, msg) { num, NULL, KUBE_PB_MESSAGE, KUBE_PB_INLINE, &msg }
#define REP KUBE_PB_REPEATED
#define MAP KUBE_PB_MAP
#define KEEP KUBE_PB_KEEP
#define MSG(var, ...)                                                              \
	static const kube_protobuf_field_t var##_fields[] = { __VA_ARGS__ };          \
	static const kube_protobuf_message_t var = { #var, var##_fields,              \
						     sizeof(var##_fields) / sizeof(var##_fields[0]) }

/* ---- k8s.io/apimachinery/pkg/apis/meta/v1 ---- */

MSG(OwnerReference,
    F(5, "apiVersion", STRING, 0), F(1, "kind", STRING, 0), F(3, "name", STRING, 0),
    F(4, "uid", STRING, 0), F(6, "controller", BOOL, KEEP), F(7, "blockOwnerDeletion", BOOL, KEEP));

MSG(ManagedFieldsEntry,
    F(1, "manager", STRING, 0), F(2, "operation", STRING, 0), F(3, "apiVersion", STRING, 0),
    F(4, "time", TIME, 0), F(6, "fieldsType", STRING, 0), F(7, "fieldsV1", RAWEXTENSION, 0),
    F(8, "subresource", STRING, 0));

MSG(ObjectMeta,
    F(1, "name", STRING, 0), F(2, "generateName", STRING, 0), F(3, "namespace", STRING, 0),
    F(4, "selfLink", STRING, 0), F(5, "uid", STRING, 0), F(6, "resourceVersion", STRING, 0),
    F(7, "generation", INT64, 0), F(8, "creationTimestamp", TIME, 0),
    F(9, "deletionTimestamp", TIME, 0), F(10, "deletionGracePeriodSeconds", INT64, KEEP),
    F(11, "labels", STRING, MAP), F(12, "annotations", STRING, MAP),
    M(13, "ownerReferences", OwnerReference, REP), F(14, "finalizers", STRING, REP),
    M(17, "managedFields", ManagedFieldsEntry, REP));

MSG(LabelSelectorRequirement,
    F(1, "key", STRING, 0), F(2, "operator", STRING, 0), F(3, "values", STRING, REP));

MSG(LabelSelector,
    F(1, "matchLabels", STRING, MAP), M(2, "matchExpressions", LabelSelectorRequirement, REP));

/* ---- k8s.io/api/core/v1 ---- */

MSG(LocalObjectReference, F(1, "name", STRING, 0));

MSG(ObjectReference,
    F(1, "kind", STRING, 0), F(2, "namespace", STRING, 0), F(3, "name", STRING, 0),
    F(4, "uid", STRING, 0), F(5, "apiVersion", STRING, 0), F(6, "resourceVersion", STRING, 0),
    F(7, "fieldPath", STRING, 0));

MSG(TypedLocalObjectReference,
    F(1, "apiGroup", STRING, KEEP), F(2, "kind", STRING, 0), F(3, "name", STRING, 0));

MSG(ObjectFieldSelector, F(1, "apiVersion", STRING, 0), F(2, "fieldPath", STRING, 0));

MSG(ResourceFieldSelector,
    F(1, "containerName", STRING, 0), F(2, "resource", STRING, 0), F(3, "divisor", QUANTITY, 0));

MSG(ConfigMapKeySelector,
    INLINE(1, LocalObjectReference), F(2, "key", STRING, 0), F(3, "optional", BOOL, KEEP));

MSG(SecretKeySelector,
    INLINE(1, LocalObjectReference), F(2, "key", STRING, 0), F(3, "optional", BOOL, KEEP));

MSG(EnvVarSource,
    M(1, "fieldRef", ObjectFieldSelector, 0), M(2, "resourceFieldRef", ResourceFieldSelector, 0),
    M(3, "configMapKeyRef", ConfigMapKeySelector, 0), M(4, "secretKeyRef", SecretKeySelector, 0));

MSG(EnvVar, F(1, "name", STRING, 0), F(2, "value", STRING, 0), M(3, "valueFrom", EnvVarSource, 0));

MSG(ConfigMapEnvSource, INLINE(1, LocalObjectReference), F(2, "optional", BOOL, KEEP));

MSG(SecretEnvSource, INLINE(1, LocalObjectReference), F(2, "optional", BOOL, KEEP));

MSG(EnvFromSource,
    F(1, "prefix", STRING, 0), M(2, "configMapRef", ConfigMapEnvSource, 0),
    M(3, "secretRef", SecretEnvSource, 0));

MSG(ContainerPort,
    F(1, "name", STRING, 0), F(2, "hostPort", INT32, 0), F(3, "containerPort", INT32, KEEP),
    F(4, "protocol", STRING, 0), F(5, "hostIP", STRING, 0));

MSG(ResourceRequirements, F(1, "limits", QUANTITY, MAP), F(2, "requests", QUANTITY, MAP));

MSG(VolumeMount,
    F(1, "name", STRING, 0), F(2, "readOnly", BOOL, 0), F(3, "mountPath", STRING, 0),
    F(4, "subPath", STRING, 0), F(5, "mountPropagation", STRING, KEEP), F(6, "subPathExpr", STRING, 0));

MSG(VolumeDevice, F(1, "name", STRING, 0), F(2, "devicePath", STRING, 0));

MSG(Capabilities, F(1, "add", STRING, REP), F(2, "drop", STRING, REP));

MSG(SELinuxOptions,
    F(1, "user", STRING, 0), F(2, "role", STRING, 0), F(3, "type", STRING, 0), F(4, "level", STRING, 0));

MSG(WindowsSecurityContextOptions,
    F(1, "gmsaCredentialSpecName", STRING, KEEP), F(2, "gmsaCredentialSpec", STRING, KEEP),
    F(3, "runAsUserName", STRING, KEEP));

MSG(SeccompProfile, F(1, "type", STRING, 0), F(2, "localhostProfile", STRING, KEEP));

MSG(SecurityContext,
    M(1, "capabilities", Capabilities, 0), F(2, "privileged", BOOL, KEEP),
    M(3, "seLinuxOptions", SELinuxOptions, 0), M(10, "windowsOptions", WindowsSecurityContextOptions, 0),
    F(4, "runAsUser", INT64, KEEP), F(8, "runAsGroup", INT64, KEEP), F(5, "runAsNonRoot", BOOL, KEEP),
    F(6, "readOnlyRootFilesystem", BOOL, KEEP), F(7, "allowPrivilegeEscalation", BOOL, KEEP),
    F(9, "procMount", STRING, KEEP), M(11, "seccompProfile", SeccompProfile, 0));

MSG(Sysctl, F(1, "name", STRING, 0), F(2, "value", STRING, 0));

MSG(PodSecurityContext,
    M(1, "seLinuxOptions", SELinuxOptions, 0), M(8, "windowsOptions", WindowsSecurityContextOptions, 0),
    F(2, "runAsUser", INT64, KEEP), F(6, "runAsGroup", INT64, KEEP), F(3, "runAsNonRoot", BOOL, KEEP),
    F(4, "supplementalGroups", INT64, REP), F(5, "fsGroup", INT64, KEEP), M(7, "sysctls", Sysctl, REP),
    F(9, "fsGroupChangePolicy", STRING, KEEP), M(10, "seccompProfile", SeccompProfile, 0));

MSG(ExecAction, F(1, "command", STRING, REP));
MSG(HTTPHeader, F(1, "name", STRING, 0), F(2, "value", STRING, KEEP));
MSG(HTTPGetAction,
    F(1, "path", STRING, 0), F(2, "port", INTORSTRING, 0), F(3, "host", STRING, 0),
    F(4, "scheme", STRING, 0), M(5, "httpHeaders", HTTPHeader, REP));
MSG(TCPSocketAction, F(1, "port", INTORSTRING, 0), F(2, "host", STRING, 0));
/* Handler (ProbeHandler / LifecycleHandler in newer releases, same numbers). */
MSG(Handler,
    M(1, "exec", ExecAction, 0), M(2, "httpGet", HTTPGetAction, 0), M(3, "tcpSocket", TCPSocketAction, 0));
MSG(Probe,
    INLINE(1, Handler), F(2, "initialDelaySeconds", INT32, 0), F(3, "timeoutSeconds", INT32, 0),
    F(4, "periodSeconds", INT32, 0), F(5, "successThreshold", INT32, 0), F(6, "failureThreshold", INT32, 0),
    F(7, "terminationGracePeriodSeconds", INT64, KEEP));
MSG(Lifecycle, M(1, "postStart", Handler, 0), M(2, "preStop", Handler, 0));

MSG(Container,
    F(1, "name", STRING, 0), F(2, "image", STRING, 0), F(3, "command", STRING, REP),
    F(4, "args", STRING, REP), F(5, "workingDir", STRING, 0), M(6, "ports", ContainerPort, REP),
    M(19, "envFrom", EnvFromSource, REP), M(7, "env", EnvVar, REP),
    M(8, "resources", ResourceRequirements, 0), M(9, "volumeMounts", VolumeMount, REP),
    M(21, "volumeDevices", VolumeDevice, REP), M(10, "livenessProbe", Probe, 0),
    M(11, "readinessProbe", Probe, 0), M(22, "startupProbe", Probe, 0), M(12, "lifecycle", Lifecycle, 0),
    F(13, "terminationMessagePath", STRING, 0),
    F(20, "terminationMessagePolicy", STRING, 0), F(14, "imagePullPolicy", STRING, 0),
    M(15, "securityContext", SecurityContext, 0), F(16, "stdin", BOOL, 0), F(17, "stdinOnce", BOOL, 0),
    F(18, "tty", BOOL, 0));

MSG(EmptyDirVolumeSource, F(1, "medium", STRING, 0), F(2, "sizeLimit", QUANTITY, 0));

MSG(KeyToPath, F(1, "key", STRING, 0), F(2, "path", STRING, 0), F(3, "mode", INT32, KEEP));

MSG(SecretVolumeSource,
    F(1, "secretName", STRING, 0), M(2, "items", KeyToPath, REP), F(3, "defaultMode", INT32, KEEP),
    F(4, "optional", BOOL, KEEP));

MSG(ConfigMapVolumeSource,
    INLINE(1, LocalObjectReference), M(2, "items", KeyToPath, REP), F(3, "defaultMode", INT32, KEEP),
    F(4, "optional", BOOL, KEEP));

MSG(HostPathVolumeSource, F(1, "path", STRING, 0), F(2, "type", STRING, KEEP));

MSG(DownwardAPIVolumeFile,
    F(1, "path", STRING, 0), M(2, "fieldRef", ObjectFieldSelector, 0),
    M(3, "resourceFieldRef", ResourceFieldSelector, 0), F(4, "mode", INT32, KEEP));
MSG(DownwardAPIVolumeSource, M(1, "items", DownwardAPIVolumeFile, REP), F(2, "defaultMode", INT32, KEEP));
MSG(DownwardAPIProjection, M(1, "items", DownwardAPIVolumeFile, REP));
MSG(SecretProjection,
    INLINE(1, LocalObjectReference), M(2, "items", KeyToPath, REP), F(4, "optional", BOOL, KEEP));
MSG(ConfigMapProjection,
    INLINE(1, LocalObjectReference), M(2, "items", KeyToPath, REP), F(4, "optional", BOOL, KEEP));
MSG(ServiceAccountTokenProjection,
    F(1, "audience", STRING, 0), F(2, "expirationSeconds", INT64, KEEP), F(3, "path", STRING, 0));
MSG(VolumeProjection,
    M(1, "secret", SecretProjection, 0), M(2, "downwardAPI", DownwardAPIProjection, 0),
    M(3, "configMap", ConfigMapProjection, 0), M(4, "serviceAccountToken", ServiceAccountTokenProjection, 0));
MSG(ProjectedVolumeSource, M(1, "sources", VolumeProjection, REP), F(2, "defaultMode", INT32, KEEP));

MSG(NFSVolumeSource, F(1, "server", STRING, 0), F(2, "path", STRING, 0), F(3, "readOnly", BOOL, 0));

MSG(PersistentVolumeClaimVolumeSource, F(1, "claimName", STRING, 0), F(2, "readOnly", BOOL, 0));

MSG(VolumeSource,
    M(1, "hostPath", HostPathVolumeSource, 0), M(2, "emptyDir", EmptyDirVolumeSource, 0),
    M(16, "downwardAPI", DownwardAPIVolumeSource, 0), M(26, "projected", ProjectedVolumeSource, 0), M(6, "secret", SecretVolumeSource, 0),
    M(7, "nfs", NFSVolumeSource, 0), M(10, "persistentVolumeClaim", PersistentVolumeClaimVolumeSource, 0),
    M(19, "configMap", ConfigMapVolumeSource, 0));

MSG(Volume, F(1, "name", STRING, 0), INLINE(2, VolumeSource));

MSG(Toleration,
    F(1, "key", STRING, 0), F(2, "operator", STRING, 0), F(3, "value", STRING, 0),
    F(4, "effect", STRING, 0), F(5, "tolerationSeconds", INT64, KEEP));

MSG(NodeSelectorRequirement,
    F(1, "key", STRING, 0), F(2, "operator", STRING, 0), F(3, "values", STRING, REP));

MSG(NodeSelectorTerm,
    M(1, "matchExpressions", NodeSelectorRequirement, REP), M(2, "matchFields", NodeSelectorRequirement, REP));

MSG(NodeSelector, M(1, "nodeSelectorTerms", NodeSelectorTerm, REP));

MSG(PreferredSchedulingTerm, F(1, "weight", INT32, KEEP), M(2, "preference", NodeSelectorTerm, 0));

MSG(NodeAffinity,
    M(1, "requiredDuringSchedulingIgnoredDuringExecution", NodeSelector, 0),
    M(2, "preferredDuringSchedulingIgnoredDuringExecution", PreferredSchedulingTerm, REP));

MSG(PodAffinityTerm,
    M(1, "labelSelector", LabelSelector, 0), F(2, "namespaces", STRING, REP),
    F(3, "topologyKey", STRING, 0), M(4, "namespaceSelector", LabelSelector, 0));

MSG(WeightedPodAffinityTerm, F(1, "weight", INT32, KEEP), M(2, "podAffinityTerm", PodAffinityTerm, 0));

MSG(PodAffinity,
    M(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm, REP),
    M(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm, REP));

MSG(Affinity,
    M(1, "nodeAffinity", NodeAffinity, 0), M(2, "podAffinity", PodAffinity, 0),
    M(3, "podAntiAffinity", PodAffinity, 0));

MSG(PodDNSConfigOption, F(1, "name", STRING, 0), F(2, "value", STRING, KEEP));

MSG(PodDNSConfig,
    F(1, "nameservers", STRING, REP), F(2, "searches", STRING, REP), M(3, "options", PodDNSConfigOption, REP));

MSG(HostAlias, F(1, "ip", STRING, 0), F(2, "hostnames", STRING, REP));

MSG(PodReadinessGate, F(1, "conditionType", STRING, 0));

MSG(TopologySpreadConstraint,
    F(1, "maxSkew", INT32, KEEP), F(2, "topologyKey", STRING, 0), F(3, "whenUnsatisfiable", STRING, 0),
    M(4, "labelSelector", LabelSelector, 0));

MSG(PodSpec,
    M(1, "volumes", Volume, REP), M(20, "initContainers", Container, REP), M(2, "containers", Container, REP),
    F(3, "restartPolicy", STRING, 0), F(4, "terminationGracePeriodSeconds", INT64, KEEP),
    F(5, "activeDeadlineSeconds", INT64, KEEP), F(6, "dnsPolicy", STRING, 0),
    F(7, "nodeSelector", STRING, MAP), F(8, "serviceAccountName", STRING, 0),
    F(9, "serviceAccount", STRING, 0), F(21, "automountServiceAccountToken", BOOL, KEEP),
    F(10, "nodeName", STRING, 0), F(11, "hostNetwork", BOOL, 0), F(12, "hostPID", BOOL, 0),
    F(13, "hostIPC", BOOL, 0), F(27, "shareProcessNamespace", BOOL, KEEP),
    M(14, "securityContext", PodSecurityContext, 0), M(15, "imagePullSecrets", LocalObjectReference, REP),
    F(16, "hostname", STRING, 0), F(17, "subdomain", STRING, 0), M(18, "affinity", Affinity, 0),
    F(19, "schedulerName", STRING, 0), M(22, "tolerations", Toleration, REP),
    M(23, "hostAliases", HostAlias, REP),
    F(24, "priorityClassName", STRING, 0), F(25, "priority", INT32, KEEP),
    M(26, "dnsConfig", PodDNSConfig, 0), M(28, "readinessGates", PodReadinessGate, REP),
    F(29, "runtimeClassName", STRING, KEEP), F(30, "enableServiceLinks", BOOL, KEEP),
    F(31, "preemptionPolicy", STRING, KEEP), F(32, "overhead", QUANTITY, MAP),
    M(33, "topologySpreadConstraints", TopologySpreadConstraint, REP),
    F(35, "setHostnameAsFQDN", BOOL, KEEP));

MSG(PodTemplateSpec, M(1, "metadata", ObjectMeta, 0), M(2, "spec", PodSpec, 0));

MSG(Pod, M(1, "metadata", ObjectMeta, 0), M(2, "spec", PodSpec, 0));
MSG(PodTemplate, M(1, "metadata", ObjectMeta, 0), M(2, "template", PodTemplateSpec, 0));
MSG(ReplicationControllerSpec,
    F(1, "replicas", INT32, KEEP), F(4, "minReadySeconds", INT32, 0), F(2, "selector", STRING, MAP),
    M(3, "template", PodTemplateSpec, 0));
MSG(ReplicationController, M(1, "metadata", ObjectMeta, 0), M(2, "spec", ReplicationControllerSpec, 0));

MSG(Namespace_spec, F(1, "finalizers", STRING, REP));
MSG(Namespace, M(1, "metadata", ObjectMeta, 0), M(2, "spec", Namespace_spec, 0));

MSG(ConfigMap,
    M(1, "metadata", ObjectMeta, 0), F(4, "immutable", BOOL, KEEP), F(2, "data", STRING, MAP),
    F(3, "binaryData", BYTES, MAP));

MSG(Secret,
    M(1, "metadata", ObjectMeta, 0), F(5, "immutable", BOOL, KEEP), F(2, "data", BYTES, MAP),
    F(4, "stringData", STRING, MAP), F(3, "type", STRING, 0));

MSG(ServiceAccount,
    M(1, "metadata", ObjectMeta, 0), M(2, "secrets", ObjectReference, REP),
    M(3, "imagePullSecrets", LocalObjectReference, REP), F(4, "automountServiceAccountToken", BOOL, KEEP));

MSG(ServicePort,
    F(1, "name", STRING, 0), F(2, "protocol", STRING, 0), F(6, "appProtocol", STRING, KEEP),
    F(3, "port", INT32, KEEP), F(4, "targetPort", INTORSTRING, 0), F(5, "nodePort", INT32, 0));

MSG(ClientIPConfig, F(1, "timeoutSeconds", INT32, KEEP));
MSG(SessionAffinityConfig, M(1, "clientIP", ClientIPConfig, 0));

MSG(ServiceSpec,
    M(1, "ports", ServicePort, REP), F(2, "selector", STRING, MAP), F(3, "clusterIP", STRING, 0),
    F(18, "clusterIPs", STRING, REP), F(4, "type", STRING, 0), F(5, "externalIPs", STRING, REP),
    F(7, "sessionAffinity", STRING, 0), F(8, "loadBalancerIP", STRING, 0),
    F(9, "loadBalancerSourceRanges", STRING, REP), F(10, "externalName", STRING, 0),
    F(11, "externalTrafficPolicy", STRING, 0), F(12, "healthCheckNodePort", INT32, 0),
    F(13, "publishNotReadyAddresses", BOOL, 0), M(14, "sessionAffinityConfig", SessionAffinityConfig, 0),
    F(19, "ipFamilies", STRING, REP), F(17, "ipFamilyPolicy", STRING, KEEP),
    F(20, "allocateLoadBalancerNodePorts", BOOL, KEEP), F(21, "loadBalancerClass", STRING, KEEP),
    F(22, "internalTrafficPolicy", STRING, KEEP));

MSG(Service, M(1, "metadata", ObjectMeta, 0), M(2, "spec", ServiceSpec, 0));

MSG(ScopedResourceSelectorRequirement,
    F(1, "scopeName", STRING, 0), F(2, "operator", STRING, 0), F(3, "values", STRING, REP));
MSG(ScopeSelector, M(1, "matchExpressions", ScopedResourceSelectorRequirement, REP));
MSG(ResourceQuotaSpec,
    F(1, "hard", QUANTITY, MAP), F(2, "scopes", STRING, REP), M(3, "scopeSelector", ScopeSelector, 0));
MSG(ResourceQuota, M(1, "metadata", ObjectMeta, 0), M(2, "spec", ResourceQuotaSpec, 0));

/* ---- apps/v1 ---- */

MSG(RollingUpdateDeployment, F(1, "maxUnavailable", INTORSTRING, 0), F(2, "maxSurge", INTORSTRING, 0));
MSG(DeploymentStrategy, F(1, "type", STRING, 0), M(2, "rollingUpdate", RollingUpdateDeployment, 0));
MSG(DeploymentSpec,
    F(1, "replicas", INT32, KEEP), M(2, "selector", LabelSelector, 0), M(3, "template", PodTemplateSpec, 0),
    M(4, "strategy", DeploymentStrategy, 0), F(5, "minReadySeconds", INT32, 0),
    F(6, "revisionHistoryLimit", INT32, KEEP), F(7, "paused", BOOL, 0),
    F(9, "progressDeadlineSeconds", INT32, KEEP));
MSG(Deployment, M(1, "metadata", ObjectMeta, 0), M(2, "spec", DeploymentSpec, 0));
MSG(RollingUpdateDaemonSet, F(1, "maxUnavailable", INTORSTRING, 0), F(2, "maxSurge", INTORSTRING, 0));
MSG(DaemonSetUpdateStrategy, F(1, "type", STRING, 0), M(2, "rollingUpdate", RollingUpdateDaemonSet, 0));
MSG(DaemonSetSpec,
    M(1, "selector", LabelSelector, 0), M(2, "template", PodTemplateSpec, 0),
    M(3, "updateStrategy", DaemonSetUpdateStrategy, 0), F(4, "minReadySeconds", INT32, 0),
    F(6, "revisionHistoryLimit", INT32, KEEP));
MSG(DaemonSet, M(1, "metadata", ObjectMeta, 0), M(2, "spec", DaemonSetSpec, 0));
MSG(ReplicaSetSpec,
    F(1, "replicas", INT32, KEEP), F(4, "minReadySeconds", INT32, 0), M(2, "selector", LabelSelector, 0),
    M(3, "template", PodTemplateSpec, 0));
MSG(ReplicaSet, M(1, "metadata", ObjectMeta, 0), M(2, "spec", ReplicaSetSpec, 0));
/* volumeClaimTemplates (4) is not described: PersistentVolumeClaim is not in this table. */
MSG(RollingUpdateStatefulSetStrategy, F(1, "partition", INT32, KEEP), F(2, "maxUnavailable", INTORSTRING, 0));
MSG(StatefulSetUpdateStrategy, F(1, "type", STRING, 0), M(2, "rollingUpdate", RollingUpdateStatefulSetStrategy, 0));
MSG(StatefulSetPersistentVolumeClaimRetentionPolicy, F(1, "whenDeleted", STRING, 0), F(2, "whenScaled", STRING, 0));
MSG(StatefulSetSpec,
    F(1, "replicas", INT32, KEEP), M(2, "selector", LabelSelector, 0), M(3, "template", PodTemplateSpec, 0),
    F(5, "serviceName", STRING, 0), F(6, "podManagementPolicy", STRING, 0),
    M(7, "updateStrategy", StatefulSetUpdateStrategy, 0), F(8, "revisionHistoryLimit", INT32, KEEP),
    F(9, "minReadySeconds", INT32, 0),
    M(10, "persistentVolumeClaimRetentionPolicy", StatefulSetPersistentVolumeClaimRetentionPolicy, 0));
MSG(StatefulSet, M(1, "metadata", ObjectMeta, 0), M(2, "spec", StatefulSetSpec, 0));

/* ---- batch/v1 ---- */

MSG(JobSpec,
    F(1, "parallelism", INT32, KEEP), F(2, "completions", INT32, KEEP),
    F(3, "activeDeadlineSeconds", INT64, KEEP), F(7, "backoffLimit", INT32, KEEP),
    F(12, "backoffLimitPerIndex", INT32, KEEP), F(13, "maxFailedIndexes", INT32, KEEP),
    M(4, "selector", LabelSelector, 0), F(5, "manualSelector", BOOL, KEEP),
    M(6, "template", PodTemplateSpec, 0), F(8, "ttlSecondsAfterFinished", INT32, KEEP),
    F(9, "completionMode", STRING, KEEP), F(10, "suspend", BOOL, KEEP),
    F(14, "podReplacementPolicy", STRING, KEEP), F(15, "managedBy", STRING, KEEP));
MSG(Job, M(1, "metadata", ObjectMeta, 0), M(2, "spec", JobSpec, 0));
MSG(JobTemplateSpec, M(1, "metadata", ObjectMeta, 0), M(2, "spec", JobSpec, 0));
MSG(CronJobSpec,
    F(1, "schedule", STRING, 0), F(8, "timeZone", STRING, KEEP), F(2, "startingDeadlineSeconds", INT64, KEEP),
    F(3, "concurrencyPolicy", STRING, 0), F(4, "suspend", BOOL, KEEP), M(5, "jobTemplate", JobTemplateSpec, 0),
    F(6, "successfulJobsHistoryLimit", INT32, KEEP), F(7, "failedJobsHistoryLimit", INT32, KEEP));
MSG(CronJob, M(1, "metadata", ObjectMeta, 0), M(2, "spec", CronJobSpec, 0));

/* ---- rbac.authorization.k8s.io/v1 ---- */

MSG(PolicyRule,
    F(1, "verbs", STRING, REP), F(2, "apiGroups", STRING, REP), F(3, "resources", STRING, REP),
    F(4, "resourceNames", STRING, REP), F(5, "nonResourceURLs", STRING, REP));
MSG(Subject,
    F(1, "kind", STRING, 0), F(2, "apiGroup", STRING, 0), F(3, "name", STRING, 0), F(4, "namespace", STRING, 0));
MSG(RoleRef, F(1, "apiGroup", STRING, 0), F(2, "kind", STRING, 0), F(3, "name", STRING, 0));
MSG(AggregationRule, M(1, "clusterRoleSelectors", LabelSelector, REP));
MSG(Role, M(1, "metadata", ObjectMeta, 0), M(2, "rules", PolicyRule, REP));
MSG(ClusterRole,
    M(1, "metadata", ObjectMeta, 0), M(2, "rules", PolicyRule, REP), M(3, "aggregationRule", AggregationRule, 0));
MSG(RoleBinding, M(1, "metadata", ObjectMeta, 0), M(2, "subjects", Subject, REP), M(3, "roleRef", RoleRef, 0));

/* ---- policy/v1 ---- */

MSG(PodDisruptionBudgetSpec,
    F(1, "minAvailable", INTORSTRING, 0), M(2, "selector", LabelSelector, 0),
    F(3, "maxUnavailable", INTORSTRING, 0));
MSG(PodDisruptionBudget, M(1, "metadata", ObjectMeta, 0), M(2, "spec", PodDisruptionBudgetSpec, 0));

/* ---- scheduling.k8s.io/v1 ---- */

MSG(PriorityClass,
    M(1, "metadata", ObjectMeta, 0), F(2, "value", INT32, KEEP), F(3, "globalDefault", BOOL, 0),
    F(4, "description", STRING, 0), F(5, "preemptionPolicy", STRING, KEEP));

/* ---- networking.k8s.io/v1 ---- */

MSG(ServiceBackendPort, F(1, "name", STRING, 0), F(2, "number", INT32, 0));
MSG(IngressServiceBackend, F(1, "name", STRING, 0), M(2, "port", ServiceBackendPort, 0));
MSG(IngressBackend, M(4, "service", IngressServiceBackend, 0), M(3, "resource", TypedLocalObjectReference, 0));
MSG(HTTPIngressPath, F(1, "path", STRING, 0), F(3, "pathType", STRING, KEEP), M(2, "backend", IngressBackend, 0));
MSG(HTTPIngressRuleValue, M(1, "paths", HTTPIngressPath, REP));
MSG(IngressRuleValue, M(1, "http", HTTPIngressRuleValue, 0));
MSG(IngressRule, F(1, "host", STRING, 0), INLINE(2, IngressRuleValue));
MSG(IngressTLS, F(1, "hosts", STRING, REP), F(2, "secretName", STRING, 0));
MSG(IngressSpec,
    F(4, "ingressClassName", STRING, KEEP), M(1, "defaultBackend", IngressBackend, 0),
    M(2, "tls", IngressTLS, REP), M(3, "rules", IngressRule, REP));
MSG(Ingress, M(1, "metadata", ObjectMeta, 0), M(2, "spec", IngressSpec, 0));

/* ---- authentication.k8s.io/v1 ---- */

MSG(BoundObjectReference,
    F(1, "kind", STRING, 0), F(2, "apiVersion", STRING, 0), F(3, "name", STRING, 0), F(4, "uid", STRING, 0));
MSG(TokenRequestSpec,
    F(1, "audiences", STRING, REP), F(4, "expirationSeconds", INT64, KEEP),
    M(3, "boundObjectRef", BoundObjectReference, 0));
MSG(TokenRequest, M(1, "metadata", ObjectMeta, 0), M(2, "spec", TokenRequestSpec, 0));

/* ---- autoscaling/v1 ---- */

MSG(CrossVersionObjectReference,
    F(1, "kind", STRING, 0), F(2, "name", STRING, 0), F(3, "apiVersion", STRING, 0));
MSG(HorizontalPodAutoscalerSpec,
    M(1, "scaleTargetRef", CrossVersionObjectReference, 0), F(2, "minReplicas", INT32, KEEP),
    F(3, "maxReplicas", INT32, KEEP), F(4, "targetCPUUtilizationPercentage", INT32, KEEP));
MSG(HorizontalPodAutoscaler, M(1, "metadata", ObjectMeta, 0), M(2, "spec", HorizontalPodAutoscalerSpec, 0));

/* ---- authorization.k8s.io/v1 ---- */

MSG(ResourceAttributes,
    F(1, "namespace", STRING, 0), F(2, "verb", STRING, 0), F(3, "group", STRING, 0),
    F(4, "version", STRING, 0), F(5, "resource", STRING, 0), F(6, "subresource", STRING, 0),
    F(7, "name", STRING, 0));
MSG(NonResourceAttributes, F(1, "path", STRING, 0), F(2, "verb", STRING, 0));
MSG(SelfSubjectAccessReviewSpec,
    M(1, "resourceAttributes", ResourceAttributes, 0), M(2, "nonResourceAttributes", NonResourceAttributes, 0));
MSG(SelfSubjectAccessReview, M(1, "metadata", ObjectMeta, 0), M(2, "spec", SelfSubjectAccessReviewSpec, 0));

/* ---- lookup ---- */

static const struct {
	const char *api_version;
	const char *kind;
	const kube_protobuf_message_t *message;
} kinds[] = {
	{ "v1", "Namespace", &Namespace },
	{ "v1", "ConfigMap", &ConfigMap },
	{ "v1", "Secret", &Secret },
	{ "v1", "Service", &Service },
	{ "v1", "ServiceAccount", &ServiceAccount },
	{ "v1", "ResourceQuota", &ResourceQuota },
	{ "v1", "Pod", &Pod },
	{ "v1", "PodTemplate", &PodTemplate },
	{ "v1", "ReplicationController", &ReplicationController },
	{ "apps/v1", "Deployment", &Deployment },
	{ "apps/v1", "ReplicaSet", &ReplicaSet },
	{ "apps/v1", "DaemonSet", &DaemonSet },
	{ "apps/v1", "StatefulSet", &StatefulSet },
	{ "batch/v1", "Job", &Job },
	{ "batch/v1", "CronJob", &CronJob },
	{ "rbac.authorization.k8s.io/v1", "Role", &Role },
	{ "rbac.authorization.k8s.io/v1", "ClusterRole", &ClusterRole },
	{ "rbac.authorization.k8s.io/v1", "RoleBinding", &RoleBinding },
	{ "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &RoleBinding },
	{ "policy/v1", "PodDisruptionBudget", &PodDisruptionBudget },
	{ "scheduling.k8s.io/v1", "PriorityClass", &PriorityClass },
	{ "networking.k8s.io/v1", "Ingress", &Ingress },
	{ "authentication.k8s.io/v1", "TokenRequest", &TokenRequest },
	{ "autoscaling/v1", "HorizontalPodAutoscaler", &HorizontalPodAutoscaler },
	{ "authorization.k8s.io/v1", "SelfSubjectAccessReview", &SelfSubjectAccessReview },
};

const kube_protobuf_message_t *kube_protobuf_schema_lookup(const char *api_version, const char *kind)
{
	if (!api_version || !kind)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].api_version, api_version) == 0 && strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].message;
	return NULL;
}
