"""See controller_manager_bench.sh."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

B = os.environ.get("KUBE_BUILD", "_output")
NODES = int(os.environ.get("NODES", "1000"))
REPLICAS = int(os.environ.get("REPLICAS", "10000"))
ROLL = int(os.environ.get("ROLL", "1000"))
QPS = os.environ.get("KCM_QPS", "1000")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def req(self, method, path, body=None, ctype="application/json"):
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                h = {"Content-Type": ctype} if body is not None else {}
                self.conn.request(method, path, body=None if body is None else json.dumps(body),
                                  headers=h)
                r = self.conn.getresponse()
                data = r.read()
                try:
                    return r.status, (json.loads(data) if data else None)
                except ValueError:
                    return r.status, data
            except (OSError, http.client.HTTPException):
                self.conn = None
        raise RuntimeError("request failed: %s %s" % (method, path))


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def binder(port, stop, counter, threads=8):
    """Binds pending pods round-robin over the hollow nodes: one thread
    lists the unbound pods, `threads` threads post the bindings."""
    import queue
    q = queue.Queue()
    seen = set()

    def post():
        api = Api(port)
        while not stop.is_set():
            try:
                ns, name, i = q.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                api.req("POST", "/api/v1/namespaces/%s/pods/%s/binding" % (ns, name),
                        {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": name},
                         "target": {"kind": "Node", "name": "hollow-node-%d" % (i % NODES)}})
                counter[0] += 1
            except RuntimeError:
                seen.discard(name)  # listed again next round
    for _ in range(threads):
        threading.Thread(target=post, daemon=True).start()
    api = Api(port)
    i = 0
    while not stop.is_set():
        try:
            st, lst = api.req("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3D")
        except RuntimeError:
            continue
        items = lst.get("items", []) if st == 200 and isinstance(lst, dict) else []
        new = 0
        for p in items:
            md = p["metadata"]
            if md.get("deletionTimestamp") or md["name"] in seen:
                continue
            seen.add(md["name"])
            q.put((md["namespace"], md["name"], i))
            i += 1
            new += 1
        if not new:
            time.sleep(0.05)
        while q.qsize() > 1000 and not stop.is_set():
            time.sleep(0.01)


def wait(what, fn, timeout):
    t0 = time.monotonic()
    while not fn():
        if time.monotonic() - t0 > timeout:
            raise RuntimeError("timed out: " + what)
        time.sleep(0.1)
    return time.monotonic() - t0


def main():
    tmp = tempfile.mkdtemp()
    procs = []
    try:
        port = free_port()
        url = "http://127.0.0.1:%d" % port
        procs.append(subprocess.Popen(
            [os.path.join(B, "bin", "kube-apiserver"), "--insecure-port=%d" % port,
             "--secure-port=0", "--data-dir=" + os.path.join(tmp, "data"),
             "--etcd-compaction-interval=0"],
            stdout=open(os.path.join(tmp, "api.log"), "w"), stderr=subprocess.STDOUT))
        api = Api(port)
        def ready():
            if procs[0].poll() is not None:
                sys.exit("kube-apiserver exited")
            try:
                return api.req("GET", "/readyz")[0] == 200
            except RuntimeError:
                return False
        wait("apiserver", ready, 20)
        hollow = subprocess.Popen(
            [os.path.join(B, "test", "bench", "hollow_nodes"), "--master=" + url,
             "--nodes=%d" % NODES], stdout=open(os.path.join(tmp, "hollow.log"), "w"),
            stderr=subprocess.STDOUT)
        procs.append(hollow)
        wait("hollow nodes", lambda: "nodes ready" in open(os.path.join(tmp, "hollow.log")).read(), 120)
        kcm = subprocess.Popen(
            [os.path.join(B, "bin", "kube-controller-manager"), "--master=" + url,
             "--leader-elect=false", "--port=0", "--secure-port=0",
             "--kube-api-qps=" + QPS, "--kube-api-burst=" + str(int(QPS) * 2)],
            stdout=open(os.path.join(tmp, "kcm.log"), "w"), stderr=subprocess.STDOUT)
        procs.append(kcm)
        wait("kcm", lambda: "Started controllers" in open(os.path.join(tmp, "kcm.log")).read(), 30)
        print("kube-controller-manager idle RSS with %d nodes: %.1f MB" % (NODES, rss_mb(kcm.pid)))
        stop = threading.Event()
        bound = [0]
        t = threading.Thread(target=binder, args=(port, stop, bound), daemon=True)
        t.start()

        def deploy(name, n):
            st, body = api.req("POST", "/apis/apps/v1/namespaces/default/deployments", {
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                "spec": {"replicas": n, "selector": {"matchLabels": {"app": name}},
                         "template": {"metadata": {"labels": {"app": name}},
                                      "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})
            assert st == 201, body

        def dstatus(name):
            return api.req("GET", "/apis/apps/v1/namespaces/default/deployments/" + name)[1].get("status", {})

        t0 = time.monotonic()
        deploy("big", REPLICAS)
        created = wait("created", lambda: dstatus("big").get("replicas", 0) >= REPLICAS, 1800)
        avail = wait("available", lambda: dstatus("big").get("availableReplicas", 0) >= REPLICAS, 1800)
        print("deployment of %d replicas: all pods created in %.1f s (%.0f pods/s), "
              "bound and Running in %.1f s" % (REPLICAS, created, REPLICAS / created,
                                               time.monotonic() - t0))
        print("kube-controller-manager RSS with %d nodes and %d pods: %.1f MB"
              % (NODES, REPLICAS, rss_mb(kcm.pid)))

        deploy("roll", ROLL)
        wait("roll available", lambda: dstatus("roll").get("availableReplicas", 0) >= ROLL, 1800)
        t0 = time.monotonic()
        api.req("PATCH", "/apis/apps/v1/namespaces/default/deployments/roll",
                {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}}},
                "application/merge-patch+json")

        def rolled():
            d = api.req("GET", "/apis/apps/v1/namespaces/default/deployments/roll")[1]
            s = d.get("status", {})
            return (s.get("observedGeneration", 0) >= d["metadata"]["generation"] and
                    s.get("updatedReplicas", 0) == ROLL and s.get("replicas", 0) == ROLL and
                    s.get("availableReplicas", 0) == ROLL)
        took = wait("rollout", rolled, 1800)
        print("rolling update of a %d-pod deployment (25%%/25%%): %.1f s" % (ROLL, took))
        print("kube-controller-manager RSS after the rollout: %.1f MB" % rss_mb(kcm.pid))

        def npods():
            st, lst = api.req("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dbig&limit=1")
            rem = lst.get("metadata", {}).get("remainingItemCount", 0) if st == 200 else 0
            return len(lst.get("items", [])) + rem if st == 200 else -1
        t0 = time.monotonic()
        st, _ = api.req("DELETE", "/apis/apps/v1/namespaces/default/deployments/big")
        assert st == 200
        took = wait("collected", lambda: npods() == 0, 1800)
        print("garbage collection of the %d-pod deployment (background): %.1f s" % (REPLICAS, took))
        stop.set()
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
