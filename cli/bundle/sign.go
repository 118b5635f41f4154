package bundle

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
	"github.com/bylaw-dev/bylaw/manifest"
)

// RunSign checks the bundle (as verify does, signatures aside), signs its manifest with the key and writes
// signatures/SIGNER.sig. An expired bundle is not signed.
func RunSign(_ context.Context, o SignOptions, stdout, stderr io.Writer) (int, error) {
	signer := o.Signer
	if signer == "" {
		signer = nameOf(o.KeyFile)
	}
	if err := bundle.CheckSignerName(signer); err != nil {
		return ExitError, fmt.Errorf("%w (set --signer)", err)
	}
	key, err := readPrivateKey(o, stderr)
	if err != nil {
		return ExitError, err
	}
	b, err := bundle.LoadDir(o.Dir, bundle.Limits{})
	if err != nil {
		return exitFor(err), fmt.Errorf("bundle %s: %w", o.Dir, err)
	}
	if err := bundle.CheckFreshness(&b.Manifest, now(o.Now), 0); err != nil {
		return ExitRefused, fmt.Errorf("bundle %s: %w", o.Dir, err)
	}
	if _, ok := b.SigstoreBundles[signer]; ok {
		return ExitError, fmt.Errorf("signer %s already has a keyless signature %s/%s%s",
			signer, bundle.SignaturesDir, signer, bundle.SigstoreBundleSuffix)
	}
	sig, err := verify.Sign(b.ManifestBytes, key)
	if err != nil {
		return ExitError, err
	}
	if _, err := verify.Verify(b.ManifestBytes, map[string][]byte{signer: sig},
		[]verify.Key{{Name: signer, PublicKey: key.Public()}}, verify.Requirement{}); err != nil {
		return ExitError, fmt.Errorf("the signature made does not verify: %w", err)
	}
	file := path.Join(bundle.SignaturesDir, signer+bundle.SignatureSuffix)
	if err := writeSignature(o.Dir, file, sig); err != nil {
		return ExitError, err
	}
	fmt.Fprintf(stdout, "signed bundle %s version %d (%s) as %s: %s\n", b.Manifest.Name, b.Manifest.Version, b.Digest, signer, file)
	return ExitOK, nil
}

func readPrivateKey(o SignOptions, stderr io.Writer) (crypto.Signer, error) {
	data, err := manifest.Limits{}.ReadFile(o.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	password := o.Password
	if password == nil {
		stdin := o.Stdin
		if stdin == nil {
			stdin = os.Stdin
		}
		password = EnvOrTerminalPassword(stdin, stderr)
	}
	key, err := verify.LoadPrivateKey(data, password)
	if err != nil {
		return nil, fmt.Errorf("--key %s: %w", o.KeyFile, err)
	}
	return key, nil
}

func writeSignature(dir, file string, sig []byte) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	defer root.Close()
	if err := root.MkdirAll(bundle.SignaturesDir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := root.WriteFile(file, sig, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}
