package certs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// memorySource is a ClientCASource whose content a test sets.
type memorySource struct {
	data []byte
	err  error
}

func (m *memorySource) String() string                       { return "memory" }
func (m *memorySource) Read(context.Context) ([]byte, error) { return m.data, m.err }

// TestClientAuthPool: the pool follows the source, keeps the last good bundle when the source breaks, and refuses
// (an error, never a nil pool) before a first good bundle.
func TestClientAuthPool(t *testing.T) {
	now := time.Now()
	ca1, err := NewCA(testOptions(), now)
	require.NoError(t, err)
	ca2, err := NewCA(testOptions(), now)
	require.NoError(t, err)
	src := &memorySource{}
	var failures int
	a := &ClientAuth{Source: src, OnFailure: func(error) { failures++ }}
	subjects := func() []string {
		pool, err := a.pool(context.Background())
		require.NoError(t, err)
		var out []string
		for _, s := range pool.Subjects() {
			out = append(out, string(s))
		}
		return out
	}
	src.data = []byte("no PEM here")
	_, err = a.pool(context.Background())
	require.Error(t, err, "no good bundle yet: refused")
	assert.Contains(t, err.Error(), "memory: no PEM certificate found")
	src.err = errors.New("gone")
	_, err = a.pool(context.Background())
	require.ErrorContains(t, err, "memory: gone")
	assert.Equal(t, 2, failures)

	src.data, src.err = ca1.CertPEM, nil
	assert.Equal(t, []string{string(mustCert(t, ca1.CertPEM).RawSubject)}, subjects())
	src.data = ca2.CertPEM
	assert.Equal(t, []string{string(mustCert(t, ca2.CertPEM).RawSubject)}, subjects(), "a new bundle is used at once")
	src.data = []byte("broken")
	assert.Equal(t, []string{string(mustCert(t, ca2.CertPEM).RawSubject)}, subjects(), "the last good bundle stays")
	src.err = errors.New("unreadable")
	assert.Equal(t, []string{string(mustCert(t, ca2.CertPEM).RawSubject)}, subjects(), "the last good bundle stays")
	assert.Equal(t, 4, failures)
}

func TestSecretSource(t *testing.T) {
	ca, err := NewCA(testOptions(), time.Now())
	require.NoError(t, err)
	secret := func(name string, data map[string][]byte) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "bylaw-system", Name: name}, Data: data}
	}
	c := fake.NewClientBuilder().WithObjects(secret("client-ca", map[string][]byte{ClientCAKey: ca.CertPEM}),
		secret("wrong-key", map[string][]byte{"tls.crt": ca.CertPEM})).Build()
	tests := []struct {
		name, secret, err string
	}{
		{name: "ca.crt", secret: "client-ca"},
		{name: "no ca.crt", secret: "wrong-key", err: "client CA secret has no key ca.crt"},
		{name: "no Secret", secret: "missing", err: `reading client CA secret: secrets "missing" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := SecretSource{Reader: c, Namespace: "bylaw-system", Name: tt.secret}
			assert.Equal(t, "secret bylaw-system/"+tt.secret, src.String())
			data, err := src.Read(context.Background())
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, ca.CertPEM, data)
		})
	}
}
