package registration

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// logLines collects what a logger writes, one line per message.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, args)
	}, funcr.Options{Verbosity: 1})
}

func (l *logLines) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

func configurations(t *testing.T, c client.Client) (*admissionregistrationv1.ValidatingWebhookConfiguration,
	*admissionregistrationv1.MutatingWebhookConfiguration) {
	t.Helper()
	ctx := context.Background()
	v := &admissionregistrationv1.ValidatingWebhookConfiguration{}
	if err := c.Get(ctx, client.ObjectKey{Name: DefaultValidatingName}, v); apierrors.IsNotFound(err) {
		v = nil
	} else {
		require.NoError(t, err)
	}
	m := &admissionregistrationv1.MutatingWebhookConfiguration{}
	if err := c.Get(ctx, client.ObjectKey{Name: DefaultMutatingName}, m); apierrors.IsNotFound(err) {
		m = nil
	} else {
		require.NoError(t, err)
	}
	return v, m
}

func TestSyncAppliesChangesOnly(t *testing.T) {
	logs := &logLines{}
	ctx := log.IntoContext(context.Background(), logs.logger())
	c := fake.NewClientBuilder().Build()
	s := &Syncer{Mapper: testMapper(), Options: testOptions()}
	both := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod", "Widget"}, "CREATE"),
		rule("m", "mutate", []string{"Pod"})))

	require.NoError(t, s.Sync(ctx, c, both, []byte("ca")))
	v, m := configurations(t, c)
	require.NotNil(t, v)
	require.NotNil(t, m)
	assert.Equal(t, map[string][]string{"validate-fail-10.bylaw.dev": {"core/v1 pods,pods/ephemeralcontainers CREATE *"}},
		describeValidating(v))
	assert.Equal(t, []string{
		`"level"=0 "msg"="kind not registered at admission" "warning"="policy p rule r: kind \"Widget\" is not served by the API server"`,
		`"level"=0 "msg"="created webhook configuration" "kind"="ValidatingWebhookConfiguration" "configuration"="bylaw-validating" "webhooks"=1`,
		`"level"=0 "msg"="created webhook configuration" "kind"="MutatingWebhookConfiguration" "configuration"="bylaw-mutating" "webhooks"=1`,
	}, logs.take())

	// A label someone else set survives, and an unchanged set writes nothing.
	v.Labels["extra"] = "kept"
	require.NoError(t, c.Update(ctx, v))
	v, m = configurations(t, c)
	require.NoError(t, s.Sync(ctx, c, both, []byte("ca")))
	v2, m2 := configurations(t, c)
	assert.Equal(t, v.ResourceVersion, v2.ResourceVersion)
	assert.Equal(t, m.ResourceVersion, m2.ResourceVersion)
	assert.Equal(t, []string{
		`"level"=0 "msg"="kind not registered at admission" "warning"="policy p rule r: kind \"Widget\" is not served by the API server"`,
		`"level"=1 "msg"="webhook configuration up to date" "kind"="ValidatingWebhookConfiguration" "configuration"="bylaw-validating" "webhooks"=1`,
		`"level"=1 "msg"="webhook configuration up to date" "kind"="MutatingWebhookConfiguration" "configuration"="bylaw-mutating" "webhooks"=1`,
	}, logs.take())

	// A new CA bundle updates both; dropping the mutate rule deletes the mutating configuration.
	validateOnly := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"ConfigMap"}, "UPDATE")))
	require.NoError(t, s.Sync(ctx, c, validateOnly, []byte("ca2")))
	v3, m3 := configurations(t, c)
	require.NotNil(t, v3)
	assert.Nil(t, m3)
	assert.NotEqual(t, v2.ResourceVersion, v3.ResourceVersion)
	assert.Equal(t, "kept", v3.Labels["extra"])
	assert.Equal(t, []byte("ca2"), v3.Webhooks[0].ClientConfig.CABundle)
	assert.Equal(t, []string{"core/v1 configmaps UPDATE *"}, describeRules(v3.Webhooks[0].Rules))
	assert.Equal(t, []string{
		`"level"=0 "msg"="updated webhook configuration" "kind"="ValidatingWebhookConfiguration" "configuration"="bylaw-validating" "webhooks"=1`,
		`"level"=0 "msg"="deleted webhook configuration" "kind"="MutatingWebhookConfiguration" "configuration"="bylaw-mutating"`,
	}, logs.take())

	// No policy: no configuration.
	require.NoError(t, s.Sync(ctx, c, nil, []byte("ca2")))
	v4, m4 := configurations(t, c)
	assert.Nil(t, v4)
	assert.Nil(t, m4)
	require.NoError(t, s.Sync(ctx, c, nil, []byte("ca2")), "deleting what is gone is not an error")
}

func TestSyncChangesNothingWhenDesiredFails(t *testing.T) {
	ctx := context.Background()
	existing := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: DefaultValidatingName},
		Webhooks:   []admissionregistrationv1.ValidatingWebhook{{Name: "old.bylaw.dev"}},
	}
	c := fake.NewClientBuilder().WithObjects(existing).Build()
	policies := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod"})))

	s := &Syncer{Mapper: failingMapper{testMapper()}, Options: testOptions()}
	err := s.Sync(ctx, c, policies, nil)
	require.ErrorIs(t, err, errDiscovery)
	s = &Syncer{Mapper: testMapper()}
	require.ErrorContains(t, s.Sync(ctx, c, nil, nil), "set a Service or a URL")

	v, _ := configurations(t, c)
	require.NotNil(t, v)
	assert.Equal(t, "old.bylaw.dev", v.Webhooks[0].Name)
}

func TestSyncUsesConfiguredNames(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().Build()
	opts := testOptions()
	opts.ValidatingName, opts.MutatingName = "v", "m"
	s := &Syncer{Mapper: testMapper(), Options: opts}
	policies := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod"}), rule("m", "mutate", []string{"Pod"})))
	require.NoError(t, s.Sync(ctx, c, policies, nil))

	var vl admissionregistrationv1.ValidatingWebhookConfigurationList
	var ml admissionregistrationv1.MutatingWebhookConfigurationList
	require.NoError(t, c.List(ctx, &vl))
	require.NoError(t, c.List(ctx, &ml))
	names := []string{}
	for _, o := range vl.Items {
		names = append(names, "validating:"+o.Name)
	}
	for _, o := range ml.Items {
		names = append(names, "mutating:"+o.Name)
	}
	assert.Equal(t, "validating:v,mutating:m", strings.Join(names, ","))
}
