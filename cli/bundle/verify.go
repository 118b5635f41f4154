package bundle

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// RunVerify checks the bundle as the cluster does and prints every check: the files, the name (with --name), the
// expiry, the version (with --min-version), each signature, and the requirement. It returns ExitRefused naming the
// first reason when the bundle is refused.
func RunVerify(_ context.Context, o VerifyOptions, stdout, _ io.Writer) (int, error) {
	keys, err := loadKeys(o.Keys)
	if err != nil {
		return ExitError, err
	}
	req := verify.Requirement{Requires: o.Requires, Threshold: o.Threshold}
	if err := req.Validate(keys); err != nil {
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
	checks, signers, err := verify.Report(b.ManifestBytes, b.Signatures, keys, req)
	printChecks(stdout, checks)
	for _, signer := range slices.Sorted(maps.Keys(b.SigstoreBundles)) {
		line(stdout, "signature", "%s: ignored: keyless signatures are not supported yet", signer)
	}
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
