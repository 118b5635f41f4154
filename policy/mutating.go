package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// isMutatingKind reports whether apiVersion/kind is a MutatingPolicy or NamespacedMutatingPolicy Bylaw reads:
// policies.kyverno.io v1, v1beta1 or v1alpha1 (one schema), or bylaw.dev/v1alpha1.
func isMutatingKind(group, version, kind string) bool {
	if kind != policiesv1.MutatingPolicyKind && kind != policiesv1.NamespacedMutatingPolicyKind {
		return false
	}
	if group == v1alpha1.SchemeGroupVersion.Group {
		return version == v1alpha1.SchemeGroupVersion.Version
	}
	return group == policiesv1.GroupName && isPoliciesVersion(version)
}

func (l *Loader) loadMutating(data []byte, tm typeMeta) (*engine.Policy, string, error) {
	var obj policiesv1.MutatingPolicy // both kinds share one schema
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	return l.compileMutating(tm.Kind, &obj.ObjectMeta, &obj.Spec)
}

// CompileMutating checks and compiles a MutatingPolicy or NamespacedMutatingPolicy object, as read from the API
// server. The error names the field at fault.
func (l *Loader) CompileMutating(kind string, meta *metav1.ObjectMeta, spec *policiesv1.MutatingPolicySpec) (*engine.Policy, error) {
	p, field, err := l.compileMutating(kind, meta, spec)
	if err != nil {
		return nil, &LoadError{Kind: kind, Name: meta.Name, Field: field, Err: err}
	}
	return p, nil
}

func (l *Loader) compileMutating(kind string, meta *metav1.ObjectMeta, spec *policiesv1.MutatingPolicySpec) (*engine.Policy, string, error) {
	if meta.Name == "" {
		return nil, "metadata.name", errors.New("required")
	}
	src := engine.MutatingSource{Kind: kind, Name: meta.Name, Annotations: meta.Annotations, Spec: spec}
	if kind == policiesv1.NamespacedMutatingPolicyKind {
		src.Namespace = meta.Namespace
		if src.Namespace == "" {
			src.Namespace = "default"
		}
	}
	configs, err := AutogenMutating(spec)
	if err != nil {
		return nil, "spec.autogen", fmt.Errorf("autogen: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(configs)) {
		src.Variants = append(src.Variants, engine.MutatingVariant{Rule: meta.Name, Spec: configs[name].Spec})
	}
	p, err := l.eng.CompileMutating(src)
	if err != nil {
		return nil, "", err
	}
	return p, "", nil
}
