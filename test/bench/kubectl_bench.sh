#!/bin/sh
# kubectl_bench.sh: our kubectl against the real kubectl.1.32 on one
# kube-apiserver holding 1,000 pods: wall time (median of N runs) and peak
# RSS for `version --client`, `get pods`, `get pods -o json` and `apply -f`
# of a 20-object manifest (each run into a fresh namespace), with the
# ratios ours/real. Figures only.
set -u
B=${KUBE_BUILD:-_output}
RUNS=${BENCH_RUNS:-5}
REAL=${KUBECTL_REAL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
OURS=$B/bin/kubectl
[ -x "$REAL" ] || { echo "kubectl_bench: $REAL not installed"; exit 0; }
[ -x /usr/bin/time ] || { echo "kubectl_bench: /usr/bin/time not installed"; exit 0; }
tmp=$(mktemp -d)
port=$(( 20000 + ($$ + 7) % 20000 ))
trap 'kill $api 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
url=http://127.0.0.1:$port

"$B/bin/kube-apiserver" --insecure-port=$port --secure-port=0 --data-dir="$tmp/data" \
	--etcd-compaction-interval=0 >"$tmp/log" 2>&1 &
api=$!
until curl -fs "$url/readyz" >/dev/null 2>&1; do sleep 0.01; done

# 1,000 pods in one List, created by our kubectl
/usr/bin/python3 - "$tmp/pods.json" "$tmp/apply.json" <<'PY'
import json, sys
pods = {"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "pod-%04d" % i, "labels": {"app": "bench", "i": str(i % 10)}},
     "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}
    for i in range(1000)]}
json.dump(pods, open(sys.argv[1], "w"))
objs = []
for i in range(10):
    objs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-%d" % i}, "data": {"k": str(i)}})
    objs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d-%d" % i},
                 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d-%d" % i}},
                          "template": {"metadata": {"labels": {"app": "d-%d" % i}},
                                       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
json.dump({"apiVersion": "v1", "kind": "List", "items": objs}, open(sys.argv[2], "w"))
PY
"$OURS" -s "$url" create -f "$tmp/pods.json" >/dev/null || { echo "kubectl_bench: creating pods failed"; exit 1; }
echo "pods: $("$OURS" -s "$url" get pods --no-headers | wc -l)"

# measure NAME BINARY ARGS...: prints "median_ms max_rss_kb"
measure() {
	bin=$1; shift
	: >"$tmp/m"
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$tmp/t" "$bin" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; }
		t1=$(date +%s%N)
		echo "$(( (t1 - t0) / 1000 )) $(cat "$tmp/t")" >>"$tmp/m"
		i=$((i + 1))
	done
	sort -n "$tmp/m" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%.1f %d\n", t[int((NR+1)/2)]/1000, m}'
}

nsn=0
row() {
	label=$1; shift
	set -- "$@"
	r=$(measure "$REAL" --cache-dir "$tmp/cache-real" "$@")
	o=$(measure "$OURS" --cache-dir "$tmp/cache-ours" "$@")
	echo "$label $r $o" | awk '{printf "%-24s real %8.1f ms %7d KB | ours %8.1f ms %7d KB | time %.3fx  rss %.3fx\n", $1, $2, $3, $4, $5, $4/$2, $5/$3}'
}

# warm the discovery caches
"$REAL" -s "$url" --cache-dir "$tmp/cache-real" get pods >/dev/null 2>&1
"$OURS" -s "$url" --cache-dir "$tmp/cache-ours" get pods >/dev/null 2>&1

echo "runs per figure: $RUNS (median wall time, max peak RSS)"
row version--client version --client
row get-pods -s "$url" get pods
row get-pods-o-json -s "$url" get pods -o json

# apply: a fresh namespace per run for each client
apply_measure() {
	bin=$1; cache=$2; tag=$3
	: >"$tmp/m"
	i=0
	while [ $i -lt "$RUNS" ]; do
		ns="apply-$tag-$i"
		"$OURS" -s "$url" create namespace "$ns" >/dev/null
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$tmp/t" "$bin" -s "$url" --cache-dir "$cache" -n "$ns" \
			apply -f "$tmp/apply.json" --validate=false >/dev/null 2>"$tmp/err" || cat "$tmp/err" >&2
		t1=$(date +%s%N)
		echo "$(( (t1 - t0) / 1000 )) $(cat "$tmp/t")" >>"$tmp/m"
		i=$((i + 1))
	done
	sort -n "$tmp/m" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%.1f %d\n", t[int((NR+1)/2)]/1000, m}'
}
r=$(apply_measure "$REAL" "$tmp/cache-real" r)
o=$(apply_measure "$OURS" "$tmp/cache-ours" o)
echo "apply-f-20-objects $r $o" | awk '{printf "%-24s real %8.1f ms %7d KB | ours %8.1f ms %7d KB | time %.3fx  rss %.3fx\n", $1, $2, $3, $4, $5, $4/$2, $5/$3}'
