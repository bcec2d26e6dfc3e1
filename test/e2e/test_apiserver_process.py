"""The API server as a process: bootstrap objects, legacy flag spellings,
HTTPS with a self-generated certificate, sd_notify, graceful SIGTERM, and
allocations that survive a restart."""

import json
import os
import signal
import socket
import ssl
import subprocess
import time

import pytest

from conftest import KUBECTL, Server, free_port, wait_for


def test_bootstrap_kubernetes_service(server, rawhttp):
    st, svc = rawhttp.get("/api/v1/namespaces/default/services/kubernetes")
    assert st == 200
    assert svc["spec"]["clusterIP"] == "10.0.0.1"
    assert svc["spec"]["ports"][0]["port"] == 443
    assert svc["spec"]["ports"][0]["name"] == "https"
    assert svc["metadata"]["labels"]["component"] == "apiserver"
    st, eps = rawhttp.get("/api/v1/namespaces/default/endpoints/kubernetes")
    assert st == 200 and eps["subsets"][0]["addresses"][0]["ip"]
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        st, obj = rawhttp.get("/api/v1/namespaces/" + ns)
        assert st == 200 and obj["status"]["phase"] == "Active"
        assert obj["metadata"]["labels"]["kubernetes.io/metadata.name"] == ns
        assert obj["spec"]["finalizers"] == ["kubernetes"]


def test_legacy_flag_spellings(start_server):
    # underscores, the old --address/--port pair and flags not enforced yet
    srv = start_server("--etcd_prefix=/registry", "--admission_control=NamespaceLifecycle,ServiceAccount",
                       "--service-cluster-ip-range=10.254.0.0/16", "--allow-privileged=true",
                       "--apiserver-count=1", "--kubelet-port=10250", "--max-requests-inflight=400",
                       "--runtime-config=api/all=true", "--authorization-mode=AlwaysAllow")
    st, _, body = srv.request("GET", "/api/v1/namespaces/default/services/kubernetes")
    assert st == 200 and json.loads(body)["spec"]["clusterIP"] == "10.254.0.1"


def test_address_and_port_legacy_pair(tmp_path):
    port = free_port()
    srv = Server(tmp_path, ["--address=127.0.0.1", "--port=%d" % port])
    # the fixture's own --insecure-port comes first; --port given later wins
    srv.port, srv.url = port, "http://127.0.0.1:%d" % port
    try:
        srv.start()
        assert srv.request("GET", "/healthz")[0] == 200
    finally:
        srv.stop()


def test_https_with_self_generated_cert(start_server, tmp_path):
    sport = free_port()
    srv = start_server("--secure-port=%d" % sport, "--bind-address=127.0.0.1",
                       "--cert-dir=%s" % (tmp_path / "certs"))
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    import http.client as httplib
    conn = httplib.HTTPSConnection("127.0.0.1", sport, timeout=5, context=ctx)
    conn.request("GET", "/version")
    r = conn.getresponse()
    data = b"HTTP/1.1 %d\r\n" % r.status + r.read()
    conn.close()
    assert data.startswith(b"HTTP/1.1 200")
    assert b'"minor": "32"' in data or b'"minor":"32"' in data
    assert os.path.exists(tmp_path / "certs" / "apiserver.crt")
    if os.access(KUBECTL, os.X_OK):
        p = subprocess.run([KUBECTL, "-s", "https://127.0.0.1:%d" % sport, "--insecure-skip-tls-verify", "--token=e2e",
                            "--cache-dir", str(tmp_path / "kc"), "get", "ns", "-o", "name"],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, KUBECONFIG=os.devnull, HOME=str(tmp_path)))
        assert p.returncode == 0, p.stderr
        assert "namespace/default" in p.stdout.split()


def test_sd_notify_ready(tmp_path):
    sock_path = str(tmp_path / "notify.sock")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(sock_path)
    ns.settimeout(10)
    port = free_port()
    exe = os.path.join(os.environ.get("KUBE_BIN", "_output/bin"), "kube-apiserver")
    log = open(tmp_path / "log", "wb")
    p = subprocess.Popen([exe, "--insecure-port=%d" % port, "--secure-port=0",
                          "--data-dir=%s" % (tmp_path / "data")], stdout=log, stderr=subprocess.STDOUT,
                         env=dict(os.environ, NOTIFY_SOCKET=sock_path))
    try:
        msg = ns.recv(4096).decode()
        assert "READY=1" in msg
        # ready means serving
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.close()
        p.send_signal(signal.SIGTERM)
        msg = ns.recv(4096).decode()
        assert "STOPPING=1" in msg
        assert p.wait(10) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()
        ns.close()


def test_sigterm_ends_watches_and_exits_cleanly(start_server):
    srv = start_server()
    import http.client as httplib
    conn = httplib.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    conn.request("GET", "/api/v1/pods?watch=true")
    r = conn.getresponse()
    assert r.status == 200
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    # the stream ends (terminating chunk or close) and the process exits 0
    while r.readline():
        pass
    assert srv.proc.wait(10) == 0
    assert time.monotonic() - t0 < 8
    conn.close()
    srv.proc = None


def test_allocations_survive_restart(start_server):
    srv = start_server("--service-cluster-ip-range=10.96.0.0/29", "--service-node-port-range=30000-30004")
    ips, ports = set(), set()

    def svc(name, extra=None):
        spec = {"type": "NodePort", "ports": [{"port": 80}]}
        spec.update(extra or {})
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}

    for i in range(2):
        st, _, body = srv.request("POST", "/api/v1/namespaces/default/services", svc("s%d" % i))
        assert st == 201, body
        obj = json.loads(body)
        ips.add(obj["spec"]["clusterIP"])
        ports.add(obj["spec"]["ports"][0]["nodePort"])
    srv.restart()
    for i in range(2, 4):
        st, _, body = srv.request("POST", "/api/v1/namespaces/default/services", svc("s%d" % i))
        assert st == 201, body
        obj = json.loads(body)
        assert obj["spec"]["clusterIP"] not in ips
        assert obj["spec"]["ports"][0]["nodePort"] not in ports
        ips.add(obj["spec"]["clusterIP"])
        ports.add(obj["spec"]["ports"][0]["nodePort"])
    # a taken IP or port is 422
    taken_ip = sorted(ips)[0]
    st, _, body = srv.request("POST", "/api/v1/namespaces/default/services", svc("dup", {"clusterIP": taken_ip}))
    assert st == 422, body
    assert "provided IP is already allocated" in json.loads(body)["message"]
    taken_port = sorted(ports)[0]
    st, _, body = srv.request("POST", "/api/v1/namespaces/default/services",
                              svc("dup2", {"ports": [{"port": 80, "nodePort": taken_port}]}))
    assert st == 422, body
    assert "provided port is already allocated" in json.loads(body)["message"]
    # deleting releases: the freed port can be requested again
    st, _, _ = srv.request("DELETE", "/api/v1/namespaces/default/services/s0")
    assert st == 200
    freed = None
    st, _, body = srv.request("GET", "/api/v1/namespaces/default/services")
    in_use = {p.get("nodePort") for s in json.loads(body)["items"] for p in s["spec"].get("ports", [])}
    freed = [p for p in range(30000, 30005) if p not in in_use][0]
    wait_for(lambda: srv.request("POST", "/api/v1/namespaces/default/services",
                                 svc("again", {"ports": [{"port": 80, "nodePort": freed}]}))[0] == 201,
             timeout=5, what="the released node port to be reusable")
