"""The real Go kubectl (kubectl.1.32) against our kube-apiserver."""
import json
import subprocess
import time

import pytest

from conftest import KUBECTL

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}

MANIFESTS = [
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1"}, "data": {"k": "v"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"}, "stringData": {"a": "b"}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa1"}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc1"},
     "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dep1"},
     "spec": {"selector": {"matchLabels": {"app": "d"}},
              "template": {"metadata": {"labels": {"app": "d"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}}},
    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs1"},
     "spec": {"selector": {"matchLabels": {"app": "r"}},
              "template": {"metadata": {"labels": {"app": "r"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
    {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds1"},
     "spec": {"selector": {"matchLabels": {"app": "ds"}},
              "template": {"metadata": {"labels": {"app": "ds"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
    {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "sts1"},
     "spec": {"serviceName": "svc1", "selector": {"matchLabels": {"app": "s"}},
              "template": {"metadata": {"labels": {"app": "s"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
    {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "job1"},
     "spec": {"template": {"spec": {"restartPolicy": "Never",
                                    "containers": [{"name": "c", "image": "busybox"}]}}}},
    {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj1"},
     "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
         "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}},
    {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l1"},
     "spec": {"holderIdentity": "me"}},
    {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb1"},
     "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}},
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "pc1"},
     "value": 1000},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r1"},
     "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]},
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np1"},
     "spec": {"podSelector": {}}},
    {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h1"},
     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "dep1"},
              "minReplicas": 1, "maxReplicas": 3}},
    {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "es1"},
     "addressType": "IPv4", "endpoints": []},
]


def test_version_and_discovery(kubectl):
    out = kubectl("version", "-o", "json").stdout
    v = json.loads(out)
    assert v["serverVersion"]["major"] == "1"
    assert v["serverVersion"]["minor"] == "32"
    assert "kubec" in v["serverVersion"]["gitVersion"]
    res = kubectl("api-resources").stdout
    assert "deployments" in res and "deploy" in res and "apps/v1" in res
    assert "componentstatuses" in res and "cs" in res
    versions = kubectl("api-versions").stdout.split()
    for gv in ("v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "policy/v1",
               "autoscaling/v1", "autoscaling/v2", "rbac.authorization.k8s.io/v1"):
        assert gv in versions


def test_namespaces_exist(kubectl):
    out = kubectl("get", "ns").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "AGE"]
    names = {l.split()[0] for l in lines[1:]}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= names


def test_pod_crud_table_and_outputs(kubectl):
    out = kubectl("create", "-f", "-", stdin=json.dumps(POD)).stdout
    assert out.strip() == "pod/web created"
    table = kubectl("get", "pods").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table[1].split()[:4] == ["web", "0/1", "Pending", "0"]
    wide = kubectl("get", "pods", "-o", "wide").stdout.splitlines()[0]
    assert "NOMINATED NODE" in wide and "IP" in wide
    pod = json.loads(kubectl("get", "pod", "web", "-o", "json").stdout)
    assert pod["spec"]["restartPolicy"] == "Always"
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert pod["status"]["phase"] == "Pending"
    assert pod["metadata"]["uid"]
    assert kubectl("get", "pods", "-o", "name").stdout.strip() == "pod/web"
    assert kubectl("get", "pod", "web", "-o", "jsonpath={.metadata.labels.app}").stdout == "web"
    cc = kubectl("get", "pods", "-o", "custom-columns=N:.metadata.name,I:.spec.containers[0].image").stdout
    assert cc.splitlines()[1].split() == ["web", "busybox:1.36"]
    yml = kubectl("get", "pod", "web", "-o", "yaml").stdout
    assert "name: web" in yml and "kind: Pod" in yml
    assert kubectl("label", "pod", "web", "tier=fe").stdout.strip() == "pod/web labeled"
    shown = kubectl("get", "pods", "-l", "tier=fe", "--show-labels").stdout
    assert "app=web,tier=fe" in shown
    assert "No resources found" in kubectl("get", "pods", "-l", "tier=be").stderr
    assert kubectl("annotate", "pod", "web", "note=hi").stdout.strip() == "pod/web annotated"
    assert kubectl("annotate", "pod", "web", "note-").stdout.strip() == "pod/web annotated"
    pod = json.loads(kubectl("get", "pod", "web", "-o", "json").stdout)
    assert "note" not in pod["metadata"].get("annotations", {})
    out = kubectl("patch", "pod", "web", "--type=merge", "-p", '{"metadata":{"labels":{"p":"1"}}}').stdout
    assert out.strip() == "pod/web patched"
    out = kubectl("patch", "pod", "web", "--type=json",
                  "-p", '[{"op":"add","path":"/metadata/labels/j","value":"2"}]').stdout
    assert out.strip() == "pod/web patched"
    labels = json.loads(kubectl("get", "pod", "web", "-o", "json").stdout)["metadata"]["labels"]
    assert labels["p"] == "1" and labels["j"] == "2"
    # An unbound pod goes at once.
    assert kubectl("delete", "pod", "web").stdout.strip() == 'pod "web" deleted'
    r = kubectl("get", "pod", "web", check=False)
    assert r.returncode == 1
    assert 'Error from server (NotFound): pods "web" not found' in r.stderr


def test_every_resource_create_get_delete(kubectl):
    for m in MANIFESTS:
        kind = m["kind"].lower()
        out = kubectl("create", "-f", "-", stdin=json.dumps(m)).stdout.strip()
        assert out.endswith("/%s created" % m["metadata"]["name"]), out
        got = json.loads(kubectl("get", kind, m["metadata"]["name"], "-o", "json").stdout)
        assert got["kind"] == m["kind"]
        assert got["metadata"]["resourceVersion"]
    # categories: get all
    out = kubectl("get", "all").stdout
    for name in ("service/svc1", "deployment.apps/dep1", "replicaset.apps/rs1",
                 "daemonset.apps/ds1", "statefulset.apps/sts1", "job.batch/job1", "cronjob.batch/cj1"):
        assert name in out, out
    dep = json.loads(kubectl("get", "deploy", "dep1", "-o", "json").stdout)
    assert dep["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": "25%", "maxUnavailable": "25%"}
    assert dep["spec"]["revisionHistoryLimit"] == 10 and dep["metadata"]["generation"] == 1
    assert kubectl("scale", "deploy", "dep1", "--replicas=4").stdout.strip() == "deployment.apps/dep1 scaled"
    dep = json.loads(kubectl("get", "deploy", "dep1", "-o", "json").stdout)
    assert dep["spec"]["replicas"] == 4 and dep["metadata"]["generation"] == 2
    out = kubectl("set", "image", "deploy/dep1", "c=nginx:1.26").stdout.strip()
    assert out == "deployment.apps/dep1 image updated"
    svc = json.loads(kubectl("get", "svc", "svc1", "-o", "json").stdout)
    assert svc["spec"]["clusterIP"].startswith("10.0.0.")
    assert svc["spec"]["ports"][0]["targetPort"] == 80
    for m in MANIFESTS:
        out = kubectl("delete", m["kind"].lower(), m["metadata"]["name"]).stdout.strip()
        assert "deleted" in out, out


def test_watch_sees_changes(kubectl, apiserver):
    p = subprocess.Popen([KUBECTL, "-s", apiserver.url, "--cache-dir", "/tmp/kubec-w-cache",
                          "get", "configmaps", "-w", "-o", "name"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        kubectl("create", "configmap", "w1", "--from-literal=a=b", check=False)
        kubectl("create", "-f", "-",
                stdin=json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w2"}}))
        kubectl("delete", "configmap", "w2")
        time.sleep(0.5)
    finally:
        p.terminate()
        out, _ = p.communicate(timeout=5)
    assert out.count("configmap/w2") >= 2, out


def test_get_cs_and_raw(kubectl):
    out = kubectl("get", "cs").stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["NAME", "STATUS"]
    etcd = [l for l in lines if l.startswith("etcd-0")]
    assert etcd and "Healthy" in etcd[0] and '{"health":"true"' in etcd[0]
    assert kubectl("get", "--raw", "/healthz").stdout == "ok"
    rv = kubectl("get", "--raw", "/readyz?verbose").stdout
    assert "[+]etcd ok" in rv and "readyz check passed" in rv
    m = kubectl("get", "--raw", "/metrics").stdout
    assert "apiserver_request_total" in m and "apiserver_storage_objects" in m


def test_errors_from_kubectl(kubectl):
    r = kubectl("get", "nosuchthing", check=False)
    assert r.returncode == 1
    assert 'the server doesn\'t have a resource type "nosuchthing"' in r.stderr
    bad = dict(POD, spec={"containers": [{"name": "c"}]})
    r = kubectl("create", "-f", "-", stdin=json.dumps(bad), check=False)
    assert r.returncode == 1
    assert 'The Pod "web" is invalid: spec.containers[0].image: Required value' in r.stderr
    kubectl("create", "-f", "-", stdin=json.dumps(POD))
    r = kubectl("create", "-f", "-", stdin=json.dumps(POD), check=False)
    assert 'Error from server (AlreadyExists): error when creating "STDIN": pods "web" already exists' in r.stderr
    r = kubectl("create", "-n", "nope", "-f", "-", stdin=json.dumps(POD), check=False)
    assert 'namespaces "nope" not found' in r.stderr


def test_https_with_self_generated_cert(tmp_path):
    from conftest import ApiServer, free_port, check_log
    import os
    port = free_port()
    certs = tmp_path / "certs"
    srv = ApiServer(tmp_path, ["--secure-port=%d" % port, "--cert-dir=%s" % certs]).start()
    try:
        ca = str(certs / "apiserver.crt")
        assert os.path.exists(ca) and oct(os.stat(certs / "apiserver.key").st_mode & 0o777) == "0o600"
        p = subprocess.run([KUBECTL, "-s", "https://127.0.0.1:%d" % port, "--certificate-authority", ca,
                            "--token", "unused", "--cache-dir", str(tmp_path / "c"), "get", "ns"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        assert "kube-system" in p.stdout
        # a wrong CA is refused by the client
        p = subprocess.run([KUBECTL, "-s", "https://127.0.0.1:%d" % port, "--token", "unused",
                            "--cache-dir", str(tmp_path / "c2"), "get", "ns"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 1 and "certificate" in p.stderr
        kubernetes = pytest.importorskip("kubernetes")
        cfg = kubernetes.client.Configuration()
        cfg.host = "https://127.0.0.1:%d" % port
        cfg.ssl_ca_cert = ca
        api = kubernetes.client.CoreV1Api(kubernetes.client.ApiClient(cfg))
        names = [n.metadata.name for n in api.list_namespace().items]
        assert "default" in names
        # the kubernetes service advertises the secure port
        ep = api.read_namespaced_endpoints("kubernetes", "default")
        assert ep.subsets[0].ports[0].port == port
    finally:
        srv.stop()
        check_log(srv.read_log())
