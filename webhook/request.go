package webhook

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/bylaw-dev/bylaw/engine"
)

// NamespaceLabels returns the labels of a namespace, from a cache.
type NamespaceLabels interface {
	NamespaceLabels(ctx context.Context, name string) (map[string]string, error)
}

// toEngineRequest turns an admission request into the engine's request.
func toEngineRequest(ctx context.Context, ar *admissionv1.AdmissionRequest, ns NamespaceLabels) (engine.Request, error) {
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
		Name:      ar.Name,
		Namespace: ar.Namespace,
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
