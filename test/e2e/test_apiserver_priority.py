"""Priority admission in kube-apiserver, as upstream's plugin: a pod's
priorityClassName gives spec.priority and preemptionPolicy; the globalDefault
class applies to pods naming none; unknown classes and mismatched priorities
are refused with 403."""


def pc(name, value, default=False, policy=None):
    o = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
         "metadata": {"name": name}, "value": value, "globalDefault": default}
    if policy:
        o["preemptionPolicy"] = policy
    return o


def pod(name, **spec):
    s = {"containers": [{"name": "c", "image": "busybox"}]}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": s}


PODS = "/api/v1/namespaces/default/pods"
PCS = "/apis/scheduling.k8s.io/v1/priorityclasses"


def test_class_gives_priority_and_policy(apiserver):
    assert apiserver.json("POST", PCS, pc("high", 1000, policy="Never"))[0] == 201
    st, p = apiserver.json("POST", PODS, pod("a", priorityClassName="high"))
    assert st == 201, p
    assert p["spec"]["priority"] == 1000
    assert p["spec"]["preemptionPolicy"] == "Never"


def test_system_classes_and_no_class(apiserver):
    st, p = apiserver.json("POST", PODS, pod("crit", priorityClassName="system-node-critical"))
    assert st == 201, p
    assert p["spec"]["priority"] == 2000001000
    st, p = apiserver.json("POST", PODS, pod("plain"))
    assert st == 201 and p["spec"]["priority"] == 0
    assert "priorityClassName" not in p["spec"]


def test_global_default(apiserver):
    assert apiserver.json("POST", PCS, pc("dflt", 50, default=True))[0] == 201
    st, p = apiserver.json("POST", PODS, pod("d"))
    assert st == 201, p
    assert p["spec"]["priority"] == 50
    assert p["spec"]["priorityClassName"] == "dflt"


def test_unknown_class_and_mismatched_priority_refused(apiserver):
    st, s = apiserver.json("POST", PODS, pod("x", priorityClassName="nope"))
    assert st == 403, s
    assert s["reason"] == "Forbidden"
    assert s["message"] == 'pods "x" is forbidden: no PriorityClass with name nope was found'
    assert apiserver.json("POST", PCS, pc("mid", 10))[0] == 201
    st, s = apiserver.json("POST", PODS, pod("y", priorityClassName="mid", priority=5))
    assert st == 403, s
    assert "the integer value of priority (5) must not be provided in pod spec" in s["message"]
    st, p = apiserver.json("POST", PODS, pod("z", priorityClassName="mid", priority=10))
    assert st == 201 and p["spec"]["priority"] == 10


def test_scheduling_gates_may_be_removed_not_added(apiserver):
    st, p = apiserver.json("POST", PODS, pod("g", schedulingGates=[{"name": "a"}, {"name": "b"}]))
    assert st == 201, p
    p["spec"]["schedulingGates"] = [{"name": "b"}]
    st, p2 = apiserver.json("PUT", PODS + "/g", p)
    assert st == 200, p2
    assert p2["spec"]["schedulingGates"] == [{"name": "b"}]
    p2["spec"]["schedulingGates"] = [{"name": "b"}, {"name": "c"}]
    st, s = apiserver.json("PUT", PODS + "/g", p2)
    assert st == 422, s
    del p2["spec"]["schedulingGates"]
    st, p3 = apiserver.json("PUT", PODS + "/g", p2)
    assert st == 200, p3
    assert "schedulingGates" not in p3["spec"]


def test_preemption_policy_from_class(apiserver):
    assert apiserver.json("POST", PCS, pc("nopreempt", 7, policy="Never"))[0] == 201
    st, s = apiserver.json("POST", PODS, pod("pp", priorityClassName="nopreempt",
                                             preemptionPolicy="PreemptLowerPriority"))
    assert st == 403, s
    assert "the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided" in s["message"]
    st, p = apiserver.json("POST", PODS, pod("pp2", priorityClassName="system-cluster-critical"))
    assert st == 201 and p["spec"]["preemptionPolicy"] == "PreemptLowerPriority"
