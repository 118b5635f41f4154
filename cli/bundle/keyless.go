package bundle

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/keyless"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// identityFields are the fields of an --identity argument after its name.
var identityFields = []string{"issuer", "issuer-regexp", "subject", "subject-regexp"}

// parseIdentity reads an --identity argument: NAME,issuer=URL,subject=S with issuer-regexp= and subject-regexp= as
// alternatives (or additions). A comma not followed by a field name belongs to the value before it, so regular
// expressions such as `a{1,3}` need no quoting beyond the shell's.
func parseIdentity(arg string) (keyless.Identity, error) {
	name, rest, _ := strings.Cut(arg, ",")
	id := keyless.Identity{Name: name}
	if rest == "" {
		return id, nil
	}
	var field string
	values := map[string]*string{"issuer": &id.Issuer, "issuer-regexp": &id.IssuerRegExp, "subject": &id.Subject,
		"subject-regexp": &id.SubjectRegExp}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(part, "=")
		if ok && slices.Contains(identityFields, k) {
			if *values[k] != "" {
				return keyless.Identity{}, fmt.Errorf("--identity %s: %s given twice", arg, k)
			}
			field, *values[k] = k, v
			continue
		}
		if field == "" {
			return keyless.Identity{}, fmt.Errorf("--identity %s: want NAME,issuer=URL,subject=S (or issuer-regexp=, subject-regexp=)", arg)
		}
		*values[field] += "," + part
	}
	return id, nil
}

// loadIdentities reads the --identity arguments and, when there are any, the --trusted-root file.
func loadIdentities(o VerifyOptions) ([]keyless.Identity, *root.TrustedRoot, error) {
	if len(o.Identities) == 0 {
		if o.TrustedRoot != "" {
			return nil, nil, errors.New("--trusted-root without --identity")
		}
		return nil, nil, nil
	}
	ids := make([]keyless.Identity, 0, len(o.Identities))
	for _, arg := range o.Identities {
		id, err := parseIdentity(arg)
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	if o.TrustedRoot == "" {
		return nil, nil, errors.New("--identity needs --trusted-root (cosign trusted-root create, or Sigstore's trusted_root.json)")
	}
	tr, err := keyless.LoadTrustedRootFile(o.TrustedRoot)
	if err != nil {
		return nil, nil, fmt.Errorf("--trusted-root: %w", err)
	}
	// Nothing signed: only invalid identities return no checks.
	if _, checks, err := keyless.Verify(nil, nil, ids, tr); checks == nil {
		return nil, nil, fmt.Errorf("--identity: %w", err)
	}
	return ids, tr, nil
}

// identityNames are the identities' names.
func identityNames(ids []keyless.Identity) []string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		names = append(names, id.Name)
	}
	return names
}

// verifyAll checks the key signatures and the keyless signatures of the bundle and applies the requirement to both
// together, as the cluster does.
func verifyAll(b *bundle.Bundle, keys []verify.Key, ids []keyless.Identity, tr root.TrustedMaterial,
	req verify.Requirement) (checks []verify.Check, signers []string, err error) {
	return keyless.VerifyBundle(b, keys, ids, tr, req)
}
