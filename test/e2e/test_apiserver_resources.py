"""Create, get, list, watch, update, merge-patch and delete every resource of
issue 3, through the real kubectl and through the Python client (the latter
on the embedded store and on etcd)."""

import copy
import json
import threading

import pytest

POD_SPEC = {"containers": [{"name": "c", "image": "busybox:1.36"}]}
TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": POD_SPEC}
SELECTOR = {"matchLabels": {"app": "web"}}


def pytest_generate_tests(metafunc):
    # the Python CRUD + watch cases run on both store backends; kubectl's on the embedded one
    if "server" in metafunc.fixturenames:
        both = metafunc.function.__name__ == "test_python_dynamic_crud_and_watch"
        metafunc.parametrize("server", ["embedded", "etcd3"] if both else ["embedded"],
                             indirect=True, scope="module")

# (apiVersion, kind, plural, namespaced, body without metadata)
RESOURCES = [
    ("v1", "Namespace", "namespaces", False, {}),
    ("v1", "Pod", "pods", True, {"spec": POD_SPEC}),
    ("v1", "Node", "nodes", False, {"spec": {}}),
    ("v1", "Service", "services", True, {"spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}),
    ("v1", "Endpoints", "endpoints", True, {"subsets": [{"addresses": [{"ip": "10.1.2.3"}], "ports": [{"port": 80}]}]}),
    ("v1", "ConfigMap", "configmaps", True, {"data": {"k": "v"}}),
    ("v1", "Secret", "secrets", True, {"type": "Opaque", "data": {"k": "dg=="}}),
    ("v1", "ServiceAccount", "serviceaccounts", True, {}),
    ("v1", "Event", "events", True, {"involvedObject": {"kind": "Pod", "name": "p", "namespace": "NS"},
                                     "reason": "Test", "message": "hello", "type": "Normal"}),
    ("v1", "ReplicationController", "replicationcontrollers", True,
     {"spec": {"replicas": 1, "selector": {"app": "web"}, "template": TEMPLATE}}),
    ("v1", "ResourceQuota", "resourcequotas", True, {"spec": {"hard": {"pods": "10"}}}),
    ("v1", "LimitRange", "limitranges", True,
     {"spec": {"limits": [{"type": "Container", "default": {"cpu": "100m"}}]}}),
    ("v1", "PodTemplate", "podtemplates", True, {"template": TEMPLATE}),
    ("apps/v1", "Deployment", "deployments", True, {"spec": {"selector": SELECTOR, "template": TEMPLATE}}),
    ("apps/v1", "ReplicaSet", "replicasets", True, {"spec": {"selector": SELECTOR, "template": TEMPLATE}}),
    ("apps/v1", "DaemonSet", "daemonsets", True, {"spec": {"selector": SELECTOR, "template": TEMPLATE}}),
    ("apps/v1", "StatefulSet", "statefulsets", True,
     {"spec": {"selector": SELECTOR, "serviceName": "web", "template": TEMPLATE}}),
    ("apps/v1", "ControllerRevision", "controllerrevisions", True, {"revision": 1, "data": {"x": 1}}),
    ("batch/v1", "Job", "jobs", True,
     {"spec": {"template": {"spec": dict(POD_SPEC, restartPolicy="Never")}}}),
    ("batch/v1", "CronJob", "cronjobs", True,
     {"spec": {"schedule": "*/5 * * * *",
               "jobTemplate": {"spec": {"template": {"spec": dict(POD_SPEC, restartPolicy="OnFailure")}}}}}),
    ("coordination.k8s.io/v1", "Lease", "leases", True, {"spec": {"holderIdentity": "me", "leaseDurationSeconds": 15}}),
    ("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", True,
     {"addressType": "IPv4", "endpoints": [{"addresses": ["10.1.2.3"]}], "ports": [{"port": 80}]}),
    ("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", True, {"spec": {"minAvailable": 1, "selector": SELECTOR}}),
    ("autoscaling/v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True,
     {"spec": {"maxReplicas": 3, "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}),
    ("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True,
     {"spec": {"maxReplicas": 3, "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}),
    ("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", False, {"value": 1000}),
    ("networking.k8s.io/v1", "Ingress", "ingresses", True,
     {"spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}),
    ("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", True, {"spec": {"podSelector": {}}}),
    ("rbac.authorization.k8s.io/v1", "Role", "roles", True,
     {"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", True,
     {"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
      "subjects": [{"kind": "User", "name": "u", "apiGroup": "rbac.authorization.k8s.io"}]}),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", False,
     {"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", False,
     {"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
      "subjects": [{"kind": "User", "name": "u", "apiGroup": "rbac.authorization.k8s.io"}]}),
]

IDS = ["%s.%s" % (r[2], r[0].split("/")[0] if "/" in r[0] else "core") +
       ("" if r[0] != "autoscaling/v2" else "2") for r in RESOURCES]


def manifest(api_version, kind, body, name, ns=None):
    m = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "labels": {"suite": "e2e"}}}
    if ns:
        m["metadata"]["namespace"] = ns
    b = json.loads(json.dumps(body).replace('"NS"', json.dumps(ns or "default")))
    m.update(copy.deepcopy(b))
    return m


def base_path(api_version, plural, ns):
    root = "/api/v1" if api_version == "v1" else "/apis/" + api_version
    return root + ("/namespaces/%s" % ns if ns else "") + "/" + plural


def kref(api_version, kind, plural):
    """kubectl resource argument: plural.version.group so versions are exact."""
    if "/" not in api_version:
        return plural
    g, v = api_version.split("/")
    return "%s.%s.%s" % (plural, v, g)


@pytest.mark.parametrize("api_version,kind,plural,namespaced,body", RESOURCES, ids=IDS)
def test_kubectl_crud(kctl, rawhttp, ns, api_version, kind, plural, namespaced, body):
    name = "kc-" + plural[:20] + ("2" if api_version == "autoscaling/v2" else "")
    if kind == "Namespace":
        name = ns + "-x"
    m = manifest(api_version, kind, body, name, ns if namespaced else None)
    ref = kref(api_version, kind, plural)
    nsargs = ["-n", ns] if namespaced else []

    out = kctl.apply_manifest("create", m, *nsargs).stdout
    assert "%s created" % name in out

    obj = kctl.json("get", ref, name, *nsargs)
    assert obj["kind"] == kind and obj["apiVersion"] == api_version
    md = obj["metadata"]
    assert md["name"] == name and md["uid"] and md["resourceVersion"] and md["creationTimestamp"]
    if namespaced:
        assert md["namespace"] == ns
    rv1 = int(md["resourceVersion"])

    lst = kctl.json("get", ref, *nsargs, "-l", "suite=e2e")
    names = [i["metadata"]["name"] for i in lst["items"]]
    assert name in names

    out = kctl("label", ref, name, *nsargs, "tier=one")
    assert "labeled" in out
    out = kctl("patch", ref, name, *nsargs, "--type=merge", "-p", '{"metadata":{"annotations":{"a":"b"}}}')
    assert "patched" in out
    obj = kctl.json("get", ref, name, *nsargs)
    assert obj["metadata"]["labels"]["tier"] == "one"
    assert obj["metadata"]["annotations"]["a"] == "b"
    assert int(obj["metadata"]["resourceVersion"]) > rv1

    # replace: PUT with the read resourceVersion
    obj["metadata"]["labels"]["replaced"] = "yes"
    out = kctl.apply_manifest("replace", obj, *nsargs).stdout
    assert "replaced" in out
    st, got = rawhttp.get(base_path(api_version, plural, ns if namespaced else None) + "/" + name)
    assert st == 200 and got["metadata"]["labels"]["replaced"] == "yes"

    if kind == "Namespace":
        out = kctl("delete", ref, name, "--wait=false")
        assert 'namespace "%s" deleted' % name in out
        st, got = rawhttp.get("/api/v1/namespaces/" + name)
        assert st == 404 or got["status"]["phase"] == "Terminating"
        return
    out = kctl("delete", ref, name, *nsargs, "--wait=false")
    assert "deleted" in out
    if kind != "Pod":  # an unbound pod also goes at once, checked below either way
        pass
    st, got = rawhttp.get(base_path(api_version, plural, ns if namespaced else None) + "/" + name)
    assert st == 404, got
    assert got["kind"] == "Status" and got["reason"] == "NotFound"
    r = kctl.run("get", ref, name, *nsargs, check=False)
    assert r.returncode != 0 and "NotFound" in r.stderr


@pytest.mark.parametrize("api_version,kind,plural,namespaced,body", RESOURCES, ids=IDS)
def test_python_dynamic_crud_and_watch(client, rawhttp, ns, api_version, kind, plural, namespaced, body):
    from kubernetes.dynamic import DynamicClient
    dyn = DynamicClient(client)
    res = dyn.resources.get(api_version=api_version, kind=kind)
    name = "py-" + plural[:20]
    if kind == "Namespace":
        name = ns + "-py"
    m = manifest(api_version, kind, body, name, ns if namespaced else None)
    kw = {"namespace": ns} if namespaced else {}

    lst = res.get(**kw)
    start_rv = lst.metadata.resourceVersion
    assert start_rv

    # a watch from the list's revision sees ADDED, MODIFIED, DELETED
    path = base_path(api_version, plural, ns if namespaced else None)
    w = rawhttp.watch(path + "?watch=true&resourceVersion=%s&fieldSelector=metadata.name%%3D%s" % (start_rv, name))
    assert w.status == 200

    created = res.create(body=m, **kw)
    assert created.metadata.name == name
    assert created.metadata.generation in (None, 1) or kind == "Namespace"
    got = res.get(name=name, **kw)
    assert got.metadata.uid == created.metadata.uid

    patched = res.patch(name=name, body={"metadata": {"labels": {"p": "1"}}},
                        content_type="application/merge-patch+json", **kw)
    assert patched.metadata.labels["p"] == "1"

    cur = res.get(name=name, **kw).to_dict()
    cur["metadata"]["annotations"] = {"u": "2"}
    updated = res.replace(body=cur, **kw)
    assert updated.metadata.annotations["u"] == "2"

    res.delete(name=name, **kw)

    evs = w.events(4)
    w.close()
    types = [e["type"] for e in evs]
    last = "MODIFIED" if kind == "Namespace" else "DELETED"  # a namespace turns Terminating
    assert types == ["ADDED", "MODIFIED", "MODIFIED", last], types
    for e in evs:
        assert e["object"]["kind"] == kind
        assert e["object"]["metadata"]["name"] == name
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in evs]
    assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs)
