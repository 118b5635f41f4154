package certs

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Defaults applied by [Options.withDefaults].
const (
	DefaultCAValidity          = 5 * 365 * 24 * time.Hour
	DefaultCertValidity        = 365 * 24 * time.Hour
	DefaultRenewBeforeFraction = 1.0 / 3
	// maxInterval caps the default interval between two calls of Ensure by a Keeper.
	maxInterval = time.Minute
	// clockSkew is how far NotBefore is set in the past, so that a peer whose
	// clock is slightly behind ours still accepts a fresh certificate.
	clockSkew = 5 * time.Minute
)

// Options say where the webhook's TLS material is stored and what it must look like.
type Options struct {
	// Namespace and SecretName name the Secret (type kubernetes.io/tls) that holds the material.
	Namespace  string
	SecretName string
	// DNSNames and IPAddresses must be covered by the serving certificate's SANs,
	// e.g. "bylaw-webhook.bylaw-system.svc". At least one name or address is required.
	DNSNames    []string
	IPAddresses []net.IP
	// CAValidity and CertValidity are the lifetimes of a new CA and a new serving
	// certificate. A serving certificate never outlives the CA that signs it.
	CAValidity   time.Duration
	CertValidity time.Duration
	// RenewBeforeFraction: a certificate is renewed once less than this fraction of
	// its lifetime remains (0 < f < 1; default 1/3). A fraction rather than a
	// duration so that one value fits both the CA and the serving certificate.
	RenewBeforeFraction float64
	// Interval between two calls of Ensure by a Keeper (default: CertValidity/10,
	// at most one minute). Each call costs one GET of the Secret when nothing is due.
	Interval time.Duration
	// Clock returns the current time (default time.Now); tests set a fake clock.
	Clock func() time.Time
}

// withDefaults returns a copy of o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.CAValidity == 0 {
		o.CAValidity = DefaultCAValidity
	}
	if o.CertValidity == 0 {
		o.CertValidity = DefaultCertValidity
	}
	if o.RenewBeforeFraction == 0 {
		o.RenewBeforeFraction = DefaultRenewBeforeFraction
	}
	if o.Interval == 0 {
		o.Interval = min(o.CertValidity/10, maxInterval)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}

// validate reports the first field of o (after defaults) that cannot work.
func (o Options) validate() error {
	var errs []error
	if o.Namespace == "" || o.SecretName == "" {
		errs = append(errs, errors.New("namespace and secret name are required"))
	}
	if len(o.DNSNames) == 0 && len(o.IPAddresses) == 0 {
		errs = append(errs, errors.New("at least one DNS name or IP address is required"))
	}
	if o.CAValidity <= 0 || o.CertValidity <= 0 {
		errs = append(errs, fmt.Errorf("validities must be positive (CA %s, certificate %s)", o.CAValidity, o.CertValidity))
	}
	if o.RenewBeforeFraction <= 0 || o.RenewBeforeFraction >= 1 {
		errs = append(errs, fmt.Errorf("renew-before fraction %v is not between 0 and 1", o.RenewBeforeFraction))
	}
	if o.Interval <= 0 {
		errs = append(errs, fmt.Errorf("interval %s is not positive", o.Interval))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid certificate options: %w", err)
	}
	return nil
}
