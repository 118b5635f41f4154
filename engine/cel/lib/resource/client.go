package resource

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "resource"

// Type is the CEL type of the `resource` variable.
var Type = cel.OpaqueType("resource.Context")

// Query names resources: the API version (v1, apps/v1), the resource (configmaps), the namespace ("" for
// cluster-scoped resources, or every namespace for a list), the name and subresources of one object, and the labels
// a list selects (equality on each).
type Query struct {
	APIVersion   string
	Resource     string
	Namespace    string
	Name         string
	Subresources []string
	Labels       map[string]string
}

// Client reads and creates resources. Each method returns the decoded JSON object (for List, the list object with
// its items).
type Client interface {
	// GetResource returns one object.
	GetResource(ctx context.Context, q Query) (map[string]any, error)
	// ListResources returns the objects of q.Resource in q.Namespace that q.Labels select.
	ListResources(ctx context.Context, q Query) (map[string]any, error)
	// PostResource creates data (for example a SubjectAccessReview) and returns what the server answered.
	PostResource(ctx context.Context, q Query, data map[string]any) (map[string]any, error)
}

// value is the `resource` variable of one evaluation.
type value struct {
	lib.Receiver
	ctx       context.Context
	client    Client
	namespace string
}

// Value is the `resource` variable for one evaluation: c serves the calls (nil makes every call fail with
// lib.ErrUnbound), with ctx; namespace is the namespace a namespaced policy is confined to, "" for a cluster-wide
// policy.
func Value(ctx context.Context, c Client, namespace string) ref.Val {
	return value{Receiver: lib.Receiver{T: Type}, ctx: ctx, client: c, namespace: namespace}
}

// Value implements ref.Val.
func (v value) Value() any { return v }

// validate checks what a call asks for before any client sees it.
func (v value) validate(q Query, needName bool) error {
	if v.client == nil {
		return lib.ErrUnbound
	}
	if v.namespace != "" && q.Namespace != v.namespace {
		return fmt.Errorf("namespace %q is outside the policy's namespace %q", q.Namespace, v.namespace)
	}
	if q.APIVersion == "" || strings.Count(q.APIVersion, "/") > 1 || !segment(strings.ReplaceAll(q.APIVersion, "/", "")) {
		return fmt.Errorf("invalid apiVersion %q", q.APIVersion)
	}
	checks := map[string]string{"resource": q.Resource}
	if q.Namespace != "" {
		checks["namespace"] = q.Namespace
	}
	if needName || q.Name != "" {
		checks["name"] = q.Name
	}
	for what, s := range checks {
		if !segment(s) {
			return fmt.Errorf("invalid %s %q: it must be one non-empty path segment", what, s)
		}
	}
	for _, s := range q.Subresources {
		if !segment(s) {
			return fmt.Errorf("invalid subresource %q: it must be one non-empty path segment", s)
		}
	}
	return nil
}

// segment reports whether s can be one segment of an API path: not empty, not . or .., no /, ?, # or %.
func segment(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/?#%")
}
