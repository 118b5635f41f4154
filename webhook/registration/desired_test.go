package registration

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// testMapper serves pods, configmaps and namespaces (core/v1), deployments (apps/v1, apps/v1beta1 and
// extensions/v1beta1) and networkpolicies (networking.k8s.io/v1).
func testMapper() meta.RESTMapper {
	core := schema.GroupVersion{Version: "v1"}
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	appsBeta := schema.GroupVersion{Group: "apps", Version: "v1beta1"}
	ext := schema.GroupVersion{Group: "extensions", Version: "v1beta1"}
	netv1 := schema.GroupVersion{Group: "networking.k8s.io", Version: "v1"}
	m := meta.NewDefaultRESTMapper([]schema.GroupVersion{core, apps, appsBeta, ext, netv1})
	m.Add(core.WithKind("Pod"), meta.RESTScopeNamespace)
	m.Add(core.WithKind("ConfigMap"), meta.RESTScopeNamespace)
	m.Add(core.WithKind("Namespace"), meta.RESTScopeRoot)
	m.Add(apps.WithKind("Deployment"), meta.RESTScopeNamespace)
	m.Add(appsBeta.WithKind("Deployment"), meta.RESTScopeNamespace)
	m.Add(ext.WithKind("Deployment"), meta.RESTScopeNamespace)
	m.Add(netv1.WithKind("NetworkPolicy"), meta.RESTScopeNamespace)
	return m
}

func testOptions() Options { return Options{URL: "https://127.0.0.1:9443"} }

func TestDesiredRules(t *testing.T) {
	const vf10, mf10 = "validate-fail-10.bylaw.dev", "mutate-fail-10.bylaw.dev"
	pods := "core/v1 pods,pods/ephemeralcontainers " + allOps + " *"
	tests := []struct {
		name       string
		docs       []string
		validating map[string][]string
		mutating   map[string][]string
		warnings   []string
	}{
		{"a core kind with every operation, and ephemeral containers",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod"}))},
			map[string][]string{vf10: {pods}}, nil, nil},
		{"a kind without group in every group and version that serves it",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Deployment"}, "CREATE"))},
			map[string][]string{vf10: {"apps/v1 deployments CREATE *", "apps/v1beta1 deployments CREATE *",
				"extensions/v1beta1 deployments CREATE *"}}, nil, nil},
		{"a group with any version",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"apps/*/Deployment"}, "CREATE"))},
			map[string][]string{vf10: {"apps/v1 deployments CREATE *", "apps/v1beta1 deployments CREATE *"}}, nil, nil},
		{"a group and version",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"apps/v1/Deployment"}, "CREATE", "UPDATE"))},
			map[string][]string{vf10: {"apps/v1 deployments CREATE,UPDATE *"}}, nil, nil},
		{"a version in any group",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"v1beta1/Deployment"}, "DELETE"))},
			map[string][]string{vf10: {"apps/v1beta1 deployments DELETE *", "extensions/v1beta1 deployments DELETE *"}},
			nil, nil},
		{"a group with dots",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"networking.k8s.io/v1/NetworkPolicy"}))},
			map[string][]string{vf10: {"networking.k8s.io/v1 networkpolicies " + allOps + " *"}}, nil, nil},
		{"a subresource",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod/exec"}, "CONNECT"))},
			map[string][]string{vf10: {"core/v1 pods/exec CONNECT *"}}, nil, nil},
		{"a subresource written with a dot",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod.exec"}, "CONNECT"))},
			map[string][]string{vf10: {"core/v1 pods/exec CONNECT *"}}, nil, nil},
		{"a rule the engine cannot evaluate is registered, so that it answers with its error",
			[]string{clusterPolicy("p", rule("r", "verifyImages", []string{"Pod"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 pods,pods/ephemeralcontainers CREATE *"}}, nil, nil},
		{"every subresource of a kind",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod/*"}, "UPDATE"))},
			map[string][]string{vf10: {"core/v1 pods/* UPDATE *"}}, nil, nil},
		{"every resource",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"*"}, "CREATE"))},
			map[string][]string{vf10: {"*/* *,pods/ephemeralcontainers CREATE *"}}, nil, nil},
		{"every resource and subresource",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"*/*"}, "CREATE"))},
			map[string][]string{vf10: {"*/* */* CREATE *"}}, nil, nil},
		{"one subresource of every resource",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"*/scale"}, "UPDATE"))},
			map[string][]string{vf10: {"*/* */scale UPDATE *"}}, nil, nil},
		{"a cluster-scoped kind",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Namespace"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 namespaces CREATE *"}}, nil, nil},
		{"resources with the same operations share a rule",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod"}, "CREATE"),
				rule("s", "validate", []string{"ConfigMap"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 configmaps,pods,pods/ephemeralcontainers CREATE *"}}, nil, nil},
		{"resources with other operations do not",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod", "ConfigMap/status"}, "CREATE"),
				rule("s", "validate", []string{"ConfigMap"}, "UPDATE"))},
			map[string][]string{vf10: {"core/v1 configmaps UPDATE *",
				"core/v1 configmaps/status,pods,pods/ephemeralcontainers CREATE *"}}, nil, nil},
		{"entries covered by a wildcard are dropped",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"*", "Pod", "Pod/exec"}, "CREATE")),
				clusterPolicy("q", rule("r", "validate", []string{"Pod/*", "Pod/exec"}, "CREATE", "CONNECT"))},
			map[string][]string{vf10: {"core/v1 pods/* CONNECT,CREATE *", "*/* *,pods/ephemeralcontainers CREATE *"}},
			nil, nil},
		{"a namespaced Policy registers namespaced scope",
			[]string{policyDoc("Policy", "p", "", rule("r", "validate", []string{"Pod", "*"}, "CREATE"))},
			map[string][]string{vf10: {"*/* *,pods/ephemeralcontainers CREATE Namespaced"}}, nil, nil},
		{"a namespaced Policy is covered by a ClusterPolicy",
			[]string{policyDoc("Policy", "p", "", rule("r", "validate", []string{"Pod"}, "CREATE")),
				clusterPolicy("q", rule("r", "validate", []string{"Pod"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 pods,pods/ephemeralcontainers CREATE *"}}, nil, nil},
		{"a namespaced Policy cannot select a cluster-scoped kind",
			[]string{policyDoc("Policy", "p", "", rule("r", "validate", []string{"Namespace"}))},
			nil, nil, []string{`policy team-a/p rule r: resource "namespaces" is cluster-scoped, a namespaced Policy cannot select it`}},
		{"an unknown kind is a warning",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Widget", "ConfigMap"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 configmaps CREATE *"}}, nil,
			[]string{`policy p rule r: kind "Widget" is not served by the API server`}},
		{"a kind pattern registers every resource, with a warning",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Config*"}, "CREATE"))},
			map[string][]string{vf10: {"*/* *,pods/ephemeralcontainers CREATE *"}}, nil,
			[]string{`policy p rule r: kind "Config*": a kind pattern cannot be resolved, registering every resource`}},
		{"a policy not run at admission is left out",
			[]string{policyDoc("ClusterPolicy", "p", "  admission: false\n  background: true\n",
				rule("r", "validate", []string{"Pod"}))},
			nil, nil, nil},
		{"one webhook per failure policy and timeout",
			[]string{clusterPolicy("p", rule("r", "validate", []string{"Pod"}, "CREATE")),
				policyDoc("ClusterPolicy", "q", "  failurePolicy: Ignore\n  webhookTimeoutSeconds: 5\n",
					rule("r", "validate", []string{"ConfigMap"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 pods,pods/ephemeralcontainers CREATE *"},
				"validate-ignore-5.bylaw.dev": {"core/v1 configmaps CREATE *"}}, nil, nil},
		{"mutate rules go to the mutating configuration",
			[]string{clusterPolicy("p", rule("r", "mutate", []string{"Pod"}), rule("s", "validate", []string{"Pod"}))},
			map[string][]string{vf10: {pods}},
			map[string][]string{mf10: {"core/v1 pods,pods/ephemeralcontainers CREATE,UPDATE *"}}, nil},
		{"mutate rules with targets go to the validating configuration",
			[]string{clusterPolicy("p", rule("r", "mutate-existing", []string{"ConfigMap"}, "CREATE"))},
			map[string][]string{vf10: {"core/v1 configmaps CREATE *"}}, nil, nil},
		{"generate rules go to the validating configuration, with every operation",
			[]string{clusterPolicy("p", rule("r", "generate", []string{"Namespace"}))},
			map[string][]string{vf10: {"core/v1 namespaces " + allOps + " *"}}, nil, nil},
		{"no policy, no configuration", nil, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, m, warnings, err := Desired(loadPolicies(t, tt.docs...), testMapper(), nil, testOptions())
			require.NoError(t, err)
			assert.Equal(t, tt.validating, describeValidating(v))
			assert.Equal(t, tt.mutating, describeMutating(m))
			assert.Equal(t, tt.warnings, warnings)
		})
	}
}

func TestDesiredWebhookFields(t *testing.T) {
	policies := loadPolicies(t,
		policyDoc("ClusterPolicy", "p", "  failurePolicy: Ignore\n  webhookTimeoutSeconds: 5\n",
			rule("r", "validate", []string{"Pod"}, "CREATE"), rule("m", "mutate", []string{"Pod"})))
	ca := []byte("-----BEGIN CERTIFICATE-----\n")
	svcPath := "/base/"
	tests := []struct {
		name        string
		opts        Options
		validatePtr string // the URL or the service path of the validating webhook
		service     *admissionregistrationv1.ServiceReference
	}{
		{"url", Options{URL: "https://127.0.0.1:9443/", ExcludedNamespaces: []string{"kube-system", "bylaw", "kube-system"},
			Labels: map[string]string{"team": "sec"}}, "https://127.0.0.1:9443/validate/ignore/5", nil},
		{"service", Options{Service: &admissionregistrationv1.ServiceReference{Namespace: "bylaw", Name: "bylaw-webhook"},
			ExcludedNamespaces: []string{"bylaw", "kube-system"}, Labels: map[string]string{"team": "sec"}},
			"/validate/ignore/5", &admissionregistrationv1.ServiceReference{Namespace: "bylaw", Name: "bylaw-webhook",
				Port: new(int32(443))}},
		{"service with a path and a port", Options{Service: &admissionregistrationv1.ServiceReference{Namespace: "bylaw",
			Name: "bylaw-webhook", Path: &svcPath, Port: new(int32(8443))}, ExcludedNamespaces: []string{"bylaw", "kube-system"},
			Labels: map[string]string{"team": "sec"}}, "/base/validate/ignore/5",
			&admissionregistrationv1.ServiceReference{Namespace: "bylaw", Name: "bylaw-webhook", Port: new(int32(8443))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, m, _, err := Desired(policies, testMapper(), ca, tt.opts)
			require.NoError(t, err)
			require.NotNil(t, v)
			require.NotNil(t, m)
			assert.Equal(t, "bylaw-validating", v.Name)
			assert.Equal(t, "bylaw-mutating", m.Name)
			wantLabels := map[string]string{"team": "sec", LabelManagedBy: ManagedBy}
			assert.Equal(t, wantLabels, v.Labels)
			assert.Equal(t, wantLabels, m.Labels)
			require.Len(t, v.Webhooks, 1)
			require.Len(t, m.Webhooks, 1)
			vw, mw := v.Webhooks[0], m.Webhooks[0]
			assert.Equal(t, "validate-ignore-5.bylaw.dev", vw.Name)
			assert.Equal(t, "mutate-ignore-5.bylaw.dev", mw.Name)
			assert.Equal(t, ca, vw.ClientConfig.CABundle)
			if tt.service == nil {
				assert.Equal(t, tt.validatePtr, *vw.ClientConfig.URL)
				assert.Nil(t, vw.ClientConfig.Service)
			} else {
				assert.Nil(t, vw.ClientConfig.URL)
				assert.Equal(t, tt.validatePtr, *vw.ClientConfig.Service.Path)
				svc := vw.ClientConfig.Service.DeepCopy()
				svc.Path = nil
				assert.Equal(t, tt.service, svc)
			}
			assert.Equal(t, admissionregistrationv1.Ignore, *vw.FailurePolicy)
			assert.Equal(t, int32(5), *vw.TimeoutSeconds)
			assert.Equal(t, admissionregistrationv1.SideEffectClassNoneOnDryRun, *vw.SideEffects)
			assert.Equal(t, admissionregistrationv1.Equivalent, *vw.MatchPolicy)
			assert.Equal(t, []string{"v1"}, vw.AdmissionReviewVersions)
			assert.Equal(t, &metav1.LabelSelector{}, vw.ObjectSelector)
			assert.Equal(t, &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpNotIn,
				Values: []string{"bylaw", "kube-system"},
			}}}, vw.NamespaceSelector)
			assert.Equal(t, vw.NamespaceSelector, mw.NamespaceSelector)
			assert.Equal(t, admissionregistrationv1.IfNeededReinvocationPolicy, *mw.ReinvocationPolicy)
			assert.Equal(t, vw.ClientConfig.CABundle, mw.ClientConfig.CABundle)
		})
	}
}

func TestDesiredWithoutExclusionsSelectsEveryNamespace(t *testing.T) {
	policies := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod"})))
	v, _, _, err := Desired(policies, testMapper(), nil, testOptions())
	require.NoError(t, err)
	assert.Equal(t, &metav1.LabelSelector{}, v.Webhooks[0].NamespaceSelector)
}

func TestDesiredIsDeterministic(t *testing.T) {
	policies := loadPolicies(t,
		clusterPolicy("a", rule("r", "validate", []string{"Pod", "Deployment", "ConfigMap/status"}, "CREATE"),
			rule("m", "mutate", []string{"Deployment"})),
		policyDoc("ClusterPolicy", "b", "  failurePolicy: Ignore\n", rule("r", "validate", []string{"*/scale", "Namespace"})),
		policyDoc("Policy", "c", "  webhookTimeoutSeconds: 3\n", rule("r", "validate", []string{"ConfigMap", "Pod/exec"})),
	)
	want, wantM, _, err := Desired(policies, testMapper(), nil, testOptions())
	require.NoError(t, err)
	for range 5 {
		reversed := slices.Clone(policies)
		slices.Reverse(reversed)
		v, m, _, err := Desired(reversed, testMapper(), nil, testOptions())
		require.NoError(t, err)
		assert.Equal(t, want, v)
		assert.Equal(t, wantM, m)
	}
	names := []string{}
	for _, w := range want.Webhooks {
		names = append(names, w.Name)
	}
	assert.Equal(t, []string{"validate-fail-10.bylaw.dev", "validate-fail-3.bylaw.dev", "validate-ignore-10.bylaw.dev"}, names)
}

func TestDesiredRejectsOptions(t *testing.T) {
	svc := &admissionregistrationv1.ServiceReference{Namespace: "bylaw", Name: "bylaw-webhook"}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"neither service nor url", Options{}, "set a Service or a URL"},
		{"both", Options{Service: svc, URL: "https://x"}, "not both"},
		{"service without a name", Options{Service: &admissionregistrationv1.ServiceReference{Namespace: "bylaw"}},
			"namespace and a name"},
		{"plain http", Options{URL: "http://127.0.0.1:9443"}, "must be https"},
		{"a query", Options{URL: "https://127.0.0.1:9443?a=b"}, "must be https"},
		{"no host", Options{URL: "https:///x"}, "must be https"},
	}
	policies := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod"})))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := Desired(policies, testMapper(), nil, tt.opts)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// failingMapper fails every lookup as a broken discovery would.
type failingMapper struct{ meta.RESTMapper }

var errDiscovery = errors.New("discovery unavailable")

func (failingMapper) RESTMappings(schema.GroupKind, ...string) ([]*meta.RESTMapping, error) {
	return nil, errDiscovery
}

func TestDesiredFailsWhenTheMapperFails(t *testing.T) {
	policies := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod"})))
	v, m, _, err := Desired(policies, failingMapper{testMapper()}, nil, testOptions())
	require.ErrorIs(t, err, errDiscovery)
	assert.ErrorContains(t, err, `policy p: rule r: resolving kind "Pod"`)
	assert.Nil(t, v)
	assert.Nil(t, m)
}
