package kyvernotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// ParseTest decodes a kyverno-test.yaml document. Unknown keys are ignored; numbers in free-form values decode as
// int64 when integral, float64 otherwise.
func ParseTest(data []byte) (*Test, error) {
	var t Test
	if err := decodeYAML(data, &t); err != nil {
		return nil, fmt.Errorf("decoding Test: %w", err)
	}
	if t.Values != nil {
		t.Values.normalize()
	}
	return &t, nil
}

// ParseValues decodes a Values document.
func ParseValues(data []byte) (*Values, error) {
	var v Values
	if err := decodeYAML(data, &v); err != nil {
		return nil, fmt.Errorf("decoding Values: %w", err)
	}
	v.normalize()
	return &v, nil
}

// ParseUserInfo decodes a UserInfo document (the cli.kyverno.io form, or the older bare RequestInfo form).
func ParseUserInfo(data []byte) (*UserInfo, error) {
	var u UserInfo
	if err := decodeYAML(data, &u); err != nil {
		return nil, fmt.Errorf("decoding UserInfo: %w", err)
	}
	return &u, nil
}

// ParseContext decodes a Context document.
func ParseContext(data []byte) (*Context, error) {
	var c Context
	if err := decodeYAML(data, &c); err != nil {
		return nil, fmt.Errorf("decoding Context: %w", err)
	}
	for i, r := range c.Spec.Resources {
		c.Spec.Resources[i], _ = normalizeNumbers(r).(map[string]any)
	}
	for i := range c.Spec.Images {
		img := &c.Spec.Images[i]
		img.ImageIndex, img.Manifest, img.Config = normalizeNumbers(img.ImageIndex), normalizeNumbers(img.Manifest), normalizeNumbers(img.Config)
	}
	return &c, nil
}

// LoadValues reads and decodes a Values file.
func LoadValues(path string) (*Values, error) {
	return loadFile(path, ParseValues)
}

// LoadUserInfo reads and decodes a UserInfo file.
func LoadUserInfo(path string) (*UserInfo, error) {
	return loadFile(path, ParseUserInfo)
}

// LoadContext reads and decodes a Context file.
func LoadContext(path string) (*Context, error) {
	return loadFile(path, ParseContext)
}

func loadFile[T any](path string, parse func([]byte) (*T, error)) (*T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	out, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// decodeYAML converts the first YAML document of data to JSON and decodes it, keeping numbers as json.Number.
func decodeYAML(data []byte, out any) error {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("malformed YAML: %w", err)
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("unexpected content: %w", err)
	}
	return nil
}

func (v *Values) normalize() {
	v.GlobalValues = normalizeMap(v.GlobalValues)
	for i := range v.Policies {
		p := &v.Policies[i]
		for j := range p.Resources {
			p.Resources[j].Values = normalizeMap(p.Resources[j].Values)
		}
		for j := range p.Rules {
			p.Rules[j].Values = normalizeMap(p.Rules[j].Values)
		}
	}
}

func normalizeMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := normalizeNumbers(m).(map[string]any)
	return out
}

// normalizeNumbers replaces json.Number values with int64 (integral) or float64, in place for maps and lists.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
		return x
	}
	return v
}
