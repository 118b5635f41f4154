package webhook

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/bylaw-dev/bylaw/engine"
)

// NamespaceLabels returns the labels of a namespace, from a cache.
type NamespaceLabels interface {
	NamespaceLabels(ctx context.Context, name string) (map[string]string, error)
}

// KindResolver names the kind of an API resource; a meta.RESTMapper is one.
type KindResolver interface {
	KindFor(resource schema.GroupVersionResource) (schema.GroupVersionKind, error)
}

// toEngineRequest turns an admission request into the engine's request. A subresource request is matched as Kyverno
// matches it: as the top-level kind of its resource (pods/exec as kind Pod, subresource exec), while request.kind
// stays the kind of the object it carries (PodExecOptions).
func toEngineRequest(ctx context.Context, ar *admissionv1.AdmissionRequest, ns NamespaceLabels, kinds KindResolver) (engine.Request, error) {
	obj, err := decodeObject(ar.Object, "object")
	if err != nil {
		return engine.Request{}, err
	}
	old, err := decodeObject(ar.OldObject, "oldObject")
	if err != nil {
		return engine.Request{}, err
	}
	req := engine.Request{
		Operation:   engine.Operation(ar.Operation),
		Object:      obj,
		OldObject:   old,
		Subresource: ar.SubResource,
		DryRun:      ar.DryRun != nil && *ar.DryRun,
		UserInfo: engine.UserInfo{
			Username: ar.UserInfo.Username,
			UID:      ar.UserInfo.UID,
			Groups:   ar.UserInfo.Groups,
		},
		Kind:      &engine.GroupVersionKind{Group: ar.Kind.Group, Version: ar.Kind.Version, Kind: ar.Kind.Kind},
		Resource:  ar.Resource.Resource,
		Name:      ar.Name,
		Namespace: ar.Namespace,
	}
	if ar.SubResource != "" {
		top, err := topLevelKind(ar, kinds)
		if err != nil {
			return engine.Request{}, err
		}
		req.ObjectKind, req.Kind = req.Kind, top
	}
	// The API server names a Namespace itself as the namespace of its request; it has no namespace to read.
	if ar.Namespace != "" && ns != nil && !isNamespaceKind(ar) {
		labels, err := ns.NamespaceLabels(ctx, ar.Namespace)
		if err != nil {
			return engine.Request{}, fmt.Errorf("labels of namespace %s: %w", ar.Namespace, err)
		}
		req.NamespaceLabels = labels
	}
	return req, nil
}

// topLevelKind returns the kind of the resource a subresource request is for.
func topLevelKind(ar *admissionv1.AdmissionRequest, kinds KindResolver) (*engine.GroupVersionKind, error) {
	gvr := schema.GroupVersionResource{Group: ar.Resource.Group, Version: ar.Resource.Version, Resource: ar.Resource.Resource}
	if kinds == nil {
		return nil, badRequest("request for %s/%s: no kind resolver to name the kind of its resource", gvr.Resource, ar.SubResource)
	}
	gvk, err := kinds.KindFor(gvr)
	if err != nil {
		return nil, badRequest("request for %s/%s: naming the kind of resource %s: %w", gvr.Resource, ar.SubResource, gvr, err)
	}
	return &engine.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}, nil
}

func decodeObject(raw runtime.RawExtension, field string) (map[string]any, error) {
	if len(raw.Raw) == 0 || string(raw.Raw) == "null" {
		return nil, nil
	}
	var obj map[string]any // integers decode as int64, as the engine's policies do
	if err := utiljson.Unmarshal(raw.Raw, &obj); err != nil {
		return nil, badRequest("request.%s: %w", field, err)
	}
	return obj, nil
}

// isNamespaceKind reports whether the request is about a Namespace object.
func isNamespaceKind(ar *admissionv1.AdmissionRequest) bool {
	return ar.Kind.Group == "" && ar.Kind.Kind == "Namespace"
}
