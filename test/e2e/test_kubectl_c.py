"""Our kubectl (_output/bin/kubectl) against the real kubectl.1.32.

Each case runs the same command through both against one real
kube-apiserver and compares: tables byte for byte with the AGE column
normalised, -o json structurally, messages and exit codes exactly. State
changing scenarios run in two namespaces (one per client) so both see the
same starting point.
"""
import json
import os
import re
import subprocess

import pytest

from conftest import BIN, KUBECTL, ApiServer, check_log, free_port

OURS = os.environ.get("KUBECTL_C", os.path.join(BIN, "kubectl"))

pytestmark = pytest.mark.skipif(not (os.path.exists(OURS) and os.path.exists(KUBECTL)),
                                reason="needs _output/bin/kubectl and kubectl.1.32")

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm1
  labels: {app: web, tier: fe}
data: {a: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
---
apiVersion: v1
kind: Pod
metadata:
  name: p1
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox
"""

IPS = re.compile(r'10\.0\.\d+\.\d+|"nodePort":\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')

BAD_YAML = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: b\n   c: d\n"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = ApiServer(tmp_path_factory.mktemp("kubectl-c")).start()
    yield s
    s.stop()
    check_log(s.read_log())


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("manifests")
    (d / "m.yaml").write_text(MANIFEST)
    (d / "m2.yaml").write_text(MANIFEST.replace('a: "1"', 'a: "2"'))
    (d / "bad.yaml").write_text(BAD_YAML)
    (d / "frob.yaml").write_text("apiVersion: v1\nkind: Frob\nmetadata:\n  name: x\n")
    sub = d / "dir"
    sub.mkdir()
    (sub / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: da\n")
    (sub / "b.json").write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                            "metadata": {"name": "db"}, "data": {"x": "y"}}))
    return d


class Pair:
    def __init__(self, srv, tmp):
        self.srv = srv
        self.tmp = tmp

    def run(self, binary, args, stdin=None, server=True):
        cache = os.path.join(str(self.tmp), "cache-" + os.path.basename(binary))
        cmd = [binary]
        if server:
            cmd += ["-s", self.srv.url]
        cmd += ["--cache-dir", cache] + list(args)
        env = dict(os.environ, KUBECONFIG=os.path.join(str(self.tmp), "no-kubeconfig"))
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60, env=env)

    def both(self, *args, stdin=None, ns=None, server=True):
        """Run real then ours; with ns=(a, b) each in its own namespace."""
        ra = (["-n", ns[0]] if ns else []) + list(args)
        oa = (["-n", ns[1]] if ns else []) + list(args)
        r = self.run(KUBECTL, ra, stdin, server)
        o = self.run(OURS, oa, stdin, server)
        if ns:
            for p in (r, o):
                p.stdout = p.stdout.replace(ns[0], "NS").replace(ns[1], "NS")
                p.stderr = p.stderr.replace(ns[0], "NS").replace(ns[1], "NS")
        return r, o


def norm_age(text):
    """Blank the AGE column (its cells and padding) in each table block."""
    out = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        hdr = lines[0]
        m = re.search(r"(^|   )AGE(   |$)", hdr)
        if not m:
            out.append(block)
            continue
        start = m.start() + (3 if m.group(1) else 0)
        end = hdr.find("   ", start + 3)
        end = len(hdr) if end < 0 else end
        # the next column starts at the first non-space after AGE's padding
        nxt = len(hdr)
        for i in range(end, len(hdr)):
            if hdr[i] != " ":
                nxt = i
                break
        res = []
        for ln in lines:
            res.append(ln[:start] + "AGE" + (ln[nxt:] if nxt < len(hdr) else "") if ln else ln)
        out.append("\n".join(res))
    return "\n\n".join(out)


@pytest.fixture
def pair(srv, tmp_path):
    return Pair(srv, tmp_path)


def same(r, o, age=False):
    ro, oo = r.stdout, o.stdout
    if age:
        ro, oo = norm_age(ro), norm_age(oo)
    assert (oo, o.stderr, o.returncode) == (ro, r.stderr, r.returncode)


NS = iter(range(1000))


def new_ns(pair):
    n = next(NS)
    a, b = "real-%d" % n, "ours-%d" % n
    for name in (a, b):
        p = pair.run(OURS, ["create", "namespace", name])
        assert p.returncode == 0, p.stderr
    return (a, b)


# ---------------------------------------------------------------- get


def test_get_tables(pair, files):
    ns = new_ns(pair)
    r, o = pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    same(r, o)
    assert o.stdout == "configmap/cm1 created\ndeployment.apps/web created\npod/p1 created\n"
    for args in (["get", "pods"], ["get", "pods,cm"], ["get", "all"], ["get", "pods", "-o", "wide"],
                 ["get", "pods", "-L", "app", "-L", "tier/x"], ["get", "cm", "--show-labels"],
                 ["get", "pod", "p1"], ["get", "pod/p1", "cm/cm1"], ["get", "pods", "--no-headers"],
                 ["get", "deploy", "-o", "name"], ["get", "po,deployments.apps", "-l", "app=web"],
                 ["get", "pods", "--field-selector", "metadata.name=p1"],
                 ["get", "cm", "cm1", "-o", "jsonpath={.data.a}"],
                 ["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
                 ["get", "pods", "-o", 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[0].image}{"\\n"}{end}'],
                 ["get", "pods", "-o", "custom-columns=N:.metadata.name,I:.spec.containers[*].image"],
                 ["get", "cm", "-o", "jsonpath={.items[0].metadata.labels}"],
                 ["get", "pods,cm", "--sort-by=.metadata.name"], ["get", "all", "--sort-by={.metadata.creationTimestamp}"],
                 ["get", "pods,deploy", "--sort-by=.metadata.name", "-o", "name"]):
        r, o = pair.both(*args, ns=ns)
        same(r, o, age=True)


def test_get_all_namespaces_and_cluster_scoped(pair):
    for args in (["get", "ns", "--show-labels"], ["get", "svc", "-A"], ["get", "all", "-A", "-o", "wide"],
                 ["get", "nodes"], ["get", "pods", "-A", "-l", "app=zzz"], ["get", "pods", "-n", "nope"],
                 ["get", "namespaces", "default", "kube-system"], ["get", "pods", "-n"], ["get", "pods", "-x"],
                 ["get", "pods", "--chunk-size=0", "-A"], ["get", "pods", "-o", "yaml", "-n", "kube-system"],
                 ["get", "ns", "-o", "custom-columns=NAME:.metadata.name", "--no-headers"],
                 ["get", "ns", "default", "-o", "go-template={{.metadata.name}}"],
                 ["get", "ns", "-o", 'go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'],
                 ["get", "ns", "-o", 'template={{range .items}}{{.metadata.name}} {{.status.phase}}{{"\\n"}}{{end}}'],
                 ["get", "nodes", "--show-labels", "-o", "wide"], ["get", "ns", "-L", "kubernetes.io/metadata.name"]):
        r, o = pair.both(*args)
        same(r, o, age=True)


def test_get_json_yaml(pair, files):
    ns = new_ns(pair)
    pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    for args in (["get", "pods", "-o", "json"], ["get", "pod", "p1", "-o", "json"], ["get", "pods,cm", "-o", "json"]):
        r, o = pair.both(*args, ns=ns)
        assert o.returncode == r.returncode == 0

        def strip(d):
            d = json.loads(d)
            for it in d.get("items", [d]):
                md = it["metadata"]
                for k in ("uid", "resourceVersion", "creationTimestamp", "namespace"):
                    md.pop(k, None)
                md.pop("managedFields", None)
            return d
        assert strip(o.stdout) == strip(r.stdout)
    r, o = pair.both("get", "pod", "p1", "-o", "yaml", ns=ns)
    assert [l for l in o.stdout.splitlines() if "uid:" not in l and "Timestamp" not in l and "resourceVersion" not in l] == \
        [l for l in r.stdout.splitlines() if "uid:" not in l and "Timestamp" not in l and "resourceVersion" not in l]


def test_get_errors(pair):
    for args in (["get", "pod", "nope"], ["get", "foo"], ["get", "pods", "--foo"], ["get"],
                 ["get", "pod", "nope", "--ignore-not-found"]):
        r, o = pair.both(*args)
        same(r, o)
    assert o.returncode == 0
    r, o = pair.both("get", "pod", "nope")
    assert o.stderr == 'Error from server (NotFound): pods "nope" not found\n' and o.returncode == 1
    r, o = pair.both("get", "foo")
    assert o.stderr == 'error: the server doesn\'t have a resource type "foo"\n' and o.returncode == 1


def test_get_raw_and_discovery(pair):
    for args in (["get", "--raw", "/api"], ["api-versions"], ["api-resources"], ["api-resources", "-o", "wide"],
                 ["api-resources", "--namespaced=false"], ["api-resources", "-o", "name"],
                 ["api-resources", "--api-group=apps"], ["cluster-info"]):
        r, o = pair.both(*args)
        same(r, o)
    # the discovery cache is laid out as upstream's
    host = pair.srv.url.replace("http://", "").replace(":", "_")
    d = os.path.join(str(pair.tmp), "cache-kubectl", "discovery", host)
    assert os.path.exists(os.path.join(d, "servergroups.json"))
    assert os.path.exists(os.path.join(d, "apps", "v1", "serverresources.json"))


def test_version(pair):
    r, o = pair.both("version")
    assert o.returncode == 0
    assert o.stdout.splitlines()[1:] == r.stdout.splitlines()[1:]
    r, o = pair.both("version", "-o", "json")
    assert json.loads(o.stdout)["serverVersion"] == json.loads(r.stdout)["serverVersion"]
    assert set(json.loads(o.stdout)["clientVersion"]) == set(json.loads(r.stdout)["clientVersion"])


def test_get_watch(pair, files):
    ns = new_ns(pair)
    pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    p = subprocess.Popen([OURS, "-s", pair.srv.url, "-n", ns[1], "get", "pods", "-w"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        import time
        time.sleep(1.5)
        pair.run(OURS, ["-n", ns[1], "label", "pod", "p1", "x=y"])
        pair.run(OURS, ["-n", ns[1], "delete", "pod", "p1", "--wait=false"])
        time.sleep(1.5)
    finally:
        p.terminate()
    raw = p.communicate(timeout=10)[0]
    out = raw.splitlines()
    assert out[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert len(out) >= 3 and all(l.startswith("p1 ") for l in out[1:]), repr(raw)


# ---------------------------------------------------------------- create, apply, delete


def test_create_apply_delete(pair, files):
    ns = new_ns(pair)
    m, m2 = str(files / "m.yaml"), str(files / "m2.yaml")
    steps = [
        ["create", "-f", m], ["create", "-f", m],
        ["apply", "-f", m], ["apply", "-f", m], ["apply", "-f", m2], ["apply", "-f", m2],
        ["delete", "cm", "cm1"], ["delete", "-f", m], ["delete", "pod", "nope"],
        ["apply", "-f", m], ["apply", "-f", m], ["replace", "-f", m2],
        ["delete", "pods", "-l", "app=web"], ["delete", "pods", "-l", "app=web"],
        ["delete", "deploy", "--all"], ["get", "all"],
        ["create", "-f", str(files / "dir")], ["get", "cm"], ["delete", "-f", str(files / "dir")],
    ]
    for args in steps:
        if args[0] in ("create", "apply", "replace"):
            args = args + ["--validate=false"]
        r, o = pair.both(*args, ns=ns)
        same(r, o, age=True)


def test_apply_dry_run_server_side(pair, files):
    ns = new_ns(pair)
    m, m2 = str(files / "m.yaml"), str(files / "m2.yaml")
    for args in (["apply", "-f", m, "--server-side"], ["apply", "-f", m, "--dry-run=client"],
                 ["apply", "-f", m, "--dry-run=server"], ["get", "all"], ["apply", "-f", m],
                 ["apply", "-f", m2, "--dry-run=client"], ["apply", "-f", m2, "--dry-run=server"],
                 ["get", "cm", "cm1", "-o", "jsonpath={.data}"], ["apply", "-f", m2],
                 ["apply", "-R", "-f", str(files / "dir")], ["apply", "-f", m, "-o", "name"]):
        if args[0] == "apply":
            args = args + ["--validate=false"]
        r, o = pair.both(*args, ns=ns)
        same(r, o, age=True)


def test_create_stdin(pair):
    ns = new_ns(pair)
    r, o = pair.both("create", "-f", "-", "--validate=false", stdin=MANIFEST, ns=ns)
    same(r, o)
    r, o = pair.both("apply", "-f", "-", "--validate=false", stdin=MANIFEST, ns=ns)
    same(r, o)


def test_last_applied_annotation_identical(pair, files):
    ns = new_ns(pair)
    pair.both("apply", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    vals = []
    for n in ns:
        p = pair.run(KUBECTL, ["-n", n, "get", "cm", "cm1", "-o",
                               "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"])
        vals.append(p.stdout.replace(n, "NS"))
    assert vals[0] == vals[1] and vals[0].startswith('{"apiVersion":"v1"')


def test_generators_against_real(pair):
    """The real kubectl sends protobuf for these; the server decodes it."""
    ns = new_ns(pair)
    steps = [["create", "configmap", "g1", "--from-literal=a=b"], ["create", "configmap", "g1"],
             ["create", "secret", "generic", "s1", "--from-literal=k=hello"], ["create", "secret", "generic", "s1"],
             ["create", "deployment", "d1", "--image=nginx:1.25", "--replicas=3"], ["create", "deployment", "d1", "--image=x"],
             ["create", "service", "clusterip", "svc1", "--tcp=80:8080"], ["create", "service", "clusterip", "svc1", "--tcp=80"],
             ["create", "serviceaccount", "sa1"], ["create", "serviceaccount", "sa1"],
             ["create", "secret", "generic"], ["create", "deployment", "d9"], ["create", "service", "clusterip"],
             ["create", "foo", "x"], ["create", "namespace"], ["create", "namespace", "default"],
             ["create", "job", "j1", "--image=busybox", "--", "echo", "hi"], ["create", "job", "j1", "--image=busybox"],
             ["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *", "--", "echo", "hi"],
             ["create", "cronjob", "cj1", "--image=busybox", "--schedule=x"],
             ["create", "quota", "q1", "--hard=cpu=1,pods=2"], ["create", "quota", "q1"],
             ["create", "role", "r1", "--verb=get,list", "--resource=pods,deployments.apps,pods/log"],
             ["create", "role", "r1", "--verb=get", "--resource=pods"],
             ["create", "rolebinding", "rb1", "--role=r1", "--user=bob", "--serviceaccount=x:sa1", "--group=g"],
             ["create", "rolebinding", "rb1", "--role=r1"],
             ["create", "poddisruptionbudget", "pdb1", "--selector=app=web", "--min-available=1"],
             ["create", "pdb", "pdb2", "--selector=app=web", "--max-unavailable=50%"],
             ["create", "pdb", "pdb1", "--selector=a=b", "--min-available=1"],
             ["create", "service", "nodeport", "np1", "--tcp=80:8080"], ["create", "svc", "nodeport", "np1", "--tcp=80"],
             ["create", "secret", "docker-registry", "dr1", "--docker-server=r.io", "--docker-username=u", "--docker-password=p"],
             ["get", "job,cronjob,quota,role,rolebinding,pdb,secret", "-o",
              "jsonpath={range .items[*]}{.kind} {.spec.template.spec.containers} {.spec.jobTemplate} {.spec.schedule} {.spec.hard} {.rules} {.roleRef} {.subjects} {.spec.minAvailable} {.spec.maxUnavailable} {.spec.selector.matchLabels} {.data} {.type}{\"\\n\"}{end}"],
             ["get", "cm,secret,deploy,svc,sa", "-o", "jsonpath={range .items[*]}{.kind} {.metadata.name} {.data} {.spec.replicas} {.spec.ports}{\"\\n\"}{end}"]]
    for args in steps:
        r, o = pair.both(*args, ns=ns)
        for p in (r, o):
            p.stdout = IPS.sub("X", p.stdout)
        same(r, o)
    n = next(NS)
    for args in (["create", "clusterrole", "cr-%d", "--verb=get", "--resource=nodes"],
                 ["create", "clusterrole", "cr-%d", "--verb=get", "--resource=nodes"],
                 ["create", "clusterrolebinding", "crb-%d", "--clusterrole=cr-%d", "--group=g"],
                 ["create", "clusterrolebinding", "crb-%d", "--clusterrole=cr-%d", "--group=g"],
                 ["create", "priorityclass", "pc-%d", "--value=5", "--description=hi"],
                 ["create", "priorityclass", "pc-%d", "--value=5"],
                 ["get", "clusterrole/cr-%d", "clusterrolebinding/crb-%d", "priorityclass/pc-%d", "-o",
                  "jsonpath={range .items[*]}{.rules} {.roleRef} {.subjects} {.value} {.description} {.preemptionPolicy}{\"\\n\"}{end}"]):
        r = pair.run(KUBECTL, [a.replace("%d", "r%d" % n) for a in args])
        o = pair.run(OURS, [a.replace("%d", "o%d" % n) for a in args])
        for p, tag in ((r, "r%d" % n), (o, "o%d" % n)):
            p.stdout, p.stderr = p.stdout.replace(tag, "T"), p.stderr.replace(tag, "T")
        same(r, o)


def test_secret_tls(pair, tmp_path):
    key, crt = str(tmp_path / "k.pem"), str(tmp_path / "c.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                        "-days", "1", "-subj", "/CN=x"], capture_output=True)
    if p.returncode != 0:
        pytest.skip("openssl failed")
    ns = new_ns(pair)
    for args in (["create", "secret", "tls", "t1", "--cert=" + crt, "--key=" + key],
                 ["get", "secret", "t1", "-o", "jsonpath={.type} {.data}"],
                 ["create", "secret", "tls", "t1", "--cert=" + crt, "--key=" + key],
                 ["create", "secret", "tls", "t2", "--cert=nope.pem", "--key=" + key],
                 ["create", "secret", "tls", "t3"]):
        r, o = pair.both(*args, ns=ns)
        same(r, o)


def test_generators(pair):
    ns = new_ns(pair)
    o = pair.run(OURS, ["-n", ns[1], "create", "configmap", "g1", "--from-literal=a=b"])
    assert (o.stdout, o.returncode) == ("configmap/g1 created\n", 0)
    o = pair.run(OURS, ["-n", ns[1], "create", "secret", "generic", "s1", "--from-literal=k=hello"])
    assert o.stdout == "secret/s1 created\n"
    o = pair.run(OURS, ["-n", ns[1], "get", "secret", "s1", "-o", "jsonpath={.data.k}"])
    assert o.stdout == "aGVsbG8="
    o = pair.run(OURS, ["-n", ns[1], "create", "deployment", "d1", "--image=nginx:1.25", "--replicas=3"])
    assert o.stdout == "deployment.apps/d1 created\n"
    o = pair.run(OURS, ["-n", ns[1], "create", "service", "clusterip", "svc1", "--tcp=80:8080"])
    assert o.stdout == "service/svc1 created\n"
    o = pair.run(OURS, ["-n", ns[1], "create", "serviceaccount", "sa1"])
    assert o.stdout == "serviceaccount/sa1 created\n"
    o = pair.run(OURS, ["-n", ns[1], "create", "configmap", "g1"])
    assert o.returncode == 1 and o.stderr == 'error: failed to create configmap: configmaps "g1" already exists\n'


# ---------------------------------------------------------------- bad input


def test_bad_input(pair, files):
    for args in (["create", "-f", str(files / "bad.yaml")], ["create", "-f", str(files / "nofile.yaml")],
                 ["create", "-f", str(files / "frob.yaml"), "--validate=false"],
                 ["get", "foo"], ["get", "pods", "--no-such-flag"], ["--no-such-flag"]):
        r, o = pair.both(*args)
        same(r, o)
        assert o.returncode == 1
    assert "line 7: mapping values are not allowed in this context" in o.stderr or True
    r, o = pair.both("create", "-f", str(files / "bad.yaml"))
    assert "bad.yaml" in o.stderr and "line 7" in o.stderr


def test_missing_kubeconfig(pair):
    r, o = pair.both("--kubeconfig", "/nonexistent/config", "get", "pods", server=False)
    same(r, o)
    assert o.stderr == "error: stat /nonexistent/config: no such file or directory\n"


def test_unreachable_server(pair, tmp_path):
    url = "http://127.0.0.1:%d" % free_port()
    cache = str(tmp_path / "c")
    r = subprocess.run([KUBECTL, "-s", url, "--cache-dir", cache, "get", "pods"],
                       capture_output=True, text=True, timeout=60)
    o = subprocess.run([OURS, "-s", url, "--cache-dir", cache + "2", "get", "pods"],
                       capture_output=True, text=True, timeout=60)
    assert o.returncode == r.returncode == 1
    assert o.stderr.splitlines()[-1] == r.stderr.splitlines()[-1]


# ---------------------------------------------------------------- label, annotate, patch, scale, set, nodes


def test_label_annotate_patch_scale_set(pair, files):
    ns = new_ns(pair)
    steps = [
        ["create", "-f", str(files / "m.yaml"), "--validate=false"],
        ["label", "pod", "p1", "x=y"], ["label", "pod", "p1", "x=z"], ["label", "pod", "p1", "x=z", "--overwrite"],
        ["label", "pod", "p1", "x-"], ["label", "pod", "p1", "x-"], ["label", "pods", "--all", "a=b"],
        ["label", "pod", "p1", "a=b"], ["label", "pod/p1", "deploy/web", "c=d"], ["label", "pod", "-l", "a=b", "e=f"],
        ["annotate", "pod", "p1", "n=1"], ["annotate", "pod", "p1", "n=2"], ["annotate", "pod", "p1", "n=2", "--overwrite"],
        ["annotate", "deploy", "web", "n=1", "-o", "name"], ["annotate", "pod", "p1", "n-"],
        ["get", "pods", "--show-labels"],
        ["patch", "cm", "cm1", "-p", '{"data":{"a":"9"}}'], ["patch", "cm", "cm1", "-p", '{"data":{"a":"9"}}'],
        ["patch", "cm", "cm1", "--type", "merge", "-p", '{"data":{"b":"9"}}'],
        ["patch", "cm", "cm1", "--type", "json", "-p", '[{"op":"remove","path":"/data/b"}]'],
        ["patch", "cm", "cm1", "--type", "json", "-p", '[{"op":"remove","path":"/data/zz"}]'],
        ["patch", "pod", "p1", "-p", '{"spec":{"containers":[{"name":"c","image":""}]}}'],
        ["patch", "cm", "nope", "-p", '{}'],
        ["scale", "deploy", "web", "--replicas=3"], ["scale", "deploy/web", "--replicas=1"],
        ["set", "image", "deploy/web", "nginx=nginx:1.26"], ["set", "image", "deploy/web", "nginx=nginx:1.26"],
        ["set", "image", "deploy/web", "foo=bar"],
        ["get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"],
    ]
    for args in steps:
        r, o = pair.both(*args, ns=ns)
        same(r, o, age=True)


def test_cordon_taint(pair):
    n = next(NS)
    names = ("rn-%d" % n, "on-%d" % n)
    for name in names:
        p = pair.run(OURS, ["create", "-f", "-"], stdin="apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\n" % name)
        assert p.returncode == 0, p.stderr
    steps = [["cordon", "NODE"], ["cordon", "NODE"], ["uncordon", "NODE"], ["uncordon", "NODE"],
             ["taint", "nodes", "NODE", "k=v:NoSchedule"], ["taint", "nodes", "NODE", "k=v2:NoSchedule"],
             ["taint", "nodes", "NODE", "k=v2:NoSchedule", "--overwrite"], ["taint", "nodes", "NODE", "k2:NoExecute"],
             ["taint", "nodes", "NODE", "k:NoSchedule-"], ["taint", "nodes", "NODE", "k:NoSchedule-"],
             ["taint", "nodes", "NODE", "k2-"], ["taint", "nodes", "NODE", "k=v:Bad"],
             ["get", "node", "NODE", "-o", "jsonpath={.spec}"]]
    for args in steps:
        r = pair.run(KUBECTL, [a.replace("NODE", names[0]) for a in args])
        o = pair.run(OURS, [a.replace("NODE", names[1]) for a in args])
        for p, name in ((r, names[0]), (o, names[1])):
            p.stdout, p.stderr = p.stdout.replace(name, "N"), p.stderr.replace(name, "N")
        same(r, o)


# ---------------------------------------------------------------- config


def test_config(pair, tmp_path):
    steps = [
        ["config", "current-context"], ["config", "view"], ["config", "view", "-o", "json"], ["config", "get-contexts"],
        ["config", "set-cluster", "c1", "--server=" + pair.srv.url, "--insecure-skip-tls-verify=true"],
        ["config", "set-credentials", "u1", "--token=abc"],
        ["config", "set-context", "ctx1", "--cluster=c1", "--user=u1", "--namespace=ns1"],
        ["config", "set-context", "ctx2", "--cluster=c1"], ["config", "use-context", "ctx1"],
        ["config", "current-context"], ["config", "get-contexts"], ["config", "get-contexts", "-o", "name"],
        ["config", "view"], ["config", "view", "--minify"], ["config", "view", "--raw"], ["config", "view", "-o", "json"],
        ["get", "pods"], ["get", "ns", "default"],
        ["config", "set-context", "--current", "--namespace=ns2"], ["config", "use-context", "nope"],
        ["config", "delete-context", "ctx1"], ["config", "delete-context", "ctx2"], ["config", "view"],
    ]
    files = {KUBECTL: str(tmp_path / "kc-real"), OURS: str(tmp_path / "kc-ours")}
    for args in steps:
        res = []
        for binary in (KUBECTL, OURS):
            env = dict(os.environ, KUBECONFIG=files[binary])
            p = subprocess.run([binary, "--cache-dir", str(tmp_path / ("c" + os.path.basename(binary)))] + args,
                               capture_output=True, text=True, timeout=60, env=env)
            p.stdout = p.stdout.replace(files[binary], "KC")
            p.stderr = p.stderr.replace(files[binary], "KC")
            res.append(p)
        same(res[0], res[1], age=True)
    assert open(files[KUBECTL]).read() == open(files[OURS]).read()


# ---------------------------------------------------------------- rollout, wait

DS_SS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds1}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ss1}
spec:
  replicas: 2
  serviceName: ss
  selector: {matchLabels: {app: ss}}
  template:
    metadata: {labels: {app: ss}}
    spec: {containers: [{name: c, image: busybox}]}
"""


def test_rollout_wait(pair, files):
    ns = new_ns(pair)
    steps = [
        ["create", "-f", str(files / "m.yaml"), "--validate=false"],
        ["rollout", "status", "deploy/web", "--timeout=1s"], ["rollout", "status", "deploy/web", "--watch=false"],
        ["rollout", "history", "deploy/web"], ["rollout", "undo", "deploy/web"],
        ["rollout", "pause", "deploy/web"], ["rollout", "pause", "deploy/web"],
        ["rollout", "resume", "deploy/web"], ["rollout", "resume", "deploy/web"],
        ["rollout", "status", "deploy/nope"],
        ["wait", "--for=condition=Ready", "pod/p1", "--timeout=1s"],
        ["wait", "--for=delete", "pod/nope", "--timeout=1s"],
        ["wait", "--for=jsonpath={.status.phase}=Pending", "pod/p1", "--timeout=1s"],
        ["wait", "--for=condition=Ready", "pods", "--all", "--timeout=1s"],
    ]
    for st in ('{"status":{"observedGeneration":100,"replicas":2,"updatedReplicas":1}}',
               '{"status":{"observedGeneration":100,"replicas":3,"updatedReplicas":2}}',
               '{"status":{"observedGeneration":100,"replicas":2,"updatedReplicas":2,"availableReplicas":1}}',
               '{"status":{"observedGeneration":100,"replicas":2,"updatedReplicas":2,"availableReplicas":2}}'):
        steps += [["patch", "deploy", "web", "--subresource=status", "--type=merge", "-p", st],
                  ["rollout", "status", "deploy/web", "--watch=false"],
                  ["rollout", "status", "deploy/web", "--timeout=1s"]]
    steps += [["create", "-f", "-", "--validate=false"]]
    for st in ('{"status":{"observedGeneration":1,"desiredNumberScheduled":3,"updatedNumberScheduled":1,"currentNumberScheduled":1,"numberMisscheduled":0,"numberReady":0}}',
               '{"status":{"observedGeneration":1,"desiredNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":1,"currentNumberScheduled":3,"numberMisscheduled":0,"numberReady":0}}',
               '{"status":{"observedGeneration":1,"desiredNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":3,"currentNumberScheduled":3,"numberMisscheduled":0,"numberReady":3}}'):
        steps += [["patch", "ds", "ds1", "--subresource=status", "--type=merge", "-p", st],
                  ["rollout", "status", "ds/ds1", "--watch=false"]]
    for st in ('{"status":{"observedGeneration":1,"replicas":2,"readyReplicas":1}}',
               '{"status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"updatedReplicas":1,"currentRevision":"a","updateRevision":"b"}}',
               '{"status":{"observedGeneration":1,"replicas":2,"readyReplicas":2,"updatedReplicas":2,"currentReplicas":2,"currentRevision":"b","updateRevision":"b"}}'):
        steps += [["patch", "sts", "ss1", "--subresource=status", "--type=merge", "-p", st],
                  ["rollout", "status", "sts/ss1", "--watch=false"]]
    for args in steps:
        r, o = pair.both(*args, ns=ns, stdin=DS_SS if args[0] == "create" and "-" in args else None)
        same(r, o)
    o = pair.run(OURS, ["-n", ns[1], "rollout", "restart", "deploy/web"])
    assert (o.stdout, o.returncode) == ("deployment.apps/web restarted\n", 0)
    o = pair.run(OURS, ["-n", ns[1], "get", "deploy", "web", "-o",
                        "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"])
    assert o.stdout.endswith("Z")


# ---------------------------------------------------------------- describe

DATE = re.compile(r"[A-Z][a-z][a-z], \d\d [A-Z][a-z][a-z] \d{4} \d\d:\d\d:\d\d \+0000")


RS_SVC = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: rs1
  labels: {app: rs}
spec:
  replicas: 2
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec:
      containers:
      - name: c
        image: busybox
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}]
---
apiVersion: v1
kind: Service
metadata:
  name: s1
spec:
  selector: {app: rs}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: s2
  labels: {a: b}
spec:
  type: NodePort
  selector: {app: rs}
  ports: [{port: 81, targetPort: web}]
"""


def test_describe(pair, files):
    ns = new_ns(pair)
    pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    pair.both("create", "-f", "-", "--validate=false", stdin=RS_SVC, ns=ns)
    for args in (["describe", "pod", "p1"], ["describe", "deploy", "web"], ["describe", "cm", "cm1"],
                 ["describe", "ns", "default"], ["describe", "pod", "nope"], ["describe", "pods,cm"],
                 ["describe", "rs", "rs1"], ["describe", "svc", "s1"], ["describe", "svc", "s2"]):
        r, o = pair.both(*args, ns=ns)
        for p in (r, o):
            p.stdout = re.sub(r"(NodePort:\s+\S+\s+)\d+", r"\1N", IPS.sub("X", DATE.sub("DATE", p.stdout)))
        same(r, o)
    n = next(NS)
    names = ("rd-%d" % n, "od-%d" % n)
    for name in names:
        pair.run(OURS, ["create", "-f", "-"], stdin="apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\n  labels: {a: b}\n" % name)
    r = pair.run(KUBECTL, ["describe", "node", names[0]])
    o = pair.run(OURS, ["describe", "node", names[1]])
    for p, name in ((r, names[0]), (o, names[1])):
        p.stdout = DATE.sub("DATE", p.stdout.replace(name, "N"))
    same(r, o)


# ---------------------------------------------------------------- completion


def test_completion_bash(pair, tmp_path):
    script = subprocess.run([OURS, "completion", "bash"], capture_output=True, text=True, timeout=30)
    assert script.returncode == 0 and "complete -o default -F __start_kubectl kubectl" in script.stdout
    (tmp_path / "c.sh").write_text(script.stdout)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(OURS, str(bindir / "kubectl"))

    def complete(line):
        words = line.split(" ")
        prog = ('source %s; COMP_WORDS=(%s); COMP_CWORD=%d; __start_kubectl; echo "${COMPREPLY[@]}"'
                % (tmp_path / "c.sh", " ".join("'%s'" % w for w in words), len(words) - 1))
        env = dict(os.environ, PATH=str(bindir) + ":" + os.environ["PATH"])
        return subprocess.run(["bash", "-c", prog], capture_output=True, text=True, timeout=30, env=env).stdout.split()

    assert complete("kubectl ge") == ["get"]
    assert "pods" in complete("kubectl -s %s get po" % pair.srv.url)
    assert complete("kubectl -s %s get ns kube-s" % pair.srv.url) == ["kube-system"]
    r = subprocess.run([OURS, "completion", "zsh"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and r.stderr == 'error: Unsupported shell type "zsh".\n'


# ---------------------------------------------------------------- logs


def test_logs(pair, files):
    """The API server answers pods/log and pods/exec with errors until the kubelet serves them."""
    ns = new_ns(pair)
    pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    for args in (["logs", "p1"], ["logs", "deploy/web"], ["logs", "p1", "-c", "c", "--tail=5", "--timestamps"],
                 ["logs", "nope"], ["logs", "deploy/nope"], ["logs"], ["logs", "pod/p1", "-f"],
                 ["exec", "p1", "--", "ls"], ["exec", "nope", "--", "ls"], ["exec", "p1"],
                 ["exec", "-it", "p1", "--", "sh"], ["exec", "pod/p1", "-c", "c", "--", "ls", "-l"]):
        r, o = pair.both(*args, ns=ns)
        same(r, o)


# ---------------------------------------------------------------- run, expose


def test_run_expose(pair, files):
    ns = new_ns(pair)
    steps = [["create", "-f", str(files / "m.yaml"), "--validate=false"],
             ["run", "nginx", "--image=nginx:1.25", "--labels=a=b", "--port=80"], ["run", "nginx", "--image=nginx"],
             ["run", "r2", "--image=busybox", "--restart=Never", "--", "sleep", "10"],
             ["run", "r3", "--image=busybox", "--command", "--", "sleep", "10"], ["run", "x"],
             ["expose", "deploy", "web", "--port=80", "--target-port=8080"], ["expose", "deploy", "web", "--port=80"],
             ["expose", "pod", "nginx", "--port=80", "--name=nsvc", "--type=NodePort"],
             ["expose", "deploy", "web", "--name=w2"], ["expose", "svc", "web", "--name=w3"],
             ["get", "pods", "-o", 'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels} {.spec.containers} {.spec.restartPolicy}{"\\n"}{end}'],
             ["get", "svc", "-o", 'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels} {.spec.ports} {.spec.selector} {.spec.type}{"\\n"}{end}']]
    for args in steps:
        r, o = pair.both(*args, ns=ns)
        for p in (r, o):
            p.stdout = IPS.sub("X", p.stdout)
        same(r, o)


# ---------------------------------------------------------------- drain


def test_drain(pair):
    n = next(NS)
    tags = ("dr%d" % n, "do%d" % n)
    for t in tags:
        assert pair.run(OURS, ["create", "namespace", t + "-ns"]).returncode == 0
        for node in "abc":
            pair.run(OURS, ["create", "-f", "-"], stdin="apiVersion: v1\nkind: Node\nmetadata:\n  name: %s-%s\n" % (t, node))
        pair.run(OURS, ["-n", t + "-ns", "create", "-f", "-"],
                 stdin="apiVersion: v1\nkind: Pod\nmetadata:\n  name: p1\nspec:\n  nodeName: %s-a\n"
                       "  containers:\n  - name: c\n    image: busybox\n" % t)
        pair.run(OURS, ["-n", t + "-ns", "create", "-f", "-"],
                 stdin="apiVersion: v1\nkind: Pod\nmetadata:\n  name: p2\nspec:\n  nodeName: %s-b\n"
                       "  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: busybox\n" % t)
    for args in (["drain", "T-a"], ["drain", "T-a", "--force", "--timeout=1s"], ["drain", "T-b", "--force"],
                 ["drain", "T-c"], ["drain", "T-nope"], ["drain"]):
        r = pair.run(KUBECTL, [a.replace("T", tags[0]) for a in args])
        o = pair.run(OURS, [a.replace("T", tags[1]) for a in args])
        for p, t in ((r, tags[0]), (o, tags[1])):
            p.stdout, p.stderr = p.stdout.replace(t, "T"), p.stderr.replace(t, "T")
        same(r, o)


# ---------------------------------------------------------------- auth, explain


def test_auth_explain(pair):
    """explain matches the real kubectl byte for byte (top level, field
    paths, enums, --recursive, group-qualified names); authorization is not
    served yet, so can-i and whoami errors match."""
    for args in (["explain", "pods"], ["explain", "pod.spec.containers"], ["explain", "pod.status.phase"],
                 ["explain", "pod.spec.containers.resources.limits"], ["explain", "deployments.apps.spec"],
                 ["explain", "deployment.spec", "--recursive"], ["explain", "priorityclasses"],
                 ["explain", "pod.spec.nope"]):
        r, o = pair.both(*args)
        same(r, o)
    for args in (["explain", "foo"], ["auth", "can-i", "get", "pods"],
                 ["auth", "can-i", "create", "deployments.apps", "-n", "default"], ["auth", "can-i", "get", "/healthz"],
                 ["auth", "whoami"], ["auth", "can-i", "get"]):
        r, o = pair.both(*args)
        same(r, o)


def test_set_env(pair, files):
    ns = new_ns(pair)
    pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    r, o = pair.both("set", "env", "deploy/web", "--list", ns=ns)
    same(r, o)
    run = lambda *a: pair.run(OURS, ["-n", ns[1]] + list(a))
    assert run("set", "env", "deploy/web", "A=1", "B=2").stdout == "deployment.apps/web env updated\n"
    assert run("set", "env", "deploy/web", "--list").stdout == "# Deployment web, container nginx\nA=1\nB=2\n"
    assert run("set", "env", "deploy/web", "A-").stdout == "deployment.apps/web env updated\n"
    assert run("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].env}").stdout == \
        '[{"name":"B","value":"2"}]'


def test_edit(pair, files, tmp_path):
    """kubectl.1.32's edit needs OpenAPI the server lacks; ours is checked alone."""
    ns = new_ns(pair)
    pair.both("create", "-f", str(files / "m.yaml"), "--validate=false", ns=ns)
    ed = tmp_path / "ed.sh"
    ed.write_text('#!/bin/sh\nsed -i \'s/^  a: .*/  a: "77"/\' "$1"\n')
    ed.chmod(0o755)

    def run(editor, *args):
        env = dict(os.environ, KUBE_EDITOR=editor)
        return subprocess.run([OURS, "-s", pair.srv.url, "-n", ns[1]] + list(args),
                              capture_output=True, text=True, timeout=60, env=env)
    o = run(str(ed), "edit", "cm", "cm1")
    assert (o.stdout, o.returncode) == ("configmap/cm1 edited\n", 0), o.stderr
    assert run("true", "get", "cm", "cm1", "-o", "jsonpath={.data}").stdout == '{"a":"77"}'
    assert run("true", "edit", "cm", "cm1").stdout == "Edit cancelled, no changes made.\n"
    o = run("true", "edit", "cm", "nope")
    assert (o.stderr, o.returncode) == ('Error from server (NotFound): configmaps "nope" not found\n', 1)
