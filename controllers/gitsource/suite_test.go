package gitsource_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fluxcd/pkg/gittestserver"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/server"
	"github.com/bylaw-dev/bylaw/tests/bundlerepo"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: controlplane.BylawCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

const (
	gitUser     = "bylaw"
	gitPassword = "s3cret"
)

// env is one test's world: an API server namespace, a git server, signing keys and the store.
type env struct {
	t         *testing.T
	ctx       context.Context
	client    client.Client
	namespace string
	git       *gittestserver.GitServer
	keys      map[string]*ecdsa.PrivateKey
	store     *policy.Store
	// down makes the git server drop every fetch connection (pushes still work), as a server that is down.
	down *atomic.Bool
}

func newEnv(t *testing.T) *env {
	t.Helper()
	scheme, err := server.NewScheme()
	require.NoError(t, err)
	c, err := client.New(plane.Config(t), client.Options{Scheme: scheme})
	require.NoError(t, err)
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "gitsource-"}}
	require.NoError(t, c.Create(ctx, ns))
	srv, err := gittestserver.NewTempGitServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth(gitUser, gitPassword).AutoCreate()
	down := &atomic.Bool{}
	srv.AddHTTPMiddlewares(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() && strings.Contains(r.URL.String(), "upload-pack") {
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					_ = conn.Close()
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	require.NoError(t, srv.StartHTTP())
	t.Cleanup(srv.StopHTTP)
	e := &env{t: t, ctx: ctx, client: c, namespace: ns.Name, git: srv, keys: map[string]*ecdsa.PrivateKey{},
		store: policy.NewStore(), down: down}
	e.secret("git-auth", map[string][]byte{"username": []byte(gitUser), "password": []byte(gitPassword)})
	for _, name := range []string{"release", "staging-approval", "intruder"} {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		e.keys[name] = key
		der, err := x509.MarshalPKIXPublicKey(key.Public())
		require.NoError(t, err)
		e.secret("key-"+name, map[string][]byte{"cosign.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})})
	}
	return e
}

func (e *env) secret(name string, data map[string][]byte) {
	e.t.Helper()
	require.NoError(e.t, e.client.Create(e.ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.namespace}, Data: data}))
}

// source creates a GitSource for repo that requires the given signers.
func (e *env) source(name, repo string, requires ...string) *v1alpha1.GitSource {
	e.t.Helper()
	src := &v1alpha1.GitSource{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.namespace},
		Spec: v1alpha1.GitSourceSpec{
			URL: e.git.HTTPAddress() + "/" + repo, Path: "bundle", Interval: metav1.Duration{Duration: time.Minute},
			SecretRef: &v1alpha1.LocalObjectReference{Name: "git-auth"},
			Verify: v1alpha1.BundleVerification{Requires: requires, Keys: []v1alpha1.SignerKey{
				{Name: "release", SecretRef: v1alpha1.SecretKeyReference{Name: "key-release"}},
				{Name: "staging-approval", SecretRef: v1alpha1.SecretKeyReference{Name: "key-staging-approval"}},
			}},
		},
	}
	require.NoError(e.t, e.client.Create(e.ctx, src))
	return src
}

// repo publishes bundles under bundle/ of a test repository.
type repo struct {
	*bundlerepo.Repo
	e *env
}

func (e *env) repo(name string) *repo {
	e.t.Helper()
	return &repo{Repo: bundlerepo.New(e.t, e.git.HTTPAddressWithCredentials()+"/"+name, "bundle"), e: e}
}

// bundleSpec describes one published bundle.
type bundleSpec struct {
	version  int64
	expires  *time.Time
	policies map[string]string // file -> content
	signers  []string          // key names; "intruder:release" signs with intruder's key as release
	tamper   func(dir string)  // runs after signing
}

// publish builds, signs, tampers and pushes b.
func (r *repo) publish(b bundleSpec) {
	signers := map[string]crypto.Signer{}
	for _, s := range b.signers {
		key, name := r.e.keys[s], s
		if k, n, ok := strings.Cut(s, ":"); ok {
			key, name = r.e.keys[k], n
		}
		signers[name] = key
	}
	r.Publish(bundlerepo.Bundle{Version: b.version, Expires: b.expires, Policies: b.policies, Signers: signers, Tamper: b.tamper})
}

func (r *repo) commitAndPush(msg string) { r.Push(msg) }
