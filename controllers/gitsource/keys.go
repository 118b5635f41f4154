package gitsource

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

const defaultKeyField = "cosign.pub"

// keys reads the signers' public keys from their Secrets.
func (r *Reconciler) keys(ctx context.Context, src *v1alpha1.GitSource) ([]verify.Key, error) {
	out := make([]verify.Key, 0, len(src.Spec.Verify.Keys))
	for _, k := range src.Spec.Verify.Keys {
		data, err := r.secretField(ctx, src.Namespace, k.SecretRef, defaultKeyField)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", k.Name, err)
		}
		pub, err := verify.LoadPublicKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("key %s: Secret %s/%s: %w", k.Name, src.Namespace, k.SecretRef.Name, err)
		}
		out = append(out, verify.Key{Name: k.Name, PublicKey: pub})
	}
	return out, nil
}

// inputOf identifies everything a verification depends on: the revision, the spec's generation-relevant parts (with
// the keyless identities), the keys and the trusted root. The same input gives the same outcome, so it is verified
// once.
func inputOf(src *v1alpha1.GitSource, revision string, t *trust) string {
	h := sha256.New()
	spec, _ := json.Marshal(struct {
		Path   string
		Verify v1alpha1.BundleVerification
	}{src.Spec.Path, src.Spec.Verify})
	h.Write([]byte(revision))
	h.Write(spec)
	for _, k := range t.keys {
		der, _ := x509.MarshalPKIXPublicKey(k.PublicKey)
		h.Write([]byte(k.Name))
		h.Write(der)
	}
	h.Write([]byte(t.rootDigest))
	return hex.EncodeToString(h.Sum(nil))
}
