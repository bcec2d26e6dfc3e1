#!/bin/sh
# run.sh BUILD_DIR MODE: run the test suites and print one final line
# "N passed, N failed". MODE is "unit" (unit tests) or "all" (unit tests,
# fuzz corpus replays, e2e pytest suites). VALGRIND=1 runs the unit tests
# under valgrind's leak checker. Exit status is 1 on any failure.
set -u
B=$1 MODE=$2
passed=0 failed=0
failures=""
logdir=$B/test-logs
mkdir -p "$logdir"

count_line() { # add "N passed, N failed" from the last such line of $1
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$line" ]; then
		return 1
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
}

for t in $(find "$B/test/unit" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort); do
	name=${t#$B/test/unit/}
	log=$logdir/unit-$(echo "$name" | tr / _).log
	if [ "${VALGRIND:-0}" = 1 ]; then
		timeout 900 valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
			--error-exitcode=99 "$t" >"$log" 2>&1
	else
		timeout 600 "$t" >"$log" 2>&1
	fi
	rc=$?
	if ! count_line "$log"; then
		failed=$((failed + 1))
	elif [ $rc -ne 0 ] && ! grep -q FAIL "$log"; then
		failed=$((failed + 1)) # crashed, leaked under valgrind, or timed out
	fi
	if [ $rc -ne 0 ]; then
		failures="$failures $name"
		echo "FAIL $name (exit $rc):"; grep -E 'FAIL|^  |ERROR|==[0-9]+==' "$log" | head -40
	else
		echo "ok   $name: $(tail -1 "$log")"
	fi
done

for t in test/unit/*.sh; do
	log=$logdir/unit-${t##*/}.log
	if sh "$t" >"$log" 2>&1 && count_line "$log"; then
		echo "ok   $t"
	else
		count_line "$log" || failed=$((failed + 1))
		failures="$failures $t"; echo "FAIL $t"; tail -20 "$log"
	fi
done

if [ "$MODE" = all ]; then
	for r in $(find "$B/test/fuzz" -type f -name 'replay_*' 2>/dev/null | sort); do
		name=${r##*/replay_}
		log=$logdir/fuzz-$name.log
		if timeout 600 "$r" "test/fuzz/corpus/$name" >"$log" 2>&1; then
			passed=$((passed + 1)); echo "ok   fuzz replay $name: $(tail -1 "$log")"
		else
			failed=$((failed + 1)); failures="$failures fuzz:$name"
			echo "FAIL fuzz replay $name"; tail -20 "$log"
		fi
	done

	if ls test/e2e/test_*.py >/dev/null 2>&1; then
		log=$logdir/e2e.log
		KUBE_BIN=$(cd "$B/bin" && pwd) KUBE_BUILD=$(cd "$B" && pwd) \
			timeout 1500 /usr/bin/python3 -m pytest -p no:cacheprovider -q -rfE \
			test/e2e >"$log" 2>&1
		rc=$?
		tail -40 "$log"
		line=$(grep -E '(passed|failed|error).* in [0-9.]+s' "$log" | tail -1)
		p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
		f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true)
		e=$(echo "$line" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+' || true)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0} + ${e:-0}))
		if [ $rc -ne 0 ] && [ $((${f:-0} + ${e:-0})) -eq 0 ]; then
			failed=$((failed + 1)); failures="$failures e2e(exit $rc)"
		fi
	fi
fi

[ -n "$failures" ] && echo "failures:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
