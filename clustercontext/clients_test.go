package clustercontext

import (
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testBundle is a valid PEM bundle; bundles differing only in the text around the block hash differently.
func testBundle(t *testing.T, n int) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.StartTLS()
	defer srv.Close()
	return fmt.Sprintf("bundle %d\n", n) + string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

func tlsConfigOf(t *testing.T, hc *http.Client) *tls.Config {
	t.Helper()
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok, "transport is %T", hc.Transport)
	return tr.TLSClientConfig
}

func TestHTTPClientsOnePerBundle(t *testing.T) {
	var c httpClients
	a1, err := c.get(testBundle(t, 1), time.Second)
	require.NoError(t, err)
	a2, err := c.get(testBundle(t, 1), time.Second)
	require.NoError(t, err)
	b, err := c.get(testBundle(t, 2), time.Second)
	require.NoError(t, err)
	sys, err := c.get("", time.Second)
	require.NoError(t, err)

	assert.Same(t, a1, a2, "one client per distinct bundle")
	assert.NotSame(t, a1, b)
	assert.Equal(t, 3, c.len())
	assert.Equal(t, time.Second, a1.Timeout)
	for name, hc := range map[string]*http.Client{"bundle": a1, "system": sys} {
		assert.Equal(t, uint16(tls.VersionTLS12), tlsConfigOf(t, hc).MinVersion, name)
	}
	assert.NotNil(t, tlsConfigOf(t, a1).RootCAs, "a bundle replaces the system roots")
	assert.Nil(t, tlsConfigOf(t, sys).RootCAs, "no bundle: system roots")

	_, err = c.get("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", time.Second)
	assert.ErrorContains(t, err, "caBundle holds no PEM certificate")
	assert.Equal(t, 3, c.len(), "a bad bundle is not kept")
}

func TestHTTPClientsBounded(t *testing.T) {
	var c httpClients
	base := testBundle(t, 0)
	bundle := func(i int) string { return fmt.Sprintf("# %d\n%s", i, base) }
	first, err := c.get(bundle(0), time.Second)
	require.NoError(t, err)
	for i := 1; i <= maxHTTPClients; i++ {
		_, err := c.get(bundle(i), time.Second)
		require.NoError(t, err)
		assert.LessOrEqual(t, c.len(), maxHTTPClients)
	}
	assert.Equal(t, maxHTTPClients, c.len())
	again, err := c.get(bundle(0), time.Second)
	require.NoError(t, err)
	assert.NotSame(t, first, again, "the oldest client was dropped and is built anew")
	newest, err := c.get(bundle(maxHTTPClients), time.Second)
	require.NoError(t, err)
	latest, err := c.get(bundle(maxHTTPClients), time.Second)
	require.NoError(t, err)
	assert.Same(t, newest, latest, "recent clients are kept")
}

// TestHTTPClientsConcurrent is meant for -race: concurrent callers of one bundle all get the same client.
func TestHTTPClientsConcurrent(t *testing.T) {
	var c httpClients
	bundles := []string{testBundle(t, 1), testBundle(t, 2), testBundle(t, 3), ""}
	var (
		mu   sync.Mutex
		seen = map[string]map[*http.Client]bool{}
		wg   sync.WaitGroup
	)
	for g := range 16 {
		wg.Go(func() {
			for i := range 100 {
				b := bundles[(g+i)%len(bundles)]
				hc, err := c.get(b, time.Second)
				assert.NoError(t, err)
				mu.Lock()
				if seen[b] == nil {
					seen[b] = map[*http.Client]bool{}
				}
				seen[b][hc] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, len(bundles), c.len())
	for b, clients := range seen {
		assert.Len(t, clients, 1, "bundle %q", strings.SplitN(b, "\n", 2)[0])
	}
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		limit   int64
		wantErr string
	}{
		{name: "under", body: "abc", limit: 4},
		{name: "exact", body: "abcd", limit: 4},
		{name: "over", body: "abcde", limit: 4, wantErr: "response larger than 4 bytes"},
		{name: "empty", body: "", limit: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readLimited(strings.NewReader(tt.body), tt.limit)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.body, string(got))
		})
	}
}

func TestRequestMethod(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{in: "", want: "GET"}, {in: "get", want: "GET"}, {in: "GET", want: "GET"},
		{in: "Post", want: "POST"}, {in: "DELETE", wantErr: `method "DELETE" is not GET or POST`},
	}
	for _, tt := range tests {
		got, err := requestMethod(tt.in)
		if tt.wantErr != "" {
			assert.EqualError(t, err, tt.wantErr, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
