#!/usr/bin/env bash
# apply.sh [CORPUS]: the end-to-end load run of `bylaw apply`.
#
# Generates PODS (default 1000) Pods with podgen (seed SEED, default 1), builds bylaw, applies the pod-security
# policies of the Kyverno corpus (POLICIES, default CORPUS/pod-security) to them under /usr/bin/time -v, and prints
# wall time, evaluations per second (policies x Pods) and peak RSS. Exit 1 from bylaw means "some rules failed" and
# is expected; any other non-zero exit is an error.
#
# CORPUS defaults to $BYLAW_CORPUS, then ../shared/conformance/kyverno-policies beside the repository.
# Needs /usr/bin/time (Debian package "time": apt-get install -y time); uses jq, when present, to count results.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-${BYLAW_CORPUS:-$root/../shared/conformance/kyverno-policies}}"
pods="${PODS:-1000}"
seed="${SEED:-1}"
policies="${POLICIES:-$corpus/pod-security}"

if [[ ! -x /usr/bin/time ]]; then
	echo "apply.sh: /usr/bin/time not found; install it with: apt-get install -y time" >&2
	exit 2
fi
if [[ ! -e "$policies" ]]; then
	echo "apply.sh: policies not found at $policies (pass the corpus folder as first argument or set BYLAW_CORPUS)" >&2
	exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$root" && go run ./tests/bench/podgen -n "$pods" -seed "$seed" -o "$work")
(cd "$root" && go build -o "$work/bylaw" ./cmd/bylaw)

# policy_count prints how many policies bylaw would load: policy documents outside hidden test folders.
policy_count() {
	find "$policies" -path '*/.*' -prune -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 |
		xargs -0 cat | grep -cE '^kind: *(ClusterPolicy|Policy) *$' || true
}

# result_count prints the number of policy x resource results in the JSON output, or nothing if it cannot tell.
result_count() {
	command -v jq >/dev/null || return 0
	jq -r '[.. | objects | select(has("policy") and has("resource")) | "\(.policy)|\(.resource | tostring)"]
		| unique | length' "$work/out.json" 2>/dev/null || true
}

# seconds converts /usr/bin/time's "h:mm:ss" or "m:ss.cc" to seconds.
seconds() {
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }' <<<"$1"
}

cmd=("$work/bylaw" apply "$policies" --resource "$work/pods.yaml" -o json)
echo "running: /usr/bin/time -v bylaw apply $policies --resource pods.yaml -o json > out.json"
set +e
/usr/bin/time -v -o "$work/time.txt" "${cmd[@]}" >"$work/out.json" 2>"$work/stderr.txt"
rc=$?
set -e
if [[ $rc -ne 0 && $rc -ne 1 ]]; then
	echo "apply.sh: bylaw apply exited $rc" >&2
	cat "$work/stderr.txt" "$work/time.txt" >&2
	exit "$rc"
fi

wall="$(seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")")"
rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
user="$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")"
sys="$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")"
npol="$(policy_count)"
evals="$((npol * pods))"
counted="$(result_count)"
if [[ -n "$counted" && "$counted" != 0 ]]; then
	evals="$counted"
	source="counted in the JSON output"
else
	source="computed: $npol policies x $pods pods"
fi

echo "bylaw apply exit code: $rc (0 or 1 expected)"
echo "pods:            $pods (seed $seed)"
echo "policies:        $npol"
echo "evaluations:     $evals ($source)"
echo "wall time:       ${wall} s (user ${user} s, sys ${sys} s)"
awk -v e="$evals" -v w="$wall" 'BEGIN { if (w > 0) printf "evaluations/s:   %.0f\n", e / w; else print "evaluations/s:   n/a (wall time 0)" }'
awk -v k="$rss_kb" 'BEGIN { printf "max RSS:         %.1f MB (%d KB)\n", k / 1024, k }'
if [[ -s "$work/stderr.txt" ]]; then
	echo "bylaw stderr (first 5 lines):"
	head -n 5 "$work/stderr.txt"
fi
