package bundle

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/manifest"
	"github.com/bylaw-dev/bylaw/policy"
)

// RunBuild writes DIR/bundle.yaml after checking every file and policy of the folder. It warns on stderr when
// signature files were made over a different manifest.
func RunBuild(ctx context.Context, o BuildOptions, stdout, stderr io.Writer) (int, error) {
	at := now(o.Now)
	expires, err := parseExpiry(o.Expires, at)
	if err != nil {
		return ExitError, err
	}
	manifestPath := filepath.Join(o.Dir, bundle.ManifestFile)
	previous, _ := manifest.Limits{MaxBytes: bundle.DefaultMaxFileBytes}.ReadFile(manifestPath) // absent on a first build
	data, err := bundle.Build(ctx, o.Dir, bundle.BuildOptions{
		Name: o.Name, Version: o.Version, Expires: expires,
		Loader: policy.NewLoader(engine.New()), Now: func() time.Time { return at },
	})
	if err != nil {
		return exitFor(err), fmt.Errorf("bundle %s: %w", o.Dir, err)
	}
	m, err := bundle.ParseManifest(data)
	if err != nil {
		return ExitError, fmt.Errorf("bundle %s: the manifest written does not parse: %w", o.Dir, err)
	}
	policies := 0
	for _, f := range m.Files {
		if bundle.IsPolicyFile(f.Path) {
			policies++
		}
	}
	fmt.Fprintf(stdout, "wrote %s: bundle %s version %d, %d files (%d policy files), %s\n",
		manifestPath, m.Name, m.Version, len(m.Files), policies, bundle.Digest(data))
	if !bytes.Equal(previous, data) {
		warnStale(o.Dir, stderr)
	}
	return ExitOK, nil
}

// warnStale names the signature files left from an earlier manifest.
func warnStale(dir string, stderr io.Writer) {
	entries, err := os.ReadDir(filepath.Join(dir, bundle.SignaturesDir))
	if err != nil {
		return
	}
	var stale []string
	for _, e := range entries {
		stale = append(stale, filepath.Join(bundle.SignaturesDir, e.Name()))
	}
	sort.Strings(stale)
	for _, s := range stale {
		fmt.Fprintf(stderr, "warning: %s was made over the previous manifest and no longer verifies: sign again or remove it\n", s)
	}
}
