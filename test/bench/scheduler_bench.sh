#!/bin/sh
# scheduler_bench.sh: a scheduler_perf-like run against the real API server
# with hollow nodes: kube-apiserver, hollow_nodes (NODES, default 5,000),
# kube-scheduler, then PODS pods (default 10,000; 100m cpu, 64Mi each) are
# created by CREATORS threads and the run ends when every pod is bound.
# Prints pods/s end to end (first create -> last bind), the creation rate,
# then the drain rate of as many pods queued while the scheduler was stopped,
# scheduling-attempt latency p50/p99 (the scheduler's histogram), and the
# scheduler's peak RSS. Then the same with 1,000 nodes, and 1,000 pods with
# required anti-affinity on kubernetes.io/hostname. Figures only.
# Env: NODES, PODS, CREATORS, SKIP_SMALL=1 to run the first case only.
set -u
B=${KUBE_BUILD:-_output}
NODES=${NODES:-5000}
PODS=${PODS:-10000}
CREATORS=${CREATORS:-8}
PY=/usr/bin/python3

run_case() { # nodes pods anti
	tmp=$(mktemp -d)
	port=$(( 20000 + $$ % 20000 ))
	hport=$(( port + 1 ))
	url=http://127.0.0.1:$port
	"$B/bin/kube-apiserver" --insecure-port=$port --secure-port=0 --data-dir="$tmp/data" \
		--etcd-compaction-interval=0 >"$tmp/api.log" 2>&1 &
	api=$!
	until curl -fs "$url/readyz" >/dev/null 2>&1; do sleep 0.01; done
	"$B/test/bench/hollow_nodes" --master="$url" --nodes="$1" >"$tmp/hollow.log" 2>&1 &
	hollow=$!
	until grep -q "nodes ready" "$tmp/hollow.log" 2>/dev/null; do sleep 0.05; done
	"$B/bin/kube-scheduler" --master="$url" --leader-elect=false --port=$hport --address=127.0.0.1 \
		--secure-port=0 --kube-api-qps=-1 --kube-api-burst=100000 >"$tmp/sched.log" 2>&1 &
	sched=$!
	until curl -fs "http://127.0.0.1:$hport/readyz" >/dev/null 2>&1; do sleep 0.02; done
	echo "-- $1 nodes, $2 pods$( [ "$3" = 1 ] && echo ', required pod anti-affinity (hostname)')"
	$PY - "$url" "$hport" "$2" "$CREATORS" "$3" "$sched" "$api" <<'EOF'
import http.client, json, os, signal, sys, threading, time, urllib.parse
url, hport, pods, creators, anti, pid, apipid = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
                                                 sys.argv[5] == "1", sys.argv[6], sys.argv[7])
u = urllib.parse.urlparse(url)

def pod(i, group):
    spec = {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10",
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}
    labels = {"app": group}
    if anti:
        spec["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": group}}, "topologyKey": "kubernetes.io/hostname"}]}}
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s-%d" % (group, i), "labels": labels},
                       "spec": spec}).encode()

errors = []

def create(k, bodies):
    c = http.client.HTTPConnection(u.hostname, u.port)
    for i in range(k, pods, creators):
        c.request("POST", "/api/v1/namespaces/default/pods", bodies[i], {"Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        if r.status != 201:
            errors.append(r.status)

def metrics():
    c = http.client.HTTPConnection("127.0.0.1", hport)
    c.request("GET", "/metrics")
    return c.getresponse().read().decode()

def scheduled(text):
    for l in text.splitlines():
        if l.startswith('scheduler_schedule_attempts_total{result="scheduled"'):
            return int(float(l.split()[-1]))
    return 0

def create_all(group):
    bodies = [pod(i, group) for i in range(pods)]
    t0 = time.time()
    ts = [threading.Thread(target=create, args=(k, bodies)) for k in range(creators)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.time() - t0

def wait_bound(want, t0):
    while True:
        text = metrics()
        if scheduled(text) >= want:
            return text
        if time.time() - t0 > 600:
            print("timed out: %d of %d bound" % (scheduled(text), want))
            return text
        time.sleep(0.02)

# phase 1: pods created while the scheduler runs (end to end)
t0 = time.time()
t_created = create_all("bench")
text = wait_bound(pods, t0)
total = time.time() - t0
# phase 2: as many pods queued while the scheduler is stopped, then drained
os.kill(int(pid), signal.SIGSTOP)
create_all("drain")
t1 = time.time()
os.kill(int(pid), signal.SIGCONT)
text = wait_bound(2 * pods, t1)
drain = time.time() - t1

def quantile(text, name, q):
    buckets = []
    for l in text.splitlines():
        if l.startswith(name + "_bucket{") and ('result="scheduled"' in l or "result" not in l):
            le = l.split('le="')[-1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), float(l.split()[-1])))
    buckets.sort()
    n = buckets[-1][1] if buckets else 0
    for le, c in buckets:
        if c >= q * n:
            return le
    return float("nan")

def cpu(p):
    f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

rss = 0
for l in open("/proc/%s/status" % pid):
    if l.startswith("VmHWM"):
        rss = int(l.split()[1]) / 1024
print("pods created in %.2fs (%.0f pods/s, %d errors)" % (t_created, pods / t_created, len(errors)))
print("all %d pods bound %.2fs after the first create: %.0f pods/s end to end" % (pods, total, pods / total))
name = "scheduler_scheduling_attempt_duration_seconds"
print("%d more pods queued while the scheduler was stopped, drained in %.2fs: %.0f pods/s"
      % (pods, drain, pods / drain))
print("scheduling attempt latency (algorithm + bind, histogram bucket bounds): p50 <= %gs, p99 <= %gs"
      % (quantile(text, name, 0.5), quantile(text, name, 0.99)))
name = "scheduler_scheduling_algorithm_duration_seconds"
print("scheduling algorithm latency (filter + score, histogram bucket bounds): p50 <= %gs, p99 <= %gs"
      % (quantile(text, name, 0.5), quantile(text, name, 0.99)))
print("kube-scheduler peak RSS: %.1f MB, CPU time %.2fs; kube-apiserver CPU time %.2fs"
      % (rss, cpu(pid), cpu(apipid)))
EOF
	kill $sched $hollow 2>/dev/null
	wait $sched $hollow 2>/dev/null
	kill $api 2>/dev/null
	wait $api 2>/dev/null
	rm -rf "$tmp"
}

run_case "$NODES" "$PODS" 0
if [ "${SKIP_SMALL:-0}" != 1 ]; then
	run_case 1000 "$PODS" 0
	run_case 1000 1000 1
fi
