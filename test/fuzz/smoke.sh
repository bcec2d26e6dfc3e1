#!/bin/sh
# smoke.sh BIN_DIR SECONDS NAME...: run each libFuzzer target for SECONDS over
# a scratch copy of its committed corpus; a crash fails the run and leaves the
# reproducer under _output/fuzz/crashes/.
set -u
bindir=$1 secs=$2
shift 2
fail=0
for name in "$@"; do
	work=$(mktemp -d)
	crashes=_output/fuzz/crashes/$name
	mkdir -p "$crashes"
	[ -d "test/fuzz/corpus/$name" ] && cp -r "test/fuzz/corpus/$name/." "$work/"
	if "$bindir/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" "$work" >"$work.log" 2>&1; then
		echo "ok $name ($(grep -c . "$work.log") log lines)"
	else
		echo "FAIL $name"; tail -30 "$work.log"; fail=1
	fi
	rm -rf "$work" "$work.log"
done
exit $fail
