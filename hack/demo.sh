#!/usr/bin/env bash
# hack/demo.sh: Bylaw as an admission controller, end to end.
#
# Uses the cluster $KUBECONFIG points to when it is reachable (Bylaw's CRDs are applied there), else starts a local
# control plane (kube-apiserver + etcd built by hack/control-plane.sh; the first run builds them once, ~15 min). Then
# runs `bylaw serve` on this machine as the webhook (the API server reaches it at https://127.0.0.1:$PORT), applies
# examples/cluster/policies.yaml and shows a denied Pod, a mutated Pod and an audited Pod, a generate rule, then
# (hack/demo-bundle.sh) signed policy bundles pulled by a GitSource from a local git server (bin/gitserver).
# Everything it started is stopped on exit.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PORT=${BYLAW_DEMO_PORT:-19443}
WORK=$(mktemp -d)
PIDS=()
cd "$REPO"
# shellcheck source=hack/demo-bundle.sh
source hack/demo-bundle.sh

cleanup() {
	local rc=$?
	if [[ -n ${KUBECTL:-} && -n ${KUBECONFIG:-} && ${STARTED_CLUSTER:-0} == 0 ]]; then
		"$KUBECTL" delete -f examples/cluster/policies.yaml --ignore-not-found >/dev/null 2>&1 || true
		"$KUBECTL" delete namespace demo --ignore-not-found --wait=false >/dev/null 2>&1 || true
		"$KUBECTL" delete gitsource platform -n bylaw-system --ignore-not-found >/dev/null 2>&1 || true
		"$KUBECTL" delete secret bundle-keys -n bylaw-system --ignore-not-found >/dev/null 2>&1 || true
	fi
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${PIDS[i]}" 2>/dev/null && wait "${PIDS[i]}" 2>/dev/null || true
	done
	rm -rf "$WORK"
	echo "== stopped everything the demo started"
	exit $rc
}
trap cleanup EXIT

step() { echo; echo "== $*"; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
	local until=$((SECONDS + $1)) what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		((SECONDS < until)) || { echo "demo: timed out waiting for $what" >&2; return 1; }
		sleep 0.3
	done
}

for tool in git openssl curl; do
	command -v "$tool" >/dev/null || { echo "demo: $tool is needed" >&2; exit 1; }
done
ASSETS=$(hack/control-plane.sh | tail -1)
KUBECTL=$ASSETS/kubectl
STARTED_CLUSTER=0
if [[ -n ${KUBECONFIG:-} ]] && "$KUBECTL" cluster-info >/dev/null 2>&1; then
	step "using the cluster of KUBECONFIG=$KUBECONFIG"
	"$KUBECTL" apply -k manifests/crds >/dev/null
	"$KUBECTL" apply -k manifests/crds/wgpolicyk8s >/dev/null
else
	step "starting a local control plane (kube-apiserver + etcd from $ASSETS)"
	export KUBECONFIG=$WORK/kubeconfig
	go build -o "$WORK/localcluster" ./hack/localcluster
	"$WORK/localcluster" --assets "$ASSETS" --crds manifests/crds,manifests/crds/wgpolicyk8s --kubeconfig "$KUBECONFIG" &
	PIDS+=($!)
	STARTED_CLUSTER=1
	wait_for 90 "the control plane" test -s "$KUBECONFIG"
	wait_for 60 "the API server" "$KUBECTL" get --raw /readyz
fi

step "starting bylaw serve (webhook https://127.0.0.1:$PORT)"
"$KUBECTL" create namespace bylaw-system --dry-run=client -o yaml | "$KUBECTL" apply -f - >/dev/null
head -c 24 /dev/urandom | base64 >"$WORK/hook-token" # the push hook's bearer token, for bin/gitserver
bin/bylaw serve --kubeconfig "$KUBECONFIG" --namespace bylaw-system --webhook-url "https://127.0.0.1:$PORT" \
	--webhook-host 127.0.0.1 --webhook-port "$PORT" --metrics-bind-address 127.0.0.1:0 \
	--health-probe-bind-address 127.0.0.1:18081 --leader-elect=false --git-cache-dir "$WORK/git" \
	--git-hook-token-file "$WORK/hook-token" >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
wait_for 60 "bylaw serve to be ready" curl -fsS http://127.0.0.1:18081/readyz || {
	tail -n 40 "$WORK/serve.log" >&2
	exit 1
}

step "kubectl apply -f examples/cluster/policies.yaml"
"$KUBECTL" apply -f examples/cluster/policies.yaml
"$KUBECTL" create namespace demo --dry-run=client -o yaml | "$KUBECTL" apply -f - >/dev/null
wait_for 30 "the policies to be Ready" "$KUBECTL" wait --for=condition=Ready clusterpolicy --all --timeout=1s
wait_for 30 "the webhook to enforce" bash -c "! '$KUBECTL' apply --dry-run=server -f examples/cluster/pod-privileged.yaml"
"$KUBECTL" get clusterpolicies

step "a privileged Pod is denied (Enforce)"
if "$KUBECTL" apply -f examples/cluster/pod-privileged.yaml; then
	echo "demo: the privileged Pod was admitted" >&2
	exit 1
fi

step "a PolicyException in the tenant's own namespace exempts nothing (trusted only from --exception-namespaces)"
"$KUBECTL" apply -f examples/cluster/exception-demo.yaml
wait_for 30 "the exception's status" bash -c "'$KUBECTL' get policyexception allow-privileged -n demo \
	-o jsonpath='{.status.conditions[?(@.type==\"Ready\")].reason}' | grep -q UntrustedNamespace"
"$KUBECTL" get policyexception allow-privileged -n demo \
	-o jsonpath='{.status.conditions[?(@.type=="Ready")].message}{"\n"}'
if "$KUBECTL" apply -f examples/cluster/pod-privileged.yaml; then
	echo "demo: the privileged Pod was admitted through an untrusted exception" >&2
	exit 1
fi

step "a compliant Pod is admitted and mutated (label app.kubernetes.io/managed-by added)"
"$KUBECTL" apply -f examples/cluster/pod-compliant.yaml
"$KUBECTL" get pod web -n demo --show-labels

step "a Pod without a team label is admitted with a warning (Audit) and an event"
"$KUBECTL" apply -f examples/cluster/pod-unlabelled.yaml
sleep 1
"$KUBECTL" get events.events.k8s.io -A --field-selector reason=PolicyViolation \
	-o custom-columns=POLICY:.regarding.name,NOTE:.note

step "the PolicyReport of namespace demo: background scan and Audit results"
wait_for 30 "the PolicyReport" "$KUBECTL" get policyreport bylaw-polr -n demo
"$KUBECTL" get policyreport -n demo
"$KUBECTL" get policyreport bylaw-polr -n demo \
	-o jsonpath='{range .results[*]}{.policy}{"/"}{.rule}{"\t"}{.result}{"\tPod/"}{.resources[0].name}{"\n"}{end}'

step "kubectl apply -f examples/cluster/generate.yaml; a labelled Namespace gets a NetworkPolicy and a ConfigMap copy"
"$KUBECTL" apply -f examples/cluster/generate.yaml
wait_for 30 "the generate policy to be Ready" "$KUBECTL" wait --for=condition=Ready clusterpolicy namespace-bootstrap --timeout=1s
wait_for 30 "the webhook to see Namespaces" bash -c "'$KUBECTL' get validatingwebhookconfiguration bylaw-validating -o yaml | grep -q namespaces"
"$KUBECTL" apply -f examples/cluster/namespace-team.yaml
wait_for 30 "the generated objects" "$KUBECTL" get networkpolicy default-deny -n team-payments
wait_for 30 "the cloned ConfigMap" "$KUBECTL" get configmap base-config -n team-payments
"$KUBECTL" get networkpolicy,configmap -n team-payments -l app.kubernetes.io/managed-by=bylaw

demo_bundle

echo
echo "== demo done; bylaw serve log: $(grep -c . "$WORK/serve.log") lines"
