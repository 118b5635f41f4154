package apply

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// outputFile is one file of the output folder.
type outputFile struct {
	name string
	data []byte
}

// writeOutputDir writes every patched resource as `<kind>-<namespace>-<name>.yaml` and every generated object as
// `generated-<kind>-<namespace>-<name>.yaml` into dir, which it creates. When two objects map to one file name
// the later one is kept, with a warning on stderr if their contents differ.
func writeOutputDir(dir string, changes []change, stderr io.Writer) error {
	files, err := outputFiles(changes, stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating output folder: %w", err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil { //nolint:gosec // output meant to be read
			return fmt.Errorf("writing output: %w", err)
		}
	}
	return nil
}

// outputFiles encodes the objects of the changes as YAML files, in order, one per file name.
func outputFiles(changes []change, stderr io.Writer) ([]outputFile, error) {
	var files []outputFile
	index := make(map[string]int)
	add := func(prefix string, obj map[string]any) error {
		name := prefix + fileName(refOf(obj))
		data, err := yaml.Marshal(obj)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", name, err)
		}
		i, seen := index[name]
		if !seen {
			index[name] = len(files)
			files = append(files, outputFile{name: name, data: data})
			return nil
		}
		if !bytes.Equal(files[i].data, data) {
			fmt.Fprintf(stderr, "warning: output file %s is written for two different objects; keeping the last\n", name)
		}
		files[i].data = data
		return nil
	}
	for _, c := range changes {
		if c.Patched != nil {
			if err := add("", c.Patched); err != nil {
				return nil, err
			}
		}
		for _, g := range c.Generated {
			if err := add("generated-", g.Object); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

// fileName returns `<kind>-<namespace>-<name>.yaml`, or `<kind>-<name>.yaml` for a cluster-scoped object, in lower
// case; characters other than letters, digits, '.', '-' and '_' become '_', so a name cannot leave the folder.
func fileName(ref resourceRef) string {
	parts := []string{ref.Kind, ref.Name}
	if ref.Namespace != "" {
		parts = []string{ref.Kind, ref.Namespace, ref.Name}
	}
	return strings.Map(safeFileRune, strings.ToLower(strings.Join(parts, "-"))) + ".yaml"
}

func safeFileRune(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		return r
	}
	return '_'
}
