package x509

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

const overloadDecode = "x509_decode_string"

// Lib returns the x509 library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.x509" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est, cel.Function("x509.decode", cel.Overload(overloadDecode,
		[]*cel.Type{cel.StringType}, cel.DynType, cel.UnaryBinding(decode)))}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	c := lib.Linear(lib.ByteFactor, nil, 0)
	c.Overload = overloadDecode
	return lib.Costs(c)
}

// publicKey is an RSA public key as Kyverno shows it.
type publicKey struct {
	N string
	E int
}

// certificate is the decoded form of a certificate: the fields Kyverno shows, under the same names.
type certificate struct {
	Raw, RawTBSCertificate, RawSubjectPublicKeyInfo, RawSubject, RawIssuer, Signature string

	PublicKeyAlgorithm                                             x509.PublicKeyAlgorithm
	PublicKey                                                      publicKey
	SerialNumber                                                   int64
	Issuer                                                         pkix.Name
	NotBefore, NotAfter                                            string
	KeyUsage                                                       x509.KeyUsage
	Extensions, ExtraExtensions                                    []pkix.Extension
	ExtKeyUsage                                                    []x509.ExtKeyUsage
	BasicConstraintsValid, IsCA                                    bool
	MaxPathLen                                                     int
	MaxPathLenZero                                                 bool
	AuthorityKeyId                                                 []byte //nolint:revive // crypto/x509's name
	OCSPServer, IssuingCertificateURL, DNSNames, EmailAddresses    []string
	IPAddresses                                                    []net.IP
	PermittedDNSDomainsCritical                                    bool
	PermittedDNSDomains, ExcludedDNSDomains                        []string
	PermittedIPRanges, ExcludedIPRanges                            []*net.IPNet
	PermittedEmailAddresses, ExcludedEmailAddresses                []string
	PermittedURIDomains, ExcludedURIDomains, CRLDistributionPoints []string
	PolicyIdentifiers                                              []asn1.ObjectIdentifier
}

// Decode decodes the first PEM block of s (see the package documentation).
func Decode(s string) (map[string]any, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("failed to decode PEM block")
	}
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		key, err := rsaKey(cert.PublicKeyAlgorithm, cert.PublicKey)
		if err != nil {
			return nil, err
		}
		return toMap(fromCertificate(cert, key))
	case "CERTIFICATE REQUEST":
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return nil, err
		}
		key, err := rsaKey(csr.PublicKeyAlgorithm, csr.PublicKey)
		if err != nil {
			return nil, err
		}
		csr.PublicKey = key
		return toMap(csr)
	}
	return nil, errors.New("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
}

func rsaKey(alg x509.PublicKeyAlgorithm, key any) (publicKey, error) {
	k, ok := key.(*rsa.PublicKey)
	if alg != x509.RSA || !ok {
		return publicKey{}, errors.New("certificate should use rsa algorithm")
	}
	return publicKey{N: k.N.String(), E: k.E}, nil
}

func fromCertificate(c *x509.Certificate, key publicKey) certificate {
	b64 := base64.StdEncoding.EncodeToString
	return certificate{
		Raw: b64(c.Raw), RawTBSCertificate: b64(c.RawTBSCertificate), RawSubjectPublicKeyInfo: b64(c.RawSubjectPublicKeyInfo),
		RawSubject: b64(c.RawSubject), RawIssuer: b64(c.RawIssuer), Signature: b64(c.Signature),
		PublicKeyAlgorithm: c.PublicKeyAlgorithm, PublicKey: key, SerialNumber: c.SerialNumber.Int64(), Issuer: c.Issuer,
		NotBefore: c.NotBefore.Format(time.RFC3339), NotAfter: c.NotAfter.Format(time.RFC3339),
		KeyUsage: c.KeyUsage, Extensions: c.Extensions, ExtraExtensions: c.ExtraExtensions, ExtKeyUsage: c.ExtKeyUsage,
		BasicConstraintsValid: c.BasicConstraintsValid, IsCA: c.IsCA, MaxPathLen: c.MaxPathLen, MaxPathLenZero: c.MaxPathLenZero,
		AuthorityKeyId: c.AuthorityKeyId, OCSPServer: c.OCSPServer, IssuingCertificateURL: c.IssuingCertificateURL,
		DNSNames: c.DNSNames, EmailAddresses: c.EmailAddresses, IPAddresses: c.IPAddresses,
		PermittedDNSDomainsCritical: c.PermittedDNSDomainsCritical, PermittedDNSDomains: c.PermittedDNSDomains,
		ExcludedDNSDomains: c.ExcludedDNSDomains, PermittedIPRanges: c.PermittedIPRanges, ExcludedIPRanges: c.ExcludedIPRanges,
		PermittedEmailAddresses: c.PermittedEmailAddresses, ExcludedEmailAddresses: c.ExcludedEmailAddresses,
		PermittedURIDomains: c.PermittedURIDomains, ExcludedURIDomains: c.ExcludedURIDomains,
		CRLDistributionPoints: c.CRLDistributionPoints, PolicyIdentifiers: c.PolicyIdentifiers,
	}
}

// toMap round-trips v through JSON, as Kyverno does, so the result holds only JSON values.
func toMap(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func decode(arg ref.Val) ref.Val {
	s, errVal := lib.String("x509.decode", 0, arg)
	if errVal != nil {
		return errVal
	}
	out, err := Decode(s)
	if err != nil {
		return types.NewErr("x509.decode: %v", err)
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}
