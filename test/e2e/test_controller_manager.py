"""kube-controller-manager end to end: the real kube-apiserver, our
kube-controller-manager and the real kubectl (1.32).

There is no kubelet or scheduler in these tests: FakeNode plays both. A
thread polls the pods, binds unbound ones to its node (pods/binding), marks
bound ones Running and Ready (pods/status) and finishes terminating ones
(DELETE with gracePeriodSeconds=0), as a kubelet would.
"""
import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import BIN, Http, Kctl, check_log, free_port, wait_for

KCM = os.path.join(BIN, "kube-controller-manager")


class Kcm:
    """One kube-controller-manager process."""

    def __init__(self, tmpdir, url, *args):
        self.log_path = os.path.join(str(tmpdir), "kcm-%d.log" % free_port())
        self.log = open(self.log_path, "ab")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [KCM, "--master=" + url, "--port=%d" % self.port, "--secure-port=0",
             "--address=127.0.0.1", "--v=2"] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT)

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.read_log()


class FakeNode(threading.Thread):
    """Binds, runs and finishes pods through the API, as a kubelet would."""

    def __init__(self, rawhttp, node="node-1"):
        super().__init__(daemon=True)
        self.http = rawhttp
        self.node = node
        self.halt = threading.Event()
        st, body = rawhttp.post("/api/v1/nodes", {
            "apiVersion": "v1", "kind": "Node", "metadata": {"name": node},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
        assert st in (201, 409), body

    def run(self):
        while not self.halt.is_set():
            try:
                self.tick()
            except Exception:  # the server may be restarting; try again
                pass
            time.sleep(0.1)

    def tick(self):
        st, lst = self.http.get("/api/v1/pods")
        if st != 200:
            return
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for p in lst["items"]:
            md = p["metadata"]
            base = "/api/v1/namespaces/%s/pods/%s" % (md["namespace"], md["name"])
            if md.get("deletionTimestamp"):
                self.http.delete(base, {"apiVersion": "v1", "kind": "DeleteOptions",
                                        "gracePeriodSeconds": 0})
                continue
            if not p["spec"].get("nodeName"):
                self.http.post(base + "/binding", {
                    "apiVersion": "v1", "kind": "Binding",
                    "metadata": {"name": md["name"], "namespace": md["namespace"]},
                    "target": {"apiVersion": "v1", "kind": "Node", "name": self.node}})
                continue
            if p["spec"]["containers"][0]["image"].startswith("never-ready"):
                continue  # an image that never starts
            if p.get("status", {}).get("phase") != "Running":
                status = {
                    "phase": "Running", "hostIP": "10.0.0.1", "podIP": "10.244.0.2",
                    "startTime": now,
                    "conditions": [
                        {"type": t, "status": "True", "lastTransitionTime": now}
                        for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")],
                    "containerStatuses": [
                        {"name": c["name"], "image": c["image"], "imageID": "", "ready": True,
                         "restartCount": 0, "started": True,
                         "state": {"running": {"startedAt": now}}}
                        for c in p["spec"]["containers"]],
                }
                self.http.patch(base + "/status", {"status": status})

    def stop(self):
        self.halt.set()
        self.join(5)


@pytest.fixture(scope="module")
def node(rawhttp):
    n = FakeNode(rawhttp)
    n.start()
    yield n
    n.stop()


@pytest.fixture(scope="module")
def kcm(server, node, tmp_path_factory):
    k = Kcm(tmp_path_factory.mktemp("kcm"), server.url, "--leader-elect=false")
    wait_for(lambda: "Started controllers" in k.read_log(), timeout=10, what="kcm start")
    yield k
    log = k.stop()
    check_log(log)
    assert k.proc.returncode == 0, log[-3000:]


def pods(rawhttp, ns, selector=None, running=False):
    path = "/api/v1/namespaces/%s/pods" % ns
    if selector:
        path += "?labelSelector=" + selector
    st, lst = rawhttp.get(path)
    assert st == 200, lst
    items = [p for p in lst["items"] if not p["metadata"].get("deletionTimestamp")]
    if running:
        items = [p for p in items if p.get("status", {}).get("phase") == "Running"]
    return items


def create_deployment(kctl, ns, name, image="busybox", replicas=5, *extra):
    args = ["create", "deployment", name, "--image=" + image, "--replicas=%d" % replicas,
            "-n", ns] + list(extra)
    p = kctl.run(*args, check=False)
    if p.returncode != 0 and "unknown format" in p.stderr:
        # an API server without protobuf bodies: the same object as JSON
        kctl.apply_manifest("create", kctl(*args, "--dry-run=client", "-o", "json"), "-n", ns)
    elif p.returncode != 0:
        raise AssertionError("kubectl create deployment: " + p.stderr)


def deployment(rawhttp, ns, name):
    st, d = rawhttp.get("/apis/apps/v1/namespaces/%s/deployments/%s" % (ns, name))
    return d if st == 200 else None


def test_default_serviceaccount(kcm, rawhttp, ns):
    wait_for(lambda: rawhttp.get("/api/v1/namespaces/%s/serviceaccounts/default" % ns)[0] == 200,
             timeout=10, what="default ServiceAccount")
    # deleted, it comes back
    st, _ = rawhttp.delete("/api/v1/namespaces/%s/serviceaccounts/default" % ns)
    assert st == 200
    wait_for(lambda: rawhttp.get("/api/v1/namespaces/%s/serviceaccounts/default" % ns)[0] == 200,
             timeout=10, what="default ServiceAccount re-created")


def test_deployment_scale_rollout_undo(kcm, kctl, rawhttp, ns):
    t0 = time.monotonic()
    create_deployment(kctl, ns, "web", "busybox", 5)
    wait_for(lambda: len(pods(rawhttp, ns, "app=web", running=True)) == 5, timeout=30,
             what="5 running pods")
    t_five = time.monotonic() - t0
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=30s")
    rs = kctl.json("get", "rs", "-n", ns)["items"]
    assert len(rs) == 1
    h = rs[0]["metadata"]["labels"]["pod-template-hash"]
    assert rs[0]["metadata"]["name"] == "web-" + h
    assert re.fullmatch(r"[bcdfghjklmnpqrstvwxz2456789]{1,10}", h)
    assert rs[0]["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    for p in pods(rawhttp, ns, "app=web"):
        ref = p["metadata"]["ownerReferences"][0]
        assert ref["kind"] == "ReplicaSet" and ref["controller"] and ref["blockOwnerDeletion"]

    t0 = time.monotonic()
    kctl("scale", "deployment/web", "--replicas=20", "-n", ns)
    wait_for(lambda: len(pods(rawhttp, ns, "app=web", running=True)) == 20, timeout=60,
             what="20 running pods")
    t_twenty = time.monotonic() - t0
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=30s")
    kctl("scale", "deployment/web", "--replicas=2", "-n", ns)
    wait_for(lambda: len(pods(rawhttp, ns, "app=web")) == 2, timeout=60, what="2 pods")
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=30s")

    # A rolling update, watched: never below replicas - maxUnavailable available.
    kctl("scale", "deployment/web", "--replicas=4", "-n", ns)
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=30s")
    low = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            ready = [p for p in pods(rawhttp, ns, "app=web", running=True)]
            low.append(len(ready))
            time.sleep(0.02)
    w = threading.Thread(target=watch, daemon=True)
    w.start()
    t0 = time.monotonic()
    kctl("set", "image", "deployment/web", "busybox=busybox:1.36", "-n", ns)
    out = kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
    t_roll = time.monotonic() - t0
    stop.set()
    w.join()
    assert 'deployment "web" successfully rolled out' in out
    # 4 replicas, maxUnavailable 25% -> 1
    assert min(low) >= 3, low
    d = deployment(rawhttp, ns, "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert d["status"]["updatedReplicas"] == 4 and d["status"]["availableReplicas"] == 4
    conds = {c["type"]: c for c in d["status"]["conditions"]}
    assert conds["Available"]["status"] == "True"
    assert conds["Progressing"]["reason"] == "NewReplicaSetAvailable"
    imgs = {p["spec"]["containers"][0]["image"] for p in pods(rawhttp, ns, "app=web")}
    assert imgs == {"busybox:1.36"}

    hist = kctl("rollout", "history", "deployment/web", "-n", ns)
    revs = [l.split()[0] for l in hist.splitlines()[2:] if l.strip()]
    assert revs == ["1", "2"], hist

    kctl("rollout", "undo", "deployment/web", "-n", ns)
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
    d = deployment(rawhttp, ns, "web")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox"
    wait_for(lambda: {p["spec"]["containers"][0]["image"]
                      for p in pods(rawhttp, ns, "app=web")} == {"busybox"}, timeout=30,
             what="pods back on the first template")
    hist = kctl("rollout", "history", "deployment/web", "-n", ns)
    revs = [l.split()[0] for l in hist.splitlines()[2:] if l.strip()]
    assert revs == ["2", "3"], hist

    # restart: a new revision with the restartedAt annotation
    kctl("rollout", "restart", "deployment/web", "-n", ns)
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
    d = deployment(rawhttp, ns, "web")
    assert "kubectl.kubernetes.io/restartedAt" in d["spec"]["template"]["metadata"]["annotations"]
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "4"

    # pause: template changes make no new ReplicaSet until resume
    kctl("rollout", "pause", "deployment/web", "-n", ns)
    kctl("set", "image", "deployment/web", "busybox=busybox:1.37", "-n", ns)
    time.sleep(1)
    n_rs = len(kctl.json("get", "rs", "-n", ns)["items"])
    d = deployment(rawhttp, ns, "web")
    conds = {c["type"]: c for c in d["status"]["conditions"]}
    assert conds["Progressing"]["reason"] == "DeploymentPaused"
    kctl("rollout", "resume", "deployment/web", "-n", ns)
    kctl("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s")
    assert len(kctl.json("get", "rs", "-n", ns)["items"]) == n_rs + 1
    ev = {(e["involvedObject"]["kind"], e["reason"])
          for e in kctl.json("get", "events", "-n", ns)["items"]}
    assert ("Deployment", "ScalingReplicaSet") in ev, ev
    assert ("ReplicaSet", "SuccessfulCreate") in ev, ev
    assert ("ReplicaSet", "SuccessfulDelete") in ev, ev
    print("\nFIGURES: 5 pods running in %.2fs; scale 5->20 running in %.2fs; "
          "rolling update of 4 pods in %.2fs" % (t_five, t_twenty, t_roll))


def test_recreate_strategy(kcm, kctl, rawhttp, ns):
    create_deployment(kctl, ns, "rec", "busybox", 3)
    kctl("patch", "deployment/rec", "-n", ns, "--type=merge", "-p",
         json.dumps({"spec": {"strategy": {"type": "Recreate", "rollingUpdate": None}}}))
    kctl("rollout", "status", "deployment/rec", "-n", ns, "--timeout=30s")
    mixed = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            imgs = {p["spec"]["containers"][0]["image"] for p in pods(rawhttp, ns, "app=rec")}
            mixed.append(len(imgs) > 1)
            time.sleep(0.02)
    w = threading.Thread(target=watch, daemon=True)
    w.start()
    kctl("set", "image", "deployment/rec", "busybox=busybox:1.36", "-n", ns)
    kctl("rollout", "status", "deployment/rec", "-n", ns, "--timeout=60s")
    stop.set()
    w.join()
    assert not any(mixed), "old and new pods ran together under Recreate"
    wait_for(lambda: len(pods(rawhttp, ns, "app=rec", running=True)) == 3, timeout=30)


def test_delete_cascades(kcm, kctl, rawhttp, ns):
    # background (kubectl's default): ReplicaSets and pods go
    create_deployment(kctl, ns, "bg", "busybox", 3)
    wait_for(lambda: len(pods(rawhttp, ns, "app=bg", running=True)) == 3, timeout=30)
    kctl("delete", "deployment", "bg", "-n", ns)
    wait_for(lambda: not kctl.json("get", "rs", "-n", ns, "-l", "app=bg")["items"], timeout=30,
             what="ReplicaSets collected")
    wait_for(lambda: not pods(rawhttp, ns, "app=bg"), timeout=30, what="pods collected")

    # foreground: the deployment waits for its dependents
    create_deployment(kctl, ns, "fg", "busybox", 2)
    wait_for(lambda: len(pods(rawhttp, ns, "app=fg", running=True)) == 2, timeout=30)
    kctl("delete", "deployment", "fg", "-n", ns, "--cascade=foreground", "--timeout=60s")
    assert deployment(rawhttp, ns, "fg") is None
    assert not kctl.json("get", "rs", "-n", ns, "-l", "app=fg")["items"]
    wait_for(lambda: not pods(rawhttp, ns, "app=fg"), timeout=30, what="fg pods collected")

    # orphan: the ReplicaSet and pods stay, without the owner reference
    create_deployment(kctl, ns, "orph", "busybox", 2)
    wait_for(lambda: len(pods(rawhttp, ns, "app=orph", running=True)) == 2, timeout=30)
    kctl("delete", "deployment", "orph", "-n", ns, "--cascade=orphan", "--timeout=60s")
    wait_for(lambda: deployment(rawhttp, ns, "orph") is None, timeout=30)
    rs = kctl.json("get", "rs", "-n", ns, "-l", "app=orph")["items"]
    assert len(rs) == 1 and not rs[0]["metadata"].get("ownerReferences")
    time.sleep(1)
    assert len(pods(rawhttp, ns, "app=orph", running=True)) == 2


def test_replicaset_adopts_and_releases(kcm, kctl, rawhttp, ns):
    # an orphan pod matching the selector is adopted, not duplicated
    st, _ = rawhttp.post("/api/v1/namespaces/%s/pods" % ns, {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stray", "labels": {"app": "rs1"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    assert st == 201
    st, _ = rawhttp.post("/apis/apps/v1/namespaces/%s/replicasets" % ns, {
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs1"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "rs1"}},
                 "template": {"metadata": {"labels": {"app": "rs1"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})
    assert st == 201
    wait_for(lambda: len(pods(rawhttp, ns, "app=rs1", running=True)) == 3, timeout=30)
    time.sleep(0.5)
    assert len(pods(rawhttp, ns, "app=rs1")) == 3
    st, p = rawhttp.get("/api/v1/namespaces/%s/pods/stray" % ns)
    assert p["metadata"]["ownerReferences"][0]["name"] == "rs1"
    wait_for(lambda: rawhttp.get("/apis/apps/v1/namespaces/%s/replicasets/rs1" % ns)[1]
             .get("status", {}).get("readyReplicas") == 3, timeout=30, what="RS status")
    # relabelled, it is released and replaced
    rawhttp.patch("/api/v1/namespaces/%s/pods/stray" % ns, {"metadata": {"labels": {"app": "gone"}}})
    wait_for(lambda: not rawhttp.get("/api/v1/namespaces/%s/pods/stray" % ns)[1]["metadata"]
             .get("ownerReferences"), timeout=30, what="release")
    wait_for(lambda: len(pods(rawhttp, ns, "app=rs1", running=True)) == 3, timeout=30)


def test_namespace_deletion(kcm, kctl, rawhttp):
    name = "doomed-%d" % free_port()
    kctl("create", "namespace", name)
    create_deployment(kctl, name, "web", "busybox", 2)
    kctl("create", "configmap", "cm", "-n", name, "--from-literal=a=b")
    wait_for(lambda: len(pods(rawhttp, name, "app=web", running=True)) == 2, timeout=30)
    t0 = time.monotonic()
    kctl("delete", "namespace", name, "--timeout=60s")
    wait_for(lambda: rawhttp.get("/api/v1/namespaces/" + name)[0] == 404, timeout=60,
             what="namespace removed")
    print("\nFIGURES: namespace with a deployment deleted in %.2fs" % (time.monotonic() - t0))
    assert not pods(rawhttp, name)


def test_leader_election_takeover(server, node, rawhttp, kctl, ns, tmp_path):
    args = ("--leader-elect=true", "--leader-elect-lease-duration=4s",
            "--leader-elect-renew-deadline=3s", "--leader-elect-retry-period=500ms")
    a = Kcm(tmp_path, server.url, *args)
    wait_for(lambda: "Started controllers" in a.read_log(), timeout=15, what="first leader")
    b = Kcm(tmp_path, server.url, *args)
    try:
        time.sleep(2)
        assert "Started controllers" not in b.read_log()
        st, lease = rawhttp.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
                                "kube-controller-manager")
        assert st == 200 and lease["spec"]["holderIdentity"]
        first = lease["spec"]["holderIdentity"]
        create_deployment(kctl, ns, "le1", "busybox", 2)
        wait_for(lambda: len(pods(rawhttp, ns, "app=le1", running=True)) == 2, timeout=30)
        # the leader dies without releasing the lease
        t0 = time.monotonic()
        a.stop(signal.SIGKILL)
        wait_for(lambda: "Started controllers" in b.read_log(), timeout=30, interval=0.05,
                 what="takeover")
        takeover = time.monotonic() - t0
        st, lease = rawhttp.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
                                "kube-controller-manager")
        assert lease["spec"]["holderIdentity"] != first
        create_deployment(kctl, ns, "le2", "busybox", 2)
        wait_for(lambda: len(pods(rawhttp, ns, "app=le2", running=True)) == 2, timeout=30)
        print("\nFIGURES: leader takeover after SIGKILL in %.2fs (lease 4s, retry 0.5s)" % takeover)
        assert takeover < 10
        # a graceful stop releases the lease
        b_log = b.stop()
        check_log(b_log)
        st, lease = rawhttp.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
                                "kube-controller-manager")
        assert not lease["spec"].get("holderIdentity")
    finally:
        a.stop()
        b.stop()


def test_healthz(kcm):
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % kcm.port, timeout=5) as r:
        assert r.status == 200 and r.read() == b"ok"
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % kcm.port, timeout=5) as r:
        text = r.read().decode()
    assert ('running_managed_controllers{manager="kube-controller-manager",'
            'name="deployment-controller"} 1') in text, text


def test_gc_collects_across_restart(start_server, tmp_path):
    """Owners deleted while no controller manager runs: the next one
    collects their dependents (virtual owners checked against the API).
    Its own API server, so no other controller manager is watching."""
    srv = start_server()
    rawhttp = Http(srv)
    kctl = Kctl(srv, str(tmp_path / "kc"))
    node = FakeNode(rawhttp)
    node.start()
    ns = "default"
    k = Kcm(tmp_path, srv.url, "--leader-elect=false")
    try:
        wait_for(lambda: "Started controllers" in k.read_log(), timeout=10)
        create_deployment(kctl, ns, "gone", "busybox", 2)
        wait_for(lambda: len(pods(rawhttp, ns, "app=gone", running=True)) == 2, timeout=30)
        check_log(k.stop())
        # the deployment goes with no GC watching (background: immediately)
        st, _ = rawhttp.delete("/apis/apps/v1/namespaces/%s/deployments/gone" % ns)
        assert st == 200
        time.sleep(0.5)
        assert kctl.json("get", "rs", "-n", ns, "-l", "app=gone")["items"]
        k = Kcm(tmp_path, srv.url, "--leader-elect=false")
        wait_for(lambda: not kctl.json("get", "rs", "-n", ns, "-l", "app=gone")["items"],
                 timeout=30, what="ReplicaSet collected after restart")
        wait_for(lambda: not pods(rawhttp, ns, "app=gone"), timeout=30,
                 what="pods collected after restart")
    finally:
        check_log(k.stop())
        node.stop()


def test_progress_deadline_and_history_limit(kcm, kctl, rawhttp, ns):
    create_deployment(kctl, ns, "pd", "busybox", 2)
    kctl("patch", "deployment/pd", "-n", ns, "--type=merge", "-p",
         json.dumps({"spec": {"progressDeadlineSeconds": 2, "revisionHistoryLimit": 1}}))
    kctl("rollout", "status", "deployment/pd", "-n", ns, "--timeout=30s")
    for img in ("busybox:1.35", "busybox:1.36", "busybox:1.37"):
        kctl("set", "image", "deployment/pd", "busybox=" + img, "-n", ns)
        kctl("rollout", "status", "deployment/pd", "-n", ns, "--timeout=30s")
    # revisionHistoryLimit 1: the new set and one old one
    wait_for(lambda: len(kctl.json("get", "rs", "-n", ns, "-l", "app=pd")["items"]) == 2,
             timeout=30, what="old ReplicaSets cleaned up")
    # a template whose pods never become ready times out
    kctl("set", "image", "deployment/pd", "busybox=never-ready", "-n", ns)
    p = kctl.run("rollout", "status", "deployment/pd", "-n", ns, "--timeout=30s", check=False)
    assert p.returncode != 0
    assert 'exceeded its progress deadline' in p.stderr, p.stderr
    d = deployment(rawhttp, ns, "pd")
    conds = {c["type"]: c for c in d["status"]["conditions"]}
    assert conds["Progressing"]["status"] == "False"
    assert conds["Progressing"]["reason"] == "ProgressDeadlineExceeded"
    # maxUnavailable kept the old pods serving (the condition is written by
    # the controller's next sync: allow it a few seconds to settle)
    wait_for(lambda: {c["type"]: c for c in deployment(rawhttp, ns, "pd")["status"]["conditions"]}
             ["Available"]["status"] == "True", timeout=10, what="Available=True")


def test_secure_port_healthz(server, tmp_path):
    import ssl
    import urllib.request
    sport = free_port()
    k = Kcm(tmp_path, server.url, "--leader-elect=false", "--controllers=serviceaccount",
            "--secure-port=%d" % sport, "--bind-address=127.0.0.1")
    try:
        wait_for(lambda: "Started controllers" in k.read_log(), timeout=10)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with urllib.request.urlopen("https://127.0.0.1:%d/healthz" % sport, timeout=5,
                                    context=ctx) as r:
            assert r.status == 200 and r.read() == b"ok"
        # --controllers=serviceaccount: only that one runs
        log = k.read_log()
        assert 'Starting controller controller="serviceaccount-controller"' in log
        assert 'Starting controller controller="deployment-controller"' not in log
    finally:
        check_log(k.stop())


def test_replicationcontroller(kcm, kctl, rawhttp, ns):
    st, _ = rawhttp.post("/api/v1/namespaces/%s/replicationcontrollers" % ns, {
        "apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc1"},
        "spec": {"replicas": 2, "selector": {"app": "rc1"},
                 "template": {"metadata": {"labels": {"app": "rc1"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})
    assert st == 201
    wait_for(lambda: len(pods(rawhttp, ns, "app=rc1", running=True)) == 2, timeout=30)
    kctl("scale", "rc/rc1", "--replicas=3", "-n", ns)
    wait_for(lambda: len(pods(rawhttp, ns, "app=rc1", running=True)) == 3, timeout=30)
    wait_for(lambda: rawhttp.get("/api/v1/namespaces/%s/replicationcontrollers/rc1" % ns)[1]
             .get("status", {}).get("availableReplicas") == 3, timeout=30, what="RC status")
    for p in pods(rawhttp, ns, "app=rc1"):
        assert p["metadata"]["ownerReferences"][0]["kind"] == "ReplicationController"
    # upstream's events, aggregated by the recorder
    def events():
        ev = kctl.json("get", "events", "-n", ns)["items"]
        return {(e["involvedObject"]["kind"], e["reason"], e["source"].get("component"))
                for e in ev}
    wait_for(lambda: ("ReplicationController", "SuccessfulCreate", "replication-controller")
             in events(), timeout=15, what="SuccessfulCreate event")
    kctl("delete", "rc", "rc1", "-n", ns)
    wait_for(lambda: not pods(rawhttp, ns, "app=rc1"), timeout=30, what="RC pods collected")


def test_proportional_scaling_mid_rollout(kcm, kctl, rawhttp, ns):
    create_deployment(kctl, ns, "prop", "busybox", 10)
    kctl("rollout", "status", "deployment/prop", "-n", ns, "--timeout=60s")
    # a rollout that cannot finish: its pods never become ready
    kctl("set", "image", "deployment/prop", "busybox=never-ready", "-n", ns)

    def sizes():
        out = {}
        for rs in kctl.json("get", "rs", "-n", ns, "-l", "app=prop")["items"]:
            img = rs["spec"]["template"]["spec"]["containers"][0]["image"]
            out[img] = rs["spec"]["replicas"]
        return out
    # 10 replicas, 25%/25%: surge 3, unavailable 2 -> old 8, new 5
    wait_for(lambda: sizes() == {"busybox": 8, "never-ready": 5}, timeout=30,
             what="rollout stalled at old 8 / new 5")
    # 10 -> 20 mid-rollout: 12 more (surge now 5) shared as 8:5 of 13
    kctl("scale", "deployment/prop", "--replicas=20", "-n", ns)
    wait_for(lambda: sizes() == {"busybox": 15, "never-ready": 10}, timeout=30,
             what="proportional 15 / 10")
    time.sleep(1)
    assert sizes() == {"busybox": 15, "never-ready": 10}
    for rs in kctl.json("get", "rs", "-n", ns, "-l", "app=prop")["items"]:
        a = rs["metadata"]["annotations"]
        assert a["deployment.kubernetes.io/desired-replicas"] == "20"
        assert a["deployment.kubernetes.io/max-replicas"] == "25"


def test_kubeconfig_instead_of_master(start_server, tmp_path):
    server = start_server()  # its own: no other controller manager acts on it
    rawhttp = Http(server)
    kc = tmp_path / "kcm.kubeconfig"
    kc.write_text(
        "apiVersion: v1\nkind: Config\n"
        "clusters:\n- name: c\n  cluster:\n    server: %s\n"
        "users:\n- name: u\n  user: {}\n"
        "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
        "current-context: x\n" % server.url)
    name = "kc-%d" % free_port()
    log_path = tmp_path / "kcm.log"
    with open(log_path, "wb") as log:
        p = subprocess.Popen([KCM, "--kubeconfig=%s" % kc, "--leader-elect=false", "--port=0",
                              "--secure-port=0", "--controllers=serviceaccount"],
                             stdout=log, stderr=subprocess.STDOUT)
        try:
            st, _ = rawhttp.post("/api/v1/namespaces",
                                 {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
            assert st == 201
            wait_for(lambda: rawhttp.get("/api/v1/namespaces/%s/serviceaccounts/default" % name)[0]
                     == 200, timeout=15, what="default ServiceAccount via --kubeconfig")
        finally:
            p.send_signal(signal.SIGTERM)
            assert p.wait(15) == 0
    check_log(log_path.read_text())


def test_min_ready_seconds(kcm, kctl, rawhttp, ns):
    st, _ = rawhttp.post("/apis/apps/v1/namespaces/%s/replicasets" % ns, {
        "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "mrs"},
        "spec": {"replicas": 2, "minReadySeconds": 3, "selector": {"matchLabels": {"app": "mrs"}},
                 "template": {"metadata": {"labels": {"app": "mrs"}},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})
    assert st == 201

    def status():
        return rawhttp.get("/apis/apps/v1/namespaces/%s/replicasets/mrs" % ns)[1].get("status", {})
    wait_for(lambda: status().get("readyReplicas") == 2, timeout=30, what="ready")
    t_ready = time.monotonic()
    assert not status().get("availableReplicas")
    wait_for(lambda: status().get("availableReplicas") == 2, timeout=30, what="available")
    # ready times are whole seconds (RFC 3339): available within 2-5 s of ready
    assert 1.5 <= time.monotonic() - t_ready <= 6


def test_leader_lost_exits(start_server, tmp_path):
    """A leader whose Lease is taken by someone else stops at once (exit 1)."""
    srv = start_server()
    rawhttp = Http(srv)
    k = Kcm(tmp_path, srv.url, "--leader-elect=true", "--leader-elect-lease-duration=4s",
            "--leader-elect-renew-deadline=2s", "--leader-elect-retry-period=500ms",
            "--controllers=serviceaccount")
    try:
        wait_for(lambda: "Started controllers" in k.read_log(), timeout=15, what="leading")
        path = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager"
        st, lease = rawhttp.get(path)
        assert st == 200
        lease["spec"]["holderIdentity"] = "intruder"
        lease["spec"]["leaseDurationSeconds"] = 3600
        lease["spec"]["renewTime"] = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        st, body = rawhttp.put(path, lease)
        assert st == 200, body
        t0 = time.monotonic()
        assert k.proc.wait(15) == 1
        took = time.monotonic() - t0
        assert "leaderelection lost" in k.read_log()
        print("\nFIGURES: leader exited %.2fs after losing its lease" % took)
    finally:
        check_log(k.stop())
