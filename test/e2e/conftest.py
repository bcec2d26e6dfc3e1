"""Shared fixtures for the end-to-end suites.

Every fixture starts real processes on 127.0.0.1 with free ports and a
temporary directory, and stops them by PID at teardown. A daemon whose log
shows a sanitizer report fails the test that used it.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("KUBE_BIN", os.path.join(ROOT, "_output", "bin"))
GCLOUD = "/usr/lib/google-cloud-sdk/bin"
KUBECTL = os.path.join(GCLOUD, "kubectl.1.32")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=10):
    """One request; returns (status, headers, body bytes). Errors are answers too."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class ApiServer:
    """A kube-apiserver on a free insecure port with its own data dir."""

    def __init__(self, tmpdir, extra_args=()):
        self.dir = str(tmpdir)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.data_dir = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "apiserver.log")
        self.extra_args = list(extra_args)
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "kube-apiserver"), "--insecure-port=%d" % self.port,
             "--secure-port=0", "--data-dir=" + self.data_dir, "--etcd-compaction-interval=0"]
            + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("kube-apiserver exited: " + self.read_log())
            try:
                st, _, body = http("GET", self.url + "/readyz", timeout=1)
                if st == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("kube-apiserver not ready: " + self.read_log())

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def get(self, path, **kw):
        return http("GET", self.url + path, **kw)

    def json(self, method, path, body=None, headers=None):
        st, _, data = http(method, self.url + path, body, headers)
        return st, (json.loads(data) if data else None)


def check_log(log):
    for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        assert bad not in log, "sanitizer report in daemon log:\n" + log[-4000:]


@pytest.fixture
def apiserver(tmp_path):
    srv = ApiServer(tmp_path).start()
    yield srv
    srv.stop()
    check_log(srv.read_log())


@pytest.fixture
def kubectl(apiserver, tmp_path):
    """Run the real kubectl against the fixture's server; returns CompletedProcess."""
    cache = tmp_path / "kubectl-cache"

    def run(*args, stdin=None, check=True, binary=KUBECTL):
        cmd = [binary, "-s", apiserver.url, "--cache-dir", str(cache)] + list(args)
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("%s failed (%d): %s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p
    return run


@pytest.fixture
def pyclient(apiserver):
    kubernetes = pytest.importorskip("kubernetes")
    cfg = kubernetes.client.Configuration()
    cfg.host = apiserver.url
    return kubernetes.client.ApiClient(cfg)


# ---------------------------------------------------------------------------
# Module-scoped servers and richer helpers (kube-apiserver suites).
#
#   server        one kube-apiserver per test module (Server: restartable,
#                 kill9(), request(), log checked at teardown)
#   start_server  factory: start_server(*flags, data_dir=None) -> Server
#   kctl          Kctl: the real kubectl bound to `server` (default
#                 --validate=strict: the server serves OpenAPI v3)
#   client        kubernetes.client.ApiClient bound to `server`
#   rawhttp       Http: raw requests against `server`, JSON in and out
#   ns            a new namespace in `server` for one test
# ---------------------------------------------------------------------------
import http.client as httplib  # noqa: E402
import re  # noqa: E402
import uuid  # noqa: E402

BAD_LOG = re.compile(
    r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"SUMMARY: UndefinedBehaviorSanitizer|internal server error|check failed|"
    r"Assertion .* failed)", re.I)


class Server(ApiServer):
    """ApiServer that retries on a lost port race, restarts on the same data
    dir and port, and speaks raw HTTP."""

    def __init__(self, tmpdir, extra_args=(), data_dir=None):
        super().__init__(tmpdir, extra_args)
        if data_dir:
            self.data_dir = data_dir
        self.ready_seconds = None

    def start(self):
        for _ in range(5):
            t0 = time.monotonic()
            try:
                super().start()
                self.ready_seconds = time.monotonic() - t0
                return self
            except RuntimeError:
                if "in use" not in self.read_log() or self.proc.poll() is None:
                    raise
                self.port = free_port()
                self.url = "http://127.0.0.1:%d" % self.port
        raise RuntimeError("no free port for kube-apiserver")

    def kill9(self):
        self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        return super().start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def bad_log_lines(self):
        return [l for l in self.read_log().splitlines() if BAD_LOG.search(l)]

    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, lower-case headers, body bytes) over one connection."""
        conn = httplib.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = dict(headers or {})
            if body is not None and not isinstance(body, (bytes, str)):
                body = json.dumps(body)
                h.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            conn.close()


class Http:
    """Raw HTTP against one server; JSON in, (status, parsed body) out."""

    def __init__(self, server):
        self.server = server

    def __call__(self, method, path, body=None, headers=None, timeout=30):
        st, _, data = self.server.request(method, path, body, headers, timeout)
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        return st, parsed

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, body, **kw):
        return self("POST", path, body, **kw)

    def put(self, path, body, **kw):
        return self("PUT", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self("DELETE", path, body, **kw)

    def patch(self, path, body, ctype="application/merge-patch+json", **kw):
        return self("PATCH", path, json.dumps(body), headers={"Content-Type": ctype}, **kw)

    def watch(self, path, timeout=10):
        return WatchStream(self.server.port, path, timeout)


class WatchStream:
    """A streaming GET read line by line (one JSON event per line)."""

    def __init__(self, port, path, timeout):
        self.conn = httplib.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.conn.request("GET", path)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status

    def next(self):
        """The next event, or None at the end of the stream."""
        line = self.resp.readline()
        if not line:
            return None
        return json.loads(line)

    def events(self, n):
        out = []
        while len(out) < n:
            ev = self.next()
            if ev is None:
                break
            out.append(ev)
        return out

    def close(self):
        self.conn.close()


class Kctl:
    """The real Go kubectl against one server."""

    def __init__(self, server, cache_dir, exe=KUBECTL):
        if not os.access(exe, os.X_OK):
            pytest.skip("%s is not installed" % exe)
        self.server = server
        self.cache_dir = cache_dir
        self.exe = exe

    def run(self, *args, input=None, check=True, timeout=60):
        args = [str(a) for a in args]
        cmd = [self.exe, "-s", self.server.url, "--cache-dir", self.cache_dir] + args
        env = dict(os.environ, HOME=self.cache_dir, KUBECONFIG=os.devnull)
        p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout, env=env)
        if check and p.returncode != 0:
            raise AssertionError("kubectl %s failed (%d):\n%s%s" % (" ".join(args), p.returncode,
                                                                    p.stdout, p.stderr))
        return p

    def __call__(self, *args, **kw):
        return self.run(*args, **kw).stdout

    def json(self, *args, **kw):
        return json.loads(self.run(*(list(args) + ["-o", "json"]), **kw).stdout)

    def apply_manifest(self, verb, manifest, *args, **kw):
        text = manifest if isinstance(manifest, str) else json.dumps(manifest)
        return self.run(verb, "-f", "-", *args, input=text, **kw)


def check_server(server):
    check_log(server.read_log())
    bad = server.bad_log_lines()
    if bad:
        pytest.fail("kube-apiserver log shows errors:\n" + "\n".join(bad[:20]))


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(*extra, data_dir=None):
        d = tmp_path / ("srv%d" % len(servers))
        d.mkdir()
        s = Server(d, extra, data_dir=data_dir)
        servers.append(s)
        return s.start()

    yield start
    for s in servers:
        s.stop()
    for s in servers:
        check_server(s)


ETCD = "/usr/bin/etcd"
ETCDCTL = "/usr/bin/etcdctl"


class Etcd:
    """Real etcd members on 127.0.0.1 (free ports, a temp data dir each):
    Etcd(dir).start() is a single member, Etcd(dir, members=3) a cluster.
    extra_args go to every member (e.g. TLS flags, https URLs via scheme)."""

    def __init__(self, tmpdir, members=1, scheme="http", extra_args=()):
        self.dir = str(tmpdir)
        self.scheme = scheme
        self.extra_args = list(extra_args)
        self.members = []
        for i in range(members):
            self.members.append({"name": "m%d" % i, "proc": None,
                                 "client": "%s://127.0.0.1:%d" % (scheme, free_port()),
                                 "peer": "http://127.0.0.1:%d" % free_port(),
                                 "data": os.path.join(self.dir, "etcd-m%d" % i)})
        self.cluster = ",".join("%s=%s" % (m["name"], m["peer"]) for m in self.members)
        self.urls = [m["client"] for m in self.members]
        self.url = ",".join(self.urls)

    def start_member(self, m):
        log = open(os.path.join(self.dir, "etcd-%s.log" % m["name"]), "ab")
        m["proc"] = subprocess.Popen(
            [ETCD, "--name", m["name"], "--data-dir", m["data"],
             "--listen-client-urls", m["client"], "--advertise-client-urls", m["client"],
             "--listen-peer-urls", m["peer"], "--initial-advertise-peer-urls", m["peer"],
             "--initial-cluster", self.cluster, "--initial-cluster-state", "new",
             "--heartbeat-interval", "50", "--election-timeout", "500",
             "--log-level", "warn"] + self.extra_args,
            stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def start(self, wait=True):
        if not os.access(ETCD, os.X_OK):
            pytest.skip("etcd is not installed (etcd-server package)")
        for m in self.members:
            self.start_member(m)
        if wait:
            wait_for(lambda: self.ctl("endpoint", "health", check=False).returncode == 0,
                     timeout=20, what="etcd health")
        return self

    def ctl(self, *args, check=True, endpoints=None, tls_args=()):
        env = dict(os.environ, ETCDCTL_API="3")
        p = subprocess.run([ETCDCTL, "--endpoints", endpoints or self.url,
                            "--dial-timeout", "2s", "--command-timeout", "5s"]
                           + list(tls_args) + list(args),
                           capture_output=True, text=True, timeout=30, env=env)
        if check and p.returncode != 0:
            raise AssertionError("etcdctl %s failed: %s%s" % (" ".join(args), p.stdout, p.stderr))
        return p

    def kill(self, i, sig=signal.SIGKILL):
        p = self.members[i]["proc"]
        if p and p.poll() is None:
            p.send_signal(sig)
            p.wait(10)

    def stop(self):
        for i in range(len(self.members)):
            self.kill(i, signal.SIGTERM)


def backend_server(tmp_path_factory, backend):
    """A started Server on the given store backend ("embedded" or "etcd3")
    and the Etcd behind it (or None)."""
    etcd = None
    extra = []
    if backend == "etcd3":
        etcd = Etcd(tmp_path_factory.mktemp("etcd")).start()
        extra = ["--etcd-servers=" + etcd.url]
    try:
        s = Server(tmp_path_factory.mktemp("apiserver"), extra).start()
    except Exception:
        if etcd:
            etcd.stop()
        raise
    return s, etcd


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """The module's kube-apiserver. A module that defines
    pytest_generate_tests parametrizing "server" (indirect) over
    ["embedded", "etcd3"] runs on both store backends."""
    s, etcd = backend_server(tmp_path_factory, getattr(request, "param", "embedded"))
    s.etcd = etcd
    yield s
    s.stop()
    if etcd:
        etcd.stop()
    check_server(s)


@pytest.fixture(scope="module")
def kctl(server, tmp_path_factory):
    return Kctl(server, str(tmp_path_factory.mktemp("kubectl-cache")))


@pytest.fixture(scope="module")
def rawhttp(server):
    return Http(server)


@pytest.fixture(scope="module")
def client(server):
    kubernetes = pytest.importorskip("kubernetes")
    cfg = kubernetes.client.Configuration()
    cfg.host = server.url
    c = kubernetes.client.ApiClient(cfg)
    yield c
    c.close()


@pytest.fixture
def ns(server):
    """A fresh namespace for one test."""
    name = "e2e-" + uuid.uuid4().hex[:8]
    st, _, body = server.request("POST", "/api/v1/namespaces",
                                 {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert st == 201, body
    return name


def wait_for(fn, timeout=10, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


# ---------------------------------------------------------------------------
# Hollow nodes (test/bench/hollow_nodes.c): simulated kubelets.
#
#   hollow_nodes   factory: hollow_nodes(url, nodes=3, *flags) -> HollowNodes,
#                  ready once every node is registered; stop()/pause()/resume()
# ---------------------------------------------------------------------------
BENCH = os.environ.get("KUBE_BENCH_BIN", os.path.join(os.path.dirname(BIN), "test", "bench"))


class HollowNodes:
    """A hollow_nodes process: N nodes that heartbeat and run bound pods."""

    def __init__(self, tmpdir, url, nodes, args):
        self.log_path = os.path.join(str(tmpdir), "hollow-%d.log" % free_port())
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BENCH, "hollow_nodes"), "--master=" + url, "--nodes=%d" % nodes]
            + list(args), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while "nodes ready" not in self.read_log():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("hollow_nodes not ready: " + self.read_log())
            time.sleep(0.02)

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def pause(self):
        """Stop heartbeating (SIGSTOP), as a node that went away."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.read_log()


@pytest.fixture
def hollow_nodes(tmp_path):
    started = []

    def start(url, nodes=3, *args):
        h = HollowNodes(tmp_path, url, nodes, args)
        started.append(h)
        return h
    yield start
    for h in started:
        check_log(h.stop())
