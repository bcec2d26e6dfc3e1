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
