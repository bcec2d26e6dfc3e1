#!/bin/sh
# hollow_nodes_bench.sh: kube-apiserver (embedded store) carrying N hollow
# nodes (default 5,000): the time until every node is registered Ready with
# its Lease, request latency p50/p99 and errors during a steady period of
# lease renewals (every 10 s per node), the hollow process's peak RSS and
# the API server's RSS. Figures only. Env: NODES, BENCH_SECONDS.
set -u
B=${KUBE_BUILD:-_output}
NODES=${NODES:-5000}
DUR=${BENCH_SECONDS:-30}
tmp=$(mktemp -d)
port=$(( 20000 + $$ % 20000 ))
trap 'kill $api 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
url=http://127.0.0.1:$port

"$B/bin/kube-apiserver" --insecure-port=$port --secure-port=0 --data-dir="$tmp/data" \
	--etcd-compaction-interval=0 >"$tmp/log" 2>&1 &
api=$!
until curl -fs "$url/readyz" >/dev/null 2>&1; do sleep 0.01; done
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$api/status; }
echo "kube-apiserver idle RSS: $(rss)"
"$B/test/bench/hollow_nodes" --master="$url" --nodes="$NODES" --run-for="${DUR}s"
echo "kube-apiserver RSS with $NODES nodes and leases: $(rss)"
echo "nodes stored Ready: $(curl -fs "$url/api/v1/nodes" | grep -o '"reason":"KubeletReady"' | wc -l)"
