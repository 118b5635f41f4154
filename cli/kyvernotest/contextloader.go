package kyvernotest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/bylaw-dev/bylaw/engine"
)

// ErrOffline marks external data the CLI cannot fetch: there is no cluster and no registry access.
var ErrOffline = errors.New("not available offline")

// ContextLoader serves a rule's external context data from the files of a suite (or of `bylaw apply`): ConfigMaps
// from the resources given, image data from a Context file. Everything else is an error that says what to provide.
// Context entries whose values a Values file gives are never asked for. It is read-only and safe for concurrent use.
type ContextLoader struct {
	configMaps map[string]map[string]any // "namespace/name"
	images     map[string]map[string]any // by image and resolved image
	objects    []map[string]any          // every object given, for clone sources
}

var _ engine.Loader = (*ContextLoader)(nil)

// NewContextLoader indexes the ConfigMaps among objects and the image data of a Context file (ctxFile may be nil).
func NewContextLoader(objects []map[string]any, ctxFile *Context) *ContextLoader {
	l := &ContextLoader{configMaps: map[string]map[string]any{}, images: map[string]map[string]any{}}
	l.addConfigMaps(objects)
	l.objects = objects
	if ctxFile != nil {
		l.addConfigMaps(ctxFile.Spec.Resources)
		l.objects = slices.Concat(objects, ctxFile.Spec.Resources)
		for _, img := range ctxFile.Spec.Images {
			data := img.toContextData()
			for _, ref := range []string{img.Image, img.ResolvedImage} {
				if ref != "" {
					l.images[ref] = data
				}
			}
		}
	}
	return l
}

func (l *ContextLoader) addConfigMaps(objects []map[string]any) {
	for _, obj := range objects {
		if kind, _ := obj["kind"].(string); kind != "ConfigMap" {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		namespace, _ := meta["namespace"].(string)
		if namespace == "" {
			namespace = "default"
		}
		l.configMaps[namespace+"/"+name] = obj
	}
}

// ConfigMap returns a ConfigMap given among the resources.
func (l *ContextLoader) ConfigMap(_ context.Context, namespace, name string) (map[string]any, error) {
	if namespace == "" {
		namespace = "default"
	}
	if cm, ok := l.configMaps[namespace+"/"+name]; ok {
		return cm, nil
	}
	return nil, fmt.Errorf("ConfigMap %s/%s: %w: add it to the resources, or give the context entry's value in a values file", namespace, name, ErrOffline)
}

// Call answers GETs of Kubernetes API paths (an apiCall's urlPath, the CEL resource library) from the objects given
// among the resources, clusterResources and the context file; other calls fail: they need a cluster.
func (l *ContextLoader) Call(_ context.Context, call engine.APICall) (any, error) {
	target := call.URLPath
	if call.Service != nil {
		target = call.Service.URL
	}
	if call.Service == nil && (call.Method == "" || call.Method == "GET") {
		q, err := parseAPIPath(call.URLPath)
		if err != nil {
			return nil, fmt.Errorf("apiCall GET %s: %w", target, err)
		}
		if out, ok := q.answer(l.objects); ok {
			return out, nil
		}
		return nil, fmt.Errorf("GET %s: %w: add the object to the resources, clusterResources or the context file", target, ErrOffline)
	}
	return nil, fmt.Errorf("apiCall %s %s: %w: give the context entry's value in a values file", call.Method, target, ErrOffline)
}

// ImageData returns image data given in a Context file.
func (l *ContextLoader) ImageData(_ context.Context, reference string) (map[string]any, error) {
	if data, ok := l.images[reference]; ok {
		return data, nil
	}
	return nil, fmt.Errorf("image data of %s: %w: give it in the test's context file, or give the context entry's value in a values file", reference, ErrOffline)
}

// GlobalContext always fails: global context entries are cluster state.
func (l *ContextLoader) GlobalContext(_ context.Context, name string) (any, error) {
	return nil, fmt.Errorf("global context entry %s: %w: give the context entry's value in a values file", name, ErrOffline)
}

// Resource returns an object given among the resources (a clone source).
func (l *ContextLoader) Resource(_ context.Context, q engine.ResourceQuery) (map[string]any, error) {
	for _, obj := range l.objects {
		if kindOf(obj) == q.Kind && nameOf(obj) == q.Name && namespaceOf(obj) == q.Namespace {
			return obj, nil
		}
	}
	return nil, fmt.Errorf("%s %s/%s: %w: add it to the resources (cloneSourceResource)", q.Kind, q.Namespace, q.Name, ErrOffline)
}

// List returns the objects given among the resources that are of one of q.Kinds, in q.Namespace (every namespace
// when it is "", as the API server lists) and selected by q.Selector.
func (l *ContextLoader) List(_ context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	sel := labels.Everything()
	if q.Selector != nil {
		var err error
		if sel, err = metav1.LabelSelectorAsSelector(q.Selector); err != nil {
			return nil, fmt.Errorf("selector: %w", err)
		}
	}
	var out []map[string]any
	for _, obj := range l.objects {
		if (q.Namespace != "" && namespaceOf(obj) != q.Namespace) || !kindListed(q.Kinds, obj) {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		if sel.Matches(labels.Set(stringMap(meta["labels"]))) {
			out = append(out, obj)
		}
	}
	return out, nil
}

// kindListed reports whether obj's kind is in kinds, written as Kind, version/Kind or group/version/Kind.
func kindListed(kinds []string, obj map[string]any) bool {
	kind := kindOf(obj)
	for _, k := range kinds {
		if k == kind || strings.HasSuffix(k, "/"+kind) {
			return true
		}
	}
	return false
}

func kindOf(obj map[string]any) string {
	k, _ := obj["kind"].(string)
	return k
}

func nameOf(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	n, _ := meta["name"].(string)
	return n
}

func namespaceOf(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	n, _ := meta["namespace"].(string)
	return n
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// toContextData shapes image data as an imageRegistry context entry presents it.
func (img *ImageData) toContextData() map[string]any {
	identifier := img.Tag
	if img.Digest != "" {
		identifier = img.Digest
	}
	resolved := img.ResolvedImage
	if resolved == "" {
		resolved = img.Image
	}
	return map[string]any{
		"image":         img.Image,
		"resolvedImage": resolved,
		"registry":      img.Registry,
		"repository":    img.Repository,
		"identifier":    identifier,
		"manifestList":  img.ImageIndex,
		"manifest":      img.Manifest,
		"configData":    img.Config,
	}
}
