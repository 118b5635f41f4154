package bundle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/keyless"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// RunVerify checks the bundle as the cluster does and prints every check: the files, the name (with --name), the
// expiry, the version (with --min-version), each signature (key signatures and keyless ones), and the requirement,
// which counts key and keyless signers together. It returns ExitRefused naming the
// first reason when the bundle is refused.
func RunVerify(_ context.Context, o VerifyOptions, stdout, _ io.Writer) (int, error) {
	keys, ids, tr, err := loadSigners(o)
	if err != nil {
		return ExitError, err
	}
	req := verify.Requirement{Requires: o.Requires, Threshold: o.Threshold}
	if err := req.ValidateSigners(keys, identityNames(ids)); err != nil {
		return ExitError, err
	}
	b, err := bundle.LoadDir(o.Dir, bundle.Limits{})
	if err != nil {
		if exitFor(err) == ExitRefused {
			line(stdout, "files", "refused: %v", err)
			line(stdout, "REFUSED", "%s", bundle.ReasonOf(err))
		}
		return exitFor(err), fmt.Errorf("bundle %s: %w", o.Dir, err)
	}
	m := &b.Manifest
	line(stdout, "bundle", "%s version %d, %s", m.Name, m.Version, b.Digest)
	line(stdout, "files", "ok: %d files match the manifest", len(m.Files))
	refusal := printFreshness(stdout, o, m)
	checks, signers, err := verifyAll(b, keys, ids, tr, req)
	printChecks(stdout, checks)
	if err != nil {
		line(stdout, "signers", "refused: %v", err)
	} else {
		line(stdout, "signers", "ok: signed by %s", joinNames(signers))
	}
	if refusal == nil {
		refusal = err
	}
	if refusal != nil {
		line(stdout, "REFUSED", "%s", bundle.ReasonOf(refusal))
		return ExitRefused, fmt.Errorf("bundle %s: %w", o.Dir, refusal)
	}
	line(stdout, "VERIFIED", "%s version %d %s signed by %s", m.Name, m.Version, b.Digest, joinNames(signers))
	return ExitOK, nil
}

// loadSigners reads the --key files, the --identity arguments and the --trusted-root file.
func loadSigners(o VerifyOptions) ([]verify.Key, []keyless.Identity, *root.TrustedRoot, error) {
	if len(o.Keys) == 0 && len(o.Identities) == 0 {
		return nil, nil, nil, errors.New("no --key or --identity given")
	}
	keys, err := loadKeys(o.Keys)
	if err != nil {
		return nil, nil, nil, err
	}
	ids, tr, err := loadIdentities(o)
	if err != nil {
		return nil, nil, nil, err
	}
	return keys, ids, tr, nil
}

// printFreshness prints the name, expiry and version checks and returns the first refusal.
func printFreshness(w io.Writer, o VerifyOptions, m *bundle.Manifest) error {
	var first error
	report := func(check string, err error, ok string) {
		if err != nil {
			line(w, check, "refused: %v", err)
			if first == nil {
				first = err
			}
			return
		}
		line(w, check, "ok: %s", ok)
	}
	if o.Name != "" {
		report("name", bundle.CheckName(m, o.Name), m.Name)
	}
	expiry := "no expiry"
	if m.Expires != nil {
		expiry = "expires " + m.Expires.UTC().Format(time.RFC3339)
	}
	report("expiry", bundle.CheckExpiry(m, now(o.Now)), expiry)
	version := "no minimum version given"
	if o.MinVersion > 0 {
		version = fmt.Sprintf("%d >= %d", m.Version, o.MinVersion)
	}
	report("version", bundle.CheckVersion(m, o.MinVersion), version)
	return first
}

func printChecks(w io.Writer, checks []verify.Check) {
	for _, c := range checks {
		switch {
		case c.Valid:
			line(w, "signature", "%s: valid (%s)", c.Signer, c.Key)
		case c.Key == "":
			line(w, "signature", "%s: %v", c.Signer, c.Err)
		default:
			line(w, "signature", "%s: not valid (%s): %v", c.Signer, c.Key, c.Err)
		}
	}
}

func joinNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
