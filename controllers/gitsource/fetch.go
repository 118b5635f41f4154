package gitsource

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/gitsource/fetch"
)

const defaultFetchTimeout = 60 * time.Second

// fetch gets the source's revision into the cache.
func (r *Reconciler) fetch(ctx context.Context, src *v1alpha1.GitSource) (*fetch.Result, error) {
	opts := fetch.Options{URL: src.Spec.URL, Ref: refOf(src.Spec.Ref), Timeout: defaultFetchTimeout, CacheDir: r.CacheDir}
	if src.Spec.Timeout != nil && src.Spec.Timeout.Duration > 0 {
		opts.Timeout = src.Spec.Timeout.Duration
	}
	if src.Spec.SecretRef != nil {
		var secret corev1.Secret
		key := client.ObjectKey{Namespace: src.Namespace, Name: src.Spec.SecretRef.Name}
		if err := r.Client.Get(ctx, key, &secret); err != nil {
			return nil, &fetch.Error{Reason: fetch.ReasonAuth, Err: fmt.Errorf("credentials Secret %s: %w", key, err)}
		}
		opts.Auth = fetch.AuthFromSecretData(secret.Data)
	}
	if c := src.Spec.Verify.Commit; c != nil {
		var secret corev1.Secret
		key := client.ObjectKey{Namespace: src.Namespace, Name: c.SecretRef.Name}
		if err := r.Client.Get(ctx, key, &secret); err != nil {
			return nil, &fetch.Error{Reason: fetch.ReasonSignature, Err: fmt.Errorf("OpenPGP keys Secret %s: %w", key, err)}
		}
		v := &fetch.Verification{Mode: fetch.VerifyMode(c.Mode)}
		for _, name := range slices.Sorted(maps.Keys(secret.Data)) {
			v.PublicKeys = append(v.PublicKeys, secret.Data[name])
		}
		opts.Verify = v
	}
	return r.Fetcher.Fetch(ctx, opts)
}

// refOf maps the API's ref to the fetcher's, defaulting to branch main.
func refOf(ref *v1alpha1.GitRef) fetch.Ref {
	if ref == nil || *ref == (v1alpha1.GitRef{}) {
		return fetch.Ref{Branch: "main"}
	}
	return fetch.Ref{Branch: ref.Branch, Tag: ref.Tag, SemVer: ref.SemVer, Commit: ref.Commit}
}
