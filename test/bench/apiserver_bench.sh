#!/bin/sh
# apiserver_bench.sh: kube-apiserver on the embedded store, measured with wrk
# and curl: creates/s with p50/p99 at 1, 8 and 64 connections, GET/s,
# LIST of 10,000 pods (resourceVersion=0 and consistent), idle RSS and RSS
# with the pods, and the time from exec to /readyz. Figures only.
set -u
B=${KUBE_BUILD:-_output}
DUR=${BENCH_SECONDS:-5}
command -v wrk >/dev/null || { echo "apiserver_bench: wrk not installed"; exit 0; }
tmp=$(mktemp -d)
port=$(( 20000 + $$ % 20000 ))
trap 'kill $api 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
url=http://127.0.0.1:$port

t0=$(date +%s%N)
"$B/bin/kube-apiserver" --insecure-port=$port --secure-port=0 --data-dir="$tmp/data" \
	--etcd-compaction-interval=0 >"$tmp/log" 2>&1 &
api=$!
until curl -fs "$url/readyz" >/dev/null 2>&1; do sleep 0.005; done
t1=$(date +%s%N)
echo "exec to /readyz ok: $(( (t1 - t0) / 1000000 )) ms"
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/$api/status; }
echo "idle RSS: $(rss)"

cat >"$tmp/create.lua" <<'LUA'
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local body = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p-' .. tid .. '-' .. counter ..
    '","labels":{"app":"bench"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}'
  return wrk.format("POST", "/api/v1/namespaces/default/pods", {["Content-Type"]="application/json"}, body)
end
LUA
run() { # label conns threads script-or-empty path
	if [ -n "$4" ]; then
		out=$(wrk -t"$3" -c"$2" -d"${DUR}s" --latency -s "$4" "$url$5" 2>&1)
	else
		out=$(wrk -t"$3" -c"$2" -d"${DUR}s" --latency "$url$5" 2>&1)
	fi
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1=="50%" {print $2}')
	p99=$(echo "$out" | awk '$1=="99%" {print $2}')
	non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
	echo "$1: $rps req/s, p50 $p50, p99 $p99${non2xx:+, non-2xx $non2xx}"
}
# Each run uses fresh names: the lua counter restarts, so prefix by run.
sed 's/p-/c1-/' "$tmp/create.lua" >"$tmp/c1.lua"; run "creates, 1 connection  " 1 1 "$tmp/c1.lua" /api/v1/namespaces/default/pods
sed 's/p-/c8-/' "$tmp/create.lua" >"$tmp/c8.lua"; run "creates, 8 connections " 8 2 "$tmp/c8.lua" /api/v1/namespaces/default/pods
sed 's/p-/c64-/' "$tmp/create.lua" >"$tmp/c64.lua"; run "creates, 64 connections" 64 2 "$tmp/c64.lua" /api/v1/namespaces/default/pods
n=$(curl -s "$url/api/v1/namespaces/default/pods?resourceVersion=0" | grep -o '"kind":"Pod"' | wc -l)
echo "pods stored: $n"
run "GET one pod, 8 connections" 8 2 "" /api/v1/namespaces/default/pods/c1-0-10
t0=$(date +%s%N); curl -s -o /dev/null "$url/api/v1/namespaces/default/pods?resourceVersion=0"; t1=$(date +%s%N)
echo "LIST of $n pods, resourceVersion=0: $(( (t1 - t0) / 1000000 )) ms"
t0=$(date +%s%N); curl -s -o /dev/null "$url/api/v1/namespaces/default/pods"; t1=$(date +%s%N)
echo "LIST of $n pods, consistent: $(( (t1 - t0) / 1000000 )) ms"
echo "RSS with $n pods: $(rss)"
