package registration

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/go-logr/logr/testr"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validatingDoc is a ValidatingPolicy (or, with a namespace, a NamespacedValidatingPolicy) whose matchConstraints
// hold the given resourceRules lines; spec holds extra spec lines, indented by two spaces.
func validatingDoc(name, namespace, spec string, resourceRules ...string) string {
	kind, meta := "ValidatingPolicy", "{name: "+name+"}"
	if namespace != "" {
		kind, meta = "NamespacedValidatingPolicy", "{name: "+name+", namespace: "+namespace+"}"
	}
	doc := "apiVersion: policies.kyverno.io/v1\nkind: " + kind + "\nmetadata: " + meta + "\nspec:\n" + spec +
		"  autogen: {podControllers: {controllers: []}}\n  validations: [{expression: 'true'}]\n" +
		"  matchConstraints:\n    resourceRules:\n"
	for _, r := range resourceRules {
		doc += "    - " + r + "\n"
	}
	return doc
}

func TestDesiredResourceRules(t *testing.T) {
	const vf10 = "validate-fail-10.bylaw.dev"
	tests := []struct {
		name       string
		docs       []string
		validating map[string][]string
		warnings   []string
	}{
		{"resources as written, with their operations",
			[]string{validatingDoc("v", "", "",
				`{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}`)},
			map[string][]string{vf10: {"core/v1 pods CREATE,UPDATE *"}}, nil},
		{"every group, version and operation; subresources; scope",
			[]string{validatingDoc("v", "", "",
				`{apiGroups: ["*"], apiVersions: ["*"], resources: ["*/scale"], operations: ["*"]}`,
				`{apiGroups: [apps], apiVersions: [v1, v1beta1], resources: [deployments], operations: [CREATE], scope: Namespaced}`,
				`{apiGroups: [""], apiVersions: [v1], resources: [pods/exec], operations: [CONNECT]}`)},
			map[string][]string{vf10: {"core/v1 pods/exec CONNECT *", "*/* */scale " + allOps + " *",
				"apps/v1 deployments CREATE Namespaced", "apps/v1beta1 deployments CREATE Namespaced"}}, nil},
		{"merged with the kind-derived rules",
			[]string{validatingDoc("v", "", "",
				`{apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}`),
				clusterPolicy("p", rule("r", "validate", []string{"Pod"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 configmaps,pods,pods/ephemeralcontainers CREATE *"}}, nil},
		{"failure policy and timeout pick the webhook",
			[]string{validatingDoc("v", "", "  failurePolicy: Ignore\n  webhookConfiguration: {timeoutSeconds: 5}\n",
				`{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}`)},
			map[string][]string{"validate-ignore-5.bylaw.dev": {"core/v1 pods CREATE *"}}, nil},
		{"a namespaced policy registers namespaced scope",
			[]string{validatingDoc("v", "team-a", "",
				`{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}`)},
			map[string][]string{vf10: {"core/v1 pods CREATE Namespaced"}}, nil},
		{"a namespaced policy cannot select cluster scope",
			[]string{validatingDoc("v", "team-a", "",
				`{apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE], scope: Cluster}`)},
			nil, []string{"policy team-a/v rule v: resources [namespaces] have scope Cluster, a namespaced policy cannot select them"}},
		{"a policy with admission disabled is left out",
			[]string{validatingDoc("v", "", "  evaluation: {admission: {enabled: false}}\n",
				`{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}`)},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _, warnings, err := Desired(loadPolicies(t, tt.docs...), testMapper(), nil, testOptions())
			require.NoError(t, err)
			assert.Equal(t, tt.validating, describeValidating(v))
			assert.Equal(t, tt.warnings, warnings)
		})
	}
}

// The API server accepts the rules of resource-scoped policies, with wildcards and subresources, and stores them as
// Desired returns them: a second sync writes nothing.
func TestSyncResourceRulesAgainstAPIServer(t *testing.T) {
	cfg := controlPlane(t)
	ctx := log.IntoContext(t.Context(), testr.New(t))
	var writes atomic.Int32
	c, s := realClient(t, cfg, &writes)
	s.Options = Options{URL: "https://127.0.0.1:1/", ExcludedNamespaces: []string{"kube-system"}}
	ca := []byte("-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n")
	t.Cleanup(func() { _ = s.Sync(context.Background(), c, nil, ca) })
	policies := loadPolicies(t,
		validatingDoc("v", "", "  failurePolicy: Ignore\n",
			`{apiGroups: ["*"], apiVersions: ["*"], resources: ["*/scale"], operations: [UPDATE]}`,
			`{apiGroups: [""], apiVersions: [v1], resources: [pods, pods/exec], operations: ["*"]}`,
			`{apiGroups: [apps], apiVersions: ["*"], resources: [deployments], operations: [CREATE], scope: Namespaced}`),
		validatingDoc("local", "team-a", "  failurePolicy: Ignore\n",
			`{apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}`))
	require.NoError(t, s.Sync(ctx, c, policies, ca))
	v, _ := configurations(t, c)
	require.NotNil(t, v, "the API server accepted the validating configuration")
	assert.Equal(t, map[string][]string{"validate-ignore-10.bylaw.dev": {
		"core/v1 pods,pods/exec " + allOps + " *",
		"core/v1 configmaps CREATE Namespaced",
		"*/* */scale UPDATE *",
		"apps/* deployments CREATE Namespaced",
	}}, describeValidating(v))
	writes.Store(0)
	require.NoError(t, s.Sync(ctx, c, policies, ca))
	assert.Zero(t, writes.Load(), "the second sync wrote")
}
