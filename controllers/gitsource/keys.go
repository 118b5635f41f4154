package gitsource

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

const defaultKeyField = "cosign.pub"

// keys reads the signers' public keys from their Secrets.
func (r *Reconciler) keys(ctx context.Context, src *v1alpha1.GitSource) ([]verify.Key, error) {
	out := make([]verify.Key, 0, len(src.Spec.Verify.Keys))
	for _, k := range src.Spec.Verify.Keys {
		field := k.SecretRef.Key
		if field == "" {
			field = defaultKeyField
		}
		var secret corev1.Secret
		key := client.ObjectKey{Namespace: src.Namespace, Name: k.SecretRef.Name}
		if err := r.Client.Get(ctx, key, &secret); err != nil {
			return nil, fmt.Errorf("key %s: Secret %s: %w", k.Name, key, err)
		}
		data, ok := secret.Data[field]
		if !ok {
			return nil, fmt.Errorf("key %s: Secret %s has no %q", k.Name, key, field)
		}
		pub, err := verify.LoadPublicKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("key %s: Secret %s field %s: %w", k.Name, key, field, err)
		}
		out = append(out, verify.Key{Name: k.Name, PublicKey: pub})
	}
	return out, nil
}

// inputOf identifies everything a verification depends on: the revision, the spec's generation-relevant parts and
// the keys. The same input gives the same outcome, so it is verified once.
func inputOf(src *v1alpha1.GitSource, revision string, keys []verify.Key) string {
	h := sha256.New()
	spec, _ := json.Marshal(struct {
		Path   string
		Verify v1alpha1.BundleVerification
	}{src.Spec.Path, src.Spec.Verify})
	h.Write([]byte(revision))
	h.Write(spec)
	for _, k := range keys {
		der, _ := x509.MarshalPKIXPublicKey(k.PublicKey)
		h.Write([]byte(k.Name))
		h.Write(der)
	}
	return hex.EncodeToString(h.Sum(nil))
}
