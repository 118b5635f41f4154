package certs

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

func TestPlan(t *testing.T) {
	opts := testOptions()
	issued := issueBundle(t, opts, t0)
	moreNames := opts
	moreNames.DNSNames = append([]string{"bylaw.example"}, opts.DNSNames...)
	moreIPs := opts
	moreIPs.IPAddresses = []net.IP{net.ParseIP("10.0.0.1")}
	noKey := *issued
	noKey.Serving.KeyPEM = nil
	wrongKey := *issued
	wrongKey.Serving.KeyPEM = issued.CA.KeyPEM
	foreignData := issued.SecretData()
	foreignData[KeyCACert] = issueBundle(t, opts, t0).CABundle
	foreign := BundleFromSecret(&corev1.Secret{Data: foreignData})

	tests := []struct {
		name        string
		bundle      *Bundle
		opts        Options
		at          time.Time
		wantCA      bool
		wantServing bool
		wantPrune   bool
	}{
		{name: "fresh", bundle: issued, opts: opts, at: t0},
		{name: "before serving renewal", bundle: issued, opts: opts, at: t0.Add(19 * day)},
		{name: "after serving renewal", bundle: issued, opts: opts, at: t0.Add(21 * day), wantServing: true},
		{name: "serving expired", bundle: issued, opts: opts, at: t0.Add(31 * day), wantServing: true},
		{name: "after CA renewal", bundle: issued, opts: opts, at: t0.Add(61 * day), wantCA: true, wantServing: true},
		{name: "all expired", bundle: issued, opts: opts, at: t0.Add(91 * day), wantCA: true, wantServing: true, wantPrune: true},
		{name: "new DNS name", bundle: issued, opts: moreNames, at: t0.Add(day), wantServing: true},
		{name: "new IP", bundle: issued, opts: moreIPs, at: t0.Add(day), wantServing: true},
		{name: "fraction one tenth", bundle: issued, opts: withFraction(opts, 0.1), at: t0.Add(21 * day)},
		{name: "serving key missing", bundle: &noKey, opts: opts, at: t0, wantServing: true},
		{name: "serving key of another certificate", bundle: &wrongKey, opts: opts, at: t0, wantServing: true},
		{name: "signed by a CA not in ca.crt", bundle: foreign, opts: opts, at: t0, wantCA: true, wantServing: true},
		{name: "empty", bundle: &Bundle{}, opts: opts, at: t0, wantCA: true, wantServing: true},
		{name: "external never renewed", bundle: &Bundle{Serving: issued.Serving, External: true}, opts: opts, at: t0.Add(91 * day)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Plan(tt.bundle, tt.opts, tt.at)
			assert.Equal(t, tt.wantCA, r.CA, "CA; reasons %v", r.Reasons)
			assert.Equal(t, tt.wantServing, r.Serving, "serving; reasons %v", r.Reasons)
			assert.Equal(t, tt.wantPrune, r.Prune, "prune; reasons %v", r.Reasons)
			assert.Equal(t, tt.wantCA || tt.wantServing || tt.wantPrune, r.Due())
			assert.Equal(t, r.Due(), len(r.Reasons) > 0, "every finding has a reason")
		})
	}
}

func withFraction(o Options, f float64) Options {
	o.RenewBeforeFraction = f
	return o
}

// TestRotateCALifecycle follows one CA rotation: the new CA is published
// next to the old one before any serving certificate is signed by it, and
// the old one leaves the bundle when it expires.
func TestRotateCALifecycle(t *testing.T) {
	opts := testOptions()
	name := opts.DNSNames[0]
	first := issueBundle(t, opts, t0)
	oldCA := mustCert(t, first.CA.CertPEM)

	// Day 55: the serving certificate is renewed, still by the first CA.
	day55 := rotateAt(t, first, opts, t0.Add(55*day), Renewal{Serving: true})
	assert.Equal(t, first.CABundle, day55.CABundle)
	require.NoError(t, verifyServing(t, day55, name, t0.Add(55*day)))

	// Day 61: only the CA is due. The new CA goes first in ca.crt, the old one stays,
	// and the serving certificate is left alone (it still verifies).
	day61 := rotateAt(t, day55, opts, t0.Add(61*day), Renewal{CA: true})
	newCA := mustCert(t, day61.CA.CertPEM)
	assert.False(t, newCA.Equal(oldCA))
	bundle := validCertificates(day61.CABundle, t0.Add(61*day))
	require.Len(t, bundle, 2)
	assert.True(t, bundle[0].Equal(newCA), "current CA first")
	assert.True(t, bundle[1].Equal(oldCA), "previous CA kept")
	assert.Equal(t, day55.Serving, day61.Serving)
	require.NoError(t, verifyServing(t, day61, name, t0.Add(61*day)))

	// Day 76: the serving certificate is due and is signed by the new CA; the old CA stays.
	day76 := rotateAt(t, day61, opts, t0.Add(76*day), Renewal{Serving: true})
	assert.NoError(t, mustCert(t, day76.Serving.CertPEM).CheckSignatureFrom(newCA))
	assert.Len(t, validCertificates(day76.CABundle, t0.Add(76*day)), 2)
	require.NoError(t, verifyServing(t, day76, name, t0.Add(76*day)))
	// A client still holding the day-61 bundle verifies the new certificate too.
	require.NoError(t, verifyServing(t, &Bundle{Serving: day76.Serving, CABundle: day61.CABundle}, name, t0.Add(76*day)))

	// Day 91: the old CA has expired and is pruned.
	day91 := rotateAt(t, day76, opts, t0.Add(91*day), Renewal{Prune: true})
	bundle = validCertificates(day91.CABundle, time.Time{})
	require.Len(t, bundle, 1)
	assert.True(t, bundle[0].Equal(newCA))
	assert.Equal(t, day76.Serving, day91.Serving)
}

// rotateAt checks that Plan finds exactly want due at `at`, and applies it.
func rotateAt(t *testing.T, b *Bundle, opts Options, at time.Time, want Renewal) *Bundle {
	t.Helper()
	r := Plan(b, opts, at)
	require.Equal(t, [3]bool{want.CA, want.Serving, want.Prune}, [3]bool{r.CA, r.Serving, r.Prune}, "plan at %s: %v", at, r.Reasons)
	next, err := Rotate(b, r, opts, at)
	require.NoError(t, err)
	assert.False(t, Plan(next, opts, at).Due(), "nothing is due right after a rotation")
	return next
}

func TestRotateKeepsNamesUntilDue(t *testing.T) {
	opts := testOptions()
	issued := issueBundle(t, opts, t0)
	other := opts
	other.DNSNames = []string{"bylaw-webhook-v2.bylaw-system.svc"}
	other.IPAddresses = nil

	// Before the renewal time: the new names are added to the old ones.
	early := rotateAt(t, issued, other, t0.Add(day), Renewal{Serving: true})
	cert := mustCert(t, early.Serving.CertPEM)
	assert.Equal(t, append(append([]string{}, other.DNSNames...), opts.DNSNames...), cert.DNSNames)
	assert.Len(t, cert.IPAddresses, 1)
	assert.False(t, Plan(early, opts, t0.Add(day)).Due(), "the old names are covered too: no flapping")

	// At the renewal time: only the names asked for.
	late := rotateAt(t, early, other, t0.Add(21*day), Renewal{Serving: true})
	cert = mustCert(t, late.Serving.CertPEM)
	assert.Equal(t, other.DNSNames, cert.DNSNames)
	assert.Empty(t, cert.IPAddresses)
}

func TestBundleFromSecret(t *testing.T) {
	issued := issueBundle(t, testOptions(), t0)
	previous := issueBundle(t, testOptions(), t0)

	tests := []struct {
		name         string
		data         map[string][]byte
		wantExternal bool
		wantCA       bool
	}{
		{name: "ours", data: issued.SecretData(), wantCA: true},
		{name: "current CA second in ca.crt", wantCA: true, data: map[string][]byte{
			KeyTLSCert: issued.Serving.CertPEM, KeyTLSKey: issued.Serving.KeyPEM,
			KeyCACert: append(append([]byte{}, previous.CABundle...), issued.CABundle...), KeyCAKey: issued.CA.KeyPEM,
		}},
		{name: "ca.key of no certificate", data: map[string][]byte{
			KeyTLSCert: issued.Serving.CertPEM, KeyTLSKey: issued.Serving.KeyPEM,
			KeyCACert: previous.CABundle, KeyCAKey: issued.CA.KeyPEM,
		}},
		{name: "external", wantExternal: true, data: map[string][]byte{
			KeyTLSCert: issued.Serving.CertPEM, KeyTLSKey: issued.Serving.KeyPEM, KeyCACert: issued.CABundle,
		}},
		{name: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := BundleFromSecret(&corev1.Secret{Data: tt.data})
			assert.Equal(t, tt.wantExternal, b.External)
			if tt.wantCA {
				assert.Equal(t, issued.CA, b.CA)
			} else {
				assert.Empty(t, b.CA.CertPEM)
			}
			assert.Equal(t, tt.data[KeyCACert], b.CABundle)
			assert.Equal(t, tt.data[KeyTLSCert], b.Serving.CertPEM)
		})
	}
}

func TestBundleTLSCertificate(t *testing.T) {
	issued := issueBundle(t, testOptions(), t0)
	pair, err := issued.TLSCertificate()
	require.NoError(t, err)
	require.NotNil(t, pair.Leaf)
	assert.Equal(t, mustCert(t, issued.Serving.CertPEM).Raw, pair.Leaf.Raw)

	broken := *issued
	broken.Serving.KeyPEM = issued.CA.KeyPEM
	_, err = broken.TLSCertificate()
	assert.ErrorContains(t, err, "parse serving key pair")
}
