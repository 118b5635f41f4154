package gitsource

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/sigstore/sigstore-go/pkg/root"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/keyless"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

const defaultTrustedRootField = "trusted_root.json"

// trust is what verifying a bundle's signatures needs from the cluster: the signers' keys, the keyless identities
// and the trusted root they are checked with.
type trust struct {
	keys       []verify.Key
	identities []keyless.Identity
	root       *root.TrustedRoot
	// rootDigest is the sha256 of the trusted_root.json, empty without identities.
	rootDigest string
}

// trust reads the keys and, with keyless identities, the trusted root from their Secrets.
func (r *Reconciler) trust(ctx context.Context, src *v1alpha1.GitSource) (*trust, error) {
	keys, err := r.keys(ctx, src)
	if err != nil {
		return &trust{}, err
	}
	t := &trust{keys: keys}
	v := src.Spec.Verify
	if len(v.Identities) == 0 {
		return t, nil
	}
	for _, id := range v.Identities {
		t.identities = append(t.identities, keyless.Identity{Name: id.Name, Issuer: id.Issuer,
			IssuerRegExp: id.IssuerRegExp, Subject: id.Subject, SubjectRegExp: id.SubjectRegExp})
	}
	if v.TrustedRootRef == nil {
		return t, errors.New("keyless identities need spec.verify.trustedRootRef")
	}
	data, err := r.secretField(ctx, src.Namespace, *v.TrustedRootRef, defaultTrustedRootField)
	if err != nil {
		return t, fmt.Errorf("trusted root: %w", err)
	}
	sum := sha256.Sum256(data)
	t.rootDigest = hex.EncodeToString(sum[:])
	if t.root, err = keyless.LoadTrustedRoot(data); err != nil {
		return t, fmt.Errorf("trusted root: Secret %s/%s: %w", src.Namespace, v.TrustedRootRef.Name, err)
	}
	return t, nil
}

// secretField reads one value of a Secret of the namespace; field defaults to def.
func (r *Reconciler) secretField(ctx context.Context, ns string, ref v1alpha1.SecretKeyReference, def string) ([]byte, error) {
	field := ref.Key
	if field == "" {
		field = def
	}
	var secret corev1.Secret
	key := client.ObjectKey{Namespace: ns, Name: ref.Name}
	if err := r.Client.Get(ctx, key, &secret); err != nil {
		return nil, fmt.Errorf("Secret %s: %w", key, err)
	}
	data, ok := secret.Data[field]
	if !ok {
		return nil, fmt.Errorf("Secret %s has no %q", key, field)
	}
	return data, nil
}

// check verifies the key signatures and the keyless signatures of the bundle and applies the requirement to both
// together; it returns the valid signers, sorted.
func (t *trust) check(b *bundle.Bundle, req verify.Requirement) ([]string, error) {
	_, signers, err := keyless.VerifyBundle(b, t.keys, t.identities, t.root, req)
	return signers, err
}
