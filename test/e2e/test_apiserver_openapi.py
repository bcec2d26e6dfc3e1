"""OpenAPI v3, server-side field validation and strategic merge patch, with the
real kubectl (1.27, 1.32, 1.33) at its default --validate=strict."""
import json
import os
import re
import subprocess

import pytest

from conftest import GCLOUD, Kctl

VERSIONS = ["1.27", "1.32", "1.33"]

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:IMAGE
        ports:
        - containerPort: 80
        env:
        - {name: A, value: "1"}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  key: DATA
"""

BAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  foo: bar
  selector:
    matchLabels: {app: bad}
  template:
    metadata:
      labels: {app: bad}
    spec:
      containers:
      - name: c
        image: nginx
        bogus: 1
"""


def kctl_for(server, tmp_path, version):
    return Kctl(server, str(tmp_path / ("cache-" + version)), os.path.join(GCLOUD, "kubectl." + version))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def manifest(image="1.25", data="one"):
    return MANIFEST.replace("IMAGE", image).replace("DATA", data)


def test_openapi_documents(server):
    st, hdrs, body = server.request("GET", "/openapi/v3")
    assert st == 200 and hdrs["content-type"].startswith("application/json")
    paths = json.loads(body)["paths"]
    for gv in ("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/rbac.authorization.k8s.io/v1",
               "apis/coordination.k8s.io/v1", "apis/autoscaling/v2"):
        assert paths[gv]["serverRelativeURL"].startswith("/openapi/v3/%s?hash=" % gv)
    url = paths["apis/apps/v1"]["serverRelativeURL"]
    st, hdrs, body = server.request("GET", url + "&timeout=32s")
    assert st == 200
    assert hdrs["cache-control"] == "public, immutable"
    etag = hdrs["etag"]
    assert etag.strip('"') == url.split("hash=")[1]
    doc = json.loads(body)
    assert doc["openapi"] == "3.0.0"
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert any(p["name"] == "fieldValidation" and p["in"] == "query" for p in patch["parameters"])
    schemas = doc["components"]["schemas"]
    dep = schemas["io.k8s.api.apps.v1.Deployment"]
    assert dep["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert dep["properties"]["metadata"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert schemas["io.k8s.api.core.v1.Container"]["required"] == ["name"]
    # revalidation and stale hashes
    st, _, _ = server.request("GET", url, headers={"If-None-Match": etag})
    assert st == 304
    st, hdrs, _ = server.request("GET", "/openapi/v3/apis/apps/v1?hash=0000")
    assert st == 301 and hdrs["location"] == url
    st, _, body = server.request("GET", "/openapi/v3/apis/example.com/v1")
    assert st == 404


def test_openapi_v2(server):
    """Swagger 2.0 view of the same documents: JSON, or gnostic protobuf (kubectl 1.27)."""
    st, hdrs, body = server.request("GET", "/openapi/v2")
    assert st == 200 and hdrs["content-type"] == "application/json"
    doc = json.loads(body)
    assert doc["swagger"] == "2.0"
    patch = doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "", "kind": "Pod", "version": "v1"}
    fv = [p for p in patch["parameters"] if p["name"] == "fieldValidation"]
    assert len(fv) == 1 and fv[0]["in"] == "query" and fv[0]["type"] == "string"
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    spec = doc["definitions"]["io.k8s.api.core.v1.Pod"]["properties"]["spec"]
    assert spec["$ref"] == "#/definitions/io.k8s.api.core.v1.PodSpec" and "allOf" not in spec
    st, hdrs, body = server.request("GET", "/openapi/v2", headers={
        "Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"})
    assert st == 200
    assert hdrs["content-type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert body.startswith(b"\n\x032.0\x12")  # Document{1 swagger "2.0", 2 info ...}
    assert b"x-kubernetes-group-version-kind" in body and b"fieldValidation" in body


@pytest.mark.parametrize("version", VERSIONS)
def test_create_apply_diff_replace(server, ns, tmp_path, version):
    k = kctl_for(server, tmp_path, version)
    f = write(tmp_path, "app.yaml", manifest())
    # create -f, then delete, so that apply starts from nothing
    out = k("create", "-n", ns, "-f", f)
    assert out.splitlines() == ["deployment.apps/web created", "service/web created", "configmap/cfg created"]
    k("delete", "-n", ns, "-f", f, "--wait=false")

    out = k("apply", "-n", ns, "-f", f)
    assert out.splitlines() == ["deployment.apps/web created", "service/web created", "configmap/cfg created"]
    out = k("apply", "-n", ns, "-f", f)
    assert out.splitlines() == ["deployment.apps/web unchanged", "service/web unchanged", "configmap/cfg unchanged"]

    # diff: no change -> 0, change -> 1 with a unified diff
    assert k.run("diff", "-n", ns, "-f", f).returncode == 0
    f2 = write(tmp_path, "app2.yaml", manifest("1.26", "two"))
    r = k.run("diff", "-n", ns, "-f", f2, check=False)
    assert r.returncode == 1, r.stderr
    assert "-        image: nginx:1.25" in r.stdout and "+        image: nginx:1.26" in r.stdout
    assert "-  key: one" in r.stdout and "+  key: two" in r.stdout
    assert "$setElementOrder" not in r.stdout

    out = k("apply", "-n", ns, "-f", f2)
    assert out.splitlines() == ["deployment.apps/web configured", "service/web unchanged", "configmap/cfg configured"]
    dep = k.json("get", "-n", ns, "deployment", "web")
    c = dep["spec"]["template"]["spec"]["containers"]
    assert len(c) == 1 and c[0]["image"] == "nginx:1.26"
    # the strategic merge patch kept what the patch did not name
    assert c[0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c[0]["env"] == [{"name": "A", "value": "1"}]
    assert "$setElementOrder/containers" not in dep["spec"]["template"]["spec"]
    assert dep["metadata"]["generation"] == 2
    assert k.run("diff", "-n", ns, "-f", f2).returncode == 0

    # a container added and removed through apply (merge key name)
    f3 = write(tmp_path, "app3.yaml", manifest("1.26", "two").replace(
        "        env:\n", "      - name: side\n        image: busybox\n        env:\n", 1))
    assert "deployment.apps/web configured" in k("apply", "-n", ns, "-f", f3)
    names = [c["name"] for c in k.json("get", "-n", ns, "deployment", "web")["spec"]["template"]["spec"]["containers"]]
    assert names == ["web", "side"]
    assert "deployment.apps/web configured" in k("apply", "-n", ns, "-f", f2)
    names = [c["name"] for c in k.json("get", "-n", ns, "deployment", "web")["spec"]["template"]["spec"]["containers"]]
    assert names == ["web"]

    f4 = write(tmp_path, "app4.yaml", manifest("1.27", "three"))
    out = k("replace", "-n", ns, "-f", f4)
    assert out.splitlines() == ["deployment.apps/web replaced", "service/web replaced", "configmap/cfg replaced"]
    assert k.json("get", "-n", ns, "configmap", "cfg")["data"] == {"key": "three"}


@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_field_strict_warn_ignore(server, ns, tmp_path, version):
    k = kctl_for(server, tmp_path, version)
    f = write(tmp_path, "bad.yaml", BAD)
    r = k.run("create", "-n", ns, "-f", f, check=False)
    assert r.returncode == 1
    assert ('Error from server (BadRequest): error when creating "%s": Deployment in version "v1" cannot be '
            'handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field '
            '"spec.template.spec.containers[0].bogus"' % f) in r.stderr
    r = k.run("apply", "-n", ns, "-f", f, check=False)
    assert r.returncode == 1 and 'strict decoding error: unknown field "spec.foo"' in r.stderr

    r = k.run("create", "-n", ns, "-f", f, "--validate=warn")
    assert r.stdout.strip() == "deployment.apps/bad created"
    assert 'Warning: unknown field "spec.foo"' in r.stderr
    assert 'Warning: unknown field "spec.template.spec.containers[0].bogus"' in r.stderr
    k("delete", "-n", ns, "deployment", "bad", "--wait=false")
    r = k.run("create", "-n", ns, "-f", f, "--validate=false")
    assert r.stdout.strip() == "deployment.apps/bad created" and "Warning" not in r.stderr

    # apply onto an existing object: the patch is checked too
    r = k.run("apply", "-n", ns, "-f", f, check=False)
    assert r.returncode == 1
    assert 'error when patching "%s": strict decoding error: unknown field "spec.foo"' % f in r.stderr


def test_field_validation_raw(server, ns):
    path = "/apis/apps/v1/namespaces/%s/deployments" % ns
    body = ('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dup"},'
            '"spec":{"replicas":1,"replicas":3,"selector":{"matchLabels":{"a":"b"}},'
            '"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}')
    ct = {"Content-Type": "application/json"}
    st, _, data = server.request("POST", path + "?fieldValidation=Strict", body, ct)
    status = json.loads(data)
    assert (st, status["reason"]) == (400, "BadRequest")
    assert status["message"] == ('Deployment in version "v1" cannot be handled as a Deployment: '
                                 'strict decoding error: duplicate field "spec.replicas"')
    st, _, _ = server.request("POST", path + "?fieldValidation=Bogus", body, ct)
    assert st == 400
    # Warn is the default: created, the last value wins, one warning
    st, hdrs, data = server.request("POST", path, body, ct)
    assert st == 201 and json.loads(data)["spec"]["replicas"] == 3
    assert hdrs["warning"] == '299 - "duplicate field \\"spec.replicas\\""'
    # patches: the patched object is checked
    st, _, data = server.request("PATCH", path + "/dup?fieldValidation=Strict", '{"spec":{"foo":1}}',
                                 {"Content-Type": "application/merge-patch+json"})
    assert st == 400 and json.loads(data)["message"] == 'strict decoding error: unknown field "spec.foo"'
    st, hdrs, _ = server.request("PATCH", path + "/dup?fieldValidation=Warn", '{"metadata":{"bar":1}}',
                                 {"Content-Type": "application/strategic-merge-patch+json"})
    assert st == 200 and hdrs["warning"] == '299 - "unknown field \\"metadata.bar\\""'
    st, hdrs, _ = server.request("PUT", path + "/dup?fieldValidation=Ignore",
                                 body.replace('"replicas":1,', ''), ct)
    assert st == 200 and "warning" not in hdrs


@pytest.mark.parametrize("version", VERSIONS)
def test_explain(server, tmp_path, version):
    k = kctl_for(server, tmp_path, version)
    out = k("explain", "pod.spec.containers")
    assert "KIND:       Pod" in out or "KIND:     Pod" in out
    assert re.search(r"FIELD:\s+containers <\[\]Container>", out)
    assert "List of containers belonging to the pod." in out
    assert re.search(r"name\s+<string> -required-", out)
    assert re.search(r"image\s+<string>", out)
    assert re.search(r"ports\s+<\[\]ContainerPort>", out)
    assert re.search(r"resources\s+<ResourceRequirements>", out)
    out = k("explain", "pod.spec.containers.resources")
    assert re.search(r"limits\s+<map\[string\]Quantity>", out)
    out = k("explain", "deployment.spec.strategy.rollingUpdate")
    assert re.search(r"maxSurge\s+<IntOrString>", out)

    out = k("explain", "deployment.spec", "--recursive")
    assert re.search(r"GROUP:\s+apps", out)
    assert re.search(r"selector\s+<LabelSelector> -required-", out)
    assert re.search(r"template\s+<PodTemplateSpec> -required-", out)
    assert re.search(r"containers\s+<\[\]Container> -required-", out)
    assert re.search(r"strategy\s+<DeploymentStrategy>", out)

    out = k("explain", "services.spec.type")
    assert "Determines how the Service is exposed." in out


@pytest.mark.parametrize("version", VERSIONS)
def test_server_side_apply(server, ns, tmp_path, version):
    k = kctl_for(server, tmp_path, version)
    f = write(tmp_path, "app.yaml", manifest())
    out = k("apply", "--server-side", "-n", ns, "-f", f)
    assert out.splitlines() == ["deployment.apps/web serverside-applied", "service/web serverside-applied",
                                "configmap/cfg serverside-applied"]
    dep = k.json("get", "-n", ns, "deployment", "web", "--show-managed-fields")
    (mf,) = dep["metadata"]["managedFields"]
    assert (mf["manager"], mf["operation"], mf["fieldsType"]) == ("kubectl", "Apply", "FieldsV1")
    assert "f:replicas" in mf["fieldsV1"]["f:spec"]
    assert 'k:{"name":"web"}' in mf["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]

    f2 = write(tmp_path, "app2.yaml", manifest("1.26", "two"))
    assert "deployment.apps/web serverside-applied" in k("apply", "--server-side", "-n", ns, "-f", f2)
    c = k.json("get", "-n", ns, "deployment", "web")["spec"]["template"]["spec"]["containers"]
    assert c[0]["image"] == "nginx:1.26" and c[0]["env"] == [{"name": "A", "value": "1"}]

    # another manager changing an owned field: a conflict, unless forced
    f3 = write(tmp_path, "app3.yaml", manifest("1.27", "two"))
    r = k.run("apply", "--server-side", "--field-manager=other", "-n", ns, "-f", f3, check=False)
    assert r.returncode == 1
    assert ('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: '
            '.spec.template.spec.containers[name="web"].image') in r.stderr
    out = k("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-n", ns, "-f", f3)
    assert "deployment.apps/web serverside-applied" in out
    dep = k.json("get", "-n", ns, "deployment", "web", "--show-managed-fields")
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert sorted(m["manager"] for m in dep["metadata"]["managedFields"]) == ["kubectl", "other"]

    # dry run: nothing changes
    f4 = write(tmp_path, "app4.yaml", manifest("1.28", "two"))
    out = k("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-n", ns, "-f", f4)
    assert "deployment.apps/web serverside-applied (server dry run)" in out
    assert k.json("get", "-n", ns, "deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == \
        "nginx:1.27"


def test_server_side_apply_raw(server, ns):
    path = "/api/v1/namespaces/%s/configmaps/raw" % ns
    yaml_ct = {"Content-Type": "application/apply-patch+yaml"}
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\ndata:\n  a: '1'\n  b: '2'\n"
    st, _, data = server.request("PATCH", path, body, yaml_ct)
    status = json.loads(data)
    assert (st, status["reason"]) == (422, "Invalid")
    assert "fieldManager: Required value" in status["message"]
    st, _, data = server.request("PATCH", path + "?fieldManager=m1", body, yaml_ct)
    assert st == 201 and json.loads(data)["data"] == {"a": "1", "b": "2"}
    # dropping a field the manager applied removes it
    st, _, data = server.request("PATCH", path + "?fieldManager=m1",
                                 body.replace("  b: '2'\n", "").replace("'1'", "'3'"), yaml_ct)
    assert st == 200 and json.loads(data)["data"] == {"a": "3"}
    st, _, data = server.request("PATCH", path + "?fieldManager=m2", body.replace("'1'", "'9'"), yaml_ct)
    status = json.loads(data)
    assert (st, status["reason"]) == (409, "Conflict")
    assert status["details"]["causes"] == [{"reason": "FieldManagerConflict",
                                            "message": 'conflict with "m1" using v1', "field": ".data.a"}]
    st, _, data = server.request("PATCH", path + "?fieldManager=m2&force=true", body.replace("'1'", "'9'"), yaml_ct)
    assert st == 200 and json.loads(data)["data"] == {"a": "9", "b": "2"}


@pytest.mark.parametrize("version", VERSIONS)
def test_strategic_merge_patch_commands(server, ns, tmp_path, version):
    """kubectl set image / patch / edit / apply --dry-run=server send strategic merge patches."""
    k = kctl_for(server, tmp_path, version)
    f = write(tmp_path, "app.yaml", manifest().replace(
        "        env:\n", "      - name: side\n        image: busybox\n        env:\n", 1))
    k("apply", "-n", ns, "-f", f)

    def containers():
        return k.json("get", "-n", ns, "deployment", "web")["spec"]["template"]["spec"]["containers"]

    out = k("set", "image", "-n", ns, "deployment/web", "web=nginx:1.30")
    assert out.strip() == "deployment.apps/web image updated"
    c = containers()
    assert [x["name"] for x in c] == ["web", "side"]
    assert c[0]["image"] == "nginx:1.30" and c[0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c[1]["image"] == "busybox" and c[1]["env"] == [{"name": "A", "value": "1"}]

    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "side", "env": [{"name": "B", "value": "2"}]},
        {"name": "web", "ports": [{"containerPort": 443}]}]}}}}
    out = k("patch", "-n", ns, "deployment", "web", "-p", json.dumps(patch))
    assert out.strip() == "deployment.apps/web patched"
    c = containers()
    assert [x["name"] for x in c] == ["web", "side"]
    assert [p["containerPort"] for p in c[0]["ports"]] == [80, 443]
    assert c[1]["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]

    delete = {"spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}}
    k("patch", "-n", ns, "deployment", "web", "-p", json.dumps(delete))
    assert [x["name"] for x in containers()] == ["web"]

    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/image: nginx:1.30/image: nginx:1.31/' \"$1\"\n")
    editor.chmod(0o755)
    env = dict(os.environ, HOME=k.cache_dir, KUBECONFIG=os.devnull, EDITOR=str(editor), KUBE_EDITOR=str(editor))
    p = subprocess.run([k.exe, "-s", server.url, "--cache-dir", k.cache_dir, "edit", "-n", ns, "deployment/web"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "deployment.apps/web edited"
    c = containers()
    assert c[0]["image"] == "nginx:1.31" and [x["containerPort"] for x in c[0]["ports"]] == [80, 443]

    # client-side apply with a server dry run changes nothing
    f2 = write(tmp_path, "app2.yaml", manifest("1.40", "dry"))
    out = k("apply", "-n", ns, "-f", f2, "--dry-run=server")
    assert "deployment.apps/web configured (server dry run)" in out
    assert containers()[0]["image"] == "nginx:1.31"


def test_strategic_merge_patch_status_conditions(server):
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "smp-node"},
            "status": {"conditions": [{"type": "Ready", "status": "False"},
                                      {"type": "MemoryPressure", "status": "False"}]}}
    st, _, _ = server.request("POST", "/api/v1/nodes", node)
    assert st == 201
    st, _, data = server.request("PATCH", "/api/v1/nodes/smp-node/status",
                                 json.dumps({"status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
                                 {"Content-Type": "application/strategic-merge-patch+json"})
    assert st == 200
    assert json.loads(data)["status"]["conditions"] == [{"type": "Ready", "status": "True"},
                                                        {"type": "MemoryPressure", "status": "False"}]
    server.request("DELETE", "/api/v1/nodes/smp-node")


@pytest.mark.parametrize("version", ["1.32"])
def test_wrong_type_is_rejected(server, ns, tmp_path, version):
    k = kctl_for(server, tmp_path, version)
    f = write(tmp_path, "t.yaml", manifest().split("---")[0].replace("replicas: 2", "replicas: two"))
    for extra in ([], ["--validate=false"]):
        r = k.run("create", "-n", ns, "-f", f, *extra, check=False)
        assert r.returncode == 1
        assert ('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string '
                'into Go struct field DeploymentSpec.spec.replicas of type int32') in r.stderr
