"""pods/eviction: the delete goes through unless a PodDisruptionBudget
forbids it (429 with a DisruptionBudget cause), as upstream's eviction REST;
driven over raw HTTP, the official Python client and the real kubectl drain
path's request shape."""
import pytest

NS = "/api/v1/namespaces/default"
PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets"


def pod(name, labels=None):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": labels or {}},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


def running(apiserver, name, ready=True):
    apiserver.json("POST", NS + "/pods/%s/binding" % name,
                   {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": name},
                    "target": {"kind": "Node", "name": "n1"}})
    st, _ = apiserver.json("PATCH", NS + "/pods/%s/status" % name,
                           {"status": {"phase": "Running", "conditions": [
                               {"type": "Ready", "status": "True" if ready else "False"}]}},
                           headers={"Content-Type": "application/merge-patch+json"})
    assert st == 200


def evict(apiserver, name, **extra):
    body = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name}}
    body.update(extra)
    return apiserver.json("POST", NS + "/pods/%s/eviction" % name, body)


def test_eviction_without_budget_deletes(apiserver):
    apiserver.json("POST", NS + "/pods", pod("a"))
    st, body = evict(apiserver, "a")
    assert st == 201 and body["kind"] == "Status" and body["status"] == "Success"
    assert apiserver.json("GET", NS + "/pods/a")[0] == 404
    st, body = evict(apiserver, "a")
    assert st == 404 and body["reason"] == "NotFound"
    # a running pod is deleted gracefully: deleteOptions apply
    apiserver.json("POST", NS + "/pods", pod("g"))
    running(apiserver, "g")
    st, _ = evict(apiserver, "g", deleteOptions={"gracePeriodSeconds": 0})
    assert st == 201
    assert apiserver.json("GET", NS + "/pods/g")[0] == 404


def test_eviction_honours_budget(apiserver):
    for n in ("w1", "w2"):
        apiserver.json("POST", NS + "/pods", pod(n, {"app": "w"}))
        running(apiserver, n)
    st, pdb = apiserver.json("POST", PDBS, {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "wb"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "w"}}}})
    assert st == 201
    # not processed by a disruption controller yet
    st, body = evict(apiserver, "w1")
    assert st == 429 and body["reason"] == "TooManyRequests"
    assert body["message"] == "Cannot evict pod as it would violate the pod's disruption budget."
    assert body["details"]["causes"] == [
        {"reason": "DisruptionBudget",
         "message": "The disruption budget wb is still being processed by the server."}]
    # what the disruption controller would write: one disruption allowed
    st, _ = apiserver.json("PATCH", PDBS + "/wb/status", {"status": {
        "observedGeneration": pdb["metadata"]["generation"], "disruptionsAllowed": 1,
        "currentHealthy": 2, "desiredHealthy": 1, "expectedPods": 2}},
        headers={"Content-Type": "application/merge-patch+json"})
    assert st == 200
    st, _ = evict(apiserver, "w1", deleteOptions={"gracePeriodSeconds": 0})
    assert st == 201
    st, body = apiserver.json("GET", PDBS + "/wb")
    assert body["status"]["disruptionsAllowed"] == 0
    assert "w1" in body["status"]["disruptedPods"]
    st, body = evict(apiserver, "w2")
    assert st == 429
    assert body["details"]["causes"][0]["message"] == \
        "The disruption budget wb needs 1 healthy pods and has 2 currently"
    assert apiserver.json("GET", NS + "/pods/w2")[0] == 200
    # a pod that is not running yet ignores budgets
    apiserver.json("POST", NS + "/pods", pod("w3", {"app": "w"}))
    assert evict(apiserver, "w3")[0] == 201
    # dry run writes nothing
    st, _ = apiserver.json("POST", NS + "/pods/w2/eviction?dryRun=All",
                           {"apiVersion": "policy/v1", "kind": "Eviction",
                            "metadata": {"name": "w2"}})
    assert st == 429


def test_eviction_name_mismatch(apiserver):
    apiserver.json("POST", NS + "/pods", pod("m"))
    st, body = evict(apiserver, "m", metadata={"name": "other"})
    assert st == 400
    assert apiserver.json("GET", NS + "/pods/m")[0] == 200


def test_eviction_python_client(apiserver, pyclient):
    kubernetes = pytest.importorskip("kubernetes")
    v1 = kubernetes.client.CoreV1Api(pyclient)
    v1.create_namespaced_pod("default", pod("py"))
    body = kubernetes.client.V1Eviction(metadata=kubernetes.client.V1ObjectMeta(name="py"))
    v1.create_namespaced_pod_eviction("py", "default", body)
    with pytest.raises(kubernetes.client.exceptions.ApiException) as e:
        v1.read_namespaced_pod("py", "default")
    assert e.value.status == 404
