package kyvernotest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/manifest"
)

// ParseTest decodes a kyverno-test.yaml document within the default manifest.Limits. Unknown keys are ignored;
// numbers in free-form values decode as int64 when integral, float64 otherwise.
func ParseTest(data []byte) (*Test, error) { return parseTest(manifest.Limits{}, data) }

// ParseValues decodes a Values document within the default manifest.Limits.
func ParseValues(data []byte) (*Values, error) { return parseValues(manifest.Limits{}, data) }

// ParseUserInfo decodes a UserInfo document (the cli.kyverno.io form, or the older bare RequestInfo form) within the
// default manifest.Limits.
func ParseUserInfo(data []byte) (*UserInfo, error) { return parseUserInfo(manifest.Limits{}, data) }

// ParseContext decodes a Context document within the default manifest.Limits.
func ParseContext(data []byte) (*Context, error) { return parseContext(manifest.Limits{}, data) }

func parseTest(lim manifest.Limits, data []byte) (*Test, error) {
	var t Test
	if err := decodeYAML(lim, data, &t); err != nil {
		return nil, fmt.Errorf("decoding Test: %w", err)
	}
	if t.Values != nil {
		t.Values.normalize()
	}
	return &t, nil
}

func parseValues(lim manifest.Limits, data []byte) (*Values, error) {
	var v Values
	if err := decodeYAML(lim, data, &v); err != nil {
		return nil, fmt.Errorf("decoding Values: %w", err)
	}
	v.normalize()
	return &v, nil
}

func parseUserInfo(lim manifest.Limits, data []byte) (*UserInfo, error) {
	var u UserInfo
	if err := decodeYAML(lim, data, &u); err != nil {
		return nil, fmt.Errorf("decoding UserInfo: %w", err)
	}
	return &u, nil
}

func parseContext(lim manifest.Limits, data []byte) (*Context, error) {
	var c Context
	if err := decodeYAML(lim, data, &c); err != nil {
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

// LoadValues reads and decodes a Values file within lim.
func LoadValues(lim manifest.Limits, path string) (*Values, error) {
	return loadFile(lim, path, parseValues)
}

// LoadUserInfo reads and decodes a UserInfo file within lim.
func LoadUserInfo(lim manifest.Limits, path string) (*UserInfo, error) {
	return loadFile(lim, path, parseUserInfo)
}

// LoadContext reads and decodes a Context file within lim.
func LoadContext(lim manifest.Limits, path string) (*Context, error) {
	return loadFile(lim, path, parseContext)
}

func loadFile[T any](lim manifest.Limits, path string, parse func(manifest.Limits, []byte) (*T, error)) (*T, error) {
	data, err := lim.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	out, err := parse(lim, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// decodeYAML converts the first YAML document of data to JSON and decodes it, keeping numbers as json.Number. The
// document is checked against lim first (size, nesting, alias expansion).
func decodeYAML(lim manifest.Limits, data []byte, out any) error {
	if err := lim.Check(data); err != nil {
		return err
	}
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
