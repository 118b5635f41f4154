package cleanup

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/yaml"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: controlplane.BylawCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// denyDelete is an AccessReviewer that denies delete and allows the rest.
type denyDelete struct{}

func (denyDelete) Create(_ context.Context, r *authorizationv1.SelfSubjectAccessReview,
	_ metav1.CreateOptions) (*authorizationv1.SelfSubjectAccessReview, error) {
	r.Status.Allowed = r.Spec.ResourceAttributes.Verb != "delete"
	return r, nil
}

func newController(t *testing.T, own string, access AccessReviewer) (*Controller, client.Client, *events.FakeRecorder) {
	t.Helper()
	cfg := rest.CopyConfig(plane.Config(t))
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, policiesv1.AddToScheme(scheme))
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	require.NoError(t, err)
	httpClient, err := rest.HTTPClientFor(cfg)
	require.NoError(t, err)
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
	require.NoError(t, err)
	rec := events.NewFakeRecorder(100)
	ctl := &Controller{Engine: engine.New(), Dynamic: dynamic.NewForConfigOrDie(cfg), Mapper: mapper, Client: c,
		Access: access, Events: rec, Options: Options{Namespace: own, Rate: 1000}.withDefaults()}
	ctl.limiter = newLimiter(ctl.Options)
	return ctl, c, rec
}

// policyDoc is a deleting policy on Pods whose name starts with "old".
func policyDoc(kind, namespace, name, selector string) string {
	return fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: %s
metadata: {name: %s, namespace: %q}
spec:
  schedule: "*/1 * * * *"
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods]}]
%s  conditions:
  - name: old
    expression: "object.metadata.name.startsWith('old')"
`, kind, name, namespace, selector)
}

func TestRunDeletesWhatThePolicyPasses(t *testing.T) {
	tests := []struct {
		name   string
		kind   string
		policy string // namespace of a namespaced policy
		// selector is extra matchConstraints lines; %[1]s is replaced by the test's own Bylaw namespace
		selector string
		access   AccessReviewer
		want     []string // pods left, of a-old, a-keep, b-old, own-old
		reason   string   // an event reason the run records on the policy, when set
	}{
		{name: "cluster policy", kind: policiesv1.DeletingPolicyKind,
			want: []string{"a/keep", "own/old"}, reason: ReasonCleanupRun},
		{name: "namespaced policy stays in its namespace", kind: policiesv1.NamespacedDeletingPolicyKind, policy: "a",
			want: []string{"a/keep", "b/old", "own/old"}, reason: ReasonCleanupRun},
		{name: "a namespaced policy of a tenant cannot reach another namespace", kind: policiesv1.NamespacedDeletingPolicyKind,
			policy: "b", selector: "    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %[1]s-a}}\n",
			want: []string{"a/keep", "a/old", "b/old", "own/old"}},
		{name: "Bylaw's namespace when named", kind: policiesv1.DeletingPolicyKind,
			selector: "    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %[1]s-own}}\n",
			want:     []string{"a/keep", "a/old", "b/old"}, reason: ReasonCleanupRun},
		{name: "no delete right: nothing deleted, an event", kind: policiesv1.DeletingPolicyKind, access: denyDelete{},
			want: []string{"a/keep", "a/old", "b/old", "own/old"}, reason: ReasonPermissionDenied},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := fmt.Sprintf("run%d", i)
			ctl, c, rec := newController(t, prefix+"-own", tt.access)
			ctx := logr.NewContext(t.Context(), testr.New(t))
			for _, ns := range []string{"a", "b", "own"} {
				require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-" + ns}}))
			}
			for _, key := range []string{"a/old", "a/keep", "b/old", "own/old"} {
				ns, name, _ := strings.Cut(key, "/")
				require.NoError(t, c.Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: prefix + "-" + ns},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}))
			}
			ns := ""
			if tt.policy != "" {
				ns = prefix + "-" + tt.policy
			}
			sel := tt.selector
			if sel != "" {
				sel = fmt.Sprintf(sel, prefix)
			}
			doc := policyDoc(tt.kind, ns, prefix, sel)
			p := loadPolicy(t, doc)
			obj := createPolicyObject(t, c, tt.kind, doc)
			ctl.run(ctx, p, nil)

			assert.Equal(t, tt.want, podsLeft(t, c, prefix))
			if tt.reason != "" {
				assert.True(t, slices.ContainsFunc(drain(rec), func(e string) bool { return strings.Contains(e, tt.reason) }), tt.reason)
			}
			require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(obj), obj))
			st := obj.(deletingObject).GetStatus()
			assert.False(t, st.LastExecutionTime.IsZero(), "lastExecutionTime is written")
			granted := apimeta.FindStatusCondition(st.ConditionStatus.Conditions, policiesv1.ConditionRBACPermissionsGranted)
			require.NotNil(t, granted)
			assert.Equal(t, tt.access == nil, granted.Status == metav1.ConditionTrue, granted.Message)
		})
	}
}

func replaceSchedule(doc, schedule string) string {
	return strings.Replace(doc, `"*/1 * * * *"`, `"`+schedule+`"`, 1)
}

func loadPolicy(t *testing.T, doc string) *engine.Policy {
	t.Helper()
	set := policy.NewLoader(engine.New()).LoadBytes("p.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	return set.Policies[0]
}

func createPolicyObject(t *testing.T, c client.Client, kind, doc string) client.Object {
	t.Helper()
	var obj client.Object = &policiesv1.DeletingPolicy{}
	if kind == policiesv1.NamespacedDeletingPolicyKind {
		obj = &policiesv1.NamespacedDeletingPolicy{}
	}
	require.NoError(t, yaml.Unmarshal([]byte(doc), obj))
	require.NoError(t, c.Create(t.Context(), obj))
	return obj
}

// podsLeft returns the pods of the test's namespaces, as "a/old" (namespace suffix and name), sorted.
func podsLeft(t *testing.T, c client.Client, prefix string) []string {
	t.Helper()
	var pods corev1.PodList
	require.NoError(t, c.List(t.Context(), &pods))
	var out []string
	for _, p := range pods.Items {
		if rest, ok := strings.CutPrefix(p.Namespace, prefix+"-"); ok && p.DeletionTimestamp.IsZero() {
			out = append(out, rest+"/"+p.Name)
		}
	}
	slices.Sort(out)
	return out
}

func drain(rec *events.FakeRecorder) []string {
	var out []string
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// Targets resolve to the served resources: a named group and version, a wildcard version (the preferred one), a
// wildcard group; a resource wildcard or a subresource is an error, never a silent skip.
func TestResolveTargets(t *testing.T) {
	ctl, _, _ := newController(t, "bylaw-system", nil)
	tests := []struct {
		name    string
		target  engine.CleanupTarget
		want    []string // group/version/resource
		wantErr string
	}{
		{"core pods", engine.CleanupTarget{Groups: []string{""}, Versions: []string{"v1"}, Resources: []string{"pods"}},
			[]string{"/v1/pods"}, ""},
		{"batch jobs, any version", engine.CleanupTarget{Groups: []string{"batch"}, Versions: []string{"*"}, Resources: []string{"jobs"}},
			[]string{"batch/v1/jobs"}, ""},
		{"two resources", engine.CleanupTarget{Groups: []string{"apps"}, Versions: []string{"v1"},
			Resources: []string{"deployments", "replicasets"}}, []string{"apps/v1/deployments", "apps/v1/replicasets"}, ""},
		{"any group", engine.CleanupTarget{Groups: []string{"*"}, Versions: []string{"*"}, Resources: []string{"jobs"}},
			[]string{"batch/v1/jobs"}, ""},
		{"version not served", engine.CleanupTarget{Groups: []string{"batch"}, Versions: []string{"v9"}, Resources: []string{"jobs"}},
			nil, "no served version"},
		{"resource wildcard", engine.CleanupTarget{Groups: []string{""}, Versions: []string{"v1"}, Resources: []string{"*"}},
			nil, "lists named resources only"},
		{"subresource", engine.CleanupTarget{Groups: []string{""}, Versions: []string{"v1"}, Resources: []string{"pods/status"}},
			nil, "lists named resources only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mappings, err := ctl.resolve(tt.target)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			var got []string
			for _, m := range mappings {
				got = append(got, m.Resource.Group+"/"+m.Resource.Version+"/"+m.Resource.Resource)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
