"""Shared fixtures for the end-to-end suites (owned by the kube-apiserver work).

Every suite drives real processes on 127.0.0.1:

* ``ApiServer`` starts ``$KUBE_BIN/kube-apiserver`` on a free insecure port
  with a temporary ``--data-dir``, waits for ``/readyz``, and stops it by PID.
  At teardown the test fails if the server's log holds a sanitizer report, a
  check failure or an internal error.
* ``Kubectl`` runs the real Go kubectl (``kubectl.1.32`` by default, the
  binary named exactly) with ``-s http://127.0.0.1:PORT`` and its own
  ``--cache-dir``; ``create``/``apply``/``replace`` get ``--validate=false``
  until the server serves OpenAPI (issue 4).
* ``client`` is the official Python client (``kubernetes.client``) pointed at
  the server with ``Configuration().host``.
* ``Http`` sends raw requests (for status codes and bodies kubectl hides).

Fixtures:
  ``apiserver``       one server per test module (cheap: ready in ~10 ms)
  ``fresh_apiserver`` one server per test
  ``start_apiserver`` factory: ``start_apiserver(*extra_flags, data_dir=None)``
  ``kubectl``         Kubectl bound to ``apiserver``
  ``client``          kubernetes.client.ApiClient bound to ``apiserver``
  ``http``            Http bound to ``apiserver``
  ``ns``              a new namespace in ``apiserver`` for the test
"""

import http.client as httplib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KUBE_BIN = os.environ.get("KUBE_BIN") or os.path.join(ROOT, "_output", "bin")
KUBECTL = os.environ.get("KUBECTL", "/usr/lib/google-cloud-sdk/bin/kubectl.1.32")

# Lines in a server log that fail the test that ran the server.
BAD_LOG = re.compile(
    r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
    r"SUMMARY: UndefinedBehaviorSanitizer|internal server error|check failed|"
    r"Assertion .* failed|Segmentation fault)", re.I)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def binary(name):
    path = os.path.join(KUBE_BIN, name)
    if not os.access(path, os.X_OK):
        pytest.skip("%s is not built" % path)
    return path


class ApiServer:
    """One kube-apiserver process; restartable on the same data dir."""

    def __init__(self, tmpdir, extra=(), data_dir=None):
        self.tmpdir = tmpdir
        self.data_dir = data_dir or os.path.join(tmpdir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.logs = []
        self.log_path = None
        self.ready_seconds = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, port=None, timeout=20):
        exe = binary("kube-apiserver")
        for attempt in range(5):
            self.port = port or free_port()
            self.log_path = os.path.join(self.tmpdir, "apiserver-%d.log" % len(self.logs))
            self.logs.append(self.log_path)
            flags = ["--data-dir=" + self.data_dir, "--insecure-port=%d" % self.port,
                     "--insecure-bind-address=127.0.0.1", "--secure-port=0"]
            flags += self.extra
            t0 = time.monotonic()
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen([exe] + flags, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
            deadline = t0 + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    st, _, body = self.request("GET", "/readyz", timeout=1)
                    if st == 200:
                        self.ready_seconds = time.monotonic() - t0
                        return self
                except OSError:
                    pass
                time.sleep(0.01)
            in_use = "in use" in self.log_text(self.log_path)
            self.stop()
            if port is None and in_use:
                continue  # someone took the port between free_port() and bind
            raise RuntimeError("kube-apiserver did not become ready:\n" + self.log_text(self.log_path)[-4000:])
        raise RuntimeError("no free port for kube-apiserver")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        p = self.proc
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.proc = None
        return p.returncode

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def restart(self, keep_port=True):
        self.stop()
        return self.start(port=self.port if keep_port else None)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @staticmethod
    def log_text(path):
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log(self):
        return "".join(self.log_text(p) for p in self.logs)

    def bad_log_lines(self):
        return [l for l in self.log().splitlines() if BAD_LOG.search(l)]

    def request(self, method, path, body=None, headers=None, timeout=30):
        """Return (status, headers dict (lower-case names), body bytes)."""
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
        st, hdrs, data = self.server.request(method, path, body, headers, timeout)
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
        """Open a watch; returns a WatchStream yielding parsed events."""
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


class Kubectl:
    """The real Go kubectl against one server."""

    VALIDATING = {"create", "apply", "replace"}

    def __init__(self, server, cache_dir, exe=KUBECTL):
        if not os.access(exe, os.X_OK):
            pytest.skip("%s is not installed" % exe)
        self.server = server
        self.cache_dir = cache_dir
        self.exe = exe

    def run(self, *args, input=None, check=True, timeout=60):
        args = [str(a) for a in args]
        cmd = [self.exe, "-s", self.server.url, "--cache-dir", self.cache_dir]
        cmd += args
        if args and args[0] in self.VALIDATING and not any(a.startswith("--validate") for a in args):
            # generators (create namespace x, ...) take no manifest: only -f needs it
            if "-f" in args or "--filename" in args or args[0] != "create":
                cmd.append("--validate=false")
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


def _check_server_log(server):
    bad = server.bad_log_lines()
    if bad:
        pytest.fail("kube-apiserver log shows errors:\n" + "\n".join(bad[:20]))


@pytest.fixture
def start_apiserver(tmp_path):
    """Factory: start_apiserver(*flags, data_dir=None) -> ApiServer (stopped at teardown)."""
    servers = []

    def start(*extra, data_dir=None):
        d = tempfile.mkdtemp(dir=str(tmp_path))
        s = ApiServer(d, extra, data_dir=data_dir)
        servers.append(s)
        return s.start()

    yield start
    for s in servers:
        s.stop()
    for s in servers:
        _check_server_log(s)


@pytest.fixture(scope="module")
def apiserver(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("apiserver"))
    s = ApiServer(d).start()
    yield s
    s.stop()
    _check_server_log(s)


@pytest.fixture
def fresh_apiserver(start_apiserver):
    return start_apiserver()


@pytest.fixture(scope="module")
def kubectl(apiserver, tmp_path_factory):
    return Kubectl(apiserver, str(tmp_path_factory.mktemp("kubectl-cache")))


@pytest.fixture(scope="module")
def http(apiserver):
    return Http(apiserver)


def make_client(server):
    from kubernetes import client as kc
    cfg = kc.Configuration()
    cfg.host = server.url
    return kc.ApiClient(cfg)


@pytest.fixture(scope="module")
def client(apiserver):
    c = make_client(apiserver)
    yield c
    c.close()


@pytest.fixture
def ns(apiserver):
    """A fresh namespace for one test."""
    name = "e2e-" + uuid.uuid4().hex[:8]
    st, _, body = apiserver.request("POST", "/api/v1/namespaces",
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


@pytest.fixture
def tmpdir_str(tmp_path):
    return str(tmp_path)


def which(name):
    return shutil.which(name)
