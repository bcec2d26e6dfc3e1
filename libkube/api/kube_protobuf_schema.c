/*
 * kube_protobuf_schema: the message descriptors kube_protobuf decodes with
 * (see kube_protobuf.h), written for this project from the field numbers of
 * upstream's k8s.io/api and k8s.io/apimachinery generated.proto files. Each
 * table lists, per field number, the JSON name, type and flags; KEEP marks Go
 * pointer fields (and fields without omitempty) whose zero value must still
 * be printed. Messages are defined leaves first. Fields a table leaves out
 * are skipped by the decoder, as protobuf skips unknown fields.
 *
 * The same tables are the project's schema for OpenAPI, field validation,
 * strategic merge patch and server-side apply (kube_schema.h adds notes on
 * top: descriptions, required fields, enums, merge keys). Further down are
 * kinds no client sends as protobuf, status messages (OpenAPI only) and the
 * upstream definition name of every message.
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

MSG(AppArmorProfile, F(1, "type", STRING, 0), F(2, "localhostProfile", STRING, KEEP));

MSG(SecurityContext,
    M(1, "capabilities", Capabilities, 0), F(2, "privileged", BOOL, KEEP),
    M(3, "seLinuxOptions", SELinuxOptions, 0), M(10, "windowsOptions", WindowsSecurityContextOptions, 0),
    F(4, "runAsUser", INT64, KEEP), F(8, "runAsGroup", INT64, KEEP), F(5, "runAsNonRoot", BOOL, KEEP),
    F(6, "readOnlyRootFilesystem", BOOL, KEEP), F(7, "allowPrivilegeEscalation", BOOL, KEEP),
    F(9, "procMount", STRING, KEEP), M(11, "seccompProfile", SeccompProfile, 0),
    M(12, "appArmorProfile", AppArmorProfile, 0));

MSG(Sysctl, F(1, "name", STRING, 0), F(2, "value", STRING, 0));

MSG(PodSecurityContext,
    M(1, "seLinuxOptions", SELinuxOptions, 0), M(8, "windowsOptions", WindowsSecurityContextOptions, 0),
    F(2, "runAsUser", INT64, KEEP), F(6, "runAsGroup", INT64, KEEP), F(3, "runAsNonRoot", BOOL, KEEP),
    F(4, "supplementalGroups", INT64, REP), F(5, "fsGroup", INT64, KEEP), M(7, "sysctls", Sysctl, REP),
    F(9, "fsGroupChangePolicy", STRING, KEEP), M(10, "seccompProfile", SeccompProfile, 0),
    M(11, "appArmorProfile", AppArmorProfile, 0));

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

MSG(ContainerResizePolicy, F(1, "resourceName", STRING, 0), F(2, "restartPolicy", STRING, 0));

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
    F(18, "tty", BOOL, 0), M(23, "resizePolicy", ContainerResizePolicy, REP),
    F(24, "restartPolicy", STRING, KEEP));

/* EphemeralContainerCommon has Container's numbering. */
MSG(EphemeralContainer, INLINE(1, Container), F(2, "targetContainerName", STRING, 0));

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

MSG(TypedObjectReference,
    F(1, "apiGroup", STRING, KEEP), F(2, "kind", STRING, 0), F(3, "name", STRING, 0), F(4, "namespace", STRING, KEEP));
MSG(VolumeResourceRequirements, F(1, "limits", QUANTITY, MAP), F(2, "requests", QUANTITY, MAP));
MSG(PersistentVolumeClaimSpec,
    F(1, "accessModes", STRING, REP), M(4, "selector", LabelSelector, 0),
    M(2, "resources", VolumeResourceRequirements, 0), F(3, "volumeName", STRING, 0),
    F(5, "storageClassName", STRING, KEEP), F(6, "volumeMode", STRING, KEEP),
    M(7, "dataSource", TypedLocalObjectReference, 0), M(8, "dataSourceRef", TypedObjectReference, 0),
    F(9, "volumeAttributesClassName", STRING, KEEP));
MSG(PersistentVolumeClaim, M(1, "metadata", ObjectMeta, 0), M(2, "spec", PersistentVolumeClaimSpec, 0));
MSG(PersistentVolumeClaimTemplate, M(1, "metadata", ObjectMeta, 0), M(2, "spec", PersistentVolumeClaimSpec, 0));
MSG(EphemeralVolumeSource, M(1, "volumeClaimTemplate", PersistentVolumeClaimTemplate, 0));
MSG(CSIVolumeSource,
    F(1, "driver", STRING, 0), F(2, "readOnly", BOOL, KEEP), F(3, "fsType", STRING, KEEP),
    F(4, "volumeAttributes", STRING, MAP), M(5, "nodePublishSecretRef", LocalObjectReference, 0));

MSG(VolumeSource,
    M(1, "hostPath", HostPathVolumeSource, 0), M(2, "emptyDir", EmptyDirVolumeSource, 0),
    M(16, "downwardAPI", DownwardAPIVolumeSource, 0), M(26, "projected", ProjectedVolumeSource, 0), M(6, "secret", SecretVolumeSource, 0),
    M(7, "nfs", NFSVolumeSource, 0), M(10, "persistentVolumeClaim", PersistentVolumeClaimVolumeSource, 0),
    M(19, "configMap", ConfigMapVolumeSource, 0), M(28, "csi", CSIVolumeSource, 0),
    M(29, "ephemeral", EphemeralVolumeSource, 0));

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

MSG(PodOS, F(1, "name", STRING, 0));
MSG(PodSchedulingGate, F(1, "name", STRING, 0));

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
    F(35, "setHostnameAsFQDN", BOOL, KEEP), M(34, "ephemeralContainers", EphemeralContainer, REP),
    M(36, "os", PodOS, 0), F(37, "hostUsers", BOOL, KEEP), M(38, "schedulingGates", PodSchedulingGate, REP));

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
    F(22, "internalTrafficPolicy", STRING, KEEP), F(23, "trafficDistribution", STRING, KEEP));

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
MSG(StatefulSetOrdinals, F(1, "start", INT32, 0));
MSG(RollingUpdateStatefulSetStrategy, F(1, "partition", INT32, KEEP), F(2, "maxUnavailable", INTORSTRING, 0));
MSG(StatefulSetUpdateStrategy, F(1, "type", STRING, 0), M(2, "rollingUpdate", RollingUpdateStatefulSetStrategy, 0));
MSG(StatefulSetPersistentVolumeClaimRetentionPolicy, F(1, "whenDeleted", STRING, 0), F(2, "whenScaled", STRING, 0));
MSG(StatefulSetSpec,
    F(1, "replicas", INT32, KEEP), M(2, "selector", LabelSelector, 0), M(3, "template", PodTemplateSpec, 0),
    F(5, "serviceName", STRING, 0), F(6, "podManagementPolicy", STRING, 0),
    M(7, "updateStrategy", StatefulSetUpdateStrategy, 0), F(8, "revisionHistoryLimit", INT32, KEEP),
    F(9, "minReadySeconds", INT32, 0),
    M(10, "persistentVolumeClaimRetentionPolicy", StatefulSetPersistentVolumeClaimRetentionPolicy, 0),
    M(4, "volumeClaimTemplates", PersistentVolumeClaim, REP), M(11, "ordinals", StatefulSetOrdinals, 0));
MSG(StatefulSet, M(1, "metadata", ObjectMeta, 0), M(2, "spec", StatefulSetSpec, 0));

/* ---- batch/v1 ---- */

MSG(PodFailurePolicyOnExitCodesRequirement,
    F(1, "containerName", STRING, KEEP), F(2, "operator", STRING, 0), F(3, "values", INT32, REP));
MSG(PodFailurePolicyOnPodConditionsPattern, F(1, "type", STRING, 0), F(2, "status", STRING, 0));
MSG(PodFailurePolicyRule,
    F(1, "action", STRING, 0), M(2, "onExitCodes", PodFailurePolicyOnExitCodesRequirement, 0),
    M(3, "onPodConditions", PodFailurePolicyOnPodConditionsPattern, REP));
MSG(PodFailurePolicy, M(1, "rules", PodFailurePolicyRule, REP));
MSG(SuccessPolicyRule, F(1, "succeededIndexes", STRING, KEEP), F(2, "succeededCount", INT32, KEEP));
MSG(SuccessPolicy, M(1, "rules", SuccessPolicyRule, REP));

MSG(JobSpec,
    F(1, "parallelism", INT32, KEEP), F(2, "completions", INT32, KEEP),
    F(3, "activeDeadlineSeconds", INT64, KEEP), F(7, "backoffLimit", INT32, KEEP),
    F(12, "backoffLimitPerIndex", INT32, KEEP), F(13, "maxFailedIndexes", INT32, KEEP),
    M(4, "selector", LabelSelector, 0), F(5, "manualSelector", BOOL, KEEP),
    M(6, "template", PodTemplateSpec, 0), F(8, "ttlSecondsAfterFinished", INT32, KEEP),
    F(9, "completionMode", STRING, KEEP), F(10, "suspend", BOOL, KEEP),
    F(14, "podReplacementPolicy", STRING, KEEP), F(15, "managedBy", STRING, KEEP),
    M(11, "podFailurePolicy", PodFailurePolicy, 0), M(16, "successPolicy", SuccessPolicy, 0));
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

/* ---- kinds served without a protobuf generator (added for OpenAPI and field
 * validation; same generated.proto numbering) ---- */

MSG(EventSource, F(1, "component", STRING, 0), F(2, "host", STRING, 0));
MSG(EventSeries, F(1, "count", INT32, 0), F(2, "lastObservedTime", MICROTIME, 0));
MSG(Event,
    M(1, "metadata", ObjectMeta, 0), M(2, "involvedObject", ObjectReference, 0), F(3, "reason", STRING, 0),
    F(4, "message", STRING, 0), M(5, "source", EventSource, 0), F(6, "firstTimestamp", TIME, 0),
    F(7, "lastTimestamp", TIME, 0), F(8, "count", INT32, 0), F(9, "type", STRING, 0),
    F(10, "eventTime", MICROTIME, 0), M(11, "series", EventSeries, 0), F(12, "action", STRING, 0),
    M(13, "related", ObjectReference, 0), F(14, "reportingComponent", STRING, 0),
    F(15, "reportingInstance", STRING, 0));

MSG(EndpointAddress,
    F(1, "ip", STRING, 0), F(3, "hostname", STRING, 0), F(4, "nodeName", STRING, KEEP),
    M(2, "targetRef", ObjectReference, 0));
MSG(CoreEndpointPort,
    F(1, "name", STRING, 0), F(2, "port", INT32, KEEP), F(3, "protocol", STRING, 0),
    F(4, "appProtocol", STRING, KEEP));
MSG(EndpointSubset,
    M(1, "addresses", EndpointAddress, REP), M(2, "notReadyAddresses", EndpointAddress, REP),
    M(3, "ports", CoreEndpointPort, REP));
MSG(Endpoints, M(1, "metadata", ObjectMeta, 0), M(2, "subsets", EndpointSubset, REP));

MSG(LimitRangeItem,
    F(1, "type", STRING, 0), F(2, "max", QUANTITY, MAP), F(3, "min", QUANTITY, MAP),
    F(4, "default", QUANTITY, MAP), F(5, "defaultRequest", QUANTITY, MAP),
    F(6, "maxLimitRequestRatio", QUANTITY, MAP));
MSG(LimitRangeSpec, M(1, "limits", LimitRangeItem, REP));
MSG(LimitRange, M(1, "metadata", ObjectMeta, 0), M(2, "spec", LimitRangeSpec, 0));

MSG(Taint,
    F(1, "key", STRING, 0), F(2, "value", STRING, 0), F(3, "effect", STRING, 0), F(4, "timeAdded", TIME, 0));
MSG(NodeSpec,
    F(1, "podCIDR", STRING, 0), F(7, "podCIDRs", STRING, REP), F(3, "providerID", STRING, 0),
    F(4, "unschedulable", BOOL, 0), M(5, "taints", Taint, REP), F(2, "externalID", STRING, 0));
MSG(Node, M(1, "metadata", ObjectMeta, 0), M(2, "spec", NodeSpec, 0));

MSG(ComponentCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(3, "message", STRING, 0), F(4, "error", STRING, 0));
MSG(ComponentStatus, M(1, "metadata", ObjectMeta, 0), M(2, "conditions", ComponentCondition, REP));

MSG(Binding, M(1, "metadata", ObjectMeta, 0), M(2, "target", ObjectReference, 0));

MSG(ControllerRevision,
    M(1, "metadata", ObjectMeta, 0), F(2, "data", RAWEXTENSION, 0), F(3, "revision", INT64, KEEP));

MSG(LeaseSpec,
    F(1, "holderIdentity", STRING, KEEP), F(2, "leaseDurationSeconds", INT32, KEEP),
    F(3, "acquireTime", MICROTIME, 0), F(4, "renewTime", MICROTIME, 0),
    F(5, "leaseTransitions", INT32, KEEP), F(6, "strategy", STRING, KEEP),
    F(7, "preferredHolder", STRING, KEEP));
MSG(Lease, M(1, "metadata", ObjectMeta, 0), M(2, "spec", LeaseSpec, 0));

MSG(EndpointConditions, F(1, "ready", BOOL, KEEP), F(2, "serving", BOOL, KEEP), F(3, "terminating", BOOL, KEEP));
MSG(ForZone, F(1, "name", STRING, 0));
MSG(EndpointHints, M(1, "forZones", ForZone, REP));
MSG(Endpoint,
    F(1, "addresses", STRING, REP), M(2, "conditions", EndpointConditions, 0), F(3, "hostname", STRING, KEEP),
    M(4, "targetRef", ObjectReference, 0), F(5, "deprecatedTopology", STRING, MAP),
    F(6, "nodeName", STRING, KEEP), F(7, "zone", STRING, KEEP), M(8, "hints", EndpointHints, 0));
MSG(DiscoveryEndpointPort,
    F(1, "name", STRING, KEEP), F(2, "protocol", STRING, KEEP), F(3, "port", INT32, KEEP),
    F(4, "appProtocol", STRING, KEEP));
MSG(EndpointSlice,
    M(1, "metadata", ObjectMeta, 0), F(4, "addressType", STRING, 0), M(2, "endpoints", Endpoint, REP),
    M(3, "ports", DiscoveryEndpointPort, REP));

MSG(IPBlock, F(1, "cidr", STRING, 0), F(2, "except", STRING, REP));
MSG(NetworkPolicyPeer,
    M(1, "podSelector", LabelSelector, 0), M(2, "namespaceSelector", LabelSelector, 0),
    M(3, "ipBlock", IPBlock, 0));
MSG(NetworkPolicyPort, F(1, "protocol", STRING, KEEP), F(2, "port", INTORSTRING, 0), F(3, "endPort", INT32, KEEP));
MSG(NetworkPolicyIngressRule, M(1, "ports", NetworkPolicyPort, REP), M(2, "from", NetworkPolicyPeer, REP));
MSG(NetworkPolicyEgressRule, M(1, "ports", NetworkPolicyPort, REP), M(2, "to", NetworkPolicyPeer, REP));
MSG(NetworkPolicySpec,
    M(1, "podSelector", LabelSelector, 0), M(2, "ingress", NetworkPolicyIngressRule, REP),
    M(3, "egress", NetworkPolicyEgressRule, REP), F(4, "policyTypes", STRING, REP));
MSG(NetworkPolicy, M(1, "metadata", ObjectMeta, 0), M(2, "spec", NetworkPolicySpec, 0));

/* autoscaling/v2 (V2 prefixes keep the names apart from autoscaling/v1's) */
MSG(V2CrossVersionObjectReference,
    F(1, "kind", STRING, 0), F(2, "name", STRING, 0), F(3, "apiVersion", STRING, 0));
MSG(MetricTarget,
    F(1, "type", STRING, 0), F(2, "value", QUANTITY, 0), F(3, "averageValue", QUANTITY, 0),
    F(4, "averageUtilization", INT32, KEEP));
MSG(MetricIdentifier, F(1, "name", STRING, 0), M(2, "selector", LabelSelector, 0));
MSG(ResourceMetricSource, F(1, "name", STRING, 0), M(2, "target", MetricTarget, 0));
MSG(ContainerResourceMetricSource,
    F(1, "name", STRING, 0), M(2, "target", MetricTarget, 0), F(3, "container", STRING, 0));
MSG(PodsMetricSource, M(1, "metric", MetricIdentifier, 0), M(2, "target", MetricTarget, 0));
MSG(ObjectMetricSource,
    M(1, "describedObject", V2CrossVersionObjectReference, 0), M(2, "target", MetricTarget, 0),
    M(3, "metric", MetricIdentifier, 0));
MSG(ExternalMetricSource, M(1, "metric", MetricIdentifier, 0), M(2, "target", MetricTarget, 0));
MSG(MetricSpec,
    F(1, "type", STRING, 0), M(2, "object", ObjectMetricSource, 0), M(3, "pods", PodsMetricSource, 0),
    M(4, "resource", ResourceMetricSource, 0), M(7, "containerResource", ContainerResourceMetricSource, 0),
    M(5, "external", ExternalMetricSource, 0));
MSG(HPAScalingPolicy, F(1, "type", STRING, 0), F(2, "value", INT32, 0), F(3, "periodSeconds", INT32, 0));
MSG(HPAScalingRules,
    F(3, "stabilizationWindowSeconds", INT32, KEEP), F(1, "selectPolicy", STRING, KEEP),
    M(2, "policies", HPAScalingPolicy, REP));
MSG(HorizontalPodAutoscalerBehavior, M(1, "scaleUp", HPAScalingRules, 0), M(2, "scaleDown", HPAScalingRules, 0));
MSG(V2HorizontalPodAutoscalerSpec,
    M(1, "scaleTargetRef", V2CrossVersionObjectReference, 0), F(2, "minReplicas", INT32, KEEP),
    F(3, "maxReplicas", INT32, KEEP), M(4, "metrics", MetricSpec, REP),
    M(5, "behavior", HorizontalPodAutoscalerBehavior, 0));
MSG(V2HorizontalPodAutoscaler, M(1, "metadata", ObjectMeta, 0), M(2, "spec", V2HorizontalPodAutoscalerSpec, 0));

static const struct {
	const char *api_version;
	const char *kind;
	const kube_protobuf_message_t *message;
} more_kinds[] = {
	{ "v1", "Event", &Event },
	{ "v1", "Endpoints", &Endpoints },
	{ "v1", "LimitRange", &LimitRange },
	{ "v1", "Node", &Node },
	{ "v1", "ComponentStatus", &ComponentStatus },
	{ "v1", "Binding", &Binding },
	{ "v1", "PersistentVolumeClaim", &PersistentVolumeClaim },
	{ "apps/v1", "ControllerRevision", &ControllerRevision },
	{ "coordination.k8s.io/v1", "Lease", &Lease },
	{ "discovery.k8s.io/v1", "EndpointSlice", &EndpointSlice },
	{ "networking.k8s.io/v1", "NetworkPolicy", &NetworkPolicy },
	{ "autoscaling/v2", "HorizontalPodAutoscaler", &V2HorizontalPodAutoscaler },
};

const kube_protobuf_message_t *kube_protobuf_schema_lookup_any(const char *api_version, const char *kind)
{
	const kube_protobuf_message_t *m = kube_protobuf_schema_lookup(api_version, kind);

	if (m || !api_version || !kind)
		return m;
	for (size_t i = 0; i < sizeof(more_kinds) / sizeof(more_kinds[0]); i++)
		if (strcmp(more_kinds[i].api_version, api_version) == 0 && strcmp(more_kinds[i].kind, kind) == 0)
			return more_kinds[i].message;
	return NULL;
}

/* ---- status messages: OpenAPI only (kubectl explain <kind>.status). The
 * decoder does not use them: the kinds' tables above stay as they were, and
 * field validation leaves status alone. ---- */

MSG(PodCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(3, "lastProbeTime", TIME, 0),
    F(4, "lastTransitionTime", TIME, 0), F(5, "reason", STRING, 0), F(6, "message", STRING, 0));
MSG(ContainerStateWaiting, F(1, "reason", STRING, 0), F(2, "message", STRING, 0));
MSG(ContainerStateRunning, F(1, "startedAt", TIME, 0));
MSG(ContainerStateTerminated,
    F(1, "exitCode", INT32, KEEP), F(2, "signal", INT32, 0), F(3, "reason", STRING, 0), F(4, "message", STRING, 0),
    F(5, "startedAt", TIME, 0), F(6, "finishedAt", TIME, 0), F(7, "containerID", STRING, 0));
MSG(ContainerState,
    M(1, "waiting", ContainerStateWaiting, 0), M(2, "running", ContainerStateRunning, 0),
    M(3, "terminated", ContainerStateTerminated, 0));
MSG(ContainerStatus,
    F(1, "name", STRING, 0), M(2, "state", ContainerState, 0), M(3, "lastState", ContainerState, 0),
    F(4, "ready", BOOL, KEEP), F(5, "restartCount", INT32, KEEP), F(6, "image", STRING, 0),
    F(7, "imageID", STRING, 0), F(8, "containerID", STRING, 0), F(9, "started", BOOL, KEEP));
MSG(PodIP, F(1, "ip", STRING, 0));
MSG(HostIP, F(1, "ip", STRING, 0));
MSG(PodStatus,
    F(1, "phase", STRING, 0), M(2, "conditions", PodCondition, REP), F(3, "message", STRING, 0),
    F(4, "reason", STRING, 0), F(11, "nominatedNodeName", STRING, 0), F(5, "hostIP", STRING, 0),
    M(16, "hostIPs", HostIP, REP), F(6, "podIP", STRING, 0), M(12, "podIPs", PodIP, REP),
    F(7, "startTime", TIME, 0), M(10, "initContainerStatuses", ContainerStatus, REP),
    M(8, "containerStatuses", ContainerStatus, REP), F(9, "qosClass", STRING, 0),
    M(13, "ephemeralContainerStatuses", ContainerStatus, REP));

MSG(DeploymentCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(6, "lastUpdateTime", TIME, 0),
    F(7, "lastTransitionTime", TIME, 0), F(4, "reason", STRING, 0), F(5, "message", STRING, 0));
MSG(DeploymentStatus,
    F(1, "observedGeneration", INT64, 0), F(2, "replicas", INT32, 0), F(3, "updatedReplicas", INT32, 0),
    F(7, "readyReplicas", INT32, 0), F(4, "availableReplicas", INT32, 0), F(5, "unavailableReplicas", INT32, 0),
    M(6, "conditions", DeploymentCondition, REP), F(8, "collisionCount", INT32, KEEP));
MSG(ReplicaSetCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(3, "lastTransitionTime", TIME, 0),
    F(4, "reason", STRING, 0), F(5, "message", STRING, 0));
MSG(ReplicaSetStatus,
    F(1, "replicas", INT32, KEEP), F(2, "fullyLabeledReplicas", INT32, 0), F(4, "readyReplicas", INT32, 0),
    F(5, "availableReplicas", INT32, 0), F(3, "observedGeneration", INT64, 0),
    M(6, "conditions", ReplicaSetCondition, REP));

MSG(JobCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(3, "lastProbeTime", TIME, 0),
    F(4, "lastTransitionTime", TIME, 0), F(5, "reason", STRING, 0), F(6, "message", STRING, 0));
MSG(JobStatus,
    M(1, "conditions", JobCondition, REP), F(2, "startTime", TIME, 0), F(3, "completionTime", TIME, 0),
    F(4, "active", INT32, 0), F(5, "succeeded", INT32, 0), F(6, "failed", INT32, 0),
    F(7, "completedIndexes", STRING, 0), F(9, "ready", INT32, KEEP));

MSG(NamespaceCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(4, "lastTransitionTime", TIME, 0),
    F(5, "reason", STRING, 0), F(6, "message", STRING, 0));
MSG(NamespaceStatus, F(1, "phase", STRING, 0), M(2, "conditions", NamespaceCondition, REP));

MSG(NodeCondition,
    F(1, "type", STRING, 0), F(2, "status", STRING, 0), F(3, "lastHeartbeatTime", TIME, 0),
    F(4, "lastTransitionTime", TIME, 0), F(5, "reason", STRING, 0), F(6, "message", STRING, 0));
MSG(NodeAddress, F(1, "type", STRING, 0), F(2, "address", STRING, 0));
MSG(DaemonEndpoint, F(1, "Port", INT32, KEEP));
MSG(NodeDaemonEndpoints, M(1, "kubeletEndpoint", DaemonEndpoint, 0));
MSG(NodeSystemInfo,
    F(1, "machineID", STRING, 0), F(2, "systemUUID", STRING, 0), F(3, "bootID", STRING, 0),
    F(4, "kernelVersion", STRING, 0), F(5, "osImage", STRING, 0), F(6, "containerRuntimeVersion", STRING, 0),
    F(7, "kubeletVersion", STRING, 0), F(8, "kubeProxyVersion", STRING, 0), F(9, "operatingSystem", STRING, 0),
    F(10, "architecture", STRING, 0));
MSG(ContainerImage, F(1, "names", STRING, REP), F(2, "sizeBytes", INT64, 0));
MSG(NodeStatus,
    F(1, "capacity", QUANTITY, MAP), F(2, "allocatable", QUANTITY, MAP), F(3, "phase", STRING, 0),
    M(4, "conditions", NodeCondition, REP), M(5, "addresses", NodeAddress, REP),
    M(6, "daemonEndpoints", NodeDaemonEndpoints, 0), M(7, "nodeInfo", NodeSystemInfo, 0),
    M(8, "images", ContainerImage, REP), F(9, "volumesInUse", STRING, REP));

static const struct {
	const char *api_version;
	const char *kind;
	const kube_protobuf_message_t *message;
} status_of[] = {
	{ "v1", "Pod", &PodStatus },
	{ "v1", "Namespace", &NamespaceStatus },
	{ "v1", "Node", &NodeStatus },
	{ "apps/v1", "Deployment", &DeploymentStatus },
	{ "apps/v1", "ReplicaSet", &ReplicaSetStatus },
	{ "batch/v1", "Job", &JobStatus },
};

const kube_protobuf_message_t *kube_protobuf_schema_status(const char *api_version, const char *kind)
{
	if (!api_version || !kind)
		return NULL;
	for (size_t i = 0; i < sizeof(status_of) / sizeof(status_of[0]); i++)
		if (strcmp(status_of[i].api_version, api_version) == 0 && strcmp(status_of[i].kind, kind) == 0)
			return status_of[i].message;
	return NULL;
}

/* ---- upstream definition names (OpenAPI components), one per message ---- */

static const kube_protobuf_schema_def_t defs[] = {
	{ &OwnerReference, "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference" },
	{ &ManagedFieldsEntry, "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry" },
	{ &ObjectMeta, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
	{ &LabelSelectorRequirement, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement" },
	{ &LabelSelector, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector" },
	{ &LocalObjectReference, "io.k8s.api.core.v1.LocalObjectReference" },
	{ &ObjectReference, "io.k8s.api.core.v1.ObjectReference" },
	{ &TypedLocalObjectReference, "io.k8s.api.core.v1.TypedLocalObjectReference" },
	{ &ObjectFieldSelector, "io.k8s.api.core.v1.ObjectFieldSelector" },
	{ &ResourceFieldSelector, "io.k8s.api.core.v1.ResourceFieldSelector" },
	{ &ConfigMapKeySelector, "io.k8s.api.core.v1.ConfigMapKeySelector" },
	{ &SecretKeySelector, "io.k8s.api.core.v1.SecretKeySelector" },
	{ &EnvVarSource, "io.k8s.api.core.v1.EnvVarSource" },
	{ &EnvVar, "io.k8s.api.core.v1.EnvVar" },
	{ &ConfigMapEnvSource, "io.k8s.api.core.v1.ConfigMapEnvSource" },
	{ &SecretEnvSource, "io.k8s.api.core.v1.SecretEnvSource" },
	{ &EnvFromSource, "io.k8s.api.core.v1.EnvFromSource" },
	{ &ContainerPort, "io.k8s.api.core.v1.ContainerPort" },
	{ &ResourceRequirements, "io.k8s.api.core.v1.ResourceRequirements" },
	{ &VolumeMount, "io.k8s.api.core.v1.VolumeMount" },
	{ &VolumeDevice, "io.k8s.api.core.v1.VolumeDevice" },
	{ &Capabilities, "io.k8s.api.core.v1.Capabilities" },
	{ &SELinuxOptions, "io.k8s.api.core.v1.SELinuxOptions" },
	{ &WindowsSecurityContextOptions, "io.k8s.api.core.v1.WindowsSecurityContextOptions" },
	{ &SeccompProfile, "io.k8s.api.core.v1.SeccompProfile" },
	{ &SecurityContext, "io.k8s.api.core.v1.SecurityContext" },
	{ &Sysctl, "io.k8s.api.core.v1.Sysctl" },
	{ &PodSecurityContext, "io.k8s.api.core.v1.PodSecurityContext" },
	{ &ExecAction, "io.k8s.api.core.v1.ExecAction" },
	{ &HTTPHeader, "io.k8s.api.core.v1.HTTPHeader" },
	{ &HTTPGetAction, "io.k8s.api.core.v1.HTTPGetAction" },
	{ &TCPSocketAction, "io.k8s.api.core.v1.TCPSocketAction" },
	{ &Handler, "io.k8s.api.core.v1.LifecycleHandler" },
	{ &Probe, "io.k8s.api.core.v1.Probe" },
	{ &Lifecycle, "io.k8s.api.core.v1.Lifecycle" },
	{ &Container, "io.k8s.api.core.v1.Container" },
	{ &EmptyDirVolumeSource, "io.k8s.api.core.v1.EmptyDirVolumeSource" },
	{ &KeyToPath, "io.k8s.api.core.v1.KeyToPath" },
	{ &SecretVolumeSource, "io.k8s.api.core.v1.SecretVolumeSource" },
	{ &ConfigMapVolumeSource, "io.k8s.api.core.v1.ConfigMapVolumeSource" },
	{ &HostPathVolumeSource, "io.k8s.api.core.v1.HostPathVolumeSource" },
	{ &DownwardAPIVolumeFile, "io.k8s.api.core.v1.DownwardAPIVolumeFile" },
	{ &DownwardAPIVolumeSource, "io.k8s.api.core.v1.DownwardAPIVolumeSource" },
	{ &DownwardAPIProjection, "io.k8s.api.core.v1.DownwardAPIProjection" },
	{ &SecretProjection, "io.k8s.api.core.v1.SecretProjection" },
	{ &ConfigMapProjection, "io.k8s.api.core.v1.ConfigMapProjection" },
	{ &ServiceAccountTokenProjection, "io.k8s.api.core.v1.ServiceAccountTokenProjection" },
	{ &VolumeProjection, "io.k8s.api.core.v1.VolumeProjection" },
	{ &ProjectedVolumeSource, "io.k8s.api.core.v1.ProjectedVolumeSource" },
	{ &NFSVolumeSource, "io.k8s.api.core.v1.NFSVolumeSource" },
	{ &PersistentVolumeClaimVolumeSource, "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource" },
	{ &VolumeSource, "io.k8s.api.core.v1.VolumeSource" },
	{ &Volume, "io.k8s.api.core.v1.Volume" },
	{ &Toleration, "io.k8s.api.core.v1.Toleration" },
	{ &NodeSelectorRequirement, "io.k8s.api.core.v1.NodeSelectorRequirement" },
	{ &NodeSelectorTerm, "io.k8s.api.core.v1.NodeSelectorTerm" },
	{ &NodeSelector, "io.k8s.api.core.v1.NodeSelector" },
	{ &PreferredSchedulingTerm, "io.k8s.api.core.v1.PreferredSchedulingTerm" },
	{ &NodeAffinity, "io.k8s.api.core.v1.NodeAffinity" },
	{ &PodAffinityTerm, "io.k8s.api.core.v1.PodAffinityTerm" },
	{ &WeightedPodAffinityTerm, "io.k8s.api.core.v1.WeightedPodAffinityTerm" },
	{ &PodAffinity, "io.k8s.api.core.v1.PodAffinity" },
	{ &Affinity, "io.k8s.api.core.v1.Affinity" },
	{ &PodDNSConfigOption, "io.k8s.api.core.v1.PodDNSConfigOption" },
	{ &PodDNSConfig, "io.k8s.api.core.v1.PodDNSConfig" },
	{ &HostAlias, "io.k8s.api.core.v1.HostAlias" },
	{ &PodReadinessGate, "io.k8s.api.core.v1.PodReadinessGate" },
	{ &TopologySpreadConstraint, "io.k8s.api.core.v1.TopologySpreadConstraint" },
	{ &PodSpec, "io.k8s.api.core.v1.PodSpec" },
	{ &PodTemplateSpec, "io.k8s.api.core.v1.PodTemplateSpec" },
	{ &Pod, "io.k8s.api.core.v1.Pod" },
	{ &PodTemplate, "io.k8s.api.core.v1.PodTemplate" },
	{ &ReplicationControllerSpec, "io.k8s.api.core.v1.ReplicationControllerSpec" },
	{ &ReplicationController, "io.k8s.api.core.v1.ReplicationController" },
	{ &Namespace_spec, "io.k8s.api.core.v1.NamespaceSpec" },
	{ &Namespace, "io.k8s.api.core.v1.Namespace" },
	{ &ConfigMap, "io.k8s.api.core.v1.ConfigMap" },
	{ &Secret, "io.k8s.api.core.v1.Secret" },
	{ &ServiceAccount, "io.k8s.api.core.v1.ServiceAccount" },
	{ &ServicePort, "io.k8s.api.core.v1.ServicePort" },
	{ &ClientIPConfig, "io.k8s.api.core.v1.ClientIPConfig" },
	{ &SessionAffinityConfig, "io.k8s.api.core.v1.SessionAffinityConfig" },
	{ &ServiceSpec, "io.k8s.api.core.v1.ServiceSpec" },
	{ &Service, "io.k8s.api.core.v1.Service" },
	{ &ScopedResourceSelectorRequirement, "io.k8s.api.core.v1.ScopedResourceSelectorRequirement" },
	{ &ScopeSelector, "io.k8s.api.core.v1.ScopeSelector" },
	{ &ResourceQuotaSpec, "io.k8s.api.core.v1.ResourceQuotaSpec" },
	{ &ResourceQuota, "io.k8s.api.core.v1.ResourceQuota" },
	{ &RollingUpdateDeployment, "io.k8s.api.apps.v1.RollingUpdateDeployment" },
	{ &DeploymentStrategy, "io.k8s.api.apps.v1.DeploymentStrategy" },
	{ &DeploymentSpec, "io.k8s.api.apps.v1.DeploymentSpec" },
	{ &Deployment, "io.k8s.api.apps.v1.Deployment" },
	{ &RollingUpdateDaemonSet, "io.k8s.api.apps.v1.RollingUpdateDaemonSet" },
	{ &DaemonSetUpdateStrategy, "io.k8s.api.apps.v1.DaemonSetUpdateStrategy" },
	{ &DaemonSetSpec, "io.k8s.api.apps.v1.DaemonSetSpec" },
	{ &DaemonSet, "io.k8s.api.apps.v1.DaemonSet" },
	{ &ReplicaSetSpec, "io.k8s.api.apps.v1.ReplicaSetSpec" },
	{ &ReplicaSet, "io.k8s.api.apps.v1.ReplicaSet" },
	{ &RollingUpdateStatefulSetStrategy, "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy" },
	{ &StatefulSetUpdateStrategy, "io.k8s.api.apps.v1.StatefulSetUpdateStrategy" },
	{ &StatefulSetPersistentVolumeClaimRetentionPolicy, "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy" },
	{ &StatefulSetSpec, "io.k8s.api.apps.v1.StatefulSetSpec" },
	{ &StatefulSet, "io.k8s.api.apps.v1.StatefulSet" },
	{ &JobSpec, "io.k8s.api.batch.v1.JobSpec" },
	{ &Job, "io.k8s.api.batch.v1.Job" },
	{ &JobTemplateSpec, "io.k8s.api.batch.v1.JobTemplateSpec" },
	{ &CronJobSpec, "io.k8s.api.batch.v1.CronJobSpec" },
	{ &CronJob, "io.k8s.api.batch.v1.CronJob" },
	{ &PolicyRule, "io.k8s.api.rbac.v1.PolicyRule" },
	{ &Subject, "io.k8s.api.rbac.v1.Subject" },
	{ &RoleRef, "io.k8s.api.rbac.v1.RoleRef" },
	{ &AggregationRule, "io.k8s.api.rbac.v1.AggregationRule" },
	{ &Role, "io.k8s.api.rbac.v1.Role" },
	{ &ClusterRole, "io.k8s.api.rbac.v1.ClusterRole" },
	{ &RoleBinding, "io.k8s.api.rbac.v1.RoleBinding" },
	{ &PodDisruptionBudgetSpec, "io.k8s.api.policy.v1.PodDisruptionBudgetSpec" },
	{ &PodDisruptionBudget, "io.k8s.api.policy.v1.PodDisruptionBudget" },
	{ &PriorityClass, "io.k8s.api.scheduling.v1.PriorityClass" },
	{ &ServiceBackendPort, "io.k8s.api.networking.v1.ServiceBackendPort" },
	{ &IngressServiceBackend, "io.k8s.api.networking.v1.IngressServiceBackend" },
	{ &IngressBackend, "io.k8s.api.networking.v1.IngressBackend" },
	{ &HTTPIngressPath, "io.k8s.api.networking.v1.HTTPIngressPath" },
	{ &HTTPIngressRuleValue, "io.k8s.api.networking.v1.HTTPIngressRuleValue" },
	{ &IngressRuleValue, "io.k8s.api.networking.v1.IngressRuleValue" },
	{ &IngressRule, "io.k8s.api.networking.v1.IngressRule" },
	{ &IngressTLS, "io.k8s.api.networking.v1.IngressTLS" },
	{ &IngressSpec, "io.k8s.api.networking.v1.IngressSpec" },
	{ &Ingress, "io.k8s.api.networking.v1.Ingress" },
	{ &BoundObjectReference, "io.k8s.api.authentication.v1.BoundObjectReference" },
	{ &TokenRequestSpec, "io.k8s.api.authentication.v1.TokenRequestSpec" },
	{ &TokenRequest, "io.k8s.api.authentication.v1.TokenRequest" },
	{ &CrossVersionObjectReference, "io.k8s.api.autoscaling.v1.CrossVersionObjectReference" },
	{ &HorizontalPodAutoscalerSpec, "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec" },
	{ &HorizontalPodAutoscaler, "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler" },
	{ &ResourceAttributes, "io.k8s.api.authorization.v1.ResourceAttributes" },
	{ &NonResourceAttributes, "io.k8s.api.authorization.v1.NonResourceAttributes" },
	{ &SelfSubjectAccessReviewSpec, "io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec" },
	{ &SelfSubjectAccessReview, "io.k8s.api.authorization.v1.SelfSubjectAccessReview" },
	{ &AppArmorProfile, "io.k8s.api.core.v1.AppArmorProfile" },
	{ &ContainerResizePolicy, "io.k8s.api.core.v1.ContainerResizePolicy" },
	{ &EphemeralContainer, "io.k8s.api.core.v1.EphemeralContainer" },
	{ &TypedObjectReference, "io.k8s.api.core.v1.TypedObjectReference" },
	{ &VolumeResourceRequirements, "io.k8s.api.core.v1.VolumeResourceRequirements" },
	{ &PersistentVolumeClaimSpec, "io.k8s.api.core.v1.PersistentVolumeClaimSpec" },
	{ &PersistentVolumeClaim, "io.k8s.api.core.v1.PersistentVolumeClaim" },
	{ &PersistentVolumeClaimTemplate, "io.k8s.api.core.v1.PersistentVolumeClaimTemplate" },
	{ &EphemeralVolumeSource, "io.k8s.api.core.v1.EphemeralVolumeSource" },
	{ &CSIVolumeSource, "io.k8s.api.core.v1.CSIVolumeSource" },
	{ &PodOS, "io.k8s.api.core.v1.PodOS" },
	{ &PodSchedulingGate, "io.k8s.api.core.v1.PodSchedulingGate" },
	{ &StatefulSetOrdinals, "io.k8s.api.apps.v1.StatefulSetOrdinals" },
	{ &PodFailurePolicyOnExitCodesRequirement, "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement" },
	{ &PodFailurePolicyOnPodConditionsPattern, "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern" },
	{ &PodFailurePolicyRule, "io.k8s.api.batch.v1.PodFailurePolicyRule" },
	{ &PodFailurePolicy, "io.k8s.api.batch.v1.PodFailurePolicy" },
	{ &SuccessPolicyRule, "io.k8s.api.batch.v1.SuccessPolicyRule" },
	{ &SuccessPolicy, "io.k8s.api.batch.v1.SuccessPolicy" },
	{ &EventSource, "io.k8s.api.core.v1.EventSource" },
	{ &EventSeries, "io.k8s.api.core.v1.EventSeries" },
	{ &Event, "io.k8s.api.core.v1.Event" },
	{ &EndpointAddress, "io.k8s.api.core.v1.EndpointAddress" },
	{ &CoreEndpointPort, "io.k8s.api.core.v1.EndpointPort" },
	{ &EndpointSubset, "io.k8s.api.core.v1.EndpointSubset" },
	{ &Endpoints, "io.k8s.api.core.v1.Endpoints" },
	{ &LimitRangeItem, "io.k8s.api.core.v1.LimitRangeItem" },
	{ &LimitRangeSpec, "io.k8s.api.core.v1.LimitRangeSpec" },
	{ &LimitRange, "io.k8s.api.core.v1.LimitRange" },
	{ &Taint, "io.k8s.api.core.v1.Taint" },
	{ &NodeSpec, "io.k8s.api.core.v1.NodeSpec" },
	{ &Node, "io.k8s.api.core.v1.Node" },
	{ &ComponentCondition, "io.k8s.api.core.v1.ComponentCondition" },
	{ &ComponentStatus, "io.k8s.api.core.v1.ComponentStatus" },
	{ &Binding, "io.k8s.api.core.v1.Binding" },
	{ &ControllerRevision, "io.k8s.api.apps.v1.ControllerRevision" },
	{ &LeaseSpec, "io.k8s.api.coordination.v1.LeaseSpec" },
	{ &Lease, "io.k8s.api.coordination.v1.Lease" },
	{ &EndpointConditions, "io.k8s.api.discovery.v1.EndpointConditions" },
	{ &ForZone, "io.k8s.api.discovery.v1.ForZone" },
	{ &EndpointHints, "io.k8s.api.discovery.v1.EndpointHints" },
	{ &Endpoint, "io.k8s.api.discovery.v1.Endpoint" },
	{ &DiscoveryEndpointPort, "io.k8s.api.discovery.v1.EndpointPort" },
	{ &EndpointSlice, "io.k8s.api.discovery.v1.EndpointSlice" },
	{ &IPBlock, "io.k8s.api.networking.v1.IPBlock" },
	{ &NetworkPolicyPeer, "io.k8s.api.networking.v1.NetworkPolicyPeer" },
	{ &NetworkPolicyPort, "io.k8s.api.networking.v1.NetworkPolicyPort" },
	{ &NetworkPolicyIngressRule, "io.k8s.api.networking.v1.NetworkPolicyIngressRule" },
	{ &NetworkPolicyEgressRule, "io.k8s.api.networking.v1.NetworkPolicyEgressRule" },
	{ &NetworkPolicySpec, "io.k8s.api.networking.v1.NetworkPolicySpec" },
	{ &NetworkPolicy, "io.k8s.api.networking.v1.NetworkPolicy" },
	{ &V2CrossVersionObjectReference, "io.k8s.api.autoscaling.v2.CrossVersionObjectReference" },
	{ &MetricTarget, "io.k8s.api.autoscaling.v2.MetricTarget" },
	{ &MetricIdentifier, "io.k8s.api.autoscaling.v2.MetricIdentifier" },
	{ &ResourceMetricSource, "io.k8s.api.autoscaling.v2.ResourceMetricSource" },
	{ &ContainerResourceMetricSource, "io.k8s.api.autoscaling.v2.ContainerResourceMetricSource" },
	{ &PodsMetricSource, "io.k8s.api.autoscaling.v2.PodsMetricSource" },
	{ &ObjectMetricSource, "io.k8s.api.autoscaling.v2.ObjectMetricSource" },
	{ &ExternalMetricSource, "io.k8s.api.autoscaling.v2.ExternalMetricSource" },
	{ &MetricSpec, "io.k8s.api.autoscaling.v2.MetricSpec" },
	{ &HPAScalingPolicy, "io.k8s.api.autoscaling.v2.HPAScalingPolicy" },
	{ &HPAScalingRules, "io.k8s.api.autoscaling.v2.HPAScalingRules" },
	{ &HorizontalPodAutoscalerBehavior, "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior" },
	{ &V2HorizontalPodAutoscalerSpec, "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec" },
	{ &V2HorizontalPodAutoscaler, "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler" },
	{ &PodCondition, "io.k8s.api.core.v1.PodCondition" },
	{ &ContainerStateWaiting, "io.k8s.api.core.v1.ContainerStateWaiting" },
	{ &ContainerStateRunning, "io.k8s.api.core.v1.ContainerStateRunning" },
	{ &ContainerStateTerminated, "io.k8s.api.core.v1.ContainerStateTerminated" },
	{ &ContainerState, "io.k8s.api.core.v1.ContainerState" },
	{ &ContainerStatus, "io.k8s.api.core.v1.ContainerStatus" },
	{ &PodIP, "io.k8s.api.core.v1.PodIP" },
	{ &HostIP, "io.k8s.api.core.v1.HostIP" },
	{ &PodStatus, "io.k8s.api.core.v1.PodStatus" },
	{ &NamespaceCondition, "io.k8s.api.core.v1.NamespaceCondition" },
	{ &NamespaceStatus, "io.k8s.api.core.v1.NamespaceStatus" },
	{ &NodeCondition, "io.k8s.api.core.v1.NodeCondition" },
	{ &NodeAddress, "io.k8s.api.core.v1.NodeAddress" },
	{ &DaemonEndpoint, "io.k8s.api.core.v1.DaemonEndpoint" },
	{ &NodeDaemonEndpoints, "io.k8s.api.core.v1.NodeDaemonEndpoints" },
	{ &NodeSystemInfo, "io.k8s.api.core.v1.NodeSystemInfo" },
	{ &ContainerImage, "io.k8s.api.core.v1.ContainerImage" },
	{ &NodeStatus, "io.k8s.api.core.v1.NodeStatus" },
	{ &DeploymentCondition, "io.k8s.api.apps.v1.DeploymentCondition" },
	{ &DeploymentStatus, "io.k8s.api.apps.v1.DeploymentStatus" },
	{ &ReplicaSetCondition, "io.k8s.api.apps.v1.ReplicaSetCondition" },
	{ &ReplicaSetStatus, "io.k8s.api.apps.v1.ReplicaSetStatus" },
	{ &JobCondition, "io.k8s.api.batch.v1.JobCondition" },
	{ &JobStatus, "io.k8s.api.batch.v1.JobStatus" },
};

const kube_protobuf_schema_def_t *kube_protobuf_schema_defs(size_t *ret_count)
{
	*ret_count = sizeof(defs) / sizeof(defs[0]);
	return defs;
}
