#!/usr/bin/env bash
# compare.sh [CORPUS]: two policy sets through `bylaw apply`, side by side in one run.
#
# Generates PODS (default 1000) Pods with podgen (seed SEED, default 1) and builds bylaw once, then RUNS times
# (default 5) runs `bylaw apply` with set A and right after with set B on the same Pods (JSON output to a file), so
# both see the same machine. Prints each run's wall time of both and their ratio, then the medians:
#   median wall: A <a> s, B <b> s; B/A <ratio> (<n> runs, <pods> pods)
# Defaults: A is the pod-security pattern set (CORPUS/pod-security/baseline and restricted), B the
# ValidatingPolicy set CORPUS/pod-security-vpol. A and B may be set to space-separated lists of files or folders.
# Exit code 1 from bylaw means "an Enforce rule failed" and is expected.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-${BYLAW_CORPUS:-$root/../shared/conformance/kyverno-policies}}"
pods="${PODS:-1000}"
seed="${SEED:-1}"
runs="${RUNS:-5}"
read -r -a set_a <<<"${A:-$corpus/pod-security/baseline $corpus/pod-security/restricted}"
read -r -a set_b <<<"${B:-$corpus/pod-security-vpol}"
for p in "${set_a[@]}" "${set_b[@]}"; do
	[[ -e "$p" ]] || { echo "compare.sh: $p not found (pass the corpus folder or set BYLAW_CORPUS)" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && go run ./tests/bench/podgen -n "$pods" -seed "$seed" -o "$work")
(cd "$root" && go build -o "$work/bylaw" ./cmd/bylaw)

# wall runs bylaw apply on the given policies and prints its wall time in seconds.
wall() {
	local start end rc=0
	start=$(date +%s.%N)
	"$work/bylaw" apply "$@" --resource "$work/pods.yaml" -o json >"$work/out" 2>"$work/err" || rc=$?
	end=$(date +%s.%N)
	if [[ $rc -ne 0 && $rc -ne 1 ]]; then
		echo "compare.sh: bylaw apply $* exited $rc" >&2
		cat "$work/err" >&2
		exit "$rc"
	fi
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

echo "A: ${set_a[*]}"
echo "B: ${set_b[*]}"
: >"$work/times"
for i in $(seq 1 "$runs"); do
	a=$(wall "${set_a[@]}")
	b=$(wall "${set_b[@]}")
	echo "$a $b" >>"$work/times"
	awk -v i="$i" -v a="$a" -v b="$b" 'BEGIN { printf "run %d: A %.3f s, B %.3f s, B/A %.2f\n", i, a, b, b / a }'
done
sort -n -k1,1 "$work/times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' >"$work/ma"
sort -n -k2,2 "$work/times" | awk '{ b[NR] = $2 } END { print b[int((NR + 1) / 2)] }' >"$work/mb"
awk -v a="$(cat "$work/ma")" -v b="$(cat "$work/mb")" -v n="$runs" -v p="$pods" \
	'BEGIN { printf "median wall: A %.3f s, B %.3f s; B/A %.2f (%d runs, %d pods)\n", a, b, b / a, n, p }'
