package manifests_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/manifest"
)

// defaultDir is the kustomization users install; the tests run in the manifests folder.
const defaultDir = "default"

// kustomizationFile is the file kustomize looks for in a folder.
const kustomizationFile = "kustomization.yaml"

// kustomization is the part of kustomize's Kustomization that these manifests use. It is decoded strictly, so a
// field kustomize would apply but this test would ignore fails the test instead of passing unnoticed.
type kustomization struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Namespace  string       `json:"namespace,omitempty"`
	Resources  []string     `json:"resources"`
	Labels     []labelsSpec `json:"labels,omitempty"`
}

// labelsSpec is one entry of a Kustomization's labels.
type labelsSpec struct {
	Pairs            map[string]string `json:"pairs"`
	IncludeSelectors bool              `json:"includeSelectors"`
	IncludeTemplates bool              `json:"includeTemplates"`
}

// object is one decoded manifest document and where it came from.
type object struct {
	source    string // file:line
	kind      string
	name      string
	namespace string
	typed     any // pointer to the Kubernetes API type of kind, decoded strictly
}

// kindInfo says whether a kind is namespaced and gives a new value of its API type.
type kindInfo struct {
	apiVersion string
	namespaced bool
	newObject  func() any
}

// kinds lists every kind the manifests may hold; any other kind fails the test until it is classified here.
func kinds() map[string]kindInfo {
	return map[string]kindInfo{
		"CustomResourceDefinition": {"apiextensions.k8s.io/v1", false, func() any { return &apiextensionsv1.CustomResourceDefinition{} }},
		"Namespace":                {"v1", false, func() any { return &corev1.Namespace{} }},
		"ClusterRole":              {"rbac.authorization.k8s.io/v1", false, func() any { return &rbacv1.ClusterRole{} }},
		"ClusterRoleBinding":       {"rbac.authorization.k8s.io/v1", false, func() any { return &rbacv1.ClusterRoleBinding{} }},
		"ServiceAccount":           {"v1", true, func() any { return &corev1.ServiceAccount{} }},
		"Role":                     {"rbac.authorization.k8s.io/v1", true, func() any { return &rbacv1.Role{} }},
		"RoleBinding":              {"rbac.authorization.k8s.io/v1", true, func() any { return &rbacv1.RoleBinding{} }},
		"Deployment":               {"apps/v1", true, func() any { return &appsv1.Deployment{} }},
		"Service":                  {"v1", true, func() any { return &corev1.Service{} }},
		"PodDisruptionBudget":      {"policy/v1", true, func() any { return &policyv1.PodDisruptionBudget{} }},
		"NetworkPolicy":            {"networking.k8s.io/v1", true, func() any { return &networkingv1.NetworkPolicy{} }},
	}
}

// readKustomization reads and strictly decodes dir/kustomization.yaml.
func readKustomization(dir string) (kustomization, error) {
	var k kustomization
	data, err := os.ReadFile(filepath.Join(dir, kustomizationFile))
	if err != nil {
		return k, fmt.Errorf("reading the kustomization of %s: %w", dir, err)
	}
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		return k, fmt.Errorf("decoding the kustomization of %s: %w", dir, err)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		return k, fmt.Errorf("%s: want a kustomize.config.k8s.io/v1beta1 Kustomization, got %s %s", dir, k.APIVersion, k.Kind)
	}
	return k, nil
}

// render collects the objects of the kustomization in dir, following its resources into files and folders as
// kustomize does. Transformers (namespace, labels) are not applied: the files carry their namespace themselves.
func render(dir string) ([]object, error) {
	k, err := readKustomization(dir)
	if err != nil {
		return nil, err
	}
	var objects []object
	for _, resource := range k.Resources {
		path := filepath.Join(dir, resource)
		info, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("resource %q of %s does not resolve: %w", resource, dir, err)
		}
		var found []object
		if info.IsDir() {
			found, err = render(path)
		} else {
			found, err = decodeFile(path)
		}
		if err != nil {
			return nil, err
		}
		objects = append(objects, found...)
	}
	return objects, nil
}

// decodeFile decodes every document of a YAML file.
func decodeFile(path string) ([]object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading resource: %w", err)
	}
	docs, err := manifest.Split(data)
	if err != nil {
		return nil, fmt.Errorf("splitting %s: %w", path, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s holds no object", path)
	}
	objects := make([]object, 0, len(docs))
	for _, doc := range docs {
		obj, err := decodeDocument(doc.Data)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, doc.Line, err)
		}
		obj.source = fmt.Sprintf("%s:%d", path, doc.Line)
		objects = append(objects, obj)
	}
	return objects, nil
}

// decodeDocument decodes one document strictly into the API type of its kind.
func decodeDocument(data []byte) (object, error) {
	var meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return object{}, fmt.Errorf("decoding type and metadata: %w", err)
	}
	info, ok := kinds()[meta.Kind]
	if !ok {
		return object{}, fmt.Errorf("kind %q is not one the manifests are known to hold", meta.Kind)
	}
	if meta.APIVersion != info.apiVersion {
		return object{}, fmt.Errorf("%s %q: apiVersion %q, want %q", meta.Kind, meta.Metadata.Name, meta.APIVersion, info.apiVersion)
	}
	if meta.Metadata.Name == "" {
		return object{}, errors.New("object without metadata.name")
	}
	typed := info.newObject()
	if err := yaml.UnmarshalStrict(data, typed); err != nil {
		return object{}, fmt.Errorf("%s %q does not decode strictly: %w", meta.Kind, meta.Metadata.Name, err)
	}
	return object{kind: meta.Kind, name: meta.Metadata.Name, namespace: meta.Metadata.Namespace, typed: typed}, nil
}

// renderDefault renders the default kustomization or fails the test.
func renderDefault(t *testing.T) []object {
	t.Helper()
	objects, err := render(defaultDir)
	require.NoError(t, err)
	return objects
}

// find returns the object of the kind and name, typed as T, or fails the test.
func find[T any](t *testing.T, objects []object, kind, name string) *T {
	t.Helper()
	for _, obj := range objects {
		if obj.kind == kind && obj.name == name {
			typed, ok := obj.typed.(*T)
			require.Truef(t, ok, "%s %q decoded as %T", kind, name, obj.typed)
			return typed
		}
	}
	require.Failf(t, "object missing", "no %s %q in %s", kind, name, defaultDir)
	return nil
}

// all returns every object of the kind, typed as T.
func all[T any](objects []object, kind string) []*T {
	var found []*T
	for _, obj := range objects {
		if typed, ok := obj.typed.(*T); ok && obj.kind == kind {
			found = append(found, typed)
		}
	}
	return found
}
