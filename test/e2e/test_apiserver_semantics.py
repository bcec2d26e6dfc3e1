"""API semantics over raw HTTP: errors, selectors, paging, conflicts, watch,
compaction, graceful deletion, namespaces, service allocation."""
import json
import socket
import threading
import time
import urllib.request

from conftest import ApiServer, http

NS = "/api/v1/namespaces/default"


def cm(name, labels=None, data=None):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels or {}}, "data": data or {}}


def test_status_errors(apiserver):
    st, body = apiserver.json("GET", NS + "/configmaps/nope")
    assert st == 404
    assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": 'configmaps "nope" not found', "reason": "NotFound",
                    "details": {"name": "nope", "kind": "configmaps"}, "code": 404}
    st, body = apiserver.json("GET", "/api/v1/nosuchresource")
    assert st == 404 and body["reason"] == "NotFound"
    st, body = apiserver.json("PUT", NS + "/configmaps")
    assert st == 405 and body["reason"] == "MethodNotAllowed"
    # malformed JSON
    st, _, raw = http("POST", apiserver.url + NS + "/configmaps", b"{not json")
    assert st == 400 and json.loads(raw)["reason"] == "BadRequest"
    # wrong kind for the URL
    st, body = apiserver.json("POST", NS + "/configmaps", {"apiVersion": "v1", "kind": "Secret",
                                                           "metadata": {"name": "x"}})
    assert st == 400
    # namespace mismatch
    st, body = apiserver.json("POST", NS + "/configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                                                           "metadata": {"name": "x", "namespace": "kube-system"}})
    assert st == 400 and "does not match the namespace" in body["message"]
    # body too large
    big = json.dumps(cm("big", data={"a": "x" * (3 * 1024 * 1024 + 10)})).encode()
    st, _, raw = http("POST", apiserver.url + NS + "/configmaps", big)
    assert st == 413 and json.loads(raw)["reason"] == "RequestEntityTooLarge"
    # invalid name -> 422 with causes
    st, body = apiserver.json("POST", NS + "/configmaps", cm("Bad_Name"))
    assert st == 422 and body["reason"] == "Invalid"
    assert body["details"]["causes"][0]["field"] == "metadata.name"
    assert body["message"].startswith('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"')
    # the server still answers
    assert apiserver.get("/healthz")[0] == 200


def test_create_metadata_and_generate_name(apiserver):
    st, body = apiserver.json("POST", NS + "/configmaps",
                              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "gen-"}})
    assert st == 201
    name = body["metadata"]["name"]
    assert name.startswith("gen-") and len(name) == 9
    assert all(c in "bcdfghjklmnpqrstvwxz2456789" for c in name[4:])
    assert body["metadata"]["uid"] and body["metadata"]["creationTimestamp"].endswith("Z")
    assert int(body["metadata"]["resourceVersion"]) > 0
    st, body = apiserver.json("POST", NS + "/configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}})
    assert st == 422


def test_label_and_field_selectors(apiserver):
    for i in range(6):
        assert apiserver.json("POST", NS + "/configmaps",
                              cm("sel%d" % i, {"tier": "fe" if i % 2 else "be", "n": str(i)}))[0] == 201
    st, body = apiserver.json("GET", NS + "/configmaps?labelSelector=tier%3Dfe")
    assert sorted(i["metadata"]["name"] for i in body["items"]) == ["sel1", "sel3", "sel5"]
    st, body = apiserver.json("GET", NS + "/configmaps?labelSelector=n%20in%20(1,2),tier!%3Dfe")
    assert [i["metadata"]["name"] for i in body["items"]] == ["sel2"]
    st, body = apiserver.json("GET", NS + "/configmaps?fieldSelector=metadata.name%3Dsel4")
    assert [i["metadata"]["name"] for i in body["items"]] == ["sel4"]
    st, body = apiserver.json("GET", NS + "/configmaps?fieldSelector=spec.nodeName%3Dx")
    assert st == 400 and body["message"] == "field label not supported: spec.nodeName"
    st, body = apiserver.json("GET", NS + "/configmaps?labelSelector=a%20in%20(")
    assert st == 400
    # pods support spec.nodeName
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"},
           "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "i"}]}}
    assert apiserver.json("POST", NS + "/pods", pod)[0] == 201
    st, body = apiserver.json("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1")
    assert [i["metadata"]["name"] for i in body["items"]] == ["p1"]


def test_paging_with_continue(apiserver):
    for i in range(25):
        apiserver.json("POST", NS + "/configmaps", cm("page%02d" % i))
    names, cont, pages = [], "", 0
    while True:
        q = "?limit=10" + ("&continue=" + cont if cont else "")
        st, body = apiserver.json("GET", NS + "/configmaps" + q)
        assert st == 200
        pages += 1
        names += [i["metadata"]["name"] for i in body["items"]]
        cont = body["metadata"].get("continue", "")
        if pages == 1:
            # a write after the first page does not show in later pages
            apiserver.json("POST", NS + "/configmaps", cm("page99"))
        if not cont:
            break
    assert pages == 3
    assert names == ["page%02d" % i for i in range(25)]
    st, body = apiserver.json("GET", NS + "/configmaps?limit=10&continue=garbage")
    assert st == 400


def test_optimistic_concurrency(apiserver):
    st, body = apiserver.json("POST", NS + "/configmaps", cm("occ", data={"a": "1"}))
    rv = body["metadata"]["resourceVersion"]
    body["data"]["a"] = "2"
    st, upd = apiserver.json("PUT", NS + "/configmaps/occ", body)
    assert st == 200 and upd["metadata"]["resourceVersion"] != rv
    body["data"]["a"] = "3"  # still carries the old resourceVersion
    st, err = apiserver.json("PUT", NS + "/configmaps/occ", body)
    assert st == 409 and err["reason"] == "Conflict"
    assert err["message"] == ('Operation cannot be fulfilled on configmaps "occ": the object has been '
                              'modified; please apply your changes to the latest version and try again')
    st, cur = apiserver.json("GET", NS + "/configmaps/occ")
    assert cur["data"]["a"] == "2"
    st, p = apiserver.json("PATCH", NS + "/configmaps/occ", {"data": {"b": "x"}},
                           headers={"Content-Type": "application/merge-patch+json"})
    assert st == 200 and p["data"] == {"a": "2", "b": "x"}
    st, p = apiserver.json("PATCH", NS + "/configmaps/occ", [{"op": "test", "path": "/data/a", "value": "9"}],
                           headers={"Content-Type": "application/json-patch+json"})
    assert st == 422
    st, p = apiserver.json("PATCH", NS + "/configmaps/occ", {"data": {}},
                           headers={"Content-Type": "application/x-whatever"})
    assert st == 415
    st, body = apiserver.json("GET", NS + "/configmaps?resourceVersionMatch=Exact")
    assert st == 400


def read_events(resp, n, timeout=5):
    out = []
    deadline = time.time() + timeout
    while len(out) < n and time.time() < deadline:
        line = resp.readline()
        if not line:
            break
        out.append(json.loads(line))
    return out


def test_watch_from_resource_version(apiserver):
    st, body = apiserver.json("POST", NS + "/configmaps", cm("w0"))
    rv0 = body["metadata"]["resourceVersion"]
    apiserver.json("POST", NS + "/configmaps", cm("w1", {"x": "y"}))
    apiserver.json("DELETE", NS + "/configmaps/w0")
    resp = urllib.request.urlopen(apiserver.url + NS + "/configmaps?watch=true&resourceVersion=" + rv0, timeout=10)
    evs = read_events(resp, 2)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [("ADDED", "w1"), ("DELETED", "w0")]
    assert int(evs[1]["object"]["metadata"]["resourceVersion"]) > int(evs[0]["object"]["metadata"]["resourceVersion"])
    apiserver.json("PATCH", NS + "/configmaps/w1", {"data": {"k": "v"}},
                   headers={"Content-Type": "application/merge-patch+json"})
    evs = read_events(resp, 1)
    assert evs[0]["type"] == "MODIFIED" and evs[0]["object"]["data"] == {"k": "v"}
    resp.close()
    # label-filtered watch: leaving the selection is a DELETED
    resp = urllib.request.urlopen(apiserver.url + NS + "/configmaps?watch=1&labelSelector=x%3Dy", timeout=10)
    evs = read_events(resp, 1)
    assert evs[0]["type"] == "ADDED" and evs[0]["object"]["metadata"]["name"] == "w1"
    apiserver.json("PATCH", NS + "/configmaps/w1", {"metadata": {"labels": {"x": "z"}}},
                   headers={"Content-Type": "application/merge-patch+json"})
    evs = read_events(resp, 1)
    assert evs[0]["type"] == "DELETED"
    resp.close()
    # bookmarks and timeoutSeconds
    t0 = time.time()
    resp = urllib.request.urlopen(apiserver.url + NS + "/configmaps?watch=true&timeoutSeconds=1&sendInitialEvents=true"
                                  "&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan", timeout=10)
    evs = read_events(resp, 50)
    assert time.time() - t0 < 4
    assert evs[-1]["type"] == "BOOKMARK"
    assert evs[-1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_watch_too_old_after_compaction(tmp_path):
    srv = ApiServer(tmp_path, ["--watch-cache-size=5"]).start()
    try:
        st, body = srv.json("POST", NS + "/configmaps", cm("old"))
        rv = body["metadata"]["resourceVersion"]
        for i in range(10):
            srv.json("PATCH", NS + "/configmaps/old", {"data": {"i": str(i)}},
                     headers={"Content-Type": "application/merge-patch+json"})
        resp = urllib.request.urlopen(srv.url + NS + "/configmaps?watch=true&resourceVersion=" + rv, timeout=10)
        evs = read_events(resp, 1)
        assert evs[0]["type"] == "ERROR"
        assert evs[0]["object"]["code"] == 410 and evs[0]["object"]["reason"] == "Expired"
        assert evs[0]["object"]["message"].startswith("too old resource version: %s (" % rv)
    finally:
        srv.stop()


def test_graceful_pod_deletion(apiserver):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "g"},
           "spec": {"nodeName": "node1", "containers": [{"name": "c", "image": "i"}]}}
    assert apiserver.json("POST", NS + "/pods", pod)[0] == 201
    st, body = apiserver.json("DELETE", NS + "/pods/g")
    assert st == 200
    assert body["metadata"]["deletionGracePeriodSeconds"] == 30
    assert body["metadata"]["deletionTimestamp"]
    st, body = apiserver.json("GET", NS + "/pods/g")
    assert st == 200 and body["metadata"]["deletionTimestamp"]
    # the kubelet confirms with grace 0
    st, body = apiserver.json("DELETE", NS + "/pods/g", {"gracePeriodSeconds": 0})
    assert st == 200
    assert apiserver.json("GET", NS + "/pods/g")[0] == 404


def test_finalizers_hold_deletion(apiserver):
    obj = cm("fin")
    obj["metadata"]["finalizers"] = ["example.com/hold"]
    apiserver.json("POST", NS + "/configmaps", obj)
    st, body = apiserver.json("DELETE", NS + "/configmaps/fin")
    assert st == 200 and body["metadata"]["deletionTimestamp"]
    assert apiserver.json("GET", NS + "/configmaps/fin")[0] == 200
    st, body = apiserver.json("PATCH", NS + "/configmaps/fin", {"metadata": {"finalizers": None}},
                              headers={"Content-Type": "application/merge-patch+json"})
    assert st == 200
    for _ in range(50):
        if apiserver.json("GET", NS + "/configmaps/fin")[0] == 404:
            break
        time.sleep(0.02)
    assert apiserver.json("GET", NS + "/configmaps/fin")[0] == 404
    # propagationPolicy=Foreground records the finalizer for the garbage collector
    apiserver.json("POST", NS + "/configmaps", cm("fg"))
    st, body = apiserver.json("DELETE", NS + "/configmaps/fg", {"propagationPolicy": "Foreground"})
    assert "foregroundDeletion" in body["metadata"]["finalizers"]


def test_namespace_termination_blocks_creates(apiserver):
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "doomed"}}
    st, body = apiserver.json("POST", "/api/v1/namespaces", ns)
    assert st == 201 and body["spec"]["finalizers"] == ["kubernetes"] and body["status"]["phase"] == "Active"
    assert body["metadata"]["labels"]["kubernetes.io/metadata.name"] == "doomed"
    st, body = apiserver.json("DELETE", "/api/v1/namespaces/doomed")
    assert st == 200 and body["status"]["phase"] == "Terminating"
    st, body = apiserver.json("POST", "/api/v1/namespaces/doomed/configmaps", cm("x"))
    assert st == 403 and body["reason"] == "Forbidden"
    assert body["message"] == "unable to create new content in namespace doomed because it is being terminated"
    st, body = apiserver.json("POST", "/api/v1/namespaces/missing/configmaps", cm("x"))
    assert st == 404 and body["message"] == 'namespaces "missing" not found'


def svc(name, **spec):
    s = {"ports": [{"port": 80}]}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": s}


def test_service_allocation_and_exhaustion(tmp_path):
    srv = ApiServer(tmp_path, ["--service-cluster-ip-range=10.9.0.0/29",
                               "--service-node-port-range=30000-30002"]).start()
    try:
        ips = set()
        # /29: 8 addresses, minus network, broadcast and .1 (kubernetes) -> 5
        for i in range(5):
            st, body = srv.json("POST", NS + "/services", svc("s%d" % i))
            assert st == 201, body
            ips.add(body["spec"]["clusterIP"])
        assert len(ips) == 5 and all(ip.startswith("10.9.0.") for ip in ips)
        st, body = srv.json("POST", NS + "/services", svc("full"))
        assert st == 422 and "range is full" in body["message"]
        srv.json("DELETE", NS + "/services/s0")
        time.sleep(0.1)
        st, body = srv.json("POST", NS + "/services", svc("again"))
        assert st == 201
        srv.json("DELETE", NS + "/services/again")
        time.sleep(0.1)
        st, body = srv.json("POST", NS + "/services", svc("want", clusterIP="10.9.0.1"))
        assert st == 422 and "already allocated" in body["message"]
        st, body = srv.json("POST", NS + "/services", svc("out", clusterIP="10.8.0.5"))
        assert st == 422 and "not in the valid range" in body["message"]
        # node ports: free the addresses first
        for i in range(1, 5):
            srv.json("DELETE", NS + "/services/s%d" % i)
        time.sleep(0.1)
        st, body = srv.json("POST", NS + "/services", svc("np2", type="NodePort",
                                                          ports=[{"port": 80, "nodePort": 30001}]))
        assert st == 201 and body["spec"]["ports"][0]["nodePort"] == 30001
        st, body = srv.json("POST", NS + "/services", svc("np1", type="NodePort"))
        assert st == 201 and body["spec"]["ports"][0]["nodePort"] in (30000, 30002)
        st, body = srv.json("POST", NS + "/services", svc("np3", type="NodePort",
                                                          ports=[{"port": 80, "nodePort": 30001}]))
        assert st == 422 and "provided port is already allocated" in body["message"]
        st, body = srv.json("POST", NS + "/services", svc("np4", type="NodePort",
                                                          ports=[{"port": 80, "nodePort": 40000}]))
        assert st == 422 and "The range of valid ports is 30000-30002" in body["message"]
        # allocations survive a restart
        srv.stop()
        srv.start()
        st, body = srv.json("POST", NS + "/services", svc("np5", type="NodePort",
                                                          ports=[{"port": 80, "nodePort": 30001}]))
        assert st == 422 and "provided port is already allocated" in body["message"]
    finally:
        srv.stop()


def test_binding_and_scale(apiserver):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"},
           "spec": {"containers": [{"name": "c", "image": "i"}]}}
    apiserver.json("POST", NS + "/pods", pod)
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "b"},
               "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"}}
    st, body = apiserver.json("POST", NS + "/pods/b/binding", binding)
    assert st == 201 and body["status"] == "Success"
    st, body = apiserver.json("GET", NS + "/pods/b")
    assert body["spec"]["nodeName"] == "n1"
    assert any(c["type"] == "PodScheduled" and c["status"] == "True" for c in body["status"]["conditions"])
    st, body = apiserver.json("POST", NS + "/bindings", binding)
    assert st == 409
    # status subresource changes only status; the main resource ignores status
    st, body = apiserver.json("PATCH", NS + "/pods/b/status", {"status": {"phase": "Running"},
                                                               "metadata": {"labels": {"no": "x"}}},
                              headers={"Content-Type": "application/merge-patch+json"})
    assert st == 200 and body["status"]["phase"] == "Running" and "no" not in body["metadata"].get("labels", {})
    st, body = apiserver.json("PATCH", NS + "/pods/b", {"status": {"phase": "Failed"}},
                              headers={"Content-Type": "application/merge-patch+json"})
    assert body["status"]["phase"] == "Running"


def test_dry_run_persists_nothing(apiserver):
    st, body = apiserver.json("POST", NS + "/configmaps?dryRun=All", cm("dry"))
    assert st == 201 and body["metadata"]["name"] == "dry"
    assert apiserver.json("GET", NS + "/configmaps/dry")[0] == 404


def test_concurrent_creates_and_list(apiserver):
    errors = []

    def worker(i):
        for j in range(25):
            st, _ = apiserver.json("POST", NS + "/configmaps", cm("c-%d-%d" % (i, j)))
            if st != 201:
                errors.append(st)
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    assert not errors
    st, body = apiserver.json("GET", NS + "/configmaps?labelSelector=")
    assert len([i for i in body["items"] if i["metadata"]["name"].startswith("c-")]) == 200
