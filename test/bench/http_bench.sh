#!/bin/sh
# http_bench.sh: requests/s and latency of a trivial kube_http handler and of
# nginx serving a fixed 200, measured with wrk over HTTP/1.1 keep-alive in
# the same run, and their ratio. (TLS is measured once the TLS transport
# lands.) Figures only.
set -u
B=${KUBE_BUILD:-_output}
DUR=${BENCH_SECONDS:-5}
command -v wrk >/dev/null || { echo "http_bench: wrk not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'kill $ours $ng 2>/dev/null; rm -rf "$tmp"' EXIT

"$B/test/bench/http_server" 0 >"$tmp/port" &
ours=$!
sleep 0.3
port=$(head -1 "$tmp/port")

ngport=$(( (port % 20000) + 30000 ))
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$ngport; location / { return 200 "ok"; } }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
ng=$!
sleep 0.5

run() { # name url
	out=$(wrk -t2 -c50 -d"${DUR}s" --latency "$2" 2>&1)
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1=="50%" {print $2}')
	p99=$(echo "$out" | awk '$1=="99%" {print $2}')
	echo "$1: $rps req/s, p50 $p50, p99 $p99" >>"$tmp/lines"
	echo "$rps"
}
a=$(run "kube_http (1 thread)" "http://127.0.0.1:$port/")
b=$(run "nginx (1 worker)    " "http://127.0.0.1:$ngport/")
cat "$tmp/lines"
awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "ratio kube_http/nginx: %.2f\n", a / b }'
