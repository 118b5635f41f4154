package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fluxcd/pkg/gittestserver"
	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// sinkQuiet is how long the test waits to see that nothing more is committed: three sink intervals.
const sinkQuiet = 3 * time.Second

// reportRepo is a clone of the report repository, as a reviewer of the reports would have it.
type reportRepo struct {
	t    *testing.T
	url  string
	repo *git.Repository
}

func cloneReports(t *testing.T, url string) *reportRepo {
	t.Helper()
	repo, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: url, ReferenceName: plumbing.NewBranchReferenceName("main")})
	require.NoError(t, err)
	return &reportRepo{t: t, url: url, repo: repo}
}

// pull fetches the branch and returns its commits, newest first.
func (r *reportRepo) pull() []*object.Commit {
	r.t.Helper()
	err := r.repo.Fetch(&git.FetchOptions{RefSpecs: []gitconfig.RefSpec{"+refs/heads/main:refs/remotes/origin/main"}})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		require.NoError(r.t, err)
	}
	ref, err := r.repo.Reference(plumbing.NewRemoteReferenceName("origin", "main"), true)
	require.NoError(r.t, err)
	iter, err := r.repo.Log(&git.LogOptions{From: ref.Hash()})
	require.NoError(r.t, err)
	var out []*object.Commit
	require.NoError(r.t, iter.ForEach(func(c *object.Commit) error { out = append(out, c); return nil }))
	return out
}

func fileAt(c *object.Commit, path string) (string, error) {
	f, err := c.File(path)
	if err != nil {
		return "", err
	}
	return f.Contents()
}

func TestReportSinkCommitsOnlyChanges(t *testing.T) {
	resetPolicies(t) // the archive then holds this test's results only
	ctx := context.Background()
	const ns = "sink"
	namespace(t, ns)
	srv, err := gittestserver.NewTempGitServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth("archivist", "w4ite").AutoCreate()
	require.NoError(t, srv.StartHTTP())
	t.Cleanup(srv.StopHTTP)
	seedRepo(t, srv.HTTPAddressWithCredentials()+"/reports")

	// Only this namespace's Pods: the Pods earlier tests left elsewhere are not scanned while the sink runs.
	sinkPolicy := scanPolicyIn("e2e-sink-team", ns, "        metadata:\n          labels:\n            team: \"?*\"")
	applyYAML(t, sinkPolicy)
	t.Cleanup(func() { deleteYAML(t, sinkPolicy) })
	createPods(t, ns, 0, 4) // p-0000 has no team label
	reportIs(t, ns, counts{pass: 3, fail: 1})

	require.NoError(t, env.client.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "report-git", Namespace: bylawNamespace},
		Data: map[string][]byte{"username": []byte("archivist"), "password": []byte("w4ite")}}))
	sink := &v1alpha1.ReportSink{ObjectMeta: metav1.ObjectMeta{Name: "archive", Namespace: bylawNamespace},
		Spec: v1alpha1.ReportSinkSpec{Interval: metav1.Duration{Duration: time.Second}, Git: v1alpha1.GitReportTarget{
			URL: srv.HTTPAddress() + "/reports", Branch: "main", Path: "clusters/e2e",
			SecretRef: &v1alpha1.LocalObjectReference{Name: "report-git"}}}}
	require.NoError(t, env.client.Create(ctx, sink))
	t.Cleanup(func() { _ = env.client.Delete(ctx, sink) })

	repo := cloneReports(t, srv.HTTPAddressWithCredentials()+"/reports")
	var commits []*object.Commit
	eventually(t, reportWait, "the reports are committed", func() error {
		commits = repo.pull()
		content, err := fileAt(commits[0], "clusters/e2e/sink.yaml")
		if err != nil {
			return err
		}
		if !strings.Contains(content, "fail: 1") {
			return fmt.Errorf("sink.yaml without the failure:\n%s", content)
		}
		return nil
	})
	base := len(commits)
	summary, err := fileAt(commits[0], "clusters/e2e/SUMMARY.md")
	require.NoError(t, err)
	require.Contains(t, summary, "e2e-sink-team")

	time.Sleep(sinkQuiet) // nothing changed: nothing is committed
	require.Len(t, repo.pull(), base, "no commit without a change")

	pushOther(t, srv.HTTPAddressWithCredentials()+"/reports") // someone else pushes to the branch
	createPods(t, ns, 4, 1)                                   // p-0004 has no team label: one more failure
	eventually(t, reportWait, "the change is committed on top of the other push", func() error {
		commits = repo.pull()
		content, err := fileAt(commits[0], "clusters/e2e/sink.yaml")
		if err != nil {
			return err
		}
		if !strings.Contains(content, "fail: 2") {
			return errors.New("not yet")
		}
		if _, err := fileAt(commits[0], "README.md"); err != nil {
			return fmt.Errorf("the other push was lost: %w", err)
		}
		return nil
	})
	require.Len(t, commits, base+2, "the other push and exactly one report commit")
	var got v1alpha1.ReportSink
	require.NoError(t, env.client.Get(ctx, client.ObjectKeyFromObject(sink), &got))
	require.Equal(t, commits[0].Hash.String(), got.Status.LastCommit)
}

// seedRepo creates the report repository with one commit on main, as an operator would.
func seedRepo(t *testing.T, url string) {
	t.Helper()
	writeAndPush(t, url, "OWNERS", "platform-team\n", "create the report archive")
}

// pushOther pushes a commit outside the report folder, as a person editing the repository would.
func pushOther(t *testing.T, url string) {
	t.Helper()
	writeAndPush(t, url, "README.md", "Compliance reports of the e2e cluster.\n", "describe the archive")
}

func writeAndPush(t *testing.T, url, file, content, message string) {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainClone(dir, false, &git.CloneOptions{URL: url, ReferenceName: plumbing.NewBranchReferenceName("main")})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		require.NoError(t, os.RemoveAll(dir))
		repo, err = git.PlainInit(dir, false)
		require.NoError(t, err)
		head := plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))
		require.NoError(t, repo.Storer.SetReference(head))
		_, err = repo.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{url}})
	}
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o600))
	wt, err := repo.Worktree()
	require.NoError(t, err)
	_, err = wt.Add(file)
	require.NoError(t, err)
	_, err = wt.Commit(message, &git.CommitOptions{Author: &object.Signature{Name: "Operator", Email: "ops@example.com", When: time.Now()}})
	require.NoError(t, err)
	require.NoError(t, repo.Push(&git.PushOptions{RefSpecs: []gitconfig.RefSpec{"refs/heads/main:refs/heads/main"}}))
}
