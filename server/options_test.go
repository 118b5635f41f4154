package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	policyctl "github.com/bylaw-dev/bylaw/controllers/policy"
	"github.com/bylaw-dev/bylaw/policy"
)

// parse binds the options to a flag set and parses args, as `bylaw serve` does.
func parse(t *testing.T, args ...string) Options {
	t.Helper()
	o := DefaultOptions()
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	o.AddFlags(fs)
	require.NoError(t, fs.Parse(args))
	return o
}

func TestExceptionNamespacesFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want policyctl.ExceptionNamespaces
		err  string
	}{
		{name: "default is Bylaw's namespace", args: []string{"--namespace=policy-system"},
			want: policyctl.ExceptionNamespaces{"policy-system"}},
		{name: "a list", args: []string{"--exception-namespaces=bylaw-system,exceptions"},
			want: policyctl.ExceptionNamespaces{"bylaw-system", "exceptions"}},
		{name: "the list replaces the default", args: []string{"--exception-namespaces=exceptions"},
			want: policyctl.ExceptionNamespaces{"exceptions"}},
		{name: "every namespace", args: []string{"--exception-namespaces=*"}, want: policyctl.ExceptionNamespaces{"*"}},
		{name: "an empty value trusts none", args: []string{"--exception-namespaces="}, want: policyctl.ExceptionNamespaces{}},
		{name: "not a namespace name", args: []string{"--exception-namespaces=Team_A"},
			err: `--exception-namespaces: "Team_A" is not a namespace name`},
		{name: "* with names", args: []string{"--exception-namespaces=*,bylaw-system"},
			err: `--exception-namespaces: "*" trusts every namespace and stands alone`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--webhook-url=https://127.0.0.1:9443"}, tt.args...)...)
			err := o.Validate()
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, o.exceptionNamespaces())
		})
	}
}

func TestMetricsFlags(t *testing.T) {
	certDir := t.TempDir()
	for _, name := range []string{"tls.crt", "tls.key"} {
		require.NoError(t, os.WriteFile(filepath.Join(certDir, name), []byte("x"), 0o600))
	}
	tests := []struct {
		name    string
		args    []string
		secure  bool
		certDir string
		err     string
	}{
		{name: "HTTPS with authentication by default", secure: true},
		{name: "a certificate folder", args: []string{"--metrics-cert-dir=" + certDir}, secure: true, certDir: certDir},
		{name: "a certificate folder without the files", args: []string{"--metrics-cert-dir=" + t.TempDir()},
			err: "--metrics-cert-dir"},
		{name: "plain HTTP on loopback", args: []string{"--metrics-secure=false", "--metrics-bind-address=127.0.0.1:8080"}},
		{name: "plain HTTP on IPv6 loopback", args: []string{"--metrics-secure=false", "--metrics-bind-address=[::1]:8080"}},
		{name: "plain HTTP on localhost", args: []string{"--metrics-secure=false", "--metrics-bind-address=localhost:8080"}},
		{name: "plain HTTP disabled", args: []string{"--metrics-secure=false", "--metrics-bind-address=0"}},
		{name: "plain HTTP on every address", args: []string{"--metrics-secure=false"},
			err: "--metrics-bind-address must then be a loopback address"},
		{name: "plain HTTP on a pod address", args: []string{"--metrics-secure=false", "--metrics-bind-address=10.0.0.7:8080"},
			err: "--metrics-bind-address must then be a loopback address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--webhook-url=https://127.0.0.1:9443"}, tt.args...)...)
			err := o.Validate()
			var got metricsserver.Options
			if err == nil {
				got, err = metricsServing(&o, policy.NewStore(), nil)
			}
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.secure, got.SecureServing)
			assert.Equal(t, tt.secure, got.FilterProvider != nil, "authentication and authorization with HTTPS")
			assert.Equal(t, tt.certDir, got.CertDir)
			assert.Contains(t, got.ExtraHandlers, "/status")
		})
	}
}

func TestContextServiceAccountFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
		err  string
	}{
		{name: "default", want: "bylaw-context"},
		{name: "set", args: []string{"--context-service-account=policy-reader"}, want: "policy-reader"},
		{name: "empty is refused", args: []string{"--context-service-account="}, err: "--context-service-account: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--namespace=bylaw-system"}, tt.args...)...)
			assert.Equal(t, tt.want, o.ContextServiceAccount)
			if tt.err == "" {
				assert.NoError(t, o.Validate())
				return
			}
			assert.ErrorContains(t, o.Validate(), tt.err)
		})
	}
}

func TestCELHTTPHostsFlag(t *testing.T) {
	for _, tt := range []struct {
		arg  string
		want []string
		err  string
	}{
		{arg: "--cel-http-hosts=api.example.com,*.internal:8443", want: []string{"api.example.com", "*.internal:8443"}},
		{arg: "--cel-http-hosts=https://api.example.com", err: `--cel-http-hosts: "https://api.example.com" is not host`},
	} {
		t.Run(tt.arg, func(t *testing.T) {
			o := parse(t, "--webhook-url=https://127.0.0.1:9443", tt.arg)
			err := o.Validate()
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, o.CELHTTPHosts)
		})
	}
}
