package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/bylaw-dev/bylaw/webhook/certs"
)

// addClientAuthFlags binds the mutual TLS flags of the webhook port.
func (o *Options) addClientAuthFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.ClientCAFile, "client-ca-file", o.ClientCAFile, "PEM bundle of the CAs that sign the API server's "+
		"client certificate: the webhook port then refuses, in the TLS handshake, every client without a certificate "+
		"they signed (mutual TLS); re-read on change, no restart")
	fs.StringVar(&o.ClientCASecret, "client-ca-secret", o.ClientCASecret, "Secret in --namespace whose key "+
		certs.ClientCAKey+" holds that bundle, instead of --client-ca-file; re-read on change")
	fs.StringSliceVar(&o.ClientCertNames, "client-cert-names", o.ClientCertNames, "with --client-ca-file or "+
		"--client-ca-secret: names (common name or DNS SAN) of which the client certificate must carry one (default: any the CA signed)")
}

// validateClientAuth checks the mutual TLS flags; a --client-ca-file must hold at least one CA certificate.
func (o *Options) validateClientAuth() error {
	switch {
	case o.ClientCAFile != "" && o.ClientCASecret != "":
		return errors.New("--client-ca-file and --client-ca-secret: give one of them")
	case o.ClientCAFile != "":
		b, err := os.ReadFile(o.ClientCAFile)
		if err != nil {
			return fmt.Errorf("--client-ca-file: %w", err)
		}
		if _, _, err := certs.ParseClientCAs(b); err != nil {
			return fmt.Errorf("--client-ca-file %s: %w", o.ClientCAFile, err)
		}
	case o.ClientCASecret != "":
		for _, msg := range validation.IsDNS1123Subdomain(o.ClientCASecret) {
			return fmt.Errorf("--client-ca-secret: %q is not a Secret name: %s", o.ClientCASecret, msg)
		}
	case len(o.ClientCertNames) > 0:
		return errors.New("--client-cert-names: needs --client-ca-file or --client-ca-secret")
	}
	return nil
}

// webhookTLS returns the TLS configuration of the webhook port: the keeper's serving certificate and, with
// --client-ca-file or --client-ca-secret, a client certificate required and verified in every handshake. secrets
// reads Bylaw's namespace (the manager's cached client).
func webhookTLS(o Options, keeper *certs.Keeper, secrets client.Reader) (*tls.Config, error) {
	base := keeper.TLSConfig()
	var src certs.ClientCASource
	switch {
	case o.ClientCAFile != "":
		src = certs.FileSource{Path: o.ClientCAFile}
	case o.ClientCASecret != "":
		src = certs.SecretSource{Reader: secrets, Namespace: o.Namespace, Name: o.ClientCASecret}
	default:
		return base, nil
	}
	failures := prometheus.NewCounter(prometheus.CounterOpts{Name: "bylaw_webhook_client_ca_failures_total",
		Help: "TLS handshakes of the webhook port at which the client CA bundle could not be read or parsed " +
			"(the last good bundle was used, or the handshake refused when there was none)"})
	if err := ctrlmetrics.Registry.Register(failures); err != nil {
		return nil, fmt.Errorf("registering metrics: %w", err)
	}
	auth := &certs.ClientAuth{Source: src, Names: o.ClientCertNames, OnFailure: func(error) { failures.Inc() }}
	if o.ClientCAFile != "" {
		// The Secret is read through the cache, which starts with the manager: its first read is at the first handshake.
		if err := auth.Load(context.Background()); err != nil {
			return nil, fmt.Errorf("--client-ca-file: %w", err)
		}
	}
	return auth.ServerConfig(base), nil
}
