#!/usr/bin/env bash
# fuzz.sh [DURATION [MIN_RATE]]: runs every Go fuzz target of the module for DURATION each (default 60s) and checks
# that it fuzzes: a target fails when `go test -fuzz` fails or when it ran fewer than MIN_RATE executions per second
# while fuzzing (default 1000, or FUZZ_MIN_RATE; 0 turns the rate check off). The rate is the last "execs" count
# `go test` printed divided by the time from "now fuzzing" to its last line: before that, go test replays the corpus
# it keeps in its cache (the "baseline coverage"), whose length grows from run to run and which go test does not count
# as executions; the table shows it beside. One summary line per target as it ends, a table of all at the end, exit
# code 1 when any target failed or was too slow.
#
# Minimizing each new corpus entry is bounded to FUZZ_MINIMIZE runs (default 100x): with Go's default (up to 60 s per
# entry, runs counted only when it ends) a target whose code keeps finding coverage spends a short run minimizing
# and shows a few executions. A crasher is still written to testdata/fuzz/<target>/, minimized within that bound.
#
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" failure when -fuzztime ends while a worker
# is busy (golang/go#75804, fixed in Go 1.27). A run that fails with that message alone and writes no failing input
# is reported as "ok (go#75804)", not as a failure.
set -uo pipefail
duration="${1:-60s}"
min_rate="${2:-${FUZZ_MIN_RATE:-1000}}"
minimize="${FUZZ_MINIMIZE:-100x}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# seconds turns a Go duration as `go test` prints it (45s, 1m0s, 1h2m3s) into whole seconds.
seconds() {
	awk -v d="$1" 'BEGIN {
		s = 0
		while (match(d, /^[0-9.]+[hms]/)) {
			n = substr(d, 1, RLENGTH - 1); u = substr(d, RLENGTH, 1)
			s += (u == "h") ? n * 3600 : (u == "m") ? n * 60 : n
			d = substr(d, RLENGTH + 1)
		}
		print int(s)
	}'
}

# failure_reasons prints the indented lines under "--- FAIL:" in $log, trimmed.
failure_reasons() {
	awk '/^--- FAIL:/ { in_fail = 1; next } in_fail && /^    / { sub(/^ +/, ""); print; next } { in_fail = 0 }' "$log"
}

# verdict prints "<execs> <seconds> <baseline seconds> <rate> <status>" for the go test output in $log and exit
# code $1.
verdict() {
	local rc="$1" line elapsed execs secs start fuzzing rate status
	line=$(grep -E '^fuzz: elapsed: [0-9hms.]+, execs: [0-9]+' "$log" | tail -n1)
	elapsed=$(sed -E 's/^fuzz: elapsed: ([0-9hms.]+),.*/\1/' <<<"$line")
	execs=$(sed -E 's/.*execs: ([0-9]+).*/\1/' <<<"$line")
	secs=$(seconds "${elapsed:-0s}")
	start=$(grep -E '^fuzz: elapsed: [0-9hms.]+, .*now fuzzing' "$log" | tail -n1 | sed -E 's/^fuzz: elapsed: ([0-9hms.]+),.*/\1/')
	start=$(seconds "${start:-0s}")
	[ -n "$execs" ] || execs=0
	fuzzing=$((secs - start))
	[ "$fuzzing" -ge 1 ] || fuzzing=1
	rate=$((execs / fuzzing))
	status=ok
	if [ "$rc" -ne 0 ]; then
		status=FAILED
		if ! grep -q 'Failing input written to' "$log" && [ "$(failure_reasons)" = "context deadline exceeded" ]; then
			status="ok (go#75804)"
		fi
	fi
	if [ "$status" != FAILED ] && [ "$rate" -lt "$min_rate" ]; then
		status="TOO SLOW (< $min_rate/s)"
	fi
	echo "$execs $secs $start $rate $status"
}

summary=()
failed=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
		echo "== $pkg $target ($duration)"
		rc=0
		go test -run='^$' -fuzz="^${target}\$" -fuzztime="$duration" -fuzzminimizetime="$minimize" "$pkg" 2>&1 |
			tee "$log" || rc=$?
		read -r execs secs start rate status <<<"$(verdict "$rc")"
		line=$(printf '%-19s %-20s %-30s %10s execs %5ss (baseline %3ss) %8s/s' "$status" \
			"${pkg#github.com/bylaw-dev/bylaw/}" "$target" "$execs" "$secs" "$start" "$rate")
		echo "fuzz: $line"
		summary+=("$line")
		case "$status" in ok*) ;; *) failed=1 ;; esac
	done
done
echo
echo "fuzz summary (minimum $min_rate execs/s; $duration per target):"
printf '%s\n' "${summary[@]}"
exit "$failed"
