package celmutate

import (
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// Converters gives the structured-merge-diff type converter of a kind: client-go's for the built-in kinds, a
// deduced one for every other. It is safe for concurrent use; the zero value is not usable, use NewConverters.
type Converters struct {
	once    sync.Once
	builtin managedfields.TypeConverter
	err     error
	deduced managedfields.TypeConverter
	// known caches, by GroupVersionKind, whether the built-in converter has a schema for it.
	known sync.Map
}

// NewConverters returns converters whose built-in schemas are parsed on first use.
func NewConverters() *Converters {
	return &Converters{deduced: managedfields.NewDeducedTypeConverter()}
}

// builtinConverter parses client-go's schemas once.
func (c *Converters) builtinConverter() (managedfields.TypeConverter, error) {
	c.once.Do(func() {
		s := runtime.NewScheme()
		if c.err = clientgoscheme.AddToScheme(s); c.err != nil {
			c.err = fmt.Errorf("built-in kinds: %w", c.err)
			return
		}
		c.builtin = applyconfigurations.NewTypeConverter(s)
	})
	return c.builtin, c.err
}

// For returns the type converter of apiVersion and kind: the built-in one when it knows the kind, else the
// deduced one.
func (c *Converters) For(apiVersion, kind string) managedfields.TypeConverter {
	gvk := schema.FromAPIVersionAndKind(apiVersion, kind)
	if known, ok := c.known.Load(gvk); ok {
		if known.(bool) {
			return c.builtin
		}
		return c.deduced
	}
	builtin, err := c.builtinConverter()
	known := false
	if err == nil {
		stub := &unstructured.Unstructured{}
		stub.SetGroupVersionKind(gvk)
		_, convErr := builtin.ObjectToTyped(stub)
		known = convErr == nil
	}
	c.known.Store(gvk, known)
	if known {
		return builtin
	}
	return c.deduced
}
