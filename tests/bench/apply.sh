#!/usr/bin/env bash
# apply.sh [CORPUS]: the end-to-end load run of `bylaw apply`.
#
# Generates PODS (default 1000) Pods with podgen (seed SEED, default 1), builds bylaw, then RUNS times (default 3)
# applies policies of the Kyverno corpus to them under /usr/bin/time -v with output format OUTPUT (default json;
# table, yaml and junit work too), and prints per run and overall: wall time, evaluations per second (policies x
# Pods, per wall second and per CPU second) and peak RSS. Exit 1 from bylaw means "a rule of an Enforce policy
# failed" and is expected; any other non-zero exit is an error.
#
# POLICIES is a space-separated list of policy files or folders, passed to `bylaw apply` in that order. By default it
# holds the pod-security pattern policies, CORPUS/pod-security/baseline and CORPUS/pod-security/restricted;
# POLICIES=all stands for the whole CORPUS/pod-security folder (the pattern policies plus the podSecurity subrule
# policies).
#
# CORPUS defaults to $BYLAW_CORPUS, then ../shared/conformance/kyverno-policies beside the repository.
# Needs /usr/bin/time (Debian package "time": apt-get install -y time); uses jq, when present, to count the results
# of JSON output.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-${BYLAW_CORPUS:-$root/../shared/conformance/kyverno-policies}}"
pods="${PODS:-1000}"
seed="${SEED:-1}"
runs="${RUNS:-3}"
output="${OUTPUT:-json}"
case "${POLICIES:-}" in
"") policies=("$corpus/pod-security/baseline" "$corpus/pod-security/restricted") ;;
all) policies=("$corpus/pod-security") ;;
*) read -r -a policies <<<"$POLICIES" ;;
esac

if [[ ! -x /usr/bin/time ]]; then
	echo "apply.sh: /usr/bin/time not found; install it with: apt-get install -y time" >&2
	exit 2
fi
for i in "${!policies[@]}"; do
	if [[ ! -e "${policies[i]}" ]]; then
		echo "apply.sh: policies not found at ${policies[i]}" \
			"(pass the corpus folder as first argument or set BYLAW_CORPUS)" >&2
		exit 2
	fi
	policies[i]="$(realpath "${policies[i]}")" # no "/../" left for find's hidden-folder test below
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$root" && go run ./tests/bench/podgen -n "$pods" -seed "$seed" -o "$work")
(cd "$root" && go build -o "$work/bylaw" ./cmd/bylaw)

# evaluation_count prints policies x resources: the distinct pairs in the JSON output when there is one and jq is
# present, else the policy documents found outside hidden test folders times the Pods.
evaluation_count() {
	local n=""
	if [[ "$output" == json ]] && command -v jq >/dev/null; then
		n="$(jq '[.results[] | [.policy, .resource.namespace, .resource.name]] | unique | length' "$work/out" \
			2>/dev/null || true)"
	fi
	if [[ -n "$n" && "$n" != 0 ]]; then
		echo "$n counted in the JSON output"
		return
	fi
	local npol
	npol="$(find "${policies[@]}" -path '*/.*' -prune -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 |
		xargs -0 cat | grep -cE '^kind: *(ClusterPolicy|Policy) *$' || true)"
	echo "$((npol * pods)) computed: $npol policies x $pods pods"
}

# field prints the value of one line of /usr/bin/time -v output.
field() { sed -n "s/.*$1: //p" "$work/time.txt"; }

# seconds converts /usr/bin/time's "h:mm:ss" or "m:ss.cc" to seconds.
seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }' <<<"$1"; }

# run_once runs bylaw apply under /usr/bin/time and prints "wall cpu rss_kb".
run_once() {
	local rc=0
	/usr/bin/time -v -o "$work/time.txt" "$work/bylaw" apply "${policies[@]}" --resource "$work/pods.yaml" -o "$output" \
		>"$work/out" 2>"$work/stderr.txt" || rc=$?
	if [[ $rc -ne 0 && $rc -ne 1 ]]; then
		echo "apply.sh: bylaw apply exited $rc" >&2
		cat "$work/stderr.txt" "$work/time.txt" >&2
		exit "$rc"
	fi
	echo "$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)')")" \
		"$(awk -v u="$(field 'User time (seconds)')" -v s="$(field 'System time (seconds)')" 'BEGIN { print u + s }')" \
		"$(field 'Maximum resident set size (kbytes)')" "$rc"
}

echo "command: /usr/bin/time -v bylaw apply ${policies[*]} --resource pods.yaml -o $output > out   (x$runs)"
results=()
for i in $(seq 1 "$runs"); do
	results+=("$(run_once)")
	read -r wall cpu rss rc <<<"${results[-1]}"
	printf 'run %d: exit %s, wall %.3f s, cpu %.3f s, max RSS %.1f MB\n' "$i" "$rc" "$wall" "$cpu" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done

read -r evals how <<<"$(evaluation_count)"
printf '%s\n' "${results[@]}" | awk -v e="$evals" -v how="$how" -v pods="$pods" -v seed="$seed" -v out="$output" '
	NR == 1 || $1 < wall { wall = $1 }
	NR == 1 || $2 < cpu { cpu = $2 }
	$3 > rss { rss = $3 }
	END {
		printf "pods:                %d (seed %d), output %s\n", pods, seed, out
		printf "evaluations:         %d (%s)\n", e, how
		printf "best wall time:      %.3f s   -> %.0f evaluations/s\n", wall, e / wall
		printf "best cpu time:       %.3f s   -> %.0f evaluations per CPU second\n", cpu, e / cpu
		printf "max RSS (worst run): %.1f MB (%d KB)\n", rss / 1024, rss
	}'
if [[ -s "$work/stderr.txt" ]]; then
	echo "bylaw stderr: $(wc -l <"$work/stderr.txt") lines; first 3:"
	head -n 3 "$work/stderr.txt"
fi
