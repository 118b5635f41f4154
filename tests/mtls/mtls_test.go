package mtls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

const disallowPrivileged = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: disallow-privileged
spec:
  validationFailureAction: Enforce
  rules:
  - name: privileged-containers
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "Privileged mode is disallowed (mTLS)."
      pattern:
        spec:
          containers:
          - =(securityContext):
              =(privileged): "false"
`

// TestAdmissionThroughMutualTLS: the API server presents its client certificate (admission configuration and webhook
// kubeconfig) and gets Bylaw's answers: a denial for a privileged Pod, an admission for a compliant one.
func TestAdmissionThroughMutualTLS(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}))
	var policy v1alpha1.ClusterPolicy
	require.NoError(t, yaml.Unmarshal([]byte(disallowPrivileged), &policy))
	require.NoError(t, env.client.Create(ctx, &policy))
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = env.client.Create(ctx, pod("probe", true), client.DryRunAll); err != nil &&
			strings.Contains(err.Error(), "Privileged mode is disallowed (mTLS).") {
			break
		}
	}
	require.Error(t, err, "a privileged Pod is denied through the API server")
	assert.True(t, apierrors.IsForbidden(err), "denied by admission: %v", err)
	assert.Contains(t, err.Error(), "disallow-privileged")
	assert.NoError(t, env.client.Create(ctx, pod("web", false)), "a compliant Pod is admitted")
}

// TestHandshakeRefusedWithoutValidClientCertificate: a client without a certificate, with one of another CA, or with
// one of the right CA but a name --client-cert-names does not allow, fails in the TLS handshake; the API server's
// certificate passes it.
func TestHandshakeRefusedWithoutValidClientCertificate(t *testing.T) {
	other, err := newAuthority("another-ca")
	require.NoError(t, err)
	stranger, err := other.issue(apiserverName)
	require.NoError(t, err)
	wrongName, err := env.clientCA.issue("someone-else")
	require.NoError(t, err)
	tests := []struct {
		name  string
		cert  *tls.Certificate
		alert string // empty: the handshake succeeds
	}{
		{name: "no certificate", alert: "certificate required"},
		{name: "certificate of another CA", cert: &stranger.tls, alert: "unknown certificate authority"},
		{name: "right CA, name not allowed", cert: &wrongName.tls, alert: "bad certificate"},
		{name: "the API server's certificate", cert: &env.apiserver.tls},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, err := probe(t, tt.cert)
			if tt.alert == "" {
				require.NoError(t, err)
				assert.NotZero(t, status)
				return
			}
			requireTLSAlert(t, err, tt.alert)
		})
	}
}

// TestClientCAReloadedWithoutRestart: a new --client-ca-file content takes effect at the next handshake; content
// that does not parse leaves the last good bundle in force.
func TestClientCAReloadedWithoutRestart(t *testing.T) {
	next, err := newAuthority("next-client-ca")
	require.NoError(t, err)
	nextClient, err := next.issue(apiserverName)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, replaceFile(env.caFile, env.clientCA.pem)) })

	require.NoError(t, replaceFile(env.caFile, next.pem))
	_, err = probe(t, &nextClient.tls)
	require.NoError(t, err, "a certificate of the new CA passes")
	_, err = probe(t, &env.apiserver.tls)
	requireTLSAlert(t, err, "unknown certificate authority")

	require.NoError(t, replaceFile(env.caFile, []byte("not a PEM bundle")))
	_, err = probe(t, &nextClient.tls)
	require.NoError(t, err, "the last good bundle stays in force")
	_, err = probe(t, nil)
	requireTLSAlert(t, err, "certificate required")

	require.NoError(t, replaceFile(env.caFile, append(append([]byte{}, next.pem...), env.clientCA.pem...)))
	for _, c := range []*tls.Certificate{&nextClient.tls, &env.apiserver.tls} {
		_, err = probe(t, c)
		require.NoError(t, err, "a bundle of both CAs accepts both")
	}
}

// probe makes one HTTPS request on a new connection to the webhook port, presenting cert (nil: none). The server is
// verified against the CA Bylaw made. It returns the HTTP status, or the error of the connection.
func probe(t *testing.T, cert *tls.Certificate) (int, error) {
	t.Helper()
	var secret corev1.Secret
	require.NoError(t, env.client.Get(context.Background(),
		client.ObjectKey{Namespace: bylawNamespace, Name: "bylaw-webhook-tls"}, &secret))
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(secret.Data["ca.crt"]))
	cfg := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if cert != nil {
		// Sent whatever CAs the server names as acceptable (crypto/tls would otherwise send none for another CA's).
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}}
	resp, err := c.Get(env.webhookURL + "/healthz")
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// requireTLSAlert asserts that err is the TLS alert the server sent (not an HTTP answer).
func requireTLSAlert(t *testing.T, err error, alert string) {
	t.Helper()
	require.Error(t, err, "want the handshake refused with %q", alert)
	var op *net.OpError
	require.True(t, errors.As(err, &op), "not a connection error: %v", err)
	assert.Equal(t, "remote error", op.Op, "%v", err)
	assert.Equal(t, fmt.Sprintf("tls: %s", alert), op.Err.Error())
}

func pod(name string, privileged bool) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}}}
	if privileged {
		yes := true
		p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: &yes}
	}
	return p
}
