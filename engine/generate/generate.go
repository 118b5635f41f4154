package generate

import (
	"errors"
	"fmt"
)

// Target names the object to generate.
type Target struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
}

// Validate reports a target that lacks what every generated object needs.
func (t Target) Validate() error {
	var errs []error
	if t.Kind == "" {
		errs = append(errs, errors.New("kind is required"))
	}
	if t.APIVersion == "" {
		errs = append(errs, errors.New("apiVersion is required"))
	}
	if t.Name == "" {
		errs = append(errs, errors.New("name is required"))
	}
	return errors.Join(errs...)
}

// FromData builds the object of a `data` generate rule: data (already rendered) with the target's identity set.
// Metadata written in data (labels, annotations) is kept.
func FromData(t Target, data any) (map[string]any, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	obj := map[string]any{}
	if data != nil {
		m, ok := deepCopy(data).(map[string]any)
		if !ok {
			return nil, fmt.Errorf("data must be an object, not %T", data)
		}
		obj = m
	}
	setIdentity(obj, t)
	return obj, nil
}

// Clone builds the object of a `clone` rule from its source: a copy with server-set metadata removed and the
// target's name and namespace.
func Clone(t Target, source map[string]any) (map[string]any, error) {
	if source == nil {
		return nil, errors.New("clone source is missing")
	}
	obj := deepCopy(source).(map[string]any)
	if t.APIVersion == "" {
		t.APIVersion, _ = obj["apiVersion"].(string)
	}
	if t.Kind == "" {
		t.Kind, _ = obj["kind"].(string)
	}
	if t.Name == "" {
		meta, _ := obj["metadata"].(map[string]any)
		t.Name, _ = meta["name"].(string)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	stripServerMetadata(obj)
	delete(obj, "status")
	setIdentity(obj, t)
	return obj, nil
}

// serverMetadata are the fields the API server sets; a clone must not carry them.
var serverMetadata = []string{"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
	"deletionGracePeriodSeconds", "generation", "managedFields", "selfLink", "ownerReferences", "generateName"}

func stripServerMetadata(obj map[string]any) {
	meta, _ := obj["metadata"].(map[string]any)
	for _, k := range serverMetadata {
		delete(meta, k)
	}
}

func setIdentity(obj map[string]any, t Target) {
	obj["apiVersion"] = t.APIVersion
	obj["kind"] = t.Kind
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["name"] = t.Name
	if t.Namespace != "" {
		meta["namespace"] = t.Namespace
	} else {
		delete(meta, "namespace")
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}
