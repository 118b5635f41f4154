package kyvernotest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultFileName is the name of the suite files Run looks for.
const DefaultFileName = "kyverno-test.yaml"

// Found is a suite file and the top-level folder it was found under.
type Found struct {
	Path string
	// Folder is the first path element below the root argument the file was found under ("." when the file is in
	// the root itself, or was named directly).
	Folder string
}

// Discover finds every file called fileName under the roots (walked recursively, hidden folders such as
// .kyverno-test included, .git excluded). A root that is a file is taken as a suite file whatever its name. The
// result is sorted by path and holds each file once.
func Discover(fileName string, roots ...string) ([]Found, error) {
	seen := map[string]bool{}
	var out []Found
	for _, root := range roots {
		found, err := discoverRoot(fileName, root)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if !seen[f.Path] {
				seen[f.Path] = true
				out = append(out, f)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func discoverRoot(fileName, root string) ([]Found, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("test path: %w", err)
	}
	root = filepath.Clean(root)
	if !info.IsDir() {
		return []Found{{Path: root, Folder: "."}}, nil
	}
	var out []Found
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() == fileName {
			out = append(out, Found{Path: path, Folder: topFolder(root, path)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walking %s: %w", root, err)
	}
	return out, nil
}

// topFolder returns the first element of path below root, or "." when path sits directly in root.
func topFolder(root, path string) string {
	rel, err := filepath.Rel(root, filepath.Dir(path))
	if err != nil || rel == "." {
		return "."
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return first
}
