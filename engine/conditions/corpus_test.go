package conditions

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCorpusConditions replays conditions of the Kyverno policy corpus (conformance/kyverno-policies) with the values
// their variables resolve to for passing and failing resources.
func TestCorpusConditions(t *testing.T) {
	tests := []struct {
		policy     string
		op         Operator
		key, value any
		want       bool
	}{
		{"add-capabilities: SETFCAP not dropped", AnyNotIn, "SETFCAP", list("ALL"), true},
		{"add-capabilities: SETFCAP dropped", AnyNotIn, "SETFCAP", list("SETUID", "SETFCAP"), false},
		{"add-capabilities: nothing dropped", AnyNotIn, "SETUID", []any{}, true},
		{"restrict-ingress-paths: a path contains /etc", AnyIn, list(false, true), list(true), true},
		{"restrict-ingress-paths: no bad path", AnyIn, list(false, false), list(true), false},
		{"backup-all-volumes: one PVC", GreaterThanOrEquals, 1.0, 1, true},
		{"backup-all-volumes: no PVC", GreaterThanOrEquals, 0.0, 1, false},
		{"limit-duration: not letsencrypt", Equals, false, false, true},
		{"limit-duration: duration set", NotEquals, "", "", false},
		{"limit-duration: max hours is the cap", NotEquals, 2400.0, 2400, false},
		{"limit-dnsnames: two names", GreaterThan, 2.0, "1", true},
		{"limit-dnsnames: one name", GreaterThan, 1.0, "1", false},
		{"disallow-self-provisioner-binding: other role", AnyIn, "self-provisioner", "self-provisioners", false},
		{"disallow-self-provisioner-binding: the role", AnyIn, "self-provisioner", "self-provisioner", true},
		{"team-validate-ns-name: team prefix", AnyNotIn, "team-a-web", list("team-a-*", "team-b-*"), false},
		{"team-validate-ns-name: foreign name", AnyNotIn, "web", list("team-a-*"), true},
		{"check-routes: UPDATE is not [DELETE]", NotEquals, "UPDATE", list("DELETE"), true},
		{"check-routes: text never equals a list", NotEquals, "DELETE", list("DELETE"), true},
		{"require-drop-all: ALL dropped", AnyNotIn, "ALL", list("ALL"), false},
		{"require-drop-all: nothing dropped", AnyNotIn, "ALL", []any{}, true},
		{"require-probes: no liveness probe", AllNotIn, "livenessProbe", list("name", "image"), true},
		{"require-probes: liveness probe", AllNotIn, "livenessProbe", list("name", "livenessProbe"), false},
		{"remove-serviceaccount-token: token volume", Equals, "kube-api-access-x7k2p", "kube-api-access-*", true},
		{"remove-serviceaccount-token: no token volume", Equals, "", "?*", false},
		{"remove-serviceaccount-token: projected", AnyIn, "projected", list("name", "projected"), true},
		{"block-stale-images: three years old", GreaterThan, "26280h0m0s", "4380h", true},
		{"block-stale-images: one day old", GreaterThan, "24h0m0s", "4380h", false},
		{"ensure-production-matches-staging: newer tag", GreaterThan, "1.2.3", "1.2.0", true},
		{"ensure-production-matches-staging: latest tag", GreaterThan, "latest", "1.2.0", false},
		{"allowed-pod-priorities: allowed class", AnyNotIn, "high", `["high","medium","low"]`, false},
		{"allowed-pod-priorities: class not allowed", AnyNotIn, "critical", `["high","medium","low"]`, true},
		{"allowed-pod-priorities: plain value", AnyNotIn, "", "foo", true},
		{"exclude-namespaces-dynamically: excluded", AnyNotIn, "default", `["default", "test"]`, false},
		{"check-nvidia-gpu: visible devices set", AnyNotIn, "NVIDIA_VISIBLE_DEVICES=*?",
			list("PATH=/usr/bin", "NVIDIA_VISIBLE_DEVICES=all"), false},
		{"check-nvidia-gpu: no env", AnyNotIn, "NVIDIA_VISIBLE_DEVICES=*?", "", true},
		{"check-nvidia-gpu: gpu limit", GreaterThan, 1, 0, true},
		{"check-nvidia-gpu: gpu limit as text", GreaterThan, "1", 0, true},
		{"check-nvidia-gpu: no limit", GreaterThan, "", 0, false},
		{"enforce-pod-duration: too long", GreaterThan, "12h", "8h", true},
		{"enforce-pod-duration: default", GreaterThan, "0s", "8h", false},
		{"memory-requests-equal-limits: all equal", NotEquals, 0.0, 0, false},
		{"baseline: host port in range", AnyNotIn, list(5500.0), "5000-6000", false},
		{"baseline: host port out of range", AnyNotIn, list(80.0, 5500.0), "5000-6000", true},
		{"baseline: no host port", AnyNotIn, []any{}, "5000-6000", false},
		{"baseline: host ports zero", AnyNotIn, list(0.0, 0.0), list(0), false},
		{"baseline: host port set", AnyNotIn, list(0.0, 8080.0), list(0), true},
		{"restricted: allowed volume types", AnyNotIn, list("name", "configMap"),
			list("name", "configMap", "csi", "secret", ""), false},
		{"restricted: hostPath volume", AnyNotIn, list("name", "hostPath"), list("name", "configMap", ""), true},
		{"restrict-secret-role-verbs: get", AnyIn, list("get", "list", "watch"), list("create", "get"), true},
		{"add-ttl-jobs: no owner", Equals, []any{}, []any{}, true},
		{"add-ttl-jobs: owned", Equals, list(obj("kind", "CronJob")), []any{}, false},
		{"require-reasonable-pdbs: percentage", Equals, true, true, true},
		{"restrict-clusterrole-nodesproxy: core group", AnyIn, "", list("", "apps"), true},
		{"advanced-restrict-image-registries: allowed", NotEquals, "ghcr.io/org/app:1.0", "ghcr.io/*", false},
		{"topologyspreadconstraints-policy: one constraint", NotEquals, 1.0, 2, true},
		{"topologyspreadconstraints-policy: replicas", GreaterThanOrEquals, int64(3), 3, true},
		{"mutate-large-termination-gps: 60s", GreaterThan, int64(60), 50, true},
		{"require-netpol: none", LessThan, 0.0, 1, true},
		{"limit-configmap-for-sa: operation", AnyIn, "DELETE", list("UPDATE", "CREATE"), false},
		{"restrict-escalation-verbs-roles: verbs", AnyIn, list("get", "escalate"), list("bind", "escalate"), true},
		{"kasten-3-2-1-backup: export missing", AnyNotIn, list("backup", "export"), list("backup"), true},
		{"allowed-annotations: only allowed keys", AnyNotIn, list("fluxcd.io/cow"), list("fluxcd.io/cow", "fluxcd.io/dog"), false},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			got, err := Evaluate(tt.op, tt.key, tt.value)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "%#v %s %#v", tt.key, tt.op, tt.value)
		})
	}
}
