package v1alpha1

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// corpusDirEnv overrides where the Kyverno policy corpus is looked up.
const corpusDirEnv = "BYLAW_KYVERNO_POLICIES"

// corpusDir returns the Kyverno policy corpus folder, or "" when absent. The
// shared folder sits beside the repository root, both in a work tree and in CI.
func corpusDir() string {
	candidates := []string{
		os.Getenv(corpusDirEnv),
		filepath.Join("..", "..", "..", "shared", "conformance", "kyverno-policies"),
		"/work/shared/conformance/kyverno-policies",
	}
	for _, dir := range candidates {
		if dir == "" {
			continue
		}
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
	}
	return ""
}

// typeHeader is the part of a document used to pick the Go type.
type typeHeader struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// kyvernoObjectFor returns an empty object of the matching type for a Kyverno
// policy or exception document, or nil for any other document.
func kyvernoObjectFor(h typeHeader) any {
	switch h.APIVersion {
	case "kyverno.io/v1", "kyverno.io/v2beta1":
		switch h.Kind {
		case "ClusterPolicy":
			return &ClusterPolicy{}
		case "Policy":
			return &Policy{}
		}
	}
	switch h.APIVersion {
	case "kyverno.io/v2", "kyverno.io/v2beta1":
		if h.Kind == "PolicyException" {
			return &PolicyException{}
		}
	}
	return nil
}

// splitYAMLDocuments returns the non-empty documents of a multi-document YAML file.
func splitYAMLDocuments(data []byte) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("splitting YAML documents: %w", err)
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

// decodeStrict converts YAML to JSON (duplicate keys are errors) and decodes it
// into obj, failing on unknown fields. It returns the JSON it decoded.
func decodeStrict(doc []byte, obj any) ([]byte, error) {
	data, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return nil, fmt.Errorf("converting YAML to JSON: %w", err)
	}
	strictErrs, err := kjson.UnmarshalStrict(data, obj)
	if err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	if len(strictErrs) > 0 {
		return nil, fmt.Errorf("strict decoding: %w", errors.Join(strictErrs...))
	}
	return data, nil
}

// loadCorpusPolicy strictly decodes the single Kyverno document of a corpus file.
func loadCorpusPolicy(path string, obj any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if _, err := decodeStrict(data, obj); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// roundTripDiff re-encodes obj and compares it with the decoded input, ignoring
// empty values (false, 0, "", null, {} and []), which omitempty drops. A
// non-empty result names a value that was lost or moved while decoding.
func roundTripDiff(input []byte, obj any) (string, error) {
	output, err := json.Marshal(obj)
	if err != nil {
		return "", fmt.Errorf("encoding: %w", err)
	}
	var want, got any
	if err := json.Unmarshal(input, &want); err != nil {
		return "", fmt.Errorf("reading input: %w", err)
	}
	if err := json.Unmarshal(output, &got); err != nil {
		return "", fmt.Errorf("reading output: %w", err)
	}
	want, got = pruneEmpty(want), pruneEmpty(got)
	if reflect.DeepEqual(want, got) {
		return "", nil
	}
	return firstDifference("", want, got), nil
}

// pruneEmpty removes empty values from decoded JSON, recursively.
func pruneEmpty(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range t {
			if p := pruneEmpty(val); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(t) == 0 {
			return nil
		}
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = pruneEmpty(val)
		}
		return out
	case bool:
		if !t {
			return nil
		}
	case string:
		if t == "" {
			return nil
		}
	case float64:
		if t == 0 {
			return nil
		}
	}
	return v
}

// firstDifference describes the first path at which want and got differ.
func firstDifference(path string, want, got any) string {
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if wok && gok {
		for k, wv := range wm {
			if !reflect.DeepEqual(wv, gm[k]) {
				return firstDifference(path+"."+k, wv, gm[k])
			}
		}
		for k, gv := range gm {
			if _, ok := wm[k]; !ok {
				return fmt.Sprintf("%s.%s: unexpected %v", path, k, gv)
			}
		}
	}
	wl, wok := want.([]any)
	gl, gok := got.([]any)
	if wok && gok && len(wl) == len(gl) {
		for i := range wl {
			if !reflect.DeepEqual(wl[i], gl[i]) {
				return firstDifference(fmt.Sprintf("%s[%d]", path, i), wl[i], gl[i])
			}
		}
	}
	return fmt.Sprintf("%s: want %v, got %v", path, want, got)
}
