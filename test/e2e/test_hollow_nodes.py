"""Hollow nodes (test/bench/hollow_nodes) against the real API server,
checked with the real kubectl: nodes register Ready, leases renew, bound
pods run, terminating pods go away."""
import json
import time


def wait_for(fn, timeout=15, step=0.1):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(step)


def test_nodes_register_ready_with_capacity_and_leases(apiserver, kubectl, hollow_nodes):
    hollow_nodes(apiserver.url, 4, "--name-prefix=hn-", "--cpu=8", "--memory=32Gi",
                 "--node-labels=zone=a", "--node-lease-renew-interval=1s")
    out = kubectl("get", "nodes", "--no-headers").stdout.split("\n")
    rows = sorted(l.split()[:2] for l in out if l)
    assert rows == [["hn-0", "Ready"], ["hn-1", "Ready"], ["hn-2", "Ready"], ["hn-3", "Ready"]]
    node = json.loads(kubectl("get", "node", "hn-2", "-o", "json").stdout)
    assert node["status"]["capacity"] == {"cpu": "8", "memory": "32Gi",
                                          "ephemeral-storage": "100Gi", "pods": "110"}
    assert node["metadata"]["labels"]["zone"] == "a"
    assert node["metadata"]["labels"]["kubernetes.io/hostname"] == "hn-2"
    lease = json.loads(kubectl("get", "lease", "-n", "kube-node-lease", "hn-2", "-o", "json").stdout)
    assert lease["spec"]["holderIdentity"] == "hn-2"
    first = lease["spec"]["renewTime"]
    assert wait_for(lambda: json.loads(kubectl("get", "lease", "-n", "kube-node-lease", "hn-2",
                                               "-o", "json").stdout)["spec"]["renewTime"] != first,
                    timeout=5)


def test_taints_registered(apiserver, kubectl, hollow_nodes):
    hollow_nodes(apiserver.url, 1, "--name-prefix=tn-",
                 "--register-with-taints=dedicated=infra:NoSchedule")
    node = json.loads(kubectl("get", "node", "tn-0", "-o", "json").stdout)
    assert node["spec"]["taints"] == [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]


def test_bound_pod_runs_and_terminating_pod_is_deleted(apiserver, kubectl, hollow_nodes):
    hollow_nodes(apiserver.url, 2, "--name-prefix=pn-")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"},
           "spec": {"nodeName": "pn-1", "containers": [{"name": "c", "image": "busybox"}]}}
    kubectl("create", "-f", "-", "--validate=false", stdin=json.dumps(pod))

    def running():
        p = json.loads(kubectl("get", "pod", "p1", "-o", "json").stdout)
        return p if p["status"].get("phase") == "Running" else None
    p = wait_for(running)
    assert p, "pod never ran"
    assert p["status"]["podIP"].startswith("10.64.1.")
    ready = [c for c in p["status"]["conditions"] if c["type"] == "Ready"]
    assert ready and ready[0]["status"] == "True"
    assert p["status"]["containerStatuses"][0]["ready"] is True
    out = kubectl("get", "pod", "p1", "--no-headers").stdout.split()
    assert out[1:3] == ["1/1", "Running"]
    # a graceful delete leaves the pod terminating; the hollow kubelet ends it
    t0 = time.time()
    out = kubectl("delete", "pod", "p1", "--timeout=20s").stdout
    assert out.strip() == 'pod "p1" deleted'
    assert time.time() - t0 < 10
    assert "NotFound" in kubectl("get", "pod", "p1", check=False).stderr


def test_unrelated_pods_are_left_alone(apiserver, kubectl, hollow_nodes):
    hollow_nodes(apiserver.url, 1, "--name-prefix=un-")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "other"},
           "spec": {"nodeName": "elsewhere", "containers": [{"name": "c", "image": "busybox"}]}}
    kubectl("create", "-f", "-", "--validate=false", stdin=json.dumps(pod))
    time.sleep(1)
    p = json.loads(kubectl("get", "pod", "other", "-o", "json").stdout)
    assert p["status"].get("phase") == "Pending"
