package certs

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

var secretsResource = schema.GroupResource{Resource: "secrets"}

func readSecret(t *testing.T, c client.Client, opts Options) *corev1.Secret {
	t.Helper()
	s := &corev1.Secret{}
	require.NoError(t, c.Get(context.Background(), client.ObjectKey{Namespace: opts.Namespace, Name: opts.SecretName}, s))
	return s
}

func TestEnsureCreatesThenKeeps(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock(t0)
	opts := testOptions()
	opts.Clock = clock.Now
	c := fake.NewClientBuilder().Build()

	created, err := Ensure(ctx, c, opts)
	require.NoError(t, err)
	s := readSecret(t, c, opts)
	assert.Equal(t, corev1.SecretTypeTLS, s.Type)
	assert.Equal(t, managedBy, s.Labels[labelManagedBy])
	assert.Equal(t, created.SecretData(), s.Data)
	assert.Equal(t, s.ResourceVersion, created.ResourceVersion)
	require.NoError(t, verifyServing(t, created, opts.DNSNames[1], t0))

	clock.Set(t0.Add(19 * day))
	kept, err := Ensure(ctx, c, opts)
	require.NoError(t, err)
	assert.Equal(t, s.ResourceVersion, readSecret(t, c, opts).ResourceVersion, "nothing due: no write")
	assert.Equal(t, created.SecretData(), kept.SecretData())

	clock.Set(t0.Add(21 * day))
	renewed, err := Ensure(ctx, c, opts)
	require.NoError(t, err)
	s = readSecret(t, c, opts)
	assert.NotEqual(t, kept.ResourceVersion, s.ResourceVersion)
	assert.Equal(t, renewed.SecretData(), s.Data)
	assert.NotEqual(t, created.Serving, renewed.Serving)
	assert.Equal(t, created.CA, renewed.CA, "CA not due yet")
	require.NoError(t, verifyServing(t, renewed, opts.DNSNames[0], t0.Add(21*day)))
}

func TestEnsureKeepsOtherKeys(t *testing.T) {
	opts := testOptions()
	opts.Clock = newFakeClock(t0).Now
	c := fake.NewClientBuilder().WithObjects(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: opts.Namespace, Name: opts.SecretName},
		Data:       map[string][]byte{"note": []byte("kept")},
	}).Build()

	b, err := Ensure(context.Background(), c, opts)
	require.NoError(t, err)
	s := readSecret(t, c, opts)
	assert.Equal(t, []byte("kept"), s.Data["note"])
	assert.Equal(t, b.Serving.CertPEM, s.Data[KeyTLSCert])
}

// TestEnsureLosesRaces: another replica writes between our read and our write;
// Ensure must return what that replica wrote, not overwrite it.
func TestEnsureLosesRaces(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, c client.Client, opts Options) // state before the race
		at    time.Duration                                     // time of the race, after t0
	}{
		{name: "create", setup: func(*testing.T, client.Client, Options) {}, at: 0},
		{name: "update", at: 21 * day, setup: func(t *testing.T, c client.Client, opts Options) {
			_, err := Ensure(context.Background(), c, opts)
			require.NoError(t, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock(t0)
			opts := testOptions()
			opts.Clock = clock.Now
			base := fake.NewClientBuilder().Build()
			tt.setup(t, base, opts)
			clock.Set(t0.Add(tt.at))

			var winner *Bundle
			writes := 0
			racer := func(ctx context.Context) {
				if winner == nil {
					var err error
					winner, err = Ensure(ctx, base, opts)
					require.NoError(t, err)
				}
			}
			c := interceptor.NewClient(base.(client.WithWatch), interceptor.Funcs{
				Create: func(ctx context.Context, c client.WithWatch, obj client.Object, o ...client.CreateOption) error {
					racer(ctx)
					writes++
					return c.Create(ctx, obj, o...)
				},
				Update: func(ctx context.Context, c client.WithWatch, obj client.Object, o ...client.UpdateOption) error {
					racer(ctx)
					writes++
					return c.Update(ctx, obj, o...)
				},
			})

			got, err := Ensure(context.Background(), c, opts)
			require.NoError(t, err)
			require.NotNil(t, winner)
			assert.Equal(t, 1, writes, "one write attempt, refused")
			assert.Equal(t, winner.SecretData(), got.SecretData())
			assert.Equal(t, winner.SecretData(), readSecret(t, base, opts).Data)
		})
	}
}

func TestEnsureErrors(t *testing.T) {
	opts := testOptions()
	opts.Clock = newFakeClock(t0).Now
	forbidden := apierrors.NewForbidden(secretsResource, opts.SecretName, assert.AnError)
	tests := []struct {
		name    string
		funcs   interceptor.Funcs
		opts    Options
		wantErr string
	}{
		{name: "invalid options", opts: Options{}, wantErr: "invalid certificate options"},
		{name: "read refused", opts: opts, wantErr: "read secret bylaw-system/bylaw-webhook-tls", funcs: interceptor.Funcs{
			Get: func(context.Context, client.WithWatch, client.ObjectKey, client.Object, ...client.GetOption) error {
				return forbidden
			},
		}},
		{name: "create refused", opts: opts, wantErr: "create secret bylaw-system/bylaw-webhook-tls", funcs: interceptor.Funcs{
			Create: func(context.Context, client.WithWatch, client.Object, ...client.CreateOption) error { return forbidden },
		}},
		{name: "always conflicting", opts: opts, wantErr: "gave up after 5 concurrent writes", funcs: interceptor.Funcs{
			Create: func(context.Context, client.WithWatch, client.Object, ...client.CreateOption) error {
				return apierrors.NewAlreadyExists(secretsResource, opts.SecretName)
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithInterceptorFuncs(tt.funcs).Build()
			_, err := Ensure(context.Background(), c, tt.opts)
			assert.ErrorContains(t, err, tt.wantErr)
			if tt.name == "read refused" {
				assert.True(t, apierrors.IsForbidden(err), "the API error stays inspectable")
			}
		})
	}
}

func TestEnsureExternalSecret(t *testing.T) {
	opts := testOptions()
	clock := newFakeClock(t0)
	opts.Clock = clock.Now
	issued := issueBundle(t, opts, t0)
	c := fake.NewClientBuilder().WithObjects(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: opts.Namespace, Name: opts.SecretName, ResourceVersion: "7"},
		Type:       corev1.SecretTypeTLS,
		Data: map[string][]byte{
			KeyTLSCert: issued.Serving.CertPEM, KeyTLSKey: issued.Serving.KeyPEM, KeyCACert: issued.CABundle,
		},
	}).Build()

	for _, at := range []time.Duration{0, 25 * day} { // fresh, then due (someone else's job)
		clock.Set(t0.Add(at))
		b, err := Ensure(context.Background(), c, opts)
		require.NoError(t, err)
		assert.True(t, b.External)
		assert.Equal(t, issued.Serving, b.Serving)
		assert.Equal(t, "7", readSecret(t, c, opts).ResourceVersion, "never written")
	}

	clock.Set(t0.Add(31 * day))
	_, err := Ensure(context.Background(), c, opts)
	assert.ErrorContains(t, err, "serving certificate expired")
}
