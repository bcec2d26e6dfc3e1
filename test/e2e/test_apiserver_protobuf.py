"""The real Go kubectl's `create <generator>` commands, which send protobuf
request bodies (application/vnd.kubernetes.protobuf), against our
kube-apiserver: each command must succeed and the stored object must carry
the fields kubectl set. Responses stay JSON, which kubectl accepts."""
import json
import os

import pytest

from conftest import GCLOUD, http

VERSIONS = ["kubectl.1.27", "kubectl.1.32", "kubectl.1.33"]


def get(kubectl, binary, *what):
    p = kubectl("get", *what, "-o", "json", binary=binary)
    return json.loads(p.stdout)


def created(kubectl, binary, args, want):
    p = kubectl("create", *args, binary=binary)
    assert p.stdout.strip() == want, (args, p.stdout, p.stderr)


@pytest.mark.parametrize("version", VERSIONS)
def test_create_generators_send_protobuf(kubectl, apiserver, version):
    binary = os.path.join(GCLOUD, version)
    if not os.path.exists(binary):
        pytest.skip(version + " not installed")

    created(kubectl, binary, ["deployment", "web", "--image=busybox", "--replicas=3", "--port=8080",
                              "--", "sleep", "3600"], "deployment.apps/web created")
    d = get(kubectl, binary, "deployment", "web")
    assert d["spec"]["replicas"] == 3
    assert d["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert d["metadata"]["labels"] == {"app": "web"}
    c = d["spec"]["template"]["spec"]["containers"][0]
    assert (c["name"], c["image"], c["command"]) == ("busybox", "busybox", ["sleep", "3600"])
    assert c["ports"][0]["containerPort"] == 8080
    # defaulting ran on the transcoded object
    assert d["spec"]["strategy"]["type"] == "RollingUpdate"
    assert d["spec"]["template"]["spec"]["restartPolicy"] == "Always"

    created(kubectl, binary, ["namespace", "team-a"], "namespace/team-a created")
    assert get(kubectl, binary, "namespace", "team-a")["status"]["phase"] == "Active"

    created(kubectl, binary, ["configmap", "cfg", "--from-literal=a=1", "--from-literal=b=two"],
            "configmap/cfg created")
    assert get(kubectl, binary, "configmap", "cfg")["data"] == {"a": "1", "b": "two"}

    created(kubectl, binary, ["secret", "generic", "creds", "--from-literal=user=admin",
                              "--from-literal=pass=s3cr3t!"], "secret/creds created")
    s = get(kubectl, binary, "secret", "creds")
    assert s["data"] == {"user": "YWRtaW4=", "pass": "czNjcjN0IQ=="}
    assert s["type"] == "Opaque"

    created(kubectl, binary, ["service", "clusterip", "front", "--tcp=80:8080"], "service/front created")
    svc = get(kubectl, binary, "service", "front")
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["selector"] == {"app": "front"}
    port = svc["spec"]["ports"][0]
    assert (port["port"], port["targetPort"], port["protocol"]) == (80, 8080, "TCP")
    assert svc["spec"]["clusterIP"]

    created(kubectl, binary, ["service", "clusterip", "headless", "--clusterip=None"],
            "service/headless created")
    assert get(kubectl, binary, "service", "headless")["spec"]["clusterIP"] == "None"

    created(kubectl, binary, ["service", "nodeport", "np", "--tcp=81:8081", "--node-port=30081"],
            "service/np created")
    svc = get(kubectl, binary, "service", "np")
    assert svc["spec"]["type"] == "NodePort"
    assert svc["spec"]["ports"][0]["nodePort"] == 30081

    created(kubectl, binary, ["service", "externalname", "ext", "--external-name=example.com"],
            "service/ext created")
    svc = get(kubectl, binary, "service", "ext")
    assert (svc["spec"]["type"], svc["spec"]["externalName"]) == ("ExternalName", "example.com")

    created(kubectl, binary, ["job", "once", "--image=busybox", "--", "echo", "hi"], "job.batch/once created")
    j = get(kubectl, binary, "job", "once")
    jc = j["spec"]["template"]["spec"]["containers"][0]
    assert (jc["image"], jc["command"]) == ("busybox", ["echo", "hi"])
    assert j["spec"]["template"]["spec"]["restartPolicy"] == "Never"

    created(kubectl, binary, ["cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *",
                              "--", "date"], "cronjob.batch/tick created")
    cj = get(kubectl, binary, "cronjob", "tick")
    assert cj["spec"]["schedule"] == "*/5 * * * *"
    assert cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]
    assert cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"

    created(kubectl, binary, ["serviceaccount", "robot"], "serviceaccount/robot created")
    assert get(kubectl, binary, "serviceaccount", "robot")["metadata"]["name"] == "robot"

    created(kubectl, binary, ["role", "reader", "--verb=get", "--verb=list", "--resource=pods"],
            "role.rbac.authorization.k8s.io/reader created")
    r = get(kubectl, binary, "role", "reader")
    assert r["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]

    created(kubectl, binary, ["rolebinding", "reader-bob", "--role=reader", "--user=bob",
                              "--serviceaccount=default:robot"],
            "rolebinding.rbac.authorization.k8s.io/reader-bob created")
    rb = get(kubectl, binary, "rolebinding", "reader-bob")
    assert rb["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}
    kinds = sorted((s["kind"], s["name"]) for s in rb["subjects"])
    assert kinds == [("ServiceAccount", "robot"), ("User", "bob")]

    created(kubectl, binary, ["clusterrole", "node-reader", "--verb=get", "--resource=nodes"],
            "clusterrole.rbac.authorization.k8s.io/node-reader created")
    created(kubectl, binary, ["clusterrolebinding", "node-reader-bob", "--clusterrole=node-reader",
                              "--group=ops"],
            "clusterrolebinding.rbac.authorization.k8s.io/node-reader-bob created")
    crb = get(kubectl, binary, "clusterrolebinding", "node-reader-bob")
    assert crb["subjects"][0]["kind"] == "Group" and crb["subjects"][0]["name"] == "ops"

    created(kubectl, binary, ["quota", "q", "--hard=pods=10,cpu=2,memory=1Gi", "--scopes=BestEffort"],
            "resourcequota/q created")
    q = get(kubectl, binary, "resourcequota", "q")
    assert q["spec"]["hard"] == {"pods": "10", "cpu": "2", "memory": "1Gi"}
    assert q["spec"]["scopes"] == ["BestEffort"]

    created(kubectl, binary, ["pdb", "guard", "--min-available=1", "--selector=app=x"],
            "poddisruptionbudget.policy/guard created")
    pdb = get(kubectl, binary, "pdb", "guard")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"] == {"matchLabels": {"app": "x"}}
    created(kubectl, binary, ["pdb", "guard2", "--max-unavailable=50%", "--selector=app=y"],
            "poddisruptionbudget.policy/guard2 created")
    assert get(kubectl, binary, "pdb", "guard2")["spec"]["maxUnavailable"] == "50%"

    created(kubectl, binary, ["priorityclass", "high", "--value=100", "--description=important",
                              "--preemption-policy=Never"],
            "priorityclass.scheduling.k8s.io/high created")
    pc = get(kubectl, binary, "priorityclass", "high")
    assert (pc["value"], pc["description"], pc["preemptionPolicy"]) == (100, "important", "Never")
    assert not pc.get("globalDefault", False)

    created(kubectl, binary, ["ingress", "site", "--class=nginx", "--rule=foo.com/bar*=front:80,tls=cert"],
            "ingress.networking.k8s.io/site created")
    ing = get(kubectl, binary, "ingress", "site")
    assert ing["spec"]["ingressClassName"] == "nginx"
    rule = ing["spec"]["rules"][0]
    assert rule["host"] == "foo.com"
    path = rule["http"]["paths"][0]
    assert (path["path"], path["pathType"]) == ("/bar", "Prefix")
    assert path["backend"] == {"service": {"name": "front", "port": {"number": 80}}}
    assert ing["spec"]["tls"] == [{"hosts": ["foo.com"], "secretName": "cert"}]

    p = kubectl("autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=60", binary=binary)
    assert p.stdout.strip() == "horizontalpodautoscaler.autoscaling/web autoscaled"
    hpa = get(kubectl, binary, "hpa.v1.autoscaling", "web")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 5)
    assert hpa["spec"]["targetCPUUtilizationPercentage"] == 60
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def envelope(api_version, kind, raw):
    def field(num, data):
        return bytes([num << 3 | 2]) + bytes([len(data)]) + data
    tm = field(1, api_version.encode()) + field(2, kind.encode())
    return b"k8s\x00" + field(1, tm) + field(2, raw)


def test_protobuf_errors(apiserver):
    path = "/api/v1/namespaces/default/configmaps"
    ct = {"Content-Type": "application/vnd.kubernetes.protobuf"}
    # a kind without a schema: 415 as before
    st, hdrs, body = http("POST", apiserver.url + path, envelope("v1", "Widget", b""), ct)
    status = json.loads(body)
    assert (st, status["reason"]) == (415, "UnsupportedMediaType")
    # malformed: 400 with the decoder's reason
    for data in (b"k8s\x00\x0a\x02", b"nope", envelope("v1", "ConfigMap", b"\x0a\x05ab")):
        st, hdrs, body = http("POST", apiserver.url + path, data, ct)
        status = json.loads(body)
        assert (st, status["reason"], status["kind"]) == (400, "BadRequest", "Status"), body
        assert status["message"].startswith("unable to decode protobuf body: ")
    # a well-formed ConfigMap decodes and is stored; the response is JSON
    meta = b"\x0a\x03pb1"
    entry = b"\x0a\x01k\x12\x01v"
    raw = bytes([0x0a, len(meta)]) + meta + bytes([0x12, len(entry)]) + entry
    st, hdrs, body = http("POST", apiserver.url + path, envelope("v1", "ConfigMap", raw),
                    dict(ct, Accept="application/vnd.kubernetes.protobuf, application/json"))
    assert st == 201, body
    assert hdrs["Content-Type"].startswith("application/json")
    obj = json.loads(body)
    assert obj["metadata"]["name"] == "pb1" and obj["data"] == {"k": "v"}
    # the URL's kind still wins over the envelope's
    st, hdrs, body = http("POST", apiserver.url + "/api/v1/namespaces/default/secrets",
                    envelope("v1", "ConfigMap", raw), ct)
    assert st == 400, body
