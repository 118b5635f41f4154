package fetch

import (
	"context"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

func TestReadDir(t *testing.T) {
	g := newGitServer(t)
	p := newPusher(t, g.pushURL("files.git"))
	p.commit("one", map[string]string{
		"bundle/bundle.yaml":        "name: demo",
		"bundle/policies/a.yaml":    "kind: ClusterPolicy",
		"bundle/link.yaml":          symlinkPrefix + "policies/a.yaml",
		"bundle/escape":             symlinkPrefix + "../../etc/passwd",
		"other/readme.md":           "# other",
		"bundle/policies/deep/b.md": "deep",
	}, nil)
	p.push()
	var f Fetcher
	tc := g.transports()[0]
	opts := fetchOpts(tc, "files.git", t.TempDir(), Ref{Branch: "main"})
	old, err := f.Fetch(context.Background(), opts)
	require.NoError(t, err)

	// Move the branch on: the old Result still reads its own commit.
	p.commit("two", map[string]string{"bundle/bundle.yaml": "name: changed", "bundle/new.yaml": "new"}, nil)
	p.push()
	cur, err := f.Fetch(context.Background(), opts)
	require.NoError(t, err)
	require.NotEqual(t, old.Commit, cur.Commit)

	regular := func(path, data string) File { return File{Path: path, Mode: 0o644, Data: []byte(data)} }
	link := func(path, target string) File { return File{Path: path, Mode: fs.ModeSymlink | 0o777, Target: target} }
	cases := []struct {
		name  string
		res   *Result
		dir   string
		lim   bundle.Limits
		files []File
		err   error
		text  string // the error, when err is set and text is not empty
	}{
		{name: "bundle folder at the old commit", res: old, dir: "bundle", files: []File{
			regular("bundle.yaml", "name: demo"),
			link("escape", "../../etc/passwd"),
			link("link.yaml", "policies/a.yaml"),
			regular("policies/a.yaml", "kind: ClusterPolicy"),
			regular("policies/deep/b.md", "deep"),
		}},
		{name: "bundle folder at the new commit", res: cur, dir: "bundle/", files: []File{
			regular("bundle.yaml", "name: changed"),
			link("escape", "../../etc/passwd"),
			link("link.yaml", "policies/a.yaml"),
			regular("new.yaml", "new"),
			regular("policies/a.yaml", "kind: ClusterPolicy"),
			regular("policies/deep/b.md", "deep"),
		}},
		{name: "nested folder", res: old, dir: "bundle/policies/deep", files: []File{regular("b.md", "deep")}},
		{name: "root", res: old, dir: ".", files: []File{
			regular("bundle/bundle.yaml", "name: demo"),
			link("bundle/escape", "../../etc/passwd"),
			link("bundle/link.yaml", "policies/a.yaml"),
			regular("bundle/policies/a.yaml", "kind: ClusterPolicy"),
			regular("bundle/policies/deep/b.md", "deep"),
			regular("other/readme.md", "# other"),
		}},
		{name: "missing folder", res: old, dir: "nope", err: ErrNotFound},
		{name: "new folder absent at the old commit", res: old, dir: "bundle/new.yaml", err: ErrNotFound},
		{name: "parent escape refused", res: old, dir: "bundle/../other", err: ErrInvalid},
		{name: "file over the limit", res: old, dir: "bundle", lim: bundle.Limits{MaxFileBytes: 18}, err: bundle.ErrTooLarge,
			text: "TooLarge: policies/a.yaml: 19 bytes, more than 18"},
		{name: "folder over the total", res: old, dir: "bundle", lim: bundle.Limits{MaxTotalBytes: 30}, err: bundle.ErrTooLarge,
			text: "TooLarge: the bundle holds more than 30 bytes"},
		{name: "too many files", res: old, dir: "bundle", lim: bundle.Limits{MaxFiles: 2}, err: bundle.ErrTooManyFiles,
			text: "TooManyFiles: more than 2 files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files, err := c.res.ReadDir(c.dir, c.lim)
			if c.err != nil {
				require.ErrorIs(t, err, c.err)
				assert.Contains(t, err.Error(), c.text)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.files, files)
		})
	}
}
