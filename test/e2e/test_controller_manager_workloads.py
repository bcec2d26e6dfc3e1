"""kube-controller-manager's workload controllers end to end: the real
kube-apiserver, our kube-controller-manager running the job, cronjob,
endpoints, endpointslice, daemonset, statefulset, node lifecycle, podgc
and resourcequota controllers, and a fixture thread playing the nodes.

There is no kubelet or scheduler here. FakeNodes registers its nodes and
renews their Leases (so the node lifecycle controller sees them alive),
binds unbound pods (DaemonSet pods to the node their affinity names, others
round robin) with pods/binding and drives them through pods/status as a
kubelet would: Running and Ready with a pod IP; image "succeed" finishes
Succeeded after a moment and image "fail" Failed; a pod labelled
e2e-ready=false is Running but not Ready; terminating pods are deleted with
grace 0. The node lifecycle test uses a hollow node (test/bench/hollow_nodes)
stopped with SIGSTOP.
"""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from conftest import BIN, Http, check_log, free_port, wait_for

KCM = os.path.join(BIN, "kube-controller-manager")
CONTROLLERS = ("job,cronjob,endpoint,endpointslice,daemonset,statefulset,nodelifecycle,"
               "podgc,resourcequota")
NODES = ("wl-node-1", "wl-node-2")


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def now_micro():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


class Kcm:
    """One kube-controller-manager process."""

    def __init__(self, tmpdir, url, *args):
        self.log_path = os.path.join(str(tmpdir), "kcm-%d.log" % free_port())
        self.log = open(self.log_path, "ab")
        if not any(a.startswith("--controllers=") for a in args):
            args = ("--controllers=" + CONTROLLERS,) + args
        self.proc = subprocess.Popen(
            [KCM, "--master=" + url, "--port=0", "--secure-port=0", "--leader-elect=false",
             "--v=2"] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        if self.proc.poll() is not None:
            log = self.read_log()
            self.log.close()
            pytest.skip("kube-controller-manager cannot run these controllers yet: " + log[-500:])

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.read_log()


def ds_target(pod):
    terms = (pod["spec"].get("affinity", {}).get("nodeAffinity", {})
             .get("requiredDuringSchedulingIgnoredDuringExecution", {}).get("nodeSelectorTerms", []))
    for t in terms:
        for f in t.get("matchFields", []):
            if f.get("key") == "metadata.name" and f.get("operator") == "In" and len(f["values"]) == 1:
                return f["values"][0]
    return None


class FakeNodes(threading.Thread):
    """Nodes that heartbeat, and a kubelet and scheduler for their pods."""

    def __init__(self, http, names):
        super().__init__(daemon=True)
        self.http = http
        self.names = list(names)
        self.halt = threading.Event()
        self.next_ip = 2
        self.ips = {}
        self.rr = 0
        self.last_lease = 0
        for n in self.names:
            st, body = http.post("/api/v1/nodes", {
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": n, "labels": {"e2e-ds": "yes", "kubernetes.io/hostname": n}},
                "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                           "lastHeartbeatTime": now_rfc3339(),
                                           "lastTransitionTime": now_rfc3339()}]}})
            assert st in (201, 409), body
        self.renew()

    def renew(self):
        for n in self.names:
            lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                     "metadata": {"name": n, "namespace": "kube-node-lease"},
                     "spec": {"holderIdentity": n, "leaseDurationSeconds": 40, "renewTime": now_micro()}}
            st, _ = self.http.patch("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + n,
                                    {"spec": {"renewTime": now_micro()}})
            if st == 404:
                self.http.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease)
        self.last_lease = time.time()

    def run(self):
        while not self.halt.is_set():
            try:
                if time.time() - self.last_lease > 1:
                    self.renew()
                self.tick()
            except Exception:  # a request failed; try again next round
                pass
            time.sleep(0.1)

    def set_status(self, base, status):
        self.http.patch(base + "/status", {"status": status})

    def tick(self):
        st, lst = self.http.get("/api/v1/pods")
        if st != 200:
            return
        now = now_rfc3339()
        for p in lst["items"]:
            md, spec = p["metadata"], p["spec"]
            base = "/api/v1/namespaces/%s/pods/%s" % (md["namespace"], md["name"])
            node = spec.get("nodeName")
            if not node:
                target = ds_target(p)
                if target is None:
                    target = self.names[self.rr % len(self.names)]
                    self.rr += 1
                if target not in self.names:
                    continue
                self.http.post(base + "/binding", {
                    "apiVersion": "v1", "kind": "Binding",
                    "metadata": {"name": md["name"], "namespace": md["namespace"]},
                    "target": {"apiVersion": "v1", "kind": "Node", "name": target}})
                continue
            if node not in self.names:
                continue
            if md.get("deletionTimestamp"):
                self.http.delete(base, {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0})
                continue
            status = p.get("status", {})
            phase = status.get("phase")
            if phase in ("Succeeded", "Failed"):
                continue
            image = spec["containers"][0]["image"]
            key = md["uid"]
            if key not in self.ips:
                self.ips[key] = "10.244.%d.%d" % (self.next_ip // 250, self.next_ip % 250 + 2)
                self.next_ip += 1
            ready = md.get("labels", {}).get("e2e-ready") != "false"
            if phase == "Running" and image in ("succeed", "fail"):
                code = 0 if image == "succeed" else 1
                self.set_status(base, {
                    "phase": "Succeeded" if code == 0 else "Failed",
                    "conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted",
                                    "lastTransitionTime": now}],
                    "containerStatuses": [{"name": c["name"], "image": c["image"], "imageID": "",
                                           "ready": False, "restartCount": 0,
                                           "state": {"terminated": {"exitCode": code, "finishedAt": now,
                                                                    "reason": "Completed" if code == 0 else "Error"}}}
                                          for c in spec["containers"]]})
                continue
            cur_ready = any(c["type"] == "Ready" and c["status"] == "True" for c in status.get("conditions", []))
            if phase == "Running" and cur_ready == ready:
                continue
            self.set_status(base, {
                "phase": "Running", "hostIP": "10.0.0.1", "podIP": self.ips[key],
                "podIPs": [{"ip": self.ips[key]}], "startTime": now,
                "conditions": [{"type": t, "status": "True" if ready or t == "PodScheduled" else "False",
                                "lastTransitionTime": now}
                               for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")],
                "containerStatuses": [{"name": c["name"], "image": c["image"], "imageID": "", "ready": ready,
                                       "restartCount": 0, "started": True,
                                       "state": {"running": {"startedAt": now}}}
                                      for c in spec["containers"]]})

    def stop(self):
        self.halt.set()
        self.join(5)


@pytest.fixture(scope="module")
def kcm(server, tmp_path_factory):
    k = Kcm(tmp_path_factory.mktemp("kcm"), server.url, "--node-monitor-grace-period=4s",
            "--node-monitor-period=1s", "--node-startup-grace-period=6s")
    yield k
    log = k.stop()
    check_log(log)


@pytest.fixture(scope="module")
def nodes(rawhttp, kcm):
    n = FakeNodes(rawhttp, NODES)
    n.start()
    yield n
    n.stop()


def pods_of(rawhttp, ns, selector):
    st, lst = rawhttp.get("/api/v1/namespaces/%s/pods?labelSelector=%s" % (ns, selector))
    assert st == 200, lst
    return lst["items"]


def condition(obj, typ):
    for c in obj.get("status", {}).get("conditions", []) or []:
        if c["type"] == typ:
            return c
    return None


def container(image="busybox", **extra):
    c = {"name": "c", "image": image}
    c.update(extra)
    return c


# ---------------------------------------------------------------------------
# Job


def test_job_completions_5_parallelism_2(rawhttp, ns, nodes):
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "five"},
           "spec": {"completions": 5, "parallelism": 2, "backoffLimit": 2,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [container("succeed")]}}}}
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
    assert st == 201, body
    most_active = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        pods = pods_of(rawhttp, ns, "job-name%3Dfive")
        active = [p for p in pods if p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
                  and not p["metadata"].get("deletionTimestamp")]
        most_active = max(most_active, len(active))
        st, j = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs/five" % ns)
        c = condition(j, "Complete")
        if c and c["status"] == "True":
            break
        time.sleep(0.05)
    else:
        pytest.fail("job never completed: %s" % json.dumps(j.get("status")))
    elapsed = time.monotonic() - t0
    print("job completions=5 parallelism=2 completed in %.1f s" % elapsed)
    assert most_active <= 2, most_active
    assert j["status"]["succeeded"] == 5
    assert j["status"].get("active", 0) == 0
    assert j["status"]["completionTime"] and j["status"]["startTime"]
    assert condition(j, "SuccessCriteriaMet")["status"] == "True"
    pods = pods_of(rawhttp, ns, "job-name%3Dfive")
    assert len([p for p in pods if p["status"]["phase"] == "Succeeded"]) == 5
    ref = pods[0]["metadata"]["ownerReferences"][0]
    assert ref["kind"] == "Job" and ref["controller"] is True
    # events are written asynchronously by the recorder

    def reasons():
        st, evs = rawhttp.get("/api/v1/namespaces/%s/events" % ns)
        got = {e["reason"] for e in evs["items"] if e["involvedObject"]["name"] == "five"}
        return got if {"SuccessfulCreate", "Completed"} <= got else None
    wait_for(reasons, timeout=10, what="the job's events")


def test_indexed_job(rawhttp, ns, nodes):
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "idx"},
           "spec": {"completions": 3, "parallelism": 3, "completionMode": "Indexed",
                    "template": {"spec": {"restartPolicy": "Never", "containers": [container("succeed")]}}}}
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
    assert st == 201, body

    def done():
        st, j = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs/idx" % ns)
        c = condition(j, "Complete")
        return j if c and c["status"] == "True" else None
    j = wait_for(done, timeout=30, what="indexed job to complete")
    assert j["status"]["completedIndexes"] == "0-2"
    pods = pods_of(rawhttp, ns, "job-name%3Didx")
    idx = sorted(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in pods)
    assert idx == ["0", "1", "2"]
    p0 = [p for p in pods if p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] == "0"][0]
    assert p0["spec"]["hostname"] == "idx-0"
    assert p0["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] == "0"
    env = p0["spec"]["containers"][0]["env"]
    assert env[0]["name"] == "JOB_COMPLETION_INDEX"


def test_job_backoff_limit_and_ttl(rawhttp, ns, nodes):
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bad"},
           "spec": {"backoffLimit": 0, "ttlSecondsAfterFinished": 2,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [container("fail")]}}}}
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
    assert st == 201, body

    def failed():
        st, j = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs/bad" % ns)
        c = condition(j, "Failed") if st == 200 else None
        return j if c and c["status"] == "True" else None
    j = wait_for(failed, timeout=30, what="job to fail")
    c = condition(j, "Failed")
    assert c["reason"] == "BackoffLimitExceeded"
    assert c["message"] == "Job has reached the specified backoff limit"
    assert j["status"]["failed"] == 1
    # ttlSecondsAfterFinished: the Job goes away
    wait_for(lambda: rawhttp.get("/apis/batch/v1/namespaces/%s/jobs/bad" % ns)[0] == 404, timeout=15,
             what="finished job to be deleted after its TTL")


def test_job_pod_failure_policy_and_per_index(rawhttp, ns, nodes):
    # exit code 1 matches a FailJob rule: the Job fails at once, whatever backoffLimit says
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pfp"},
           "spec": {"backoffLimit": 5,
                    "podFailurePolicy": {"rules": [{"action": "FailJob",
                                                    "onExitCodes": {"operator": "In", "values": [1]}}]},
                    "template": {"spec": {"restartPolicy": "Never", "containers": [container("fail")]}}}}
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
    assert st == 201, body

    def failed(name):
        def check():
            st, j = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs/%s" % (ns, name))
            c = condition(j, "Failed")
            return (j, c) if c and c["status"] == "True" else None
        return check
    j, c = wait_for(failed("pfp"), timeout=30, what="the pod failure policy")
    assert c["reason"] == "PodFailurePolicy"
    assert c["message"].startswith("Container c for pod %s/pfp-" % ns) and \
        c["message"].endswith("failed with exit code 1 matching FailJob rule at index 0"), c["message"]
    assert j["status"]["failed"] == 1

    # Indexed with backoffLimitPerIndex 1: each index fails twice, then the Job
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "perindex"},
           "spec": {"completions": 2, "parallelism": 2, "completionMode": "Indexed", "backoffLimitPerIndex": 1,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [container("fail")]}}}}
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
    assert st == 201, body
    j, c = wait_for(failed("perindex"), timeout=60, what="every index to fail")
    assert c["reason"] == "FailedIndexes"
    assert j["status"]["failedIndexes"] == "0-1"
    assert j["status"]["failed"] == 4
    pods = pods_of(rawhttp, ns, "job-name%3Dperindex")
    counts = sorted(p["metadata"].get("annotations", {}).get("batch.kubernetes.io/job-index-failure-count", "0")
                    for p in pods)
    assert counts == ["0", "0", "1", "1"], counts


def test_job_active_deadline(rawhttp, ns, nodes):
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "slow"},
           "spec": {"activeDeadlineSeconds": 2,
                    "template": {"spec": {"restartPolicy": "Never", "containers": [container("sleep")]}}}}
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
    assert st == 201, body

    def failed():
        st, j = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs/slow" % ns)
        c = condition(j, "Failed")
        return c if c and c["status"] == "True" else None
    c = wait_for(failed, timeout=20, what="deadline")
    assert c["reason"] == "DeadlineExceeded"
    wait_for(lambda: all(p["metadata"].get("deletionTimestamp") or p["status"].get("phase") != "Running"
                         for p in pods_of(rawhttp, ns, "job-name%3Dslow")) or
             not pods_of(rawhttp, ns, "job-name%3Dslow"), timeout=10, what="active pods deleted")


# ---------------------------------------------------------------------------
# CronJob


def cronjob(name, schedule, **spec):
    s = {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {
        "restartPolicy": "Never", "containers": [container(spec.pop("image", "succeed"))]}}}}}
    s.update(spec)
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name}, "spec": s}


def test_cronjob_every_minute(rawhttp, ns, nodes):
    # spec.timeZone through the system tz database: the scheduled-timestamp
    # annotation is written in that zone
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/cronjobs" % ns,
                            cronjob("tick", "*/1 * * * *", timeZone="Europe/Berlin"))
    assert st == 201, body
    t0 = time.time()

    def jobs():
        st, lst = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs" % ns)
        return [j for j in lst["items"] if j["metadata"]["name"].startswith("tick-")]
    got = wait_for(jobs, timeout=70, interval=0.2, what="the */1 cronjob to create a job")
    waited = time.time() - t0
    name = got[0]["metadata"]["name"]
    minutes = int(name.split("-")[1])
    assert minutes * 60 <= time.time() < minutes * 60 + 60 + 5
    ann = got[0]["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
    from datetime import datetime
    from zoneinfo import ZoneInfo
    assert ann == datetime.fromtimestamp(minutes * 60, ZoneInfo("Europe/Berlin")).isoformat()
    assert got[0]["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    print("cronjob */1 created %s %.1f s after creation" % (name, waited))

    def done():
        st, cj = rawhttp.get("/apis/batch/v1/namespaces/%s/cronjobs/tick" % ns)
        s = cj.get("status", {})
        return cj if s.get("lastSuccessfulTime") and not s.get("active") else None
    cj = wait_for(done, timeout=30, what="lastSuccessfulTime")
    assert cj["status"]["lastScheduleTime"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(minutes * 60))


def test_cronjob_forbid_and_history(rawhttp, ns, nodes):
    # @every (robfig's descriptor) gives a short schedule; "sleep" never finishes
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/cronjobs" % ns,
                            cronjob("forbid", "@every 2s", image="sleep", concurrencyPolicy="Forbid"))
    assert st == 201, body

    def active():
        st, cj = rawhttp.get("/apis/batch/v1/namespaces/%s/cronjobs/forbid" % ns)
        return cj["status"].get("active") if st == 200 and cj.get("status") else None
    first = wait_for(active, timeout=20, what="first run")
    assert len(first) == 1 and first[0]["kind"] == "Job"
    # Job names are per minute ("<cronjob>-<minutes>"), so within one minute
    # a sub-minute schedule finds its Job already in the active list (as
    # upstream); across the minute boundary Forbid holds the next one back.
    time.sleep(5)
    st, lst = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs" % ns)
    assert len([j for j in lst["items"] if j["metadata"]["name"].startswith("forbid-")]) == 1

    # successful history limited to 1
    st, body = rawhttp.post("/apis/batch/v1/namespaces/%s/cronjobs" % ns,
                            cronjob("hist", "@every 2s", successfulJobsHistoryLimit=1))
    assert st == 201, body

    def trimmed():
        st, cj = rawhttp.get("/apis/batch/v1/namespaces/%s/cronjobs/hist" % ns)
        if not cj.get("status", {}).get("lastSuccessfulTime"):
            return False
        st, lst = rawhttp.get("/apis/batch/v1/namespaces/%s/jobs" % ns)
        done = [j for j in lst["items"] if j["metadata"]["name"].startswith("hist-")
                and condition(j, "Complete") and not j["metadata"].get("deletionTimestamp")]
        return len(done) == 1 and st == 200
    time.sleep(6)
    wait_for(trimmed, timeout=20, what="history trimmed to one job")


# ---------------------------------------------------------------------------
# Endpoints and EndpointSlices


def web_pod(name, ready=True):
    labels = {"app": "web"}
    if not ready:
        labels["e2e-ready"] = "false"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [container(ports=[{"name": "http", "containerPort": 8080}])]}}


def test_endpoints_follow_readiness(rawhttp, ns, nodes):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"selector": {"app": "web"}, "ports": [{"name": "h", "port": 80, "targetPort": "http"}]}}
    st, body = rawhttp.post("/api/v1/namespaces/%s/services" % ns, svc)
    assert st == 201, body
    for i in range(3):
        st, body = rawhttp.post("/api/v1/namespaces/%s/pods" % ns, web_pod("web-%d" % i))
        assert st == 201, body

    def ready_addrs(n):
        def check():
            st, ep = rawhttp.get("/api/v1/namespaces/%s/endpoints/web" % ns)
            if st != 200:
                return None
            subs = ep.get("subsets") or []
            addrs = [a for s in subs for a in s.get("addresses", [])]
            return ep if len(addrs) == n else None
        return check
    t0 = time.monotonic()
    ep = wait_for(ready_addrs(3), timeout=20, what="3 ready endpoints")
    print("endpoints ready for 3 pods in %.2f s" % (time.monotonic() - t0))
    assert ep["subsets"][0]["ports"] == [{"name": "h", "port": 8080, "protocol": "TCP"}]
    assert {a["targetRef"]["name"] for a in ep["subsets"][0]["addresses"]} == {"web-0", "web-1", "web-2"}

    # web-1 goes not ready
    st, _ = rawhttp.patch("/api/v1/namespaces/%s/pods/web-1" % ns, {"metadata": {"labels": {"e2e-ready": "false"}}})
    assert st == 200
    ep = wait_for(ready_addrs(2), timeout=20, what="web-1 to leave the ready addresses")
    nr = ep["subsets"][0].get("notReadyAddresses", [])
    assert [a["targetRef"]["name"] for a in nr] == ["web-1"]

    # the EndpointSlice agrees
    def slice_state():
        st, lst = rawhttp.get("/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices"
                              "?labelSelector=kubernetes.io/service-name%%3Dweb" % ns)
        if st != 200 or len(lst["items"]) != 1:
            return None
        s = lst["items"][0]
        eps = {e["targetRef"]["name"]: e["conditions"]["ready"] for e in s.get("endpoints") or []}
        return s if eps == {"web-0": True, "web-1": False, "web-2": True} else None
    s = wait_for(slice_state, timeout=20, what="the endpointslice")
    assert s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert s["addressType"] == "IPv4"
    assert s["ports"] == [{"name": "h", "protocol": "TCP", "port": 8080}]

    # a deleted pod leaves
    rawhttp.delete("/api/v1/namespaces/%s/pods/web-0" % ns)
    wait_for(ready_addrs(1), timeout=20, what="web-0 to leave")


def test_headless_publish_not_ready(rawhttp, ns, nodes):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hl"},
           "spec": {"clusterIP": "None", "publishNotReadyAddresses": True, "selector": {"app": "web"}}}
    st, body = rawhttp.post("/api/v1/namespaces/%s/services" % ns, svc)
    assert st == 201, body
    st, body = rawhttp.post("/api/v1/namespaces/%s/pods" % ns, web_pod("nr", ready=False))
    assert st == 201, body

    def one():
        st, ep = rawhttp.get("/api/v1/namespaces/%s/endpoints/hl" % ns)
        subs = (ep or {}).get("subsets") or [] if st == 200 else []
        return ep if subs and len(subs[0].get("addresses", [])) == 1 else None
    ep = wait_for(one, timeout=20, what="a not-ready address published")
    assert "ports" not in ep["subsets"][0]
    assert ep["metadata"]["labels"]["service.kubernetes.io/headless"] == ""


# ---------------------------------------------------------------------------
# DaemonSet and StatefulSet


def test_daemonset_on_every_node(rawhttp, ns, nodes):
    # a third node, tainted: the DaemonSet tolerates the taint
    st, body = rawhttp.post("/api/v1/nodes", {
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": "wl-tainted", "labels": {"e2e-ds": "yes"}},
        "spec": {"taints": [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": now_rfc3339()}]}})
    assert st in (201, 409), body
    nodes.names.append("wl-tainted")
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
          "spec": {"selector": {"matchLabels": {"app": "agent"}},
                   "template": {"metadata": {"labels": {"app": "agent"}},
                                "spec": {"nodeSelector": {"e2e-ds": "yes"},
                                         "tolerations": [{"key": "dedicated", "operator": "Exists"}],
                                         "containers": [container()]}}}}
    st, body = rawhttp.post("/apis/apps/v1/namespaces/%s/daemonsets" % ns, ds)
    assert st == 201, body
    want = sorted(list(NODES) + ["wl-tainted"])

    def placed():
        pods = pods_of(rawhttp, ns, "app%3Dagent")
        got = sorted(p["spec"].get("nodeName") or "" for p in pods)
        st, d = rawhttp.get("/apis/apps/v1/namespaces/%s/daemonsets/agent" % ns)
        s = d.get("status", {})
        return (got, s) if got == want and s.get("numberReady") == 3 else None
    got, s = wait_for(placed, timeout=30, what="one ready pod per node")
    assert s["desiredNumberScheduled"] == 3 and s["currentNumberScheduled"] == 3
    assert s["updatedNumberScheduled"] == 3 and s.get("numberMisscheduled", 0) == 0
    pods = pods_of(rawhttp, ns, "app%3Dagent")
    tols = {(t.get("key"), t.get("effect")) for t in pods[0]["spec"]["tolerations"]}
    assert ("node.kubernetes.io/unreachable", "NoExecute") in tols
    assert ("node.kubernetes.io/unschedulable", "NoSchedule") in tols
    hash_ = pods[0]["metadata"]["labels"]["controller-revision-hash"]
    st, rev = rawhttp.get("/apis/apps/v1/namespaces/%s/controllerrevisions/agent-%s" % (ns, hash_))
    assert st == 200 and rev["revision"] == 1
    # rolling update: a new template replaces every pod
    st, _ = rawhttp.patch("/apis/apps/v1/namespaces/%s/daemonsets/agent" % ns,
                          {"spec": {"template": {"metadata": {"labels": {"app": "agent", "v": "2"}}}}})
    assert st == 200

    def rolled():
        pods = [p for p in pods_of(rawhttp, ns, "app%3Dagent") if not p["metadata"].get("deletionTimestamp")]
        return len(pods) == 3 and all(p["metadata"]["labels"].get("v") == "2" for p in pods)
    wait_for(rolled, timeout=40, what="the rolling update")
    # maxSurge: the new pod starts next to the old one; never fewer than 3 ready
    st, _ = rawhttp.patch("/apis/apps/v1/namespaces/%s/daemonsets/agent" % ns,
                          {"spec": {"updateStrategy": {"type": "RollingUpdate",
                                                       "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                                    "template": {"metadata": {"labels": {"app": "agent", "v": "3"}}}}})
    assert st == 200
    most = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < 40:
        pods = [p for p in pods_of(rawhttp, ns, "app%3Dagent") if not p["metadata"].get("deletionTimestamp")]
        ready = [p for p in pods if (condition(p, "Ready") or {}).get("status") == "True"]
        assert len(ready) >= 3 or time.monotonic() - t0 < 0.5 or len(pods) >= 3, len(ready)
        most = max(most, len(pods))
        if len(pods) == 3 and all(p["metadata"]["labels"].get("v") == "3" for p in pods):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the surge rollout did not finish")
    assert most == 4, most  # one surge pod at a time
    rawhttp.delete("/apis/apps/v1/namespaces/%s/daemonsets/agent" % ns)
    nodes.names.remove("wl-tainted")
    rawhttp.delete("/api/v1/nodes/wl-tainted")


def test_statefulset_comes_up_in_order(rawhttp, ns, nodes):
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
           "spec": {"replicas": 3, "serviceName": "web", "selector": {"matchLabels": {"app": "sts"}},
                    "template": {"metadata": {"labels": {"app": "sts"}}, "spec": {"containers": [container()]}}}}
    st, body = rawhttp.post("/apis/apps/v1/namespaces/%s/statefulsets" % ns, sts)
    assert st == 201, body
    seen = []   # (name, ready names at the time it first appeared)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 40:
        pods = pods_of(rawhttp, ns, "app%3Dsts")
        ready = {p["metadata"]["name"] for p in pods
                 if (condition(p, "Ready") or {}).get("status") == "True"}
        for p in pods:
            if p["metadata"]["name"] not in [s[0] for s in seen]:
                seen.append((p["metadata"]["name"], set(ready)))
        if len(ready) == 3:
            break
        time.sleep(0.05)
    names = [s[0] for s in seen]
    assert names == ["web-0", "web-1", "web-2"], seen
    assert "web-0" in seen[1][1] and {"web-0", "web-1"} <= seen[2][1], seen
    print("statefulset of 3 ready in order in %.1f s" % (time.monotonic() - t0))
    st, s = rawhttp.get("/apis/apps/v1/namespaces/%s/pods/web-1" % ns)
    st, p1 = rawhttp.get("/api/v1/namespaces/%s/pods/web-1" % ns)
    assert p1["spec"]["hostname"] == "web-1" and p1["spec"]["subdomain"] == "web"
    assert p1["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] == "web-1"

    def status_ready():
        st, s = rawhttp.get("/apis/apps/v1/namespaces/%s/statefulsets/web" % ns)
        return s if s.get("status", {}).get("readyReplicas") == 3 else None
    s = wait_for(status_ready, timeout=10, what="status")
    assert s["status"]["currentRevision"] == s["status"]["updateRevision"]
    # scale down: highest ordinal first
    st, _ = rawhttp.patch("/apis/apps/v1/namespaces/%s/statefulsets/web" % ns, {"spec": {"replicas": 1}})
    assert st == 200
    wait_for(lambda: sorted(p["metadata"]["name"] for p in pods_of(rawhttp, ns, "app%3Dsts")) == ["web-0"],
             timeout=30, what="scale down to web-0")


# ---------------------------------------------------------------------------
# Resource quota and pod GC


def test_resourcequota_used(rawhttp, ns, nodes):
    q = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
         "spec": {"hard": {"pods": "10", "requests.cpu": "2", "services": "5", "count/configmaps": "9"}}}
    st, body = rawhttp.post("/api/v1/namespaces/%s/resourcequotas" % ns, q)
    assert st == 201, body
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "rq"},
           "spec": {"containers": [container(resources={"requests": {"cpu": "250m"}})]}}
    st, body = rawhttp.post("/api/v1/namespaces/%s/pods" % ns, pod)
    assert st == 201, body

    def used():
        st, q = rawhttp.get("/api/v1/namespaces/%s/resourcequotas/q" % ns)
        u = q.get("status", {}).get("used", {})
        return u if u.get("pods") == "1" and u.get("requests.cpu") == "250m" else None
    u = wait_for(used, timeout=20, what="quota usage")
    assert u["services"] == "0"
    assert "count/configmaps" in u


def test_podgc_orphans(rawhttp, ns, nodes):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "orphan"},
           "spec": {"nodeName": "no-such-node", "containers": [container()]}}
    st, body = rawhttp.post("/api/v1/namespaces/%s/pods" % ns, pod)
    assert st == 201, body
    # the node must stay missing for upstream's 40 s quarantine; podgc runs every 20 s
    t0 = time.monotonic()
    wait_for(lambda: rawhttp.get("/api/v1/namespaces/%s/pods/orphan" % ns)[0] == 404, timeout=90,
             interval=0.5, what="podgc to delete the pod on a missing node")
    assert time.monotonic() - t0 >= 39


def test_nodeipam_unique_and_stable(server, rawhttp, tmp_path):
    def mk(name):
        st, body = rawhttp.post("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}})
        assert st == 201, body

    def cidr(name):
        st, n = rawhttp.get("/api/v1/nodes/" + name)
        return n.get("spec", {}).get("podCIDR")
    args = ["--controllers=nodeipam", "--allocate-node-cidrs", "--cluster-cidr=10.200.0.0/16",
            "--node-cidr-mask-size=24"]
    k = Kcm(tmp_path, server.url, *args)
    try:
        for i in range(3):
            mk("ipam-%d" % i)
        got = [wait_for(lambda i=i: cidr("ipam-%d" % i), timeout=15, what="a podCIDR") for i in range(3)]
        assert len(set(got)) == 3 and all(c.startswith("10.200.") and c.endswith("/24") for c in got), got
        st, n = rawhttp.get("/api/v1/nodes/ipam-0")
        assert n["spec"]["podCIDRs"] == [n["spec"]["podCIDR"]]
    finally:
        check_log(k.stop())
    # a restarted controller keeps the existing allocations and avoids them
    k = Kcm(tmp_path, server.url, *args)
    try:
        mk("ipam-3")
        c3 = wait_for(lambda: cidr("ipam-3"), timeout=15, what="a podCIDR after restart")
        assert c3 not in got
        assert [cidr("ipam-%d" % i) for i in range(3)] == got
    finally:
        check_log(k.stop())
    for i in range(4):
        rawhttp.delete("/api/v1/nodes/ipam-%d" % i)


# ---------------------------------------------------------------------------
# Node lifecycle (runs last: it stops a node)


def test_node_stops_heartbeating(server, rawhttp, ns, nodes, hollow_nodes):
    h = hollow_nodes(server.url, 1, "--name-prefix=wl-hollow-", "--node-lease-renew-interval=1s",
                     "--node-status-report-frequency=1s")
    node = "wl-hollow-0"
    tol = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
            "tolerationSeconds": 2},
           {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
            "tolerationSeconds": 2}]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "on-hollow"},
           "spec": {"nodeName": node, "tolerations": tol, "containers": [container()]}}
    st, body = rawhttp.post("/api/v1/namespaces/%s/pods" % ns, pod)
    assert st == 201, body
    wait_for(lambda: rawhttp.get("/api/v1/namespaces/%s/pods/on-hollow" % ns)[1]["status"].get("phase") == "Running",
             timeout=15, what="the pod to run on the hollow node")
    # the kubelet's registration taint goes once the node is Ready
    wait_for(lambda: not any(t["key"] == "node.kubernetes.io/not-ready"
                             for t in rawhttp.get("/api/v1/nodes/" + node)[1]["spec"].get("taints", [])),
             timeout=15, what="not-ready taint removed")

    h.pause()
    t0 = time.monotonic()

    def unknown():
        st, n = rawhttp.get("/api/v1/nodes/" + node)
        c = condition(n, "Ready")
        return n if c and c["status"] == "Unknown" else None
    n = wait_for(unknown, timeout=20, what="the node to go Unknown")
    t_unknown = time.monotonic() - t0
    c = condition(n, "Ready")
    assert c["reason"] == "NodeStatusUnknown"
    assert c["message"] == "Kubelet stopped posting node status."

    def tainted():
        st, n = rawhttp.get("/api/v1/nodes/" + node)
        return [t for t in n["spec"].get("taints", []) if t["key"] == "node.kubernetes.io/unreachable"]
    taints = wait_for(tainted, timeout=10, what="the unreachable taint")
    effects = {t["effect"] for t in taints}
    assert "NoExecute" in effects
    assert [t for t in taints if t["effect"] == "NoExecute"][0]["timeAdded"]

    def evicted():
        st, p = rawhttp.get("/api/v1/namespaces/%s/pods/on-hollow" % ns)
        return st == 404 or p["metadata"].get("deletionTimestamp")
    wait_for(evicted, timeout=15, what="the pod to be evicted")
    t_evicted = time.monotonic() - t0
    print("node Unknown after %.1f s (grace 4 s), pod evicted after %.1f s (tolerationSeconds 2)"
          % (t_unknown, t_evicted))

    h.resume()

    def back():
        st, n = rawhttp.get("/api/v1/nodes/" + node)
        c = condition(n, "Ready")
        taints = [t for t in n["spec"].get("taints", []) if t["key"].startswith("node.kubernetes.io/unreachable")]
        return c and c["status"] == "True" and not taints
    wait_for(back, timeout=20, what="the node to come back untainted")


# ---------------------------------------------------------------------------
# With the real scheduler and hollow nodes (its own API server): a
# DaemonSet lands on every node and is tolerated by taints, a StatefulSet
# comes up in order, and the pods of a node that stops heartbeating are
# evicted and their Job's replacements run elsewhere.

SCHEDULER = os.path.join(BIN, "kube-scheduler")


class SchedulerProc:
    def __init__(self, tmpdir, url):
        self.log_path = os.path.join(str(tmpdir), "scheduler-%d.log" % free_port())
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [SCHEDULER, "--master=" + url, "--port=0", "--secure-port=0", "--leader-elect=false", "--v=2"],
            stdout=self.log, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        if self.proc.poll() is not None:
            self.log.close()
            pytest.skip("kube-scheduler does not run yet")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def test_cluster_with_scheduler_and_hollow_nodes(start_server, hollow_nodes, tmp_path):
    srv = start_server()
    http_ = Http(srv)
    sched = SchedulerProc(tmp_path, srv.url)
    k = Kcm(tmp_path, srv.url, "--node-monitor-grace-period=4s", "--node-monitor-period=1s")
    try:
        hollow_nodes(srv.url, 2, "--name-prefix=hc-a-", "--node-lease-renew-interval=1s",
                     "--node-status-report-frequency=1s")
        b = hollow_nodes(srv.url, 1, "--name-prefix=hc-b-", "--node-lease-renew-interval=1s",
                         "--node-status-report-frequency=1s")
        hollow_nodes(srv.url, 1, "--name-prefix=hc-c-", "--node-lease-renew-interval=1s",
                     "--node-status-report-frequency=1s", "--register-with-taints=dedicated=infra:NoSchedule")
        all_nodes = ["hc-a-0", "hc-a-1", "hc-b-0", "hc-c-0"]
        ns = "cluster"
        http_.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

        # DaemonSet: every node, the tainted one too (tolerated)
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
              "spec": {"selector": {"matchLabels": {"app": "agent"}},
                       "template": {"metadata": {"labels": {"app": "agent"}},
                                    "spec": {"tolerations": [{"key": "dedicated", "operator": "Exists"}],
                                             "containers": [container()]}}}}
        st, body = http_.post("/apis/apps/v1/namespaces/%s/daemonsets" % ns, ds)
        assert st == 201, body
        t0 = time.monotonic()

        def ds_ready():
            st, d = http_.get("/apis/apps/v1/namespaces/%s/daemonsets/agent" % ns)
            return d if d.get("status", {}).get("numberReady") == 4 else None
        d = wait_for(ds_ready, timeout=40, what="the DaemonSet on every node")
        print("daemonset ready on 4 hollow nodes in %.1f s" % (time.monotonic() - t0))
        pods = pods_of(http_, ns, "app%3Dagent")
        assert sorted(p["spec"]["nodeName"] for p in pods) == all_nodes
        assert d["status"]["desiredNumberScheduled"] == 4

        # StatefulSet: in order, through the scheduler
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
               "spec": {"replicas": 3, "serviceName": "web", "selector": {"matchLabels": {"app": "sts"}},
                        "template": {"metadata": {"labels": {"app": "sts"}}, "spec": {"containers": [container()]}}}}
        st, body = http_.post("/apis/apps/v1/namespaces/%s/statefulsets" % ns, sts)
        assert st == 201, body
        order = []
        t0 = time.monotonic()
        while time.monotonic() - t0 < 40:
            pods = pods_of(http_, ns, "app%3Dsts")
            ready = {p["metadata"]["name"] for p in pods if (condition(p, "Ready") or {}).get("status") == "True"}
            for p in pods:
                if p["metadata"]["name"] not in [o[0] for o in order]:
                    order.append((p["metadata"]["name"], ready))
            if len(ready) == 3:
                break
            time.sleep(0.05)
        assert [o[0] for o in order] == ["web-0", "web-1", "web-2"], order
        assert "web-0" in order[1][1] and "web-1" in order[2][1], order
        print("statefulset of 3 ready in order through the scheduler in %.1f s" % (time.monotonic() - t0))

        # a Job spread over the untainted nodes; hc-b-0 goes silent
        tol = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                "tolerationSeconds": 2}]
        aff = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                "labelSelector": {"matchLabels": {"app": "spread"}}}}]}}
        job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "spread"},
               "spec": {"parallelism": 3, "completions": 3,
                        "template": {"metadata": {"labels": {"app": "spread"}},
                                     "spec": {"restartPolicy": "Never", "tolerations": tol, "affinity": aff,
                                              "containers": [container()]}}}}
        st, body = http_.post("/apis/batch/v1/namespaces/%s/jobs" % ns, job)
        assert st == 201, body

        def running_on():
            pods = [p for p in pods_of(http_, ns, "app%3Dspread") if not p["metadata"].get("deletionTimestamp")]
            nodes_ = [p["spec"].get("nodeName") for p in pods if p["status"].get("phase") == "Running"]
            return nodes_ if len(nodes_) == 3 else None
        placed = wait_for(running_on, timeout=30, what="the job's pods to run")
        if "hc-b-0" not in placed:
            pytest.skip("the scheduler put no job pod on hc-b-0: %s" % placed)
        victim = [p["metadata"]["name"] for p in pods_of(http_, ns, "app%3Dspread")
                  if p["spec"].get("nodeName") == "hc-b-0"][0]
        b.pause()
        t0 = time.monotonic()

        def unknown():
            st, n = http_.get("/api/v1/nodes/hc-b-0")
            c = condition(n, "Ready")
            return c and c["status"] == "Unknown"
        wait_for(unknown, timeout=20, what="hc-b-0 to go Unknown")
        t_unknown = time.monotonic() - t0

        def evicted():
            st, p = http_.get("/api/v1/namespaces/%s/pods/%s" % (ns, victim))
            return st == 404 or p["metadata"].get("deletionTimestamp")
        wait_for(evicted, timeout=20, what="the pod on hc-b-0 to be evicted")
        t_evicted = time.monotonic() - t0

        def replaced():
            pods = [p for p in pods_of(http_, ns, "app%3Dspread") if not p["metadata"].get("deletionTimestamp")]
            live = [p for p in pods if p["status"].get("phase") == "Running" and p["spec"].get("nodeName") != "hc-b-0"]
            return live if len(live) == 3 else None
        wait_for(replaced, timeout=30, what="the replacement to run elsewhere")
        t_replaced = time.monotonic() - t0
        print("hc-b-0 Unknown after %.1f s, its pod evicted after %.1f s, replaced elsewhere after %.1f s"
              % (t_unknown, t_evicted, t_replaced))
        st, n = http_.get("/api/v1/nodes/hc-b-0")
        keys = {(t["key"], t["effect"]) for t in n["spec"].get("taints", [])}
        assert ("node.kubernetes.io/unreachable", "NoExecute") in keys
        assert ("node.kubernetes.io/unreachable", "NoSchedule") in keys
        b.resume()
    finally:
        check_log(k.stop())
        check_log(sched.stop())
