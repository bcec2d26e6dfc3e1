#!/bin/sh
# run.sh BUILD_DIR: run every benchmark: the C programs named *_bench built
# from test/bench/*.c, and the scripts test/bench/*_bench.sh. Benchmarks
# print figures (throughput, latency percentiles, RSS, ratios to a peer);
# they do not pass or fail on speed. Output is also kept in
# BUILD_DIR/bench-results.txt.
set -u
B=$1
out=$B/bench-results.txt
: >"$out"
for t in $(ls "$B"/test/bench/*_bench 2>/dev/null) $(ls test/bench/*_bench.sh 2>/dev/null); do
	echo "== $t" | tee -a "$out"
	case $t in
	*.sh) KUBE_BUILD=$B sh "$t" 2>&1 | tee -a "$out" ;;
	*) KUBE_BUILD=$B "$t" 2>&1 | tee -a "$out" ;;
	esac
done
echo "results in $out"
