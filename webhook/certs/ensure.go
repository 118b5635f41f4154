package certs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// Log keys, stable so that logs can be searched.
const (
	logKeySecret   = "secret"
	logKeyNotAfter = "notAfter"
	logKeyReasons  = "reasons"
	logKeyVersion  = "resourceVersion"
)

// Labels set on a Secret this package creates.
const (
	labelManagedBy = "app.kubernetes.io/managed-by"
	managedBy      = "bylaw"
)

// maxAttempts bounds the read-modify-write loop of Ensure when other replicas write concurrently.
const maxAttempts = 5

// errRetry means another replica wrote the Secret first: read it again.
var errRetry = errors.New("secret written concurrently")

// Ensure reads the Secret named by opts, creates it when missing and renews
// what [Plan] finds due, and returns the material in force. Writes are
// optimistic: when another replica creates or updates the Secret first, Ensure
// reads it again and returns what that replica wrote (renewing again only if
// it is still due).
//
// c should read Secrets from the API server, not from a cache (for a manager's
// client, disable the cache for Secrets or pass a client made with client.New),
// so that a replica sees what another just wrote and the manager does not
// cache every Secret of the cluster.
func Ensure(ctx context.Context, c client.Client, opts Options) (*Bundle, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	key := client.ObjectKey{Namespace: opts.Namespace, Name: opts.SecretName}
	for range maxAttempts {
		b, err := ensureOnce(ctx, c, opts, key)
		if !errors.Is(err, errRetry) {
			return b, err
		}
	}
	return nil, fmt.Errorf("ensure secret %s: gave up after %d concurrent writes: %w", key, maxAttempts, errRetry)
}

// ensureOnce is one read, decide and write of the Secret; errRetry asks for another.
func ensureOnce(ctx context.Context, c client.Client, opts Options, key client.ObjectKey) (*Bundle, error) {
	logger := log.FromContext(ctx).WithValues(logKeySecret, key.String())
	now := opts.Clock()
	secret := &corev1.Secret{}
	err := c.Get(ctx, key, secret)
	exists := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("read secret %s: %w", key, err)
	}
	b := BundleFromSecret(secret)
	if b.External {
		return b, checkExternal(ctx, b, opts, now)
	}
	r := Plan(b, opts, now)
	if !r.Due() {
		return b, nil
	}
	next, err := Rotate(b, r, opts, now)
	if err != nil {
		return nil, fmt.Errorf("renew material of secret %s: %w", key, err)
	}
	if exists {
		err = update(ctx, c, secret, next)
	} else {
		err = create(ctx, c, key, next)
	}
	if err != nil {
		return nil, err
	}
	notAfter := ""
	if pair, err := next.TLSCertificate(); err == nil {
		notAfter = pair.Leaf.NotAfter.Format(time.RFC3339)
	}
	logger.Info("wrote webhook TLS material", logKeyReasons, strings.Join(r.Reasons, "; "),
		logKeyNotAfter, notAfter, logKeyVersion, next.ResourceVersion)
	return next, nil
}

// create stores next in a new Secret; errRetry when another replica created it first.
func create(ctx context.Context, c client.Client, key client.ObjectKey, next *Bundle) error {
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: key.Namespace,
			Name:      key.Name,
			Labels:    map[string]string{labelManagedBy: managedBy},
		},
		Type: corev1.SecretTypeTLS,
		Data: next.SecretData(),
	}
	err := c.Create(ctx, secret)
	if apierrors.IsAlreadyExists(err) {
		return errRetry
	}
	if err != nil {
		return fmt.Errorf("create secret %s: %w", key, err)
	}
	next.ResourceVersion = secret.ResourceVersion
	return nil
}

// update writes next into secret at the version read (other data keys are kept);
// errRetry when another replica updated it first.
func update(ctx context.Context, c client.Client, secret *corev1.Secret, next *Bundle) error {
	if secret.Data == nil {
		secret.Data = map[string][]byte{}
	}
	for k, v := range next.SecretData() {
		secret.Data[k] = v
	}
	err := c.Update(ctx, secret)
	if apierrors.IsConflict(err) {
		return errRetry
	}
	if err != nil {
		return fmt.Errorf("update secret %s/%s: %w", secret.Namespace, secret.Name, err)
	}
	next.ResourceVersion = secret.ResourceVersion
	return nil
}

// checkExternal validates a Secret managed by someone else, and logs when its
// certificate is due for renewal (renewing it is that someone's job).
func checkExternal(ctx context.Context, b *Bundle, opts Options, now time.Time) error {
	pair, err := b.TLSCertificate()
	if err != nil {
		return fmt.Errorf("externally managed secret %s/%s: %w", opts.Namespace, opts.SecretName, err)
	}
	if !now.Before(pair.Leaf.NotAfter) {
		return fmt.Errorf("externally managed secret %s/%s: serving certificate expired at %s",
			opts.Namespace, opts.SecretName, pair.Leaf.NotAfter.Format(time.RFC3339))
	}
	if !now.Before(RenewalTime(pair.Leaf, opts.RenewBeforeFraction)) {
		log.FromContext(ctx).Info("externally managed serving certificate is due for renewal",
			logKeySecret, opts.Namespace+"/"+opts.SecretName, logKeyNotAfter, pair.Leaf.NotAfter.Format(time.RFC3339))
	}
	return nil
}
