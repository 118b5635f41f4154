package gitsink_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/reports/gitsink"
)

// author signs the commits of the tests.
var author = gitsink.Author{Name: "Bylaw", Email: "bylaw@bylaw.dev"}

func newPublisher(t *testing.T) *gitsink.Publisher {
	return &gitsink.Publisher{CacheDir: t.TempDir(), Timeout: 30 * time.Second}
}

func (g *gitServer) target(repo, branch string) gitsink.Target {
	return gitsink.Target{URL: g.url(repo), Branch: branch, Path: "compliance/reports", Auth: g.auth(), Author: author}
}

// tree returns a report tree whose shop.yaml says content.
func tree(content string) gitsink.Tree {
	return gitsink.Tree{"SUMMARY.md": []byte("# summary\n"), "shop.yaml": []byte(content)}
}

// inFolder returns the repository files of a tree published under compliance/reports, plus extra.
func inFolder(tr gitsink.Tree, extra map[string]string) map[string]string {
	out := map[string]string{}
	for name, data := range tr {
		out["compliance/reports/"+name] = string(data)
	}
	for name, content := range extra {
		out[name] = content
	}
	return out
}

func TestPublishCommitsOnlyWhenContentChanges(t *testing.T) {
	g := newGitServer(t)
	seed := g.pushFiles("archive", "main", map[string]string{"README.md": "reports of the cluster\n",
		"compliance/reports/stale.yaml": "gone after the first publication\n"})
	p := newPublisher(t)
	ctx := context.Background()
	steps := []struct {
		name    string
		tree    gitsink.Tree
		pushed  bool
		commits int
	}{
		{"first publication", tree("v1"), true, 2},
		{"same content", tree("v1"), false, 2},
		{"same content again", tree("v1"), false, 2},
		{"changed content", tree("v2"), true, 3},
		{"a namespace gone", gitsink.Tree{"SUMMARY.md": []byte("# summary\n")}, true, 4},
	}
	for _, step := range steps {
		res, err := p.Publish(ctx, g.target("archive", "main"), step.tree, "reports: "+step.name)
		require.NoError(t, err, step.name)
		st := g.state("archive", "main")
		assert.Equal(t, step.pushed, res.Pushed, step.name)
		assert.Len(t, st.commits, step.commits, step.name)
		assert.Equal(t, st.commits[0].Hash.String(), res.Commit, step.name)
		assert.Equal(t, inFolder(step.tree, map[string]string{"README.md": "reports of the cluster\n"}), st.files,
			step.name)
		assert.Equal(t, seed, st.commits[len(st.commits)-1].Hash, "history kept: %s", step.name)
		if step.pushed {
			assert.Equal(t, "reports: "+step.name, st.commits[0].Message)
			assert.Equal(t, author.Name, st.commits[0].Author.Name)
			assert.Equal(t, author.Email, st.commits[0].Committer.Email)
			assert.Equal(t, 1, res.Attempts)
		}
	}
}

func TestPublishCreatesAMissingBranch(t *testing.T) {
	tests := []struct {
		name  string
		setup func(g *gitServer)
	}{
		{"empty repository", func(*gitServer) {}},
		{"repository with another branch", func(g *gitServer) {
			g.pushFiles("archive", "main", map[string]string{"README.md": "main\n"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGitServer(t)
			tt.setup(g)
			res, err := newPublisher(t).Publish(context.Background(), g.target("archive", "reports/prod"), tree("v1"),
				"first reports")
			require.NoError(t, err)
			assert.True(t, res.Pushed)
			st := g.state("archive", "reports/prod")
			require.Len(t, st.commits, 1)
			assert.Empty(t, st.commits[0].ParentHashes, "an orphan branch")
			assert.Equal(t, inFolder(tree("v1"), nil), st.files)
		})
	}
}

// TestPublishRetriesAfterAConcurrentPush makes another writer push to the branch after Publish fetched it: when the
// push reads the remote refs (go-git refuses the non-fast-forward itself) or when it sends its pack (the server
// refuses the update). Publish fetches again, applies the tree on the new tip and pushes: both commits stay.
func TestPublishRetriesAfterAConcurrentPush(t *testing.T) {
	for _, stage := range []string{"info/refs", "POST"} {
		t.Run(stage, func(t *testing.T) {
			g := newGitServer(t)
			seed := g.pushFiles("archive", "main", map[string]string{"README.md": "main\n"})
			var other plumbing.Hash
			g.onPush.Store(&pushHook{stage: stage, run: func() {
				other = g.pushFiles("archive", "main", map[string]string{"notes/other.md": "someone else\n"})
			}})
			res, err := newPublisher(t).Publish(context.Background(), g.target("archive", "main"), tree("v1"), "reports")
			require.NoError(t, err)
			assert.True(t, res.Pushed)
			assert.Equal(t, 2, res.Attempts)
			st := g.state("archive", "main")
			assert.Equal(t, []plumbing.Hash{plumbing.NewHash(res.Commit), other, seed}, hashes(st.commits),
				"the other writer's commit is kept: no force push")
			assert.Equal(t, inFolder(tree("v1"), map[string]string{"README.md": "main\n",
				"notes/other.md": "someone else\n"}), st.files)
		})
	}
}

func TestPublishGivesUpWhenTheBranchKeepsMoving(t *testing.T) {
	g := newGitServer(t)
	g.pushFiles("archive", "main", map[string]string{"README.md": "main\n"})
	n := 0
	g.onPush.Store(&pushHook{stage: "info/refs", repeat: true, run: func() {
		n++
		g.pushFiles("archive", "main", map[string]string{"counter.txt": strconv.Itoa(n)})
	}})
	p := newPublisher(t)
	p.Attempts = 3
	res, err := p.Publish(context.Background(), g.target("archive", "main"), tree("v1"), "reports")
	require.ErrorIs(t, err, gitsink.ErrRejected)
	assert.Equal(t, gitsink.ReasonRejected, gitsink.ReasonOf(err))
	assert.Equal(t, 3, res.Attempts)
	assert.False(t, res.Pushed)
	st := g.state("archive", "main")
	assert.Len(t, st.commits, 4, "the seed and the other writer's three commits, none of ours")
	assert.NotContains(t, st.files, "compliance/reports/shop.yaml")
}

func TestPublishToAnUnreachableRemoteFailsThenRecovers(t *testing.T) {
	g := newGitServer(t)
	g.pushFiles("archive", "main", map[string]string{"README.md": "main\n"})
	p := newPublisher(t)
	ctx := context.Background()
	g.down.Store(true)
	res, err := p.Publish(ctx, g.target("archive", "main"), tree("v1"), "reports")
	require.ErrorIs(t, err, gitsink.ErrUnreachable)
	assert.Equal(t, gitsink.ReasonUnreachable, gitsink.ReasonOf(err))
	assert.False(t, res.Pushed)
	g.down.Store(false)
	assert.Len(t, g.state("archive", "main").commits, 1, "nothing pushed while down")

	res, err = p.Publish(ctx, g.target("archive", "main"), tree("v1"), "reports")
	require.NoError(t, err)
	assert.True(t, res.Pushed)
	st := g.state("archive", "main")
	assert.Len(t, st.commits, 2)
	assert.Equal(t, inFolder(tree("v1"), map[string]string{"README.md": "main\n"}), st.files)
}

func TestPublishErrors(t *testing.T) {
	g := newGitServer(t)
	tests := []struct {
		name   string
		target func(gitsink.Target) gitsink.Target
		want   error
	}{
		{"no URL", func(tg gitsink.Target) gitsink.Target { tg.URL = ""; return tg }, gitsink.ErrInvalid},
		{"bad branch", func(tg gitsink.Target) gitsink.Target { tg.Branch = "a..b"; return tg }, gitsink.ErrInvalid},
		{"no branch", func(tg gitsink.Target) gitsink.Target { tg.Branch = ""; return tg }, gitsink.ErrInvalid},
		{"path up", func(tg gitsink.Target) gitsink.Target { tg.Path = "reports/../.."; return tg }, gitsink.ErrInvalid},
		{"path in .git", func(tg gitsink.Target) gitsink.Target { tg.Path = ".git/x"; return tg }, gitsink.ErrInvalid},
		{"wrong password", func(tg gitsink.Target) gitsink.Target {
			auth := g.auth()
			auth.Password = "wrong"
			tg.Auth = auth
			return tg
		}, gitsink.ErrAuth},
		{"closed port", func(tg gitsink.Target) gitsink.Target {
			tg.URL = "http://127.0.0.1:1/archive"
			return tg
		}, gitsink.ErrUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newPublisher(t).Publish(context.Background(), tt.target(g.target("archive", "main")),
				tree("v1"), "reports")
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), gitPassword)
		})
	}
}
