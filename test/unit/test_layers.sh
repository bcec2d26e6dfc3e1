#!/bin/sh
# Checks the include rules written in README.md: libkube layers include only
# lower layers, and no program includes another program's headers.
set -u
cd "$(dirname "$0")/../.."
fail=0
rank() {
	case $1 in
	core) echo 0 ;; net) echo 1 ;; api) echo 2 ;;
	storage|client|auth|pki) echo 3 ;; daemon) echo 4 ;; *) echo 9 ;;
	esac
}
for f in $(find libkube -name '*.[ch]'); do
	layer=$(echo "$f" | cut -d/ -f2)
	for inc in $(grep -hoE '^#include "[a-z]+/' "$f" | sed 's/.*"//; s/\///'); do
		if [ "$(rank "$inc")" -gt "$(rank "$layer")" ] ||
		   { [ "$(rank "$inc")" -eq 3 ] && [ "$(rank "$layer")" -eq 3 ] &&
		     [ "$inc" != "$layer" ]; }; then
			echo "layer violation: $f includes $inc/"; fail=1
		fi
	done
done
progs="kube-apiserver kube-scheduler kube-controller-manager kubelet kube-proxy kubectl"
for p in $progs; do
	for q in $progs; do
		[ "$p" = "$q" ] && continue
		for h in $(ls "$q"/*.h 2>/dev/null); do
			hb=$(basename "$h")
			if grep -qs "#include \"$hb\"" "$p"/*.c "$p"/*.h; then
				echo "program boundary: $p includes $q/$hb"; fail=1
			fi
		done
	done
done
if [ $fail = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
