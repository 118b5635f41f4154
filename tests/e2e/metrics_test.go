package e2e

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// metricsNamespace holds the ServiceAccounts that call the metrics endpoint.
const metricsNamespace = "monitoring"

// metricsTokens creates two ServiceAccounts, scraper (bound to the shipped ClusterRole bylaw-metrics-reader) and
// stranger (bound to nothing), and returns a token of each.
func metricsTokens(ctx context.Context, c client.Client, root string) (scraper, stranger string, err error) {
	data, err := os.ReadFile(filepath.Join(root, "manifests", "rbac", "metrics_reader_cluster_role.yaml"))
	if err != nil {
		return "", "", err
	}
	var role rbacv1.ClusterRole
	if err := yaml.Unmarshal(data, &role); err != nil {
		return "", "", fmt.Errorf("metrics_reader_cluster_role.yaml: %w", err)
	}
	// The role itself is installed with the other RBAC manifests (controlplane.InstallRBAC in setUp).
	objects := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: metricsNamespace}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "scraper", Namespace: metricsNamespace}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "stranger", Namespace: metricsNamespace}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "scraper-bylaw-metrics"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "scraper", Namespace: metricsNamespace}}},
	}
	for _, obj := range objects {
		if err := c.Create(ctx, obj); err != nil {
			return "", "", fmt.Errorf("creating %s: %w", obj.GetName(), err)
		}
	}
	token := func(name string) (string, error) {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: metricsNamespace}}
		req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}
		if err := c.SubResource("token").Create(ctx, sa, req); err != nil {
			return "", fmt.Errorf("a token of %s: %w", name, err)
		}
		return req.Status.Token, nil
	}
	if scraper, err = token("scraper"); err != nil {
		return "", "", err
	}
	stranger, err = token("stranger")
	return scraper, stranger, err
}

// metricsClient speaks HTTPS to the metrics endpoint, whose certificate bylaw serve made itself (no
// --metrics-cert-dir), so it is not verified; what is under test is who gets an answer.
var metricsClient = &http.Client{Timeout: 10 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // see above

// metricsGet gets path from the metrics endpoint with a bearer token ("" sends none).
func metricsGet(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.metricsURL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := metricsClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// scrape gets path as the scraper and fails the test unless the answer is 200.
func scrape(t *testing.T, path string) string {
	t.Helper()
	code, body := metricsGet(t, path, env.scraperToken)
	require.Equal(t, http.StatusOK, code, body)
	return body
}

// /metrics and /status answer over HTTPS only to a caller whose token the API server authenticates and whose
// identity RBAC allows to get the path.
func TestMetricsNeedAuthorization(t *testing.T) {
	require.True(t, strings.HasPrefix(env.metricsURL, "https://"), env.metricsURL)
	tests := []struct {
		name  string
		token string
		want  int
	}{
		{name: "no token", want: http.StatusUnauthorized},
		// controller-runtime's filter answers 500 "Authentication failed" when the TokenReview carries an error, as
		// it does for a token the API server did not issue: refused all the same.
		{name: "a token the API server did not issue", token: "not-a-token", want: http.StatusInternalServerError},
		{name: "a ServiceAccount without bylaw-metrics-reader", token: env.strangerToken, want: http.StatusForbidden},
		{name: "a ServiceAccount bound to bylaw-metrics-reader", token: env.scraperToken, want: http.StatusOK},
	}
	for _, path := range []string{"/metrics", "/status"} {
		for _, tt := range tests {
			t.Run(path+" "+tt.name, func(t *testing.T) {
				code, body := metricsGet(t, path, tt.token)
				assert.Equal(t, tt.want, code, body)
				if code != http.StatusOK {
					assert.NotContains(t, body, "bylaw_", "no metric leaks in a refusal")
					assert.NotContains(t, body, `"sources"`, "no status leaks in a refusal")
				}
			})
		}
	}
	plain := "http://" + strings.TrimPrefix(env.metricsURL, "https://") + "/metrics"
	resp, err := http.Get(plain)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.NotEqual(t, http.StatusOK, resp.StatusCode, "plain HTTP is not served: %s", body)
		assert.NotContains(t, string(body), "bylaw_")
	}
}
