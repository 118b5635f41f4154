package v1alpha1

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// TestCorpusPolicyDecodesStrictly decodes every Kyverno ClusterPolicy, Policy
// and PolicyException of the corpus with strict decoding, checks that
// re-encoding keeps every value, and decodes every condition block.
func TestCorpusPolicyDecodesStrictly(t *testing.T) {
	dir := corpusDir()
	if dir == "" {
		t.Skip("Kyverno policy corpus not found; set " + corpusDirEnv)
	}
	decoded := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return nil
		}
		n, fileErrs := decodeCorpusFile(path)
		decoded += n
		for _, fileErr := range fileErrs {
			t.Errorf("%s: %v", path, fileErr)
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("decoded %d Kyverno documents", decoded)
	assert.Greater(t, decoded, 100, "the corpus should hold hundreds of Kyverno policies")
}

// decodeCorpusFile decodes every Kyverno document of one file and returns how
// many it decoded and the errors found.
func decodeCorpusFile(path string) (int, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, []error{err}
	}
	docs, err := splitYAMLDocuments(data)
	if err != nil {
		return 0, []error{err}
	}
	decoded := 0
	var errs []error
	for i, doc := range docs {
		header, err := decodeHeader(doc)
		if err != nil {
			if strings.Contains(string(doc), "kyverno.io/") {
				errs = append(errs, fmt.Errorf("document %d: %w", i, err))
			}
			continue
		}
		obj := kyvernoObjectFor(header)
		if obj == nil {
			continue
		}
		decoded++
		if err := checkDocument(doc, obj); err != nil {
			errs = append(errs, fmt.Errorf("document %d (%s %s): %w", i, header.APIVersion, header.Kind, err))
		}
	}
	return decoded, errs
}

// decodeHeader reads apiVersion and kind, ignoring every other field.
func decodeHeader(doc []byte) (typeHeader, error) {
	var header typeHeader
	if err := yaml.Unmarshal(doc, &header); err != nil {
		return header, fmt.Errorf("reading apiVersion and kind: %w", err)
	}
	return header, nil
}

// checkDocument strictly decodes doc into obj, compares the round trip and
// decodes every raw condition block.
func checkDocument(doc []byte, obj any) error {
	input, err := decodeStrict(doc, obj)
	if err != nil {
		return err
	}
	diff, err := roundTripDiff(input, obj)
	if err != nil {
		return err
	}
	if diff != "" {
		return fmt.Errorf("round trip lost a value at %s", diff)
	}
	switch p := obj.(type) {
	case *ClusterPolicy:
		return decodeSpecConditions(&p.Spec)
	case *Policy:
		return decodeSpecConditions(&p.Spec)
	}
	return nil
}

// decodeSpecConditions decodes the raw preconditions and deny conditions of
// every rule, so that both accepted forms are exercised.
func decodeSpecConditions(spec *Spec) error {
	var errs []error
	for i := range spec.Rules {
		rule := &spec.Rules[i]
		if _, err := rule.PreconditionsAnyAll(); err != nil {
			errs = append(errs, fmt.Errorf("rule %q preconditions: %w", rule.Name, err))
		}
		if rule.Validation != nil {
			errs = append(errs, decodeValidationConditions(rule.Name, rule.Validation)...)
		}
		if rule.Mutation != nil {
			for j := range rule.Mutation.Targets {
				if _, err := rule.Mutation.Targets[j].PreconditionsAnyAll(); err != nil {
					errs = append(errs, fmt.Errorf("rule %q target %d: %w", rule.Name, j, err))
				}
			}
		}
		for j := range rule.VerifyImages {
			if v := rule.VerifyImages[j].Validation; v != nil && v.Deny != nil {
				if _, err := v.Deny.AnyAllConditions(); err != nil {
					errs = append(errs, fmt.Errorf("rule %q verifyImages %d: %w", rule.Name, j, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// decodeValidationConditions decodes the deny conditions of a validate block
// and of its foreach loops, nested ones included.
func decodeValidationConditions(rule string, v *Validation) []error {
	var errs []error
	if v.Deny != nil {
		if _, err := v.Deny.AnyAllConditions(); err != nil {
			errs = append(errs, fmt.Errorf("rule %q deny: %w", rule, err))
		}
	}
	pending := v.ForEach
	for len(pending) > 0 {
		fe := pending[0]
		pending = append(pending[1:], fe.ForEach...)
		if fe.Deny == nil {
			continue
		}
		if _, err := fe.Deny.AnyAllConditions(); err != nil {
			errs = append(errs, fmt.Errorf("rule %q foreach deny: %w", rule, err))
		}
	}
	return errs
}
