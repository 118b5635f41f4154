package policy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/manifest"
)

// document is one YAML document of a file, converted to JSON.
type document struct {
	file  string
	index int // 1-based
	json  []byte
}

// splitDocuments splits multi-document YAML and converts each non-empty document to JSON, after checking it
// against lim (size, nesting and alias expansion: sigs.k8s.io/yaml decodes it, with YAML 1.1 rules as Kyverno does).
func splitDocuments(file string, data []byte, lim manifest.Limits) ([]document, []*LoadError) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(lineEnded(data)))
	var docs []document
	var errs []*LoadError
	for index := 1; ; index++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, &LoadError{File: file, Document: index, Err: fmt.Errorf("reading YAML: %w", err)})
			break
		}
		if isBlank(raw) {
			index--
			continue
		}
		if err := lim.Check(raw); err != nil {
			errs = append(errs, &LoadError{File: file, Document: index, Err: err})
			continue
		}
		js, err := yaml.YAMLToJSONStrict(raw)
		if err != nil {
			errs = append(errs, &LoadError{File: file, Document: index, Err: fmt.Errorf("malformed YAML: %w", err)})
			continue
		}
		if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
			index--
			continue
		}
		docs = append(docs, document{file: file, index: index, json: js})
	}
	return docs, errs
}

// lineEnded reads data with a line end after its last line. YAMLReader drops a last line that has none when its
// length is a multiple of bufio's buffer (a one-line JSON policy of 4096 bytes loaded as no policy); every line it
// returns ends with "\n" anyway, so the added one changes nothing else.
func lineEnded(data []byte) io.Reader {
	r := io.Reader(bytes.NewReader(data))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		r = io.MultiReader(r, strings.NewReader("\n"))
	}
	return r
}

func isBlank(raw []byte) bool {
	for _, line := range bytes.Split(raw, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) {
			return false
		}
	}
	return true
}

// expandPaths turns files and folders into a sorted list of YAML files (folders are walked recursively, hidden
// folders left out).
func expandPaths(paths []string) ([]string, []*LoadError) {
	var files []string
	var errs []*LoadError
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &LoadError{File: p, Err: fmt.Errorf("cannot read: %w", err)})
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // hidden folders such as .kyverno-test hold tests, not policies
			}
			if !d.IsDir() && isYAMLFile(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, &LoadError{File: p, Err: fmt.Errorf("walking folder: %w", err)})
		}
	}
	sort.Strings(files)
	return files, errs
}

func isYAMLFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}
