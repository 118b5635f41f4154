package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/bylaw-dev/bylaw/engine"
)

// podSecurityPolicy returns a policy of n podSecurity rules at level; the corpus's pod-security set holds three such
// policies, all evaluated on the same admission request.
func podSecurityPolicy(n int, level string) string {
	var b strings.Builder
	b.WriteString("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: pss\n" +
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: none}\nspec:\n  rules:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: r%d\n    match: {any: [{resources: {kinds: [Pod]}}]}\n"+
			"    validate: {podSecurity: {level: %s, version: latest}}\n", i, level)
	}
	return b.String()
}

// workloadPod is a compliant Pod (restricted level) of the size of a real workload: sidecars, an init container,
// probes, environment, resources and volumes, so that decoding its spec costs more than running the checks on it.
const workloadPod = `apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: shop, labels: {app: api}, annotations: {team: payments}}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  volumes: [{name: data, emptyDir: {}}, {name: config, configMap: {name: api}}, {name: token, projected: {sources: [{serviceAccountToken: {path: token}}]}}]
  initContainers:
  - {name: migrate, image: ghcr.io/acme/migrate:v1, command: [/migrate, up], securityContext: &sc {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
  containers:
  - name: api
    image: ghcr.io/acme/api:v2
    ports: [{name: http, containerPort: 8443, protocol: TCP}]
    env: [{name: LOG_LEVEL, value: info}, {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {memory: 256Mi}}
    readinessProbe: {httpGet: {path: /healthz, port: 8443}, periodSeconds: 10}
    volumeMounts: [{name: data, mountPath: /data}, {name: config, mountPath: /etc/api}]
    securityContext: *sc
  - name: proxy
    image: docker.io/envoyproxy/envoy:v1.31.2
    ports: [{name: admin, containerPort: 15000, protocol: TCP}]
    resources: {requests: {cpu: 50m, memory: 64Mi}}
    securityContext: *sc
`

// TestPodSecurityRulesDecodeThePodOnce checks that the podSecurity rules evaluated on one input share one typed pod:
// three more rules on the same input cost fewer allocations than one decoding of the pod spec.
func TestPodSecurityRulesDecodeThePodOnce(t *testing.T) {
	obj := pod(t, workloadPod)
	spec, ok := obj["spec"].(map[string]any)
	require.True(t, ok)
	decode := testing.AllocsPerRun(50, func() {
		require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(spec, &corev1.PodSpec{}))
	})
	for _, level := range []string{"baseline", "restricted"} {
		t.Run(level, func(t *testing.T) {
			e := engine.New()
			one := load(t, e, podSecurityPolicy(1, level)).Policies[0]
			four := load(t, e, podSecurityPolicy(4, level)).Policies[0]
			allocs := func(p *engine.Policy) float64 {
				return testing.AllocsPerRun(50, func() {
					res := e.Validate(context.Background(), p, engine.NewInput(engine.Request{Object: obj}), engine.EvalOptions{})
					if len(res.Rules) == 0 || res.Rules[0].Status != engine.StatusPass {
						t.Fatalf("the compliant pod did not pass: %+v", res.Rules)
					}
				})
			}
			extra := allocs(four) - allocs(one)
			assert.Less(t, extra, decode, "3 more podSecurity rules cost %.0f allocations; decoding the pod costs %.0f", extra, decode)
		})
	}
}
