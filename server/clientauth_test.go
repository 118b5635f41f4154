package server

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/webhook/certs"
)

func TestClientAuthFlags(t *testing.T) {
	dir := t.TempDir()
	ca, err := certs.NewCA(certs.Options{}, time.Now())
	require.NoError(t, err)
	serving, err := certs.NewServingCert(ca, certs.Options{DNSNames: []string{"bylaw-webhook.bylaw-system.svc"}}, time.Now())
	require.NoError(t, err)
	files := map[string][]byte{"ca.crt": ca.CertPEM, "leaf.crt": serving.CertPEM, "empty.crt": nil,
		"garbage.crt": []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	file := func(name string) string { return "--client-ca-file=" + filepath.Join(dir, name) }
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{name: "off by default"},
		{name: "a CA bundle file", args: []string{file("ca.crt"), "--client-cert-names=kube-apiserver"}},
		{name: "a Secret", args: []string{"--client-ca-secret=apiserver-client-ca"}},
		{name: "missing file", args: []string{file("missing.crt")},
			err: "--client-ca-file: open " + filepath.Join(dir, "missing.crt") + ": no such file or directory"},
		{name: "no certificate", args: []string{file("empty.crt")},
			err: "--client-ca-file " + filepath.Join(dir, "empty.crt") + ": no PEM certificate found"},
		{name: "not DER", args: []string{file("garbage.crt")},
			err: "--client-ca-file " + filepath.Join(dir, "garbage.crt") + ": parse certificate 1:"},
		{name: "a serving certificate is not a CA", args: []string{file("leaf.crt")},
			err: "is not a CA certificate"},
		{name: "both sources", args: []string{file("ca.crt"), "--client-ca-secret=apiserver-client-ca"},
			err: "--client-ca-file and --client-ca-secret: give one of them"},
		{name: "bad Secret name", args: []string{"--client-ca-secret=Client_CA"},
			err: `--client-ca-secret: "Client_CA" is not a Secret name`},
		{name: "names without a CA", args: []string{"--client-cert-names=kube-apiserver"},
			err: "--client-cert-names: needs --client-ca-file or --client-ca-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--webhook-url=https://127.0.0.1:9443"}, tt.args...)...)
			err := o.Validate()
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}
