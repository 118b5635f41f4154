package bundle

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
	"github.com/bylaw-dev/bylaw/manifest"
)

// Exit codes of the Run functions.
const (
	ExitOK      = 0
	ExitRefused = 1 // the bundle is refused
	ExitError   = 2 // wrong options, or a file cannot be read or written
)

// BuildOptions are the settings of `bylaw bundle build`.
type BuildOptions struct {
	// Dir is the bundle folder (the argument).
	Dir     string
	Name    string
	Version int64
	// Expires is an RFC 3339 time or a Go duration from now (e.g. 720h); empty for no expiry.
	Expires string
	// Now is the current time; nil means time.Now.
	Now func() time.Time
}

// BindFlags registers the options' flags.
func (o *BuildOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Name, "name", "", "bundle name (a DNS subdomain), required")
	fs.Int64Var(&o.Version, "version", 0, "bundle version: a positive integer that grows with every release, required")
	fs.StringVar(&o.Expires, "expires", "", "expiry: an RFC 3339 time (2026-01-01T00:00:00Z) or a duration from now (720h)")
}

// SignOptions are the settings of `bylaw bundle sign`.
type SignOptions struct {
	// Dir is the bundle folder (the argument).
	Dir string
	// KeyFile is a PEM private key (a cosign key, or PKCS #8, SEC 1 or PKCS #1).
	KeyFile string
	// Signer names the signature file; empty means the key file's name without its extension.
	Signer string
	// Password returns the password of an encrypted key; nil means COSIGN_PASSWORD, else a prompt on the terminal.
	Password func() ([]byte, error)
	// Stdin is where a password prompt reads from; nil means os.Stdin.
	Stdin *os.File
	// Now is the current time; nil means time.Now.
	Now func() time.Time
}

// BindFlags registers the options' flags.
func (o *SignOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.KeyFile, "key", "", "PEM private key file (cosign generate-key-pair writes one), required")
	fs.StringVar(&o.Signer, "signer", "", "signer name: writes signatures/NAME.sig (default: the key file name without extension)")
}

// VerifyOptions are the settings of `bylaw bundle verify`.
type VerifyOptions struct {
	// Dir is the bundle folder (the argument).
	Dir string
	// Keys are NAME=PUBLIC.pem, or PUBLIC.pem named after the file without its extension.
	Keys []string
	// Identities are keyless signers NAME,issuer=URL,subject=S (issuer-regexp=, subject-regexp= as alternatives).
	Identities []string
	// TrustedRoot is the trusted_root.json file the keyless signatures are checked with.
	TrustedRoot string
	Requires    []string
	Threshold   int
	// MinVersion is the version in force: a lower version is a rollback. 0 skips the check.
	MinVersion int64
	// Name, when set, is the bundle name expected.
	Name string
	// Now is the current time; nil means time.Now.
	Now func() time.Time
}

// BindFlags registers the options' flags.
func (o *VerifyOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.Keys, "key", nil, "public key NAME=FILE.pem, or FILE.pem named after the file (repeatable)")
	fs.StringArrayVar(&o.Identities, "identity", nil, "keyless signer NAME,issuer=URL,subject=S; issuer-regexp= and "+
		"subject-regexp= (whole-value regular expressions) instead of or with issuer= and subject= (repeatable)")
	fs.StringVar(&o.TrustedRoot, "trusted-root", "", "Sigstore trusted_root.json to verify keyless signatures with "+
		"(required with --identity)")
	fs.StringSliceVar(&o.Requires, "requires", nil, "signers whose valid signature is required (comma-separated or repeatable)")
	fs.IntVar(&o.Threshold, "threshold", 0, "least number of signers (keys and identities) with a valid signature (default 1)")
	fs.Int64Var(&o.MinVersion, "min-version", 0, "version in force: a lower bundle version is refused as a rollback")
	fs.StringVar(&o.Name, "name", "", "expected bundle name")
}

func now(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}

// parseExpiry reads an RFC 3339 time or a duration from now.
func parseExpiry(s string, at time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("--expires %q: want an RFC 3339 time or a positive duration", s)
	}
	t := at.Add(d)
	return &t, nil
}

// nameOf is a key file's name without its extension.
func nameOf(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// loadKeys reads the --key arguments.
func loadKeys(args []string) ([]verify.Key, error) {
	keys := make([]verify.Key, 0, len(args))
	for _, arg := range args {
		name, file, ok := strings.Cut(arg, "=")
		if !ok {
			name, file = nameOf(arg), arg
		}
		data, err := manifest.Limits{}.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--key %s: %w", arg, err)
		}
		pub, err := verify.LoadPublicKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("--key %s: %w", arg, err)
		}
		keys = append(keys, verify.Key{Name: name, PublicKey: pub})
	}
	return keys, nil
}

// exitFor maps an error to an exit code: refusals are 1, anything else 2.
func exitFor(err error) int {
	if bundle.ReasonOf(err) != "" {
		return ExitRefused
	}
	return ExitError
}

func line(w io.Writer, check, format string, args ...any) {
	fmt.Fprintf(w, "%-10s %s\n", check, fmt.Sprintf(format, args...))
}
