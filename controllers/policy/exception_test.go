package policy

import (
	"context"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
)

func TestExceptionNamespacesTrusts(t *testing.T) {
	tests := []struct {
		name    string
		trusted ExceptionNamespaces
		ns      string
		want    bool
		message string
	}{
		{name: "listed", trusted: ExceptionNamespaces{"bylaw-system", "exceptions"}, ns: "exceptions", want: true},
		{name: "not listed", trusted: ExceptionNamespaces{"bylaw-system"}, ns: "team-a",
			message: "PolicyException team-a/x has no effect: exceptions are trusted only from namespaces bylaw-system " +
				"(bylaw serve --exception-namespaces)"},
		{name: "prefix is not a match", trusted: ExceptionNamespaces{"team"}, ns: "team-a",
			message: "trusted only from namespaces team "},
		{name: "every namespace", trusted: ExceptionNamespaces{AllNamespaces}, ns: "team-a", want: true},
		{name: "none", trusted: ExceptionNamespaces{}, ns: "bylaw-system", message: "trusted only from no namespace"},
		{name: "nil is none", trusted: nil, ns: "bylaw-system", message: "trusted only from no namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.trusted.Trusts(tt.ns))
			err := tt.trusted.check(tt.ns, "x")
			if tt.want {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

// exceptionWorld is two exceptions that exempt the same Pods from a policy: one in the namespace Bylaw trusts
// exceptions from, one in a tenant's namespace.
type exceptionWorld struct {
	c                        client.Client
	trusted, tenant          string
	trustedKey, untrustedKey string
}

func newExceptionWorld(t *testing.T) *exceptionWorld {
	t.Helper()
	c := testClient(t)
	ctx := context.Background()
	w := &exceptionWorld{c: c}
	for _, ns := range []*string{&w.trusted, &w.tenant} {
		obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "exceptions-"}}
		require.NoError(t, c.Create(ctx, obj))
		*ns = obj.Name
	}
	// The exempted policy need not exist: whether an exception is loaded does not depend on it.
	policyName := "require-team-" + w.tenant
	for _, ns := range []string{w.trusted, w.tenant} {
		x := &v1alpha1.PolicyException{ObjectMeta: metav1.ObjectMeta{Name: "exempt-tenant", Namespace: ns},
			Spec: v1alpha1.PolicyExceptionSpec{
				Match: v1alpha1.MatchResources{Any: []v1alpha1.ResourceFilter{{ResourceDescription: v1alpha1.ResourceDescription{
					Kinds: []string{"Pod"}, Namespaces: []string{w.tenant}}}}},
				Exceptions: []v1alpha1.Exception{{PolicyName: policyName, RuleNames: []string{"*"}}},
			}}
		require.NoError(t, c.Create(ctx, x))
	}
	w.trustedKey, w.untrustedKey = w.trusted+"/exempt-tenant", w.tenant+"/exempt-tenant"
	return w
}

func exceptionKeys(store *bylawpolicy.Store) []string {
	var keys []string
	for _, x := range store.Snapshot().Exceptions {
		keys = append(keys, x.Key())
	}
	return keys
}

// The initial load, which admission waits for, never puts an exception from an untrusted namespace in the store.
func TestInitialLoadSkipsUntrustedExceptions(t *testing.T) {
	w := newExceptionWorld(t)
	store := startManager(t, ExceptionNamespaces{w.trusted}, false)
	keys := exceptionKeys(store)
	assert.Contains(t, keys, w.trustedKey)
	assert.NotContains(t, keys, w.untrustedKey)
}

// A PolicyException outside --exception-namespaces never reaches the store; its status and a Warning event say why.
func TestExceptionFromUntrustedNamespaceHasNoEffect(t *testing.T) {
	w := newExceptionWorld(t)
	store := startManager(t, ExceptionNamespaces{w.trusted}, true)
	ctx := context.Background()
	ready := func(ns string) *metav1.Condition {
		var x v1alpha1.PolicyException
		require.NoError(t, w.c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "exempt-tenant"}, &x))
		return apimeta.FindStatusCondition(x.Status.Conditions, meta.ReadyCondition)
	}
	require.Eventually(t, func() bool {
		u, k := ready(w.tenant), ready(w.trusted)
		return u != nil && k != nil && u.ObservedGeneration > 0
	}, wait, 50*time.Millisecond)
	untrusted := ready(w.tenant)
	assert.Equal(t, metav1.ConditionFalse, untrusted.Status)
	assert.Equal(t, ReasonUntrustedNamespace, untrusted.Reason)
	assert.Contains(t, untrusted.Message, "--exception-namespaces")
	assert.Contains(t, untrusted.Message, "trusted only from namespaces "+w.trusted)
	assert.Equal(t, metav1.ConditionTrue, ready(w.trusted).Status)
	assert.Equal(t, ReasonLoaded, ready(w.trusted).Reason)

	keys := exceptionKeys(store)
	assert.Contains(t, keys, w.trustedKey)
	assert.NotContains(t, keys, w.untrustedKey)

	require.Eventually(t, func() bool { return untrustedEvent(t, w) != nil }, wait, 50*time.Millisecond)
	ev := untrustedEvent(t, w)
	assert.Equal(t, corev1.EventTypeWarning, ev.Type)
	assert.Contains(t, ev.Note, "--exception-namespaces")
}

// untrustedEvent returns the UntrustedNamespace event about the tenant's exception, or nil.
func untrustedEvent(t *testing.T, w *exceptionWorld) *eventsv1.Event {
	t.Helper()
	var list eventsv1.EventList
	require.NoError(t, w.c.List(context.Background(), &list, client.InNamespace(w.tenant)))
	for i := range list.Items {
		ev := &list.Items[i]
		if ev.Reason == ReasonUntrustedNamespace && ev.Regarding.Kind == "PolicyException" &&
			ev.Regarding.Name == "exempt-tenant" {
			return ev
		}
	}
	return nil
}
