package reportsink_test

import (
	"context"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/gittestserver"
	"github.com/go-git/go-billy/v5/memfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/controllers/reportsink"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/reports/gitsink"
	"github.com/bylaw-dev/bylaw/server"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: controlplane.BylawCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

const (
	gitUser     = "bylaw"
	gitPassword = "s3cret"
)

// env is one test's world: an API server namespace with a credentials Secret, a git server that can be taken down,
// a policy store, a Book and a clock.
type env struct {
	t         *testing.T
	ctx       context.Context
	client    client.Client
	namespace string
	git       *gittestserver.GitServer
	down      *atomic.Bool
	store     *policy.Store
	book      *reports.Book

	mu  sync.Mutex
	now time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	scheme, err := server.NewScheme()
	require.NoError(t, err)
	c, err := client.New(plane.Config(t), client.Options{Scheme: scheme})
	require.NoError(t, err)
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "reportsink-"}}
	require.NoError(t, c.Create(ctx, ns))
	srv, err := gittestserver.NewTempGitServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth(gitUser, gitPassword).AutoCreate()
	down := &atomic.Bool{}
	srv.AddHTTPMiddlewares(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() {
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
	e := &env{t: t, ctx: ctx, client: c, namespace: ns.Name, git: srv, down: down, store: policy.NewStore(),
		now: time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)}
	e.book = reports.NewBook(reports.Options{Now: e.clock})
	require.NoError(t, c.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "git-auth", Namespace: ns.Name},
		Data: map[string][]byte{"username": []byte(gitUser), "password": []byte(gitPassword)}}))
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func (e *env) reconciler() *reportsink.Reconciler {
	return &reportsink.Reconciler{Client: e.client, Store: e.store, Book: e.book, Namespace: e.namespace,
		Publisher:   &gitsink.Publisher{CacheDir: e.t.TempDir(), Timeout: 30 * time.Second},
		BaseBackoff: time.Second, MaxBackoff: 4 * time.Second, Now: e.clock}
}

// sink creates a ReportSink committing to branch reports of repo.
func (e *env) sink(name, repo string, mods ...func(*v1alpha1.ReportSink)) *v1alpha1.ReportSink {
	e.t.Helper()
	s := &v1alpha1.ReportSink{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.namespace},
		Spec: v1alpha1.ReportSinkSpec{
			Git: v1alpha1.GitReportTarget{URL: e.git.HTTPAddress() + "/" + repo, Branch: "reports",
				SecretRef: &v1alpha1.LocalObjectReference{Name: "git-auth"}},
			Interval: metav1.Duration{Duration: time.Minute},
		},
	}
	for _, mod := range mods {
		mod(s)
	}
	require.NoError(e.t, e.client.Create(e.ctx, s))
	return s
}

// reconcile runs one reconcile of s and returns the result and the sink as stored afterwards.
func (e *env) reconcile(r *reportsink.Reconciler, s *v1alpha1.ReportSink) (ctrl.Result, *v1alpha1.ReportSink) {
	e.t.Helper()
	key := types.NamespacedName{Namespace: s.Namespace, Name: s.Name}
	res, err := r.Reconcile(e.ctx, ctrl.Request{NamespacedName: key})
	require.NoError(e.t, err)
	got := &v1alpha1.ReportSink{}
	require.NoError(e.t, e.client.Get(e.ctx, key, got))
	return res, got
}

// branch is what branch reports of repo holds: its commits from the tip down and the files of the tip.
type branch struct {
	commits []*object.Commit
	files   map[string]string
}

// branchOf reads branch reports of repo; no commits when it does not exist.
func (e *env) branchOf(repo string) branch {
	e.t.Helper()
	r, err := git.Clone(memory.NewStorage(), memfs.New(), &git.CloneOptions{URL: e.git.HTTPAddress() + "/" + repo,
		Auth: &githttp.BasicAuth{Username: gitUser, Password: gitPassword}, SingleBranch: true,
		ReferenceName: plumbing.NewBranchReferenceName("reports")})
	if err != nil {
		return branch{}
	}
	head, err := r.Head()
	require.NoError(e.t, err)
	var b branch
	iter, err := r.Log(&git.LogOptions{From: head.Hash()})
	require.NoError(e.t, err)
	require.NoError(e.t, iter.ForEach(func(c *object.Commit) error {
		b.commits = append(b.commits, c)
		return nil
	}))
	tree, err := b.commits[0].Tree()
	require.NoError(e.t, err)
	b.files = map[string]string{}
	require.NoError(e.t, tree.Files().ForEach(func(f *object.File) error {
		content, err := f.Contents()
		b.files[f.Name] = content
		return err
	}))
	return b
}

// ready returns the Ready condition of s.
func ready(s *v1alpha1.ReportSink) *metav1.Condition {
	return apimeta.FindStatusCondition(s.Status.Conditions, meta.ReadyCondition)
}
