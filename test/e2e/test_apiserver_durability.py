"""kill -9 the API server during a burst of creates from 8 clients: every
create that returned 201 is there after the restart, and a watch started
before the crash resumes from its last resourceVersion with no missing
event."""

import http.client as httplib
import json
import threading
import time

from conftest import wait_for

CLIENTS = 8
PER_CLIENT = 1250  # 10,000 creates offered; the kill lands in the middle
NS_PATH = "/api/v1/namespaces/default/configmaps"


def creator(port, idx, acked, stop):
    conn = None
    for i in range(PER_CLIENT):
        if stop.is_set():
            return
        name = "burst-%d-%d" % (idx, i)
        body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": name, "labels": {"burst": "1"}}, "data": {"i": str(i)}})
        try:
            if conn is None:
                conn = httplib.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", NS_PATH, body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
        except (OSError, httplib.HTTPException):
            return  # the server died: stop this client
        if r.status == 201:
            acked.append((name, int(json.loads(data)["metadata"]["resourceVersion"])))


def watcher(port, from_rv, seen, state, stop):
    """Record ADDED events; on disconnect remember where to resume."""
    conn = httplib.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", NS_PATH + "?watch=true&labelSelector=burst%%3D1&resourceVersion=%d" % from_rv)
    r = conn.getresponse()
    state["status"] = r.status
    try:
        while not stop.is_set():
            line = r.readline()
            if not line:
                break
            ev = json.loads(line)
            if ev["type"] == "ERROR":
                state["error"] = ev
                break
            rv = int(ev["object"]["metadata"]["resourceVersion"])
            seen[ev["object"]["metadata"]["name"]] = (ev["type"], rv)
            state["last_rv"] = rv
    except (OSError, httplib.HTTPException, ValueError):
        pass
    finally:
        conn.close()


def test_kill9_during_create_burst(start_server):
    srv = start_server("--etcd-compaction-interval=0")
    st, _, body = srv.request("GET", NS_PATH)
    start_rv = int(json.loads(body)["metadata"]["resourceVersion"])

    seen, state, stop = {}, {"last_rv": start_rv}, threading.Event()
    wt = threading.Thread(target=watcher, args=(srv.port, start_rv, seen, state, stop), daemon=True)
    wt.start()

    acked = []
    threads = [threading.Thread(target=creator, args=(srv.port, i, acked, stop), daemon=True)
               for i in range(CLIENTS)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    wait_for(lambda: len(acked) >= 4000 or not any(t.is_alive() for t in threads), timeout=60,
             what="4000 acknowledged creates")
    srv.kill9()
    elapsed = time.monotonic() - t0
    for t in threads:
        t.join(15)
    wt.join(15)
    assert state.get("status") == 200
    n_acked = len(acked)
    assert n_acked >= 4000, n_acked
    print("acked %d creates in %.2fs before kill -9 (%.0f/s)" % (n_acked, elapsed, n_acked / elapsed))

    srv.start()  # same data dir and port

    # every acknowledged create survived, with its resourceVersion
    st, _, body = srv.request("GET", NS_PATH + "?labelSelector=burst%3D1")
    assert st == 200
    items = {i["metadata"]["name"]: int(i["metadata"]["resourceVersion"]) for i in json.loads(body)["items"]}
    missing = [n for n, _ in acked if n not in items]
    assert not missing, "%d acknowledged creates lost, e.g. %s" % (len(missing), missing[:5])
    for name, rv in acked:
        assert items[name] == rv

    # the watch resumes from its last resourceVersion and nothing is missing
    resume_rv = state["last_rv"]
    before = dict(seen)
    stop2 = threading.Event()
    seen2, state2 = {}, {"last_rv": resume_rv}
    wt2 = threading.Thread(target=watcher, args=(srv.port, resume_rv, seen2, state2, stop2), daemon=True)
    wt2.start()
    want = set(items)
    wait_for(lambda: "status" in state2 or not wt2.is_alive(), timeout=20, what="the resumed watch")
    wait_for(lambda: want <= (set(before) | set(seen2)) or "error" in state2 or not wt2.is_alive(),
             timeout=20, what="the resumed watch to catch up")
    stop2.set()
    assert "error" not in state2, state2.get("error")
    assert state2.get("status") == 200
    got = set(before) | set(seen2)
    lost = want - got
    assert not lost, "%d events missing after resume, e.g. %s" % (len(lost), sorted(lost)[:5])
    for name, (typ, rv) in seen2.items():
        assert typ == "ADDED" and rv > resume_rv and items[name] == rv
    # no event delivered twice across the crash
    assert not (set(before) & set(seen2))
    srv.stop()
