"""Watch and list options (bookmarks, sendInitialEvents, timeoutSeconds,
resourceVersion/resourceVersionMatch), deletecollection, events TTL,
health and metrics, and the Python client's typed APIs and watch.Watch."""

import json
import urllib.parse
import time

import pytest

from conftest import Http, wait_for

CM = "/api/v1/namespaces/%s/configmaps"


def cm(name, labels=None):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels or {}},
            "data": {"k": name}}


def test_watch_initial_events_and_bookmark(rawhttp, ns):
    for i in range(3):
        assert rawhttp.post(CM % ns, cm("c%d" % i))[0] == 201
    w = rawhttp.watch(CM % ns + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
                      "&resourceVersionMatch=NotOlderThan&timeoutSeconds=5")
    assert w.status == 200
    evs = w.events(4)
    assert [e["type"] for e in evs] == ["ADDED"] * 3 + ["BOOKMARK"]
    assert sorted(e["object"]["metadata"]["name"] for e in evs[:3]) == ["c0", "c1", "c2"]
    bm = evs[3]["object"]
    assert bm["kind"] == "ConfigMap" and bm["apiVersion"] == "v1"
    assert bm["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(bm["metadata"]["resourceVersion"]) >= max(int(e["object"]["metadata"]["resourceVersion"])
                                                          for e in evs[:3])
    # then live changes
    assert rawhttp.post(CM % ns, cm("c3"))[0] == 201
    ev = w.next()
    assert ev["type"] == "ADDED" and ev["object"]["metadata"]["name"] == "c3"
    w.close()


def test_send_initial_events_requires_bookmarks(rawhttp, ns):
    st, body = rawhttp.get(CM % ns + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan")
    assert st == 422 and body["reason"] == "Invalid"
    assert "allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true" in body["message"]


def test_watch_timeout_seconds_ends_stream(rawhttp, ns):
    t0 = time.monotonic()
    w = rawhttp.watch(CM % ns + "?watch=1&timeoutSeconds=1", timeout=10)
    assert w.status == 200
    assert w.next() is None
    took = time.monotonic() - t0
    assert 0.8 < took < 4, took
    w.close()


def test_watch_rv0_sends_current_state_then_changes(rawhttp, ns):
    assert rawhttp.post(CM % ns, cm("a", {"x": "1"}))[0] == 201
    w = rawhttp.watch(CM % ns + "?watch=true&resourceVersion=0&labelSelector=x%3D1")
    ev = w.next()
    assert ev["type"] == "ADDED" and ev["object"]["metadata"]["name"] == "a"
    # a label change that leaves the selector reads as DELETED for this watcher
    st, _ = rawhttp.patch(CM % ns + "/a", {"metadata": {"labels": {"x": "2"}}})
    assert st == 200
    ev = w.next()
    assert ev["type"] == "DELETED" and ev["object"]["metadata"]["name"] == "a"
    st, _ = rawhttp.patch(CM % ns + "/a", {"metadata": {"labels": {"x": "1"}}})
    ev = w.next()
    assert ev["type"] == "ADDED"
    w.close()


def test_list_resource_version_semantics(rawhttp, ns):
    st, c1 = rawhttp.post(CM % ns, cm("one"))
    rv1 = c1["metadata"]["resourceVersion"]
    st, _ = rawhttp.post(CM % ns, cm("two"))
    # Exact: the list as it was
    st, l = rawhttp.get(CM % ns + "?resourceVersion=%s&resourceVersionMatch=Exact" % rv1)
    assert st == 200, l
    assert l["metadata"]["resourceVersion"] == rv1
    assert [i["metadata"]["name"] for i in l["items"]] == ["one"]
    # NotOlderThan / unset / 0: the latest state
    for q in ("?resourceVersion=%s&resourceVersionMatch=NotOlderThan" % rv1, "", "?resourceVersion=0"):
        st, l = rawhttp.get(CM % ns + q)
        assert st == 200 and sorted(i["metadata"]["name"] for i in l["items"]) == ["one", "two"], q
        assert int(l["metadata"]["resourceVersion"]) > int(rv1)
    st, body = rawhttp.get(CM % ns + "?resourceVersionMatch=Exact")
    assert st == 400 and "resourceVersionMatch is forbidden" in body["message"]


def test_deletecollection(rawhttp, ns):
    for i in range(5):
        assert rawhttp.post(CM % ns, cm("d%d" % i, {"grp": "a" if i < 3 else "b"}))[0] == 201
    st, body = rawhttp.delete(CM % ns + "?labelSelector=grp%3Da")
    assert st == 200, body
    st, l = rawhttp.get(CM % ns)
    assert sorted(i["metadata"]["name"] for i in l["items"]) == ["d3", "d4"]
    st, body = rawhttp.delete(CM % ns, {"kind": "DeleteOptions", "apiVersion": "v1"})
    assert st == 200, body
    st, l = rawhttp.get(CM % ns)
    assert l["items"] == []


def test_events_expire_after_ttl(start_server):
    srv = start_server("--event-ttl=2s")
    ev = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1"},
          "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default"},
          "reason": "Test", "message": "m", "type": "Normal"}
    st, _, body = srv.request("POST", "/api/v1/namespaces/default/events", ev)
    assert st == 201, body
    assert srv.request("GET", "/api/v1/namespaces/default/events/e1")[0] == 200
    wait_for(lambda: srv.request("GET", "/api/v1/namespaces/default/events/e1")[0] == 404,
             timeout=8, what="the event to expire")


def test_health_and_metrics(server, kctl):
    for path in ("/healthz", "/livez", "/readyz"):
        st, _, body = server.request("GET", path)
        assert st == 200 and body == b"ok"
        st, _, body = server.request("GET", path + "?verbose")
        assert st == 200 and b"[+]ping ok" in body and b"check passed" in body
    assert kctl("get", "--raw", "/readyz").strip() == "ok"
    server.request("GET", "/api/v1/namespaces/default/pods")
    st, hdrs, body = server.request("GET", "/metrics")
    assert st == 200 and hdrs["content-type"].startswith("text/plain")
    text = body.decode()
    assert 'apiserver_request_total{code="200",resource="pods",verb="LIST"}' in text
    assert "apiserver_request_duration_seconds_bucket{" in text
    assert 'apiserver_storage_objects{resource="namespaces"} 4' in text or \
        'apiserver_storage_objects{resource="namespaces"}' in text
    assert "apiserver_registered_watchers" in text


def test_openapi_not_served_yet(server):
    for path in ("/openapi/v3", "/openapi/v2"):
        st, _, body = server.request("GET", path)
        assert st == 404 and json.loads(body)["kind"] == "Status"


def test_python_typed_clients(client, ns):
    from kubernetes import client as kc, watch
    from kubernetes.client.rest import ApiException
    v1, apps, batch = kc.CoreV1Api(client), kc.AppsV1Api(client), kc.BatchV1Api(client)

    assert kc.VersionApi(client).get_code().minor == "32"
    names = [n.metadata.name for n in v1.list_namespace().items]
    for want in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert want in names

    pod = v1.create_namespaced_pod(ns, {"metadata": {"name": "p1", "labels": {"app": "x"}},
                                        "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    assert pod.spec.restart_policy == "Always" and pod.spec.scheduler_name == "default-scheduler"
    assert pod.spec.containers[0].image_pull_policy == "Always"
    assert pod.status.phase == "Pending"
    lst = v1.list_namespaced_pod(ns, label_selector="app=x", field_selector="status.phase=Pending")
    assert [p.metadata.name for p in lst.items] == ["p1"]
    assert v1.list_namespaced_pod(ns, label_selector="app!=x").items == []

    # watch.Watch from the list's resourceVersion sees a change
    rv = lst.metadata.resource_version
    v1.patch_namespaced_pod("p1", ns, {"metadata": {"labels": {"seen": "yes"}}})
    w = watch.Watch()
    got = None
    for ev in w.stream(v1.list_namespaced_pod, ns, resource_version=rv, timeout_seconds=5):
        got = ev
        w.stop()
    assert got["type"] == "MODIFIED" and got["object"].metadata.labels["seen"] == "yes"

    # replace with a stale resourceVersion: 409
    stale = v1.read_namespaced_pod("p1", ns)
    v1.patch_namespaced_pod("p1", ns, {"metadata": {"annotations": {"a": "1"}}})
    with pytest.raises(ApiException) as e:
        v1.replace_namespaced_pod("p1", ns, stale)
    assert e.value.status == 409 and "the object has been modified" in e.value.body

    # an unbound pod is deleted at once
    v1.delete_namespaced_pod("p1", ns)
    with pytest.raises(ApiException) as e:
        v1.read_namespaced_pod("p1", ns)
    assert e.value.status == 404

    dep = apps.create_namespaced_deployment(ns, {
        "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}}})
    assert dep.spec.replicas == 1 and dep.metadata.generation == 1
    assert dep.spec.strategy.type == "RollingUpdate"
    apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 4}})
    sc = apps.read_namespaced_deployment_scale("web", ns)
    assert sc.spec.replicas == 4
    dep = apps.read_namespaced_deployment("web", ns)
    assert dep.spec.replicas == 4 and dep.metadata.generation == 2
    # status writes leave generation alone
    dep = apps.patch_namespaced_deployment_status("web", ns, {"status": {"observedGeneration": 2}})
    assert dep.metadata.generation == 2 and dep.status.observed_generation == 2

    job = batch.create_namespaced_job(ns, {
        "metadata": {"name": "j"},
        "spec": {"template": {"spec": {"restartPolicy": "Never",
                                       "containers": [{"name": "c", "image": "busybox"}]}}}})
    assert job.metadata.name == "j"
    assert [j.metadata.name for j in batch.list_namespaced_job(ns).items] == ["j"]

    svc = v1.create_namespaced_service(ns, {"metadata": {"name": "s"},
                                            "spec": {"ports": [{"port": 80}], "type": "NodePort"}})
    assert svc.spec.cluster_ip.startswith("10.0.0.")
    assert 30000 <= svc.spec.ports[0].node_port <= 32767
    assert svc.spec.ports[0].target_port == 80


def _rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def test_slow_watcher_is_cut_off(start_server):
    import socket
    srv = start_server()
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", srv.port))
    slow.sendall(b"GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\nHost: x\r\n\r\n")
    fast = Http(srv).watch("/api/v1/namespaces/default/configmaps?watch=true", timeout=30)
    big = "x" * (1 << 20)
    for i in range(28):  # 28 MiB of events: more than the 16 MiB a watcher may owe
        st, _, body = srv.request("POST", "/api/v1/namespaces/default/configmaps",
                                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big%d" % i},
                                   "data": {"b": big}})
        assert st == 201, body[:200]
        ev = fast.next()  # the reading watcher keeps up
        assert ev["type"] == "ADDED" and ev["object"]["metadata"]["name"] == "big%d" % i
    fast.close()
    assert _rss_mb(srv.proc.pid) < 200
    # the slow watcher was ended: draining it reaches the stream's end (the
    # last chunk, or EOF) before all 28 events
    slow.settimeout(10)
    got, tail = 0, b""
    while True:
        try:
            chunk = slow.recv(1 << 20)
        except socket.timeout:
            raise AssertionError("the slow watcher was not ended (%d bytes read)" % got)
        if not chunk:
            break
        got += len(chunk)
        tail = (tail + chunk)[-16:]
        if tail.endswith(b"\r\n0\r\n\r\n"):
            break
    slow.close()
    assert got < 28 * (1 << 20), got


def test_yaml_bodies_and_bad_input(server, ns):
    path = CM % ns
    yaml_cm = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y1\n  labels: {a: b}\ndata:\n  k: v\n"
    st, _, body = server.request("POST", path, yaml_cm, {"Content-Type": "application/yaml"})
    assert st == 201, body
    obj = json.loads(body)
    assert obj["data"] == {"k": "v"} and obj["metadata"]["labels"] == {"a": "b"}
    cases = [
        (b"apiVersion: v1\nkind: [ConfigMap\n", "application/yaml", 400, "BadRequest"),
        (b"{not json", "application/json", 400, "BadRequest"),
        (b"[1,2]", "application/json", 400, "BadRequest"),
        (json.dumps({"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "x"}}).encode(),
         "application/json", 400, "BadRequest"),
        (json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}).encode(),
         "application/json", 400, "BadRequest"),
        (b"k8s\x00\x0a\x02", "application/vnd.kubernetes.protobuf", 400, "BadRequest"),
        (b"k8s\x00\x0a\x0c\x0a\x02v1\x12\x06Widget", "application/vnd.kubernetes.protobuf", 415,
         "UnsupportedMediaType"),
    ]
    for data, ctype, code, reason in cases:
        st, _, body = server.request("POST", path, data, {"Content-Type": ctype})
        status = json.loads(body)
        assert (st, status["reason"], status["code"]) == (code, reason, code), (data, body)
        assert status["kind"] == "Status" and status["status"] == "Failure"
    # PUT whose name differs from the URL
    st, _, body = server.request("PUT", path + "/y1", {"apiVersion": "v1", "kind": "ConfigMap",
                                                       "metadata": {"name": "other"}})
    assert st == 400 and "does not match the name on the URL" in json.loads(body)["message"]
    # unknown patch type
    st, _, body = server.request("PATCH", path + "/y1", b"{}", {"Content-Type": "text/plain"})
    assert st == 415
    # the server is still healthy
    assert server.request("GET", "/readyz")[0] == 200


def test_kubectl_delete_waits_for_graceful_pod_removal(server, kctl, rawhttp, ns):
    import subprocess
    import threading
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gp"},
           "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    assert rawhttp.post("/api/v1/namespaces/%s/pods" % ns, pod)[0] == 201
    st, body = rawhttp.post("/api/v1/namespaces/%s/pods/gp/binding" % ns,
                            {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "gp"},
                             "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"}})
    assert st == 201, body
    # kubectl delete waits (watch by metadata.name) while the pod terminates
    cmd = [kctl.exe, "-s", server.url, "--cache-dir", kctl.cache_dir, "delete", "pod", "gp", "-n", ns,
           "--timeout=30s"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def terminating():
        st, obj = rawhttp.get("/api/v1/namespaces/%s/pods/gp" % ns)
        return st == 200 and obj["metadata"].get("deletionTimestamp") and obj
    obj = wait_for(terminating, timeout=10, what="the pod to be terminating")
    assert obj["metadata"]["deletionGracePeriodSeconds"] == 30
    time.sleep(0.5)
    assert p.poll() is None  # still waiting
    # the kubelet confirms with grace 0: the pod goes, kubectl returns
    st, body = rawhttp.delete("/api/v1/namespaces/%s/pods/gp" % ns,
                              {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0})
    assert st == 200, body
    out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    assert 'pod "gp" deleted' in out
    assert rawhttp.get("/api/v1/namespaces/%s/pods/gp" % ns)[0] == 404


def test_kubectl_pages_through_large_lists(server, kctl, ns):
    import concurrent.futures
    import http.client as httplib

    def create(chunk):
        conn = httplib.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for i in chunk:
            body = json.dumps(cm("pg-%04d" % i, {"page": "yes"}))
            conn.request("POST", CM % ns, body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            assert r.status == 201
        conn.close()
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        list(ex.map(create, [range(i, 1234, 8) for i in range(8)]))
    out = kctl("get", "cm", "-n", ns, "-l", "page=yes", "--chunk-size=100", "-o", "name")
    names = out.split()
    assert len(names) == 1234 and len(set(names)) == 1234
    assert names == sorted(names)
    # the raw pages: continue tokens until empty, each page at most the limit
    seen, cont, pages = [], "", 0
    while True:
        q = "?limit=500" + ("&continue=" + urllib.parse.quote(cont, safe="") if cont else "")
        st, _, body = server.request("GET", CM % ns + q)
        assert st == 200
        page = json.loads(body)
        assert len(page["items"]) <= 500
        seen += [i["metadata"]["name"] for i in page["items"]]
        pages += 1
        cont = page["metadata"].get("continue", "")
        if not cont:
            break
    assert pages == 3 and len(seen) == 1234 and len(set(seen)) == 1234
