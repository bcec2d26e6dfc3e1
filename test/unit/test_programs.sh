#!/bin/sh
# Flag compatibility of the built programs (kube-scheduler,
# kube-controller-manager, kubelet, kube-proxy, kubectl): --help and
# --version exit 0, an unknown flag is one line on stderr and exit 2, and
# the seeds' and Fedora env files' legacy flags are accepted. Binaries come
# from $KUBE_BIN, else _output/bin. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=${KUBE_BIN:-_output/bin}
passed=0 failed=0
if [ ! -d "$BIN" ]; then
	echo "no $BIN (run make first): skipped"
	echo "0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect RC PROG ARGS...: run and compare the exit status.
expect() {
	want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ]; then ok; else bad "$* -> exit $rc, want $want: $(head -3 "$tmp/err")"; fi
}

# The not-yet-built daemons exit 1 after parsing successfully; a flag error is 2.
PARSED=1

check_common() {
	p=$1; shift
	expect 0 "$BIN/$p" --help
	for f in "$@"; do
		if grep -q -- "--$f[ =]" "$tmp/out" || grep -q -- "--$f\$" "$tmp/out"; then ok; else bad "$p --help lacks --$f"; fi
	done
	if grep -q '^Usage:' "$tmp/out"; then ok; else bad "$p --help lacks Usage:"; fi
	expect 0 "$BIN/$p" -h
	expect 0 "$BIN/$p" --version
	if grep -q '^Kubernetes v1\.32\.' "$tmp/out"; then ok; else bad "$p --version: $(cat "$tmp/out")"; fi
	expect 2 "$BIN/$p" --no-such-flag
	if [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^Error: unknown flag: --no-such-flag$' "$tmp/err"; then ok
	else bad "$p unknown flag stderr: $(cat "$tmp/err")"; fi
	expect 2 "$BIN/$p" --v=abc
	if [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'invalid argument "abc" for "-v, --v" flag' "$tmp/err"; then ok
	else bad "$p bad --v stderr: $(cat "$tmp/err")"; fi
	# env-file flags (/etc/kubernetes/config)
	expect $PARSED "$BIN/$p" --logtostderr=true --v=0 --log_file= "--vmodule=" --stderrthreshold=2
}

if [ -x "$BIN/kube-scheduler" ]; then
	p=kube-scheduler
	check_common $p master kubeconfig leader-elect leader-elect-lease-duration bind-address secure-port address port
	# the scheduler runs once it has a server: --write-config-to makes it exit 0 after parsing
	expect 0 "$BIN/$p" --master=http://127.0.0.1:8080 --kubeconfig=/dev/null \
		--address=127.0.0.1 --port=10251 --bind-address=0.0.0.0 --secure-port=0 \
		--leader-elect=true --leader_elect_lease_duration=15s --leader-elect-renew-deadline 10s \
		--leader-elect-retry-period=2s --leader-elect-resource-namespace=kube-system \
		--leader-elect-resource-name=kube-scheduler --kube-api-qps=50 --kube-api-burst=100 \
		--write-config-to="$tmp/sched.yaml"
	if grep -q '^  resourceName: kube-scheduler$' "$tmp/sched.yaml" 2>/dev/null; then ok; else bad "$p --write-config-to"; fi
	# no --master nor --kubeconfig: "no configuration has been provided", exit 1
	expect $PARSED "$BIN/$p" --leader_elect=false ""
	expect 2 "$BIN/$p" --secure-port=notaport
	expect 2 "$BIN/$p" --leader-elect-lease-duration=15
	expect 2 "$BIN/$p" stray-argument
	expect 0 "$BIN/$p" --port 10251 --help
fi

if [ -x "$BIN/kube-controller-manager" ]; then
	p=kube-controller-manager
	# With no API server configured it exits 1 once the flags parsed.
	KUBECONFIG=/nonexistent/kubeconfig
	export KUBECONFIG
	check_common $p master kubeconfig controllers concurrent-deployment-syncs node-monitor-grace-period \
		cluster-cidr allocate-node-cidrs service-cluster-ip-range cluster-name root-ca-file \
		service-account-private-key-file terminated-pod-gc-threshold secure-port port
	unset KUBECONFIG
	# With one it runs until SIGTERM (timeout's 124); serving ports off so
	# nothing else on the machine matters.
	expect 124 timeout -s TERM 3 "$BIN/$p" --master=http://127.0.0.1:1 --kubeconfig=/dev/null \
		--address=127.0.0.1 --port=0 --bind-address=127.0.0.1 --secure-port=0 \
		--leader-elect=false --controllers='*,-ttl,bootstrapsigner' --concurrent-deployment-syncs=5 \
		--concurrent_replicaset_syncs=5 --concurrent-rc-syncs 5 --concurrent-endpoint-syncs=5 \
		--concurrent-namespace-syncs=10 --concurrent-gc-syncs=20 --node-monitor-grace-period=40s \
		--pod-eviction-timeout=5m --cluster-cidr=10.244.0.0/16 --allocate-node-cidrs=true \
		--node-cidr-mask-size=24 --service-cluster-ip-range=10.254.0.0/16 --cluster_name=kubernetes \
		--service-account-private-key-file=/x.key --root-ca-file=/ca.crt \
		--cluster-signing-cert-file=/ca.crt --cluster-signing-key-file=/ca.key \
		--terminated-pod-gc-threshold=100
	if grep -q 'Started controllers' "$tmp/err" && grep -q 'shutting down' "$tmp/err"; then ok
	else bad "$p did not start and stop its controllers: $(tail -3 "$tmp/err")"; fi
	expect 2 "$BIN/$p" --node-monitor-grace-period=40
	expect 1 "$BIN/$p" --master=http://127.0.0.1:1 --controllers='*,nosuch'
	if grep -q '"nosuch" is not in the list of known controllers' "$tmp/err"; then ok
	else bad "$p unknown controller: $(cat "$tmp/err")"; fi
fi

if [ -x "$BIN/kubelet" ]; then
	p=kubelet
	check_common $p kubeconfig config pod-manifest-path address port read-only-port healthz-port \
		hostname-override register-node allow-privileged cluster-dns cluster-domain \
		container-runtime-endpoint node-ip node-labels register-with-taints \
		node-status-update-frequency cgroup-driver fail-swap-on max-pods root-dir cert-dir \
		tls-cert-file tls-private-key-file client-ca-file authentication-token-webhook authorization-mode
	# Fedora's kubelet env file, then the seeds' values.
	expect $PARSED "$BIN/$p" --logtostderr=true --v=0 --api-servers=http://127.0.0.1:8080 \
		--address=127.0.0.1 --port=10250 --hostname-override=127.0.0.1 --allow-privileged=false \
		--kubeconfig=/etc/kubernetes/kubelet.kubeconfig
	expect $PARSED "$BIN/$p" --register-node=false --config /etc/kubernetes/manifests \
		--pod-manifest-path=/etc/kubernetes/manifests --read-only-port=10255 --healthz-port=10248 \
		--cluster-dns=10.254.0.10 --cluster_domain=cluster.local \
		--container-runtime-endpoint=unix:///run/containerd/containerd.sock \
		--pod-infra-container-image=registry.k8s.io/pause:3.10 --node-ip=127.0.0.1 \
		--node-labels=role=node,zone=a --register-with-taints=dedicated=x:NoSchedule \
		--node-status-update-frequency=10s --cgroup-driver=systemd --fail-swap-on=false \
		--max-pods=110 --root-dir=/var/lib/kubelet --cert-dir=/var/lib/kubelet/pki \
		--tls-cert-file=/a.crt --tls-private-key-file=/a.key --client-ca-file=/ca.crt \
		--authentication-token-webhook --authorization-mode=Webhook
	expect 2 "$BIN/$p" --node-labels=novalue
	expect 2 "$BIN/$p" --address=not-an-ip
	expect 2 "$BIN/$p" --max-pods=many
fi

if [ -x "$BIN/kube-proxy" ]; then
	p=kube-proxy
	check_common $p master kubeconfig proxy-mode cluster-cidr bind-address healthz-bind-address \
		metrics-bind-address hostname-override masquerade-all iptables-sync-period \
		conntrack-max-per-core conntrack-min conntrack-tcp-timeout-established nodeport-addresses
	expect $PARSED "$BIN/$p" --logtostderr=true --v=0 --master=http://127.0.0.1:8080 \
		--kubeconfig=/dev/null --proxy-mode=iptables --cluster-cidr=10.244.0.0/16 \
		--bind-address=127.0.0.1 --healthz-bind-address=0.0.0.0:10256 --healthz-port=10256 \
		--metrics-bind-address=127.0.0.1:10249 --hostname-override=127.0.0.1 --masquerade-all \
		--iptables-sync-period=30s --conntrack-max-per-core=0 --conntrack-min=131072 \
		--conntrack-tcp-timeout-established=24h --conntrack_tcp_timeout_close_wait=1h \
		--nodeport-addresses=127.0.0.0/8,10.0.0.0/8 --proxy-port-range=30000-32767
	expect 2 "$BIN/$p" --iptables-sync-period=forever
	expect 2 "$BIN/$p" --proxy-port-range=9-1
fi

if [ -x "$BIN/kubectl" ]; then
	p=kubectl
	expect 0 "$BIN/$p" --help
	if grep -q -- '--kubeconfig' "$tmp/out" && grep -q -- '-n, --namespace' "$tmp/out"; then ok; else bad "kubectl --help"; fi
	expect 0 "$BIN/$p" version --client
	if grep -q '^Client Version: v1\.32\.' "$tmp/out"; then ok; else bad "kubectl version: $(cat "$tmp/out")"; fi
	expect 0 "$BIN/$p" version --client -o json
	if /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["clientVersion"]["major"]=="1"' <"$tmp/out"; then ok; else bad "kubectl version -o json"; fi
	expect 1 "$BIN/$p" --no-such-flag
	expect 1 "$BIN/$p" --server=http://127.0.0.1:1 get pods
	if grep -q "The connection to the server 127.0.0.1:1 was refused" "$tmp/err"; then ok; else bad "kubectl unreachable: $(cat "$tmp/err")"; fi
	expect 1 "$BIN/$p" no-such-command
fi

[ "$passed" -gt 0 ] || bad "no programs found in $BIN"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
