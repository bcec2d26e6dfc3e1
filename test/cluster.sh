#!/bin/sh
# cluster.sh BIN_DIR: run a one-node cluster on this machine with the
# embedded store: kube-apiserver on 127.0.0.1:8080 (data in
# _output/cluster/data), plus each other daemon once it is implemented.
# Writes _output/cluster/kubeconfig, says how to use it, and stops
# everything it started on Ctrl-C. CLUSTER_HOLLOW_NODES=N adds N simulated
# nodes (test/bench/hollow_nodes) that run pods without containers, until
# the kubelet exists.
set -u
BIN=$1
DIR=${CLUSTER_DIR:-_output/cluster}
PORT=${CLUSTER_PORT:-8080}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
pids=""

stop() {
	trap - INT TERM EXIT
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	echo "cluster stopped"
	exit 0
}
trap stop INT TERM EXIT

"$BIN/kube-apiserver" --insecure-port="$PORT" --insecure-bind-address=127.0.0.1 \
	--secure-port=0 --data-dir="$DIR/data" --cert-dir="$DIR/certs" \
	>"$DIR/kube-apiserver.log" 2>&1 &
pids="$pids $!"
i=0
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "kube-apiserver did not become ready; see $DIR/kube-apiserver.log" >&2
		tail -5 "$DIR/kube-apiserver.log" >&2
		exit 1
	fi
	sleep 0.1
done

cat >"$DIR/kubeconfig" <<CONF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: http://127.0.0.1:$PORT
contexts:
- name: local
  context:
    cluster: local
    user: local
current-context: local
users:
- name: local
  user: {}
CONF

# The other programs join once they do more than parse flags: one that
# exits at once says why in its log.
for p in kube-scheduler kube-controller-manager kubelet kube-proxy; do
	case $p in
	kubelet) "$BIN/$p" --kubeconfig="$DIR/kubeconfig" >"$DIR/$p.log" 2>&1 & ;;
	*) "$BIN/$p" --master="http://127.0.0.1:$PORT" >"$DIR/$p.log" 2>&1 & ;;
	esac
	pid=$!
	sleep 0.2
	if kill -0 "$pid" 2>/dev/null; then
		pids="$pids $pid"
	else
		echo "$p: not started: $(tail -1 "$DIR/$p.log" | sed 's/^[IWEF][0-9 :.]*[0-9]* [^]]*] //')"
	fi
done

if [ "${CLUSTER_HOLLOW_NODES:-0}" -gt 0 ]; then
	hollow=$(dirname "$BIN")/test/bench/hollow_nodes
	if [ -x "$hollow" ]; then
		"$hollow" --master="http://127.0.0.1:$PORT" --nodes="$CLUSTER_HOLLOW_NODES" \
			>"$DIR/hollow_nodes.log" 2>&1 &
		pids="$pids $!"
		echo "hollow_nodes: $CLUSTER_HOLLOW_NODES simulated nodes (log in $DIR/hollow_nodes.log)"
	else
		echo "hollow_nodes: not built (make test-bins)"
	fi
fi

cat <<MSG
kube-apiserver is serving on http://127.0.0.1:$PORT (embedded store in $DIR/data).
Use it with:
  export KUBECONFIG=$DIR/kubeconfig
  kubectl get ns
  kubectl create deployment web --image=busybox --replicas=3
  kubectl get cs
Logs are in $DIR. Press Ctrl-C to stop everything.
MSG
wait
