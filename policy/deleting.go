package policy

import (
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// isDeletingKind reports whether apiVersion/kind is a DeletingPolicy or NamespacedDeletingPolicy Bylaw reads:
// policies.kyverno.io v1, v1beta1 or v1alpha1 (one schema), or bylaw.dev/v1alpha1.
func isDeletingKind(group, version, kind string) bool {
	if kind != policiesv1.DeletingPolicyKind && kind != policiesv1.NamespacedDeletingPolicyKind {
		return false
	}
	if group == v1alpha1.SchemeGroupVersion.Group {
		return version == v1alpha1.SchemeGroupVersion.Version
	}
	return group == policiesv1.GroupName && isPoliciesVersion(version)
}

func (l *Loader) loadDeleting(data []byte, tm typeMeta) (*engine.Policy, string, error) {
	var obj policiesv1.DeletingPolicy // both kinds share one schema
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	return l.compileDeleting(tm.Kind, &obj.ObjectMeta, &obj.Spec)
}

// CompileDeleting checks and compiles a DeletingPolicy or NamespacedDeletingPolicy object, as read from the API
// server. The error names the field at fault.
func (l *Loader) CompileDeleting(kind string, meta *metav1.ObjectMeta, spec *policiesv1.DeletingPolicySpec) (*engine.Policy, error) {
	p, field, err := l.compileDeleting(kind, meta, spec)
	if err != nil {
		return nil, &LoadError{Kind: kind, Name: meta.Name, Field: field, Err: err}
	}
	return p, nil
}

func (l *Loader) compileDeleting(kind string, meta *metav1.ObjectMeta, spec *policiesv1.DeletingPolicySpec) (*engine.Policy, string, error) {
	if meta.Name == "" {
		return nil, "metadata.name", errors.New("required")
	}
	src := engine.DeletingSource{Kind: kind, Name: meta.Name, Annotations: meta.Annotations, Spec: spec}
	if kind == policiesv1.NamespacedDeletingPolicyKind {
		src.Namespace = meta.Namespace
		if src.Namespace == "" {
			src.Namespace = "default"
		}
	}
	p, err := l.eng.CompileDeleting(src)
	if err != nil {
		return nil, "", err
	}
	return p, "", nil
}
