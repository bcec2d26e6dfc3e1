"""kube-apiserver on real etcd (--etcd-servers): objects at upstream's keys
as JSON, resourceVersion = mod revision, componentstatuses, unreachable and
lost etcd, the request size limit, TLS with client certificates, two API
servers on one etcd, and a 3-member cluster losing its leader under load."""

import base64
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from conftest import BIN, Etcd, Http, Server, check_server, wait_for

CM = "/api/v1/namespaces/%s/configmaps"


def cm(name, data=None):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
            "data": data or {"k": name}}


@pytest.fixture
def etcd(tmp_path):
    (tmp_path / "etcd").mkdir()
    e = Etcd(tmp_path / "etcd").start()
    yield e
    e.stop()


@pytest.fixture
def servers(tmp_path):
    started = []

    def start(*extra, wait=True):
        d = tmp_path / ("srv%d" % len(started))
        d.mkdir()
        s = Server(d, extra)
        started.append(s)
        return s.start() if wait else s
    yield start
    for s in started:
        s.stop()
    for s in started:
        check_server(s)


def test_objects_live_in_etcd_at_upstream_keys(etcd, servers):
    srv = servers("--etcd-servers=" + etcd.url)
    http = Http(srv)
    st, body = http.post(CM % "default", cm("e1"))
    assert st == 201, body
    rv = body["metadata"]["resourceVersion"]
    out = etcd.ctl("get", "--prefix", "/registry/", "--keys-only").stdout.split()
    assert "/registry/configmaps/default/e1" in out
    assert "/registry/namespaces/default" in out
    assert "/registry/services/specs/default/kubernetes" in out
    got = json.loads(etcd.ctl("get", "/registry/configmaps/default/e1", "-w", "json").stdout)
    kv = got["kvs"][0]
    assert str(kv["mod_revision"]) == rv
    stored = json.loads(base64.b64decode(kv["value"]))
    assert stored["metadata"]["name"] == "e1" and stored["data"] == {"k": "e1"}
    # an update is a new mod revision
    body["data"] = {"k": "2"}
    st, upd = http.put(CM % "default" + "/e1", body)
    assert st == 200, upd
    got = json.loads(etcd.ctl("get", "/registry/configmaps/default/e1", "-w", "json").stdout)
    assert str(got["kvs"][0]["mod_revision"]) == upd["metadata"]["resourceVersion"] != rv
    # a stale update conflicts (Txn on mod_revision)
    body["metadata"]["resourceVersion"] = rv
    assert http.put(CM % "default" + "/e1", body)[0] == 409
    # health checks and one componentstatus row per endpoint
    st, _, text = srv.request("GET", "/readyz?verbose")
    assert st == 200 and b"[+]etcd ok" in text
    st, _, text = srv.request("GET", "/healthz/etcd")
    assert st == 200
    st, cs = http.get("/api/v1/componentstatuses/etcd-0")
    assert st == 200, cs
    assert cs["conditions"][0]["status"] == "True"
    assert json.loads(cs["conditions"][0]["message"])["health"] == "true"


def test_value_over_etcd_limit_is_413(etcd, servers):
    srv = servers("--etcd-servers=" + etcd.url)
    http = Http(srv)
    st, body = http.post(CM % "default", cm("big", {"k": "x" * (2 << 20)}))
    assert st == 413, body
    assert body["reason"] == "RequestEntityTooLarge"
    assert etcd.ctl("get", "/registry/configmaps/default/big").stdout == ""
    assert http.post(CM % "default", cm("ok", {"k": "x" * (1 << 20)}))[0] == 201


def test_unreachable_etcd_at_start_then_down_mid_run(tmp_path, servers):
    (tmp_path / "etcd").mkdir()
    etcd = Etcd(tmp_path / "etcd")
    srv = servers("--etcd-servers=" + etcd.url, wait=False)
    srv.log = open(srv.log_path, "ab")
    srv.proc = subprocess.Popen(
        [os.path.join(BIN, "kube-apiserver"), "--insecure-port=%d" % srv.port, "--secure-port=0",
         "--etcd-servers=" + etcd.url],
        stdout=srv.log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "is not reachable yet" in srv.read_log(), timeout=10, what="retry log")
        time.sleep(1)
        assert srv.proc.poll() is None
        with pytest.raises(OSError):
            srv.request("GET", "/readyz", timeout=2)  # not serving: not ready
        etcd.start()
        wait_for(lambda: _ready(srv), timeout=15, what="ready once etcd answers")
        http = Http(srv)
        assert http.post(CM % "default", cm("before"))[0] == 201

        # etcd goes away: writes fail with 503/504 Status, readiness fails
        etcd.kill(0, signal.SIGKILL)
        t0 = time.monotonic()
        st, body = http.post(CM % "default", cm("during"), timeout=40)
        assert st in (503, 504), body
        assert body["kind"] == "Status"
        assert time.monotonic() - t0 < 30
        st, _, text = srv.request("GET", "/readyz?verbose")
        assert st != 200 and b"[-]etcd failed" in text

        # back: writes work again and nothing was lost
        etcd.start_member(etcd.members[0])
        wait_for(lambda: _ready(srv), timeout=20, what="ready again")
        wait_for(lambda: http.post(CM % "default", cm("after"))[0] == 201, timeout=15, what="writes")
        names = {i["metadata"]["name"] for i in http.get(CM % "default")[1]["items"]}
        assert {"before", "after"} <= names
    finally:
        srv.stop()
        etcd.stop()


def _ready(srv):
    try:
        return srv.request("GET", "/readyz", timeout=2)[0] == 200
    except OSError:
        return False


def test_two_apiservers_share_one_etcd(etcd, servers):
    a = servers("--etcd-servers=" + etcd.url)
    b = servers("--etcd-servers=" + etcd.url)
    ha, hb = Http(a), Http(b)
    st, lst = hb.get(CM % "default")
    w = hb.watch(CM % "default" + "?watch=true&resourceVersion=" + lst["metadata"]["resourceVersion"])
    st, created = ha.post(CM % "default", cm("shared"))
    assert st == 201
    ev = w.next()
    w.close()
    assert ev["type"] == "ADDED" and ev["object"]["metadata"]["name"] == "shared"
    assert ev["object"]["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    # a read through the other server sees the write at once
    st, got = hb.get(CM % "default" + "/shared")
    assert st == 200 and got["metadata"]["uid"] == created["metadata"]["uid"]
    # a stale write through b conflicts with a's
    created["data"] = {"k": "a"}
    assert ha.put(CM % "default" + "/shared", created)[0] == 200
    created["data"] = {"k": "b"}
    assert hb.put(CM % "default" + "/shared", created)[0] == 409


def _openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True)


def make_pki(d):
    """A CA, a server cert for 127.0.0.1 and a client cert, in d."""
    d = str(d)
    p = lambda n: os.path.join(d, n)  # noqa: E731
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", p("ca.key"), "-out", p("ca.crt"), "-days", "2", "-subj", "/CN=etcd-ca")
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth"),
                      ("client", "extendedKeyUsage=clientAuth")):
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", p(name + ".key"), "-out", p(name + ".csr"), "-subj", "/CN=" + name)
        with open(p(name + ".ext"), "w") as f:
            f.write(ext + "\n")
        _openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
                 "-CAcreateserial", "-out", p(name + ".crt"), "-days", "2", "-extfile", p(name + ".ext"))
    return p


def test_tls_with_client_cert_auth(tmp_path, servers):
    if subprocess.run(["which", "openssl"], capture_output=True).returncode != 0:
        pytest.skip("openssl not installed")
    pki = tmp_path / "pki"
    pki.mkdir()
    p = make_pki(pki)
    (tmp_path / "etcd").mkdir()
    etcd = Etcd(tmp_path / "etcd", scheme="https",
                extra_args=["--cert-file", p("server.crt"), "--key-file", p("server.key"),
                            "--trusted-ca-file", p("ca.crt"), "--client-cert-auth"])
    tls = ["--cacert", p("ca.crt"), "--cert", p("client.crt"), "--key", p("client.key")]
    etcd.start(wait=False)
    try:
        wait_for(lambda: etcd.ctl("endpoint", "health", check=False, tls_args=tls).returncode == 0,
                 timeout=20, what="etcd over TLS")
        # no client certificate: refused
        assert etcd.ctl("get", "x", check=False, tls_args=["--cacert", p("ca.crt")]).returncode != 0
        srv = servers("--etcd-servers=" + etcd.url, "--etcd-cafile=" + p("ca.crt"),
                      "--etcd-certfile=" + p("client.crt"), "--etcd-keyfile=" + p("client.key"))
        http = Http(srv)
        assert http.post(CM % "default", cm("tls"))[0] == 201
        out = etcd.ctl("get", "--prefix", "/registry/configmaps/", "--keys-only", tls_args=tls).stdout
        assert "/registry/configmaps/default/tls" in out
        st, cs = http.get("/api/v1/componentstatuses/etcd-0")
        assert st == 200 and cs["conditions"][0]["status"] == "True", cs
    finally:
        etcd.stop()


def test_leader_kill_under_write_load(tmp_path, servers):
    """3 members, 8 writers through the API server; kill the leader: writes
    resume within a few seconds, every acknowledged write is there, and a
    watch sees every one."""
    (tmp_path / "etcd").mkdir()
    etcd = Etcd(tmp_path / "etcd", members=3).start()
    try:
        srv = servers("--etcd-servers=" + etcd.url)
        http = Http(srv)
        st, lst = http.get(CM % "default")
        w = http.watch(CM % "default" + "?watch=true&resourceVersion=" + lst["metadata"]["resourceVersion"],
                       timeout=60)
        stop = threading.Event()
        acked = [[] for _ in range(8)]
        ack_times = []
        lock = threading.Lock()

        def writer(i):
            n = 0
            while not stop.is_set():
                name = "w%d-%05d" % (i, n)
                n += 1
                try:
                    st, _ = http.post(CM % "default", cm(name), timeout=30)
                except OSError:
                    continue
                if st == 201:
                    acked[i].append(name)
                    with lock:
                        ack_times.append(time.monotonic())

        # kubectl get cs: one etcd-N row per endpoint
        st, cs = http.get("/api/v1/componentstatuses")
        rows = {i["metadata"]["name"]: i["conditions"][0] for i in cs["items"]}
        for n in range(3):
            assert rows["etcd-%d" % n]["status"] == "True", rows
            assert json.loads(rows["etcd-%d" % n]["message"])["health"] == "true"
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        st = json.loads(etcd.ctl("endpoint", "status", "-w", "json").stdout)
        leader_id = st[0]["Status"]["leader"]
        leader = [i for i, s in enumerate(st) if s["Status"]["header"]["member_id"] == leader_id][0]
        before = sum(len(a) for a in acked)
        t_kill = time.monotonic()
        etcd.kill(leader)
        wait_for(lambda: sum(len(a) for a in acked) > before + 16, timeout=15, what="writes to resume")
        with lock:
            resumed = min([t for t in ack_times if t > t_kill] or [time.monotonic()]) - t_kill
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        names = [n for a in acked for n in a]
        items = http.get(CM % "default")[1]["items"]
        present = {i["metadata"]["name"] for i in items}
        assert set(names) <= present
        seen = set()
        while len(seen) < len(present):
            ev = w.next()
            if ev is None:
                break
            if ev["type"] == "ADDED":
                seen.add(ev["object"]["metadata"]["name"])
        w.close()
        assert present <= seen
        st, cs = http.get("/api/v1/componentstatuses/etcd-%d" % leader)
        assert cs["conditions"][0]["status"] == "False", cs
        print("leader kill: %d acked writes, first ack %.2fs after the kill" % (len(names), resumed))
        assert resumed < 10
    finally:
        etcd.stop()


HAPROXY = "/usr/sbin/haproxy"


def test_two_apiservers_behind_haproxy_survive_one_dying(etcd, servers, tmp_path):
    """The seeds' HA recipe: API servers on one etcd behind haproxy; kill
    one, and the real kubectl through haproxy keeps working."""
    from conftest import KUBECTL, free_port
    if not os.access(HAPROXY, os.X_OK):
        pytest.skip("haproxy is not installed")
    if not os.access(KUBECTL, os.X_OK):
        pytest.skip("kubectl is not installed")
    a = servers("--etcd-servers=" + etcd.url)
    b = servers("--etcd-servers=" + etcd.url)
    port = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text("""global
    maxconn 256
defaults
    mode tcp
    retries 3
    option redispatch
    timeout connect 1s
    timeout client 60s
    timeout server 60s
frontend kube
    bind 127.0.0.1:%d
    default_backend apiservers
backend apiservers
    balance roundrobin
    option httpchk GET /readyz
    server a 127.0.0.1:%d check inter 300 fall 2 rise 2
    server b 127.0.0.1:%d check inter 300 fall 2 rise 2
""" % (port, a.port, b.port))
    log = open(tmp_path / "haproxy.log", "wb")
    hp = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=log, stderr=subprocess.STDOUT)
    cache = str(tmp_path / "kubectl")
    env = dict(os.environ, HOME=cache, KUBECONFIG=os.devnull)

    def kubectl(*args):
        return subprocess.run([KUBECTL, "-s", "http://127.0.0.1:%d" % port, "--cache-dir", cache]
                              + list(args), capture_output=True, text=True, timeout=30, env=env)
    try:
        wait_for(lambda: kubectl("get", "ns").returncode == 0, timeout=10, what="kubectl via haproxy")
        for i in range(4):
            p = kubectl("create", "configmap", "ha-%d" % i, "--from-literal=k=v")
            assert p.returncode == 0, p.stderr
        a.kill9()
        for i in range(4, 12):
            p = kubectl("create", "configmap", "ha-%d" % i, "--from-literal=k=v")
            assert p.returncode == 0, p.stderr
            p = kubectl("get", "configmap", "ha-%d" % i, "-o", "jsonpath={.data.k}")
            assert p.returncode == 0 and p.stdout == "v", p.stderr
        p = kubectl("get", "configmaps", "-o", "name")
        assert all("configmap/ha-%d" % i in p.stdout for i in range(12)), p.stdout
    finally:
        hp.terminate()
        hp.wait(10)
        log.close()


def test_compacted_watch_relists_and_clients_get_410(etcd, servers):
    """The server's store watch comes back after etcd compacted past it:
    the watch cache re-lists (seeing writes made behind its back), its
    watchers are ended, and a watch from an old resourceVersion is 410."""
    srv = servers("--etcd-servers=" + etcd.url)
    http = Http(srv)
    assert http.post(CM % "default", cm("old"))[0] == 201
    st, lst = http.get(CM % "default")
    old_rv = lst["metadata"]["resourceVersion"]
    w = http.watch(CM % "default" + "?watch=true&resourceVersion=" + old_rv, timeout=30)

    srv.proc.send_signal(signal.SIGSTOP)
    try:
        etcd.kill(0)
        etcd.start_member(etcd.members[0])
        wait_for(lambda: etcd.ctl("endpoint", "health", check=False).returncode == 0,
                 timeout=20, what="etcd back")
        new = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "v"},
               "metadata": {"name": "new", "namespace": "default",
                            "uid": "8d1c1d27-0d6f-4a5e-9a53-000000000001",
                            "creationTimestamp": "2026-01-01T00:00:00Z"}}
        etcd.ctl("put", "/registry/configmaps/default/new", json.dumps(new))
        etcd.ctl("del", "/registry/configmaps/default/old")
        rev = json.loads(etcd.ctl("get", "x", "-w", "json").stdout)["header"]["revision"]
        etcd.ctl("compact", str(rev))
    finally:
        srv.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: "re-listed at revision" in srv.read_log(), timeout=15, what="re-list")
    names = {i["metadata"]["name"] for i in http.get(CM % "default")[1]["items"]}
    assert "new" in names and "old" not in names
    # the cache's watchers were ended; resuming from before the compaction is 410
    while w.next() is not None:
        pass
    w.close()
    st, body = http.get(CM % "default" + "?watch=true&resourceVersion=" + old_rv)
    if st == 200:  # the Status comes as an ERROR event in the stream
        body = json.loads(body.splitlines()[0]) if isinstance(body, str) else body
        assert body["type"] == "ERROR" and body["object"]["code"] == 410, body
    else:
        assert st == 410, body
    assert http.post(CM % "default", cm("after"))[0] == 201


def test_kubernetes_endpoints_list_every_live_apiserver(etcd, servers):
    """Upstream's lease reconciler: each API server's advertise address is in
    default/kubernetes while it runs; one that stops takes itself out."""
    a = servers("--etcd-servers=" + etcd.url, "--advertise-address=127.0.0.2")
    b = servers("--etcd-servers=" + etcd.url, "--advertise-address=127.0.0.3")
    ha = Http(a)

    def ips():
        st, eps = ha.get("/api/v1/namespaces/default/endpoints/kubernetes")
        assert st == 200, eps
        return sorted(x["ip"] for s in eps.get("subsets") or [] for x in s.get("addresses") or [])
    wait_for(lambda: ips() == ["127.0.0.2", "127.0.0.3"], timeout=15, what="both API servers listed")
    out = etcd.ctl("get", "--prefix", "/registry/masterleases/", "--keys-only").stdout.split()
    assert out == ["/registry/masterleases/127.0.0.2", "/registry/masterleases/127.0.0.3"]
    b.stop()
    wait_for(lambda: ips() == ["127.0.0.2"], timeout=15, what="the stopped one removed")


def test_cluster_ips_and_node_ports_unique_across_apiservers(etcd, servers):
    """Two API servers allocating at once from the same ranges never hand
    out one ClusterIP or NodePort twice (claims in etcd)."""
    a = servers("--etcd-servers=" + etcd.url, "--service-cluster-ip-range=10.0.0.0/26",
                "--service-node-port-range=30000-30059")
    b = servers("--etcd-servers=" + etcd.url, "--service-cluster-ip-range=10.0.0.0/26",
                "--service-node-port-range=30000-30059")
    results = []
    lock = threading.Lock()

    def create(srv, prefix):
        h = Http(srv)
        for i in range(12):
            svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "%s-%d" % (prefix, i)},
                   "spec": {"type": "NodePort", "selector": {"app": "x"}, "ports": [{"port": 80}]}}
            st, body = h.post("/api/v1/namespaces/default/services", svc)
            with lock:
                results.append((st, body))

    threads = [threading.Thread(target=create, args=(srv, "s%d" % n))
               for n, srv in enumerate((a, b, a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [b for st, b in results if st == 201]
    assert len(ok) == 48, [b for st, b in results if st != 201][:3]
    ips = [s["spec"]["clusterIP"] for s in ok]
    ports = [s["spec"]["ports"][0]["nodePort"] for s in ok]
    assert len(set(ips)) == len(ips), sorted(ips)
    assert len(set(ports)) == len(ports), sorted(ports)
    claims = etcd.ctl("get", "--prefix", "/registry/ipaddresses/", "--keys-only").stdout.split()
    assert len(claims) == 48
    # a deleted Service's address is free again at once for its own name,
    # and asking for a held one is refused
    h = Http(a)
    assert h.delete("/api/v1/namespaces/default/services/s0-0")[0] == 200
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s0-0"},
           "spec": {"clusterIP": ok[0]["spec"]["clusterIP"] if ok[0]["metadata"]["name"] == "s0-0"
                    else [s for s in ok if s["metadata"]["name"] == "s0-0"][0]["spec"]["clusterIP"],
                    "ports": [{"port": 80}]}}
    assert Http(b).post("/api/v1/namespaces/default/services", svc)[0] == 201
    taken = ok[1]["spec"]["clusterIP"]
    st, body = Http(b).post("/api/v1/namespaces/default/services",
                            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "dup"},
                             "spec": {"clusterIP": taken, "ports": [{"port": 80}]}})
    assert st == 422 and "already allocated" in json.dumps(body), body


def test_restart_on_etcd_keeps_data_and_watch_history(etcd, servers):
    srv = servers("--etcd-servers=" + etcd.url)
    http = Http(srv)
    st, c = http.post(CM % "default", cm("r1"))
    assert st == 201
    rv = c["metadata"]["resourceVersion"]
    c["data"] = {"k": "2"}
    assert http.put(CM % "default" + "/r1", c)[0] == 200
    t0 = time.monotonic()
    srv.restart()
    assert time.monotonic() - t0 < 5
    st, got = http.get(CM % "default" + "/r1")
    assert st == 200 and got["data"] == {"k": "2"}
    w = http.watch(CM % "default" + "?watch=true&resourceVersion=" + rv)
    ev = w.next()
    w.close()
    assert ev["type"] == "MODIFIED" and ev["object"]["data"] == {"k": "2"}, ev
