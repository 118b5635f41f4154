package cel

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// corpusDirEnv overrides where the Kyverno policy corpus is looked up.
const corpusDirEnv = "BYLAW_KYVERNO_POLICIES"

// corpusDir returns the Kyverno policy corpus folder, or "" when absent.
func corpusDir() string {
	for _, dir := range []string{
		os.Getenv(corpusDirEnv),
		filepath.Join("..", "..", "..", "shared", "conformance", "kyverno-policies"),
		"/work/shared/conformance/kyverno-policies",
	} {
		if dir == "" {
			continue
		}
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
	}
	return ""
}

// splitDocuments returns the non-empty documents of a multi-document YAML file.
func splitDocuments(data []byte) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("split YAML documents: %w", err)
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

// decodeYAML decodes YAML as the engine sees resources: maps, lists, strings, bools, nil, and int64 or float64
// numbers.
func decodeYAML(data []byte) (any, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("convert YAML to JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	return withNumbers(v), nil
}

func withNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = withNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = withNumbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// obj decodes a YAML object for table tests.
func obj(t testing.TB, src string) map[string]any {
	t.Helper()
	v, err := decodeYAML([]byte(src))
	require.NoError(t, err)
	m, ok := v.(map[string]any)
	require.True(t, ok, "not an object: %s", src)
	return m
}

// newCompiler builds a compiler or fails the test.
func newCompiler(t testing.TB) *Compiler {
	t.Helper()
	c, err := NewCompiler()
	require.NoError(t, err)
	return c
}

// exprs builds validations from expression, message, messageExpression triples.
func exprs(triples ...string) []admissionregistrationv1.Validation {
	out := make([]admissionregistrationv1.Validation, 0, len(triples)/3)
	for i := 0; i+2 < len(triples); i += 3 {
		out = append(out, admissionregistrationv1.Validation{
			Expression: triples[i], Message: triples[i+1], MessageExpression: triples[i+2],
		})
	}
	return out
}

// vars builds variables from name, expression pairs.
func vars(pairs ...string) []admissionregistrationv1.Variable {
	out := make([]admissionregistrationv1.Variable, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, admissionregistrationv1.Variable{Name: pairs[i], Expression: pairs[i+1]})
	}
	return out
}

// podRequest is the admission request Kyverno's CLI builds for a resource it applies a policy to.
func podRequest(operation, name, namespace string) map[string]any {
	gvk := map[string]any{"group": "", "version": "v1", "kind": "Pod"}
	gvr := map[string]any{"group": "", "version": "v1", "resource": "pods"}
	return map[string]any{
		"operation": operation, "name": name, "namespace": namespace,
		"kind": gvk, "requestKind": gvk, "resource": gvr, "requestResource": gvr,
		"userInfo": map[string]any{"username": "alice", "groups": []any{"system:authenticated"}},
		"dryRun":   false,
	}
}

// compileRule compiles a rule's cel block and preconditions with the rule's message.
func compileRule(c *Compiler, rule *v1alpha1.Rule) (*Program, *Preconditions, error) {
	prog, err := c.Compile(rule.Validation.CEL, WithMessage(rule.Validation.Message))
	if err != nil {
		return nil, nil, err
	}
	pre, err := c.CompilePreconditions(rule.CELPreconditions)
	if err != nil {
		return nil, nil, err
	}
	return prog, pre, nil
}
