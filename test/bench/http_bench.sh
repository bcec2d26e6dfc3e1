#!/bin/sh
# http_bench.sh [BUILD_DIR]: requests/s and p99 latency of a trivial kube_http
# handler (test/bench/http_server.c, fixed 200 "ok") and of nginx returning
# the same fixed 200, measured with wrk over HTTP/1.1 keep-alive and over TLS,
# in the same run; prints both and the ratio. Prints figures, never fails on
# speed. Env: DURATION (5s), THREADS (2), CONNS (50).
set -u
B=${1:-_output}
DURATION=${DURATION:-5s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-50}
SERVER=$B/test/bench/http_server

for tool in wrk nginx openssl; do
	if ! command -v $tool >/dev/null 2>&1 && [ ! -x /usr/sbin/$tool ]; then
		echo "http_bench: $tool not installed, skipping"
		exit 0
	fi
done
[ -x "$SERVER" ] || { echo "http_bench: $SERVER not built (make bench)"; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
	sleep 0.2
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 || { echo "openssl failed"; exit 1; }

wait_port() { # wait until something listens on $1
	i=0
	while [ $i -lt 50 ]; do
		if /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then
			return 0
		fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

KP=$(free_port); KS=$(free_port); NP=$(free_port); NS=$(free_port)
"$SERVER" "$KP" >/dev/null 2>&1 & pids="$pids $!"
"$SERVER" "$KS" "$tmp/cert.pem" "$tmp/key.pem" >/dev/null 2>&1 & pids="$pids $!"

cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $tmp; proxy_temp_path $tmp; fastcgi_temp_path $tmp;
	uwsgi_temp_path $tmp; scgi_temp_path $tmp;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$NP;
		listen 127.0.0.1:$NS ssl;
		ssl_certificate $tmp/cert.pem;
		ssl_certificate_key $tmp/key.pem;
		location / { default_type text/plain; return 200 "ok"; }
	}
}
EOF
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/error.log" 2>/dev/null || { echo "nginx failed to start"; cat "$tmp/error.log"; exit 1; }

for p in $KP $KS $NP $NS; do
	wait_port "$p" || { echo "http_bench: port $p did not open"; exit 1; }
done

# run_wrk URL -> "RPS P99_MS"
run_wrk() {
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$1" 2>&1)
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	case "$p99" in
	*us) p99=$(echo "${p99%us}" | awk '{printf "%.3f", $1 / 1000}') ;;
	*ms) p99=${p99%ms} ;;
	*s) p99=$(echo "${p99%s}" | awk '{printf "%.3f", $1 * 1000}') ;;
	esac
	errs=$(echo "$out" | grep -E 'Non-2xx|Socket errors' | tr '\n' ' ')
	echo "${rps:-0} ${p99:-0} $errs"
}

echo "http_bench: wrk -t$THREADS -c$CONNS -d$DURATION, trivial 200 \"ok\" handler"
printf '%-10s %-12s %12s %10s\n' transport server 'req/s' 'p99(ms)'
for mode in http https; do
	if [ $mode = http ]; then kport=$KP nport=$NP; else kport=$KS nport=$NS; fi
	set -- $(run_wrk "$mode://127.0.0.1:$kport/")
	k_rps=$1 k_p99=$2
	shift 2; [ $# -gt 0 ] && echo "  kube_http: $*"
	set -- $(run_wrk "$mode://127.0.0.1:$nport/")
	n_rps=$1 n_p99=$2
	shift 2; [ $# -gt 0 ] && echo "  nginx: $*"
	printf '%-10s %-12s %12s %10s\n' $mode kube_http "$k_rps" "$k_p99"
	printf '%-10s %-12s %12s %10s\n' $mode nginx "$n_rps" "$n_p99"
	echo "$k_rps $n_rps $k_p99 $n_p99" | awk -v m=$mode '{
		r = ($2 > 0) ? $1 / $2 : 0; l = ($4 > 0) ? $3 / $4 : 0;
		printf "%-10s ratio kube_http/nginx: req/s %.2f, p99 %.2f\n", m, r, l }'
done
