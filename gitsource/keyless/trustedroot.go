package keyless

import (
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
	input "github.com/bylaw-dev/bylaw/manifest" // named apart from the tests' manifest variable
)

// maxTrustedRootBytes bounds a trusted_root.json (the public-good one is about 8 KiB).
const maxTrustedRootBytes = 1 << 20

// LoadTrustedRoot parses a trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json;version=0.1,
// as `cosign trusted-root create` writes it or Sigstore's TUF repository serves it) and checks that it can verify
// keyless bundles: at least one certificate authority, and a transparency log or a timestamp authority to establish
// when a signature was made. A refusal is a *bundle.RefusalError with reason verify.ErrInvalidKey.
func LoadTrustedRoot(data []byte) (*root.TrustedRoot, error) {
	if len(data) > maxTrustedRootBytes {
		return nil, bundle.Refuse(verify.ErrInvalidKey, "", "trusted root: more than %d bytes", maxTrustedRootBytes)
	}
	tr, err := root.NewTrustedRootFromJSON(data)
	if err != nil {
		return nil, bundle.Refuse(verify.ErrInvalidKey, "", "trusted root: %w", err)
	}
	if err := checkTrustedMaterial(tr); err != nil {
		return nil, err
	}
	return tr, nil
}

// LoadTrustedRootFile is LoadTrustedRoot on a file; a file that cannot be read is refused with bundle.ErrUnreadable.
func LoadTrustedRootFile(path string) (*root.TrustedRoot, error) {
	data, err := input.Limits{}.ReadFile(path)
	if err != nil {
		return nil, bundle.Refuse(bundle.ErrUnreadable, path, "trusted root: %w", err)
	}
	return LoadTrustedRoot(data)
}

func checkTrustedMaterial(tr root.TrustedMaterial) error {
	switch {
	case tr == nil:
		return bundle.Refuse(verify.ErrInvalidKey, "", "no trusted root")
	case len(tr.FulcioCertificateAuthorities()) == 0:
		return bundle.Refuse(verify.ErrInvalidKey, "", "trusted root: no certificate authority")
	case len(tr.RekorLogs()) == 0 && len(tr.TimestampingAuthorities()) == 0:
		return bundle.Refuse(verify.ErrInvalidKey, "", "trusted root: no transparency log and no timestamp authority")
	}
	return nil
}

// verifierOptions are what a bundle must carry, from what the trusted root provides:
//   - a signing time from an observer (an entry of a trusted transparency log with an integrated time, or an
//     RFC 3161 timestamp of a trusted timestamp authority), always: Fulcio certificates live ten minutes, and are
//     checked at that time, never at the current time;
//   - an entry in a transparency log, when the root lists one (the public-good root does);
//   - a signed certificate timestamp embedded in the certificate, when the root lists a CT log (it does too).
func verifierOptions(tr root.TrustedMaterial) []sgverify.VerifierOption {
	opts := []sgverify.VerifierOption{sgverify.WithObserverTimestamps(1)}
	if len(tr.RekorLogs()) > 0 {
		opts = append(opts, sgverify.WithTransparencyLog(1))
	}
	if len(tr.CTLogs()) > 0 {
		opts = append(opts, sgverify.WithSignedCertificateTimestamps(1))
	}
	return opts
}
