#!/bin/sh
# packaging/deps.sh: install the Debian packages this project needs to build
# and test (see DESIGN.md, "Dependencies"). Idempotent: installs only what is
# missing, runs apt-get update at most once, quiet on success. When not root it
# prints the one apt-get line to run and exits 1.
set -u

BUILD="gcc make pkg-config clang libclang-rt-14-dev \
 libevent-dev libcjson-dev libnghttp2-dev libyaml-dev libmbedtls-dev \
 libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler"
# The packaging tests use rpm (rpmbuild), systemd (systemd-analyze, -sysusers,
# -tmpfiles), libcap2-bin (getcap), man-db (man), strace (syscall filter check)
# and systemd-container (systemd-nspawn: the units under a real systemd).
RUNTIME="etcd-server etcd-client containerd runc containernetworking-plugins \
 iptables nftables conntrack rpm python3-pytest python3-kubernetes \
 busybox-static umoci skopeo docker-registry haproxy nginx-light wrk valgrind \
 iproute2 procps curl openssl socat systemd libcap2-bin man-db strace systemd-container"

missing=""
for p in $BUILD $RUNTIME; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$s" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages; run: sudo apt-get install -y$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Try without an update first; update once only if that fails.
if ! apt-get install -y -q --no-install-recommends $missing >"$log" 2>&1; then
	apt-get update -q >>"$log" 2>&1
	if ! apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1; then
		cat "$log" >&2
		echo "deps.sh: apt-get install failed for:$missing" >&2
		exit 1
	fi
fi
# Debian starts some daemons on install; the tests start their own.
for svc in etcd containerd nginx haproxy docker-registry; do
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl disable --now "$svc" >/dev/null 2>&1 || true
	fi
done
exit 0
