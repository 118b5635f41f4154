package reports

import (
	"cmp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Resource identifies an evaluated object.
type Resource struct {
	APIVersion string
	Kind       string
	// Namespace is empty for a cluster-scoped object, whose results go to the ClusterPolicyReport.
	Namespace string
	Name      string
	UID       types.UID
}

// ResourceOf reads the identity of an object decoded from JSON or YAML.
func ResourceOf(obj map[string]any) Resource {
	meta, _ := obj["metadata"].(map[string]any)
	var r Resource
	r.APIVersion, _ = obj["apiVersion"].(string)
	r.Kind, _ = obj["kind"].(string)
	r.Namespace, _ = meta["namespace"].(string)
	r.Name, _ = meta["name"].(string)
	uid, _ := meta["uid"].(string)
	r.UID = types.UID(uid)
	return r
}

// key identifies the resource in a Book: its UID, or kind, namespace and name for an object that has none yet.
func (r Resource) key() string {
	if r.UID != "" {
		return string(r.UID)
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// ref returns the ObjectReference a result carries.
func (r Resource) ref() corev1.ObjectReference {
	return corev1.ObjectReference{APIVersion: r.APIVersion, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, UID: r.UID}
}

// compare orders resources by kind, namespace, name, UID, then API version.
func (r Resource) compare(o Resource) int {
	return cmp.Or(
		strings.Compare(r.Kind, o.Kind),
		strings.Compare(r.Namespace, o.Namespace),
		strings.Compare(r.Name, o.Name),
		strings.Compare(string(r.UID), string(o.UID)),
		strings.Compare(r.APIVersion, o.APIVersion),
	)
}
