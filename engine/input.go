package engine

import (
	"strings"
	"sync"

	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/images"
	"github.com/bylaw-dev/bylaw/engine/match"
	"github.com/bylaw-dev/bylaw/engine/podsecurity"
)

// Operation is an admission operation.
type Operation string

// Admission operations.
const (
	OperationCreate  Operation = "CREATE"
	OperationUpdate  Operation = "UPDATE"
	OperationDelete  Operation = "DELETE"
	OperationConnect Operation = "CONNECT"
)

// UserInfo is the requesting user as the API server authenticated it, plus the RBAC roles bound to it.
type UserInfo struct {
	Username     string
	UID          string
	Groups       []string
	Roles        []string // "namespace:name"
	ClusterRoles []string
}

// Request describes the resource to evaluate: an admission request or, for background scans, an existing object.
type Request struct {
	Operation   Operation // defaults to CREATE
	Object      map[string]any
	OldObject   map[string]any
	Subresource string
	DryRun      bool
	UserInfo    UserInfo
	// NamespaceLabels are the labels of the object's namespace, for namespaceSelector.
	NamespaceLabels map[string]string
	// Kind, Name and Namespace, when set, come from the admission request and take precedence over the object's: a
	// created object may not name its namespace, and a subresource request carries, say, a PodExecOptions for pods/exec
	// while rules match it as kind Pod with subresource exec (as Kyverno does: Kind is then the top-level kind of the
	// request's resource, and ObjectKind the request's own kind).
	Kind *GroupVersionKind
	// ObjectKind is the kind of the object the request carries (PodExecOptions, Scale), shown as request.kind; when
	// nil, request.kind is Kind.
	ObjectKind *GroupVersionKind
	// Resource is the plural resource name of the request ("pods"; for pods/exec, "pods" with Subresource "exec"),
	// as an admission request names it; when empty it is derived from the kind (match.ResourceForKind).
	Resource  string
	Name      string
	Namespace string
	// Payload marks a JSON payload rather than a Kubernetes object: only policies with evaluation.mode JSON select
	// it, and they select nothing else.
	Payload bool
	// Variables are extra values set in the context before rules run, keyed by dotted path ("request.namespace",
	// "imageData.configData.created"); the CLI fills them from values files. A context entry whose name is set here is
	// not loaded.
	Variables map[string]any
}

// GroupVersionKind names a resource type as an admission request does.
type GroupVersionKind struct {
	Group, Version, Kind string
}

// Input is a Request prepared once for evaluation against any number of policies. It is read-only after NewInput.
type Input struct {
	req      Request
	obj      map[string]any // the object rules look at: Object, or OldObject on DELETE
	resource match.Resource
	doc      map[string]any // the base context document
	// cel holds the CEL bindings, built on first use by a CEL rule.
	celOnce sync.Once
	cel     cel.Input
	// pod is the typed pod template of obj, decoded on first use by a podSecurity rule.
	podOnce sync.Once
	pod     *podsecurity.Pod
}

// NewInput prepares req: it derives the match attributes and the base context document (request, images,
// serviceAccountName, serviceAccountNamespace).
func NewInput(req Request) *Input {
	if req.Operation == "" {
		req.Operation = OperationCreate
	}
	in := &Input{req: req, obj: req.Object}
	if req.Operation == OperationDelete && len(req.OldObject) > 0 {
		in.obj = req.OldObject
	}
	in.resource = matchResource(req, in.obj)
	in.doc = baseDocument(req, in.obj, in.resource)
	return in
}

// withObject returns an input for obj, the object of this request as a previous mutation left it.
func (in *Input) withObject(obj map[string]any) *Input {
	req := in.req
	req.Object = obj
	return NewInput(req)
}

// podTemplate returns the typed pod template of the object, decoded once and shared by every podSecurity rule.
func (in *Input) podTemplate() *podsecurity.Pod {
	in.podOnce.Do(func() { in.pod = podsecurity.Decode(in.obj) })
	return in.pod
}

// Object returns the object the rules evaluate.
func (in *Input) Object() map[string]any { return in.obj }

// Kind returns the object's kind.
func (in *Input) Kind() string { return in.resource.Kind }

// Name returns the object's name.
func (in *Input) Name() string { return in.resource.Name }

// Namespace returns the object's namespace.
func (in *Input) Namespace() string { return in.resource.Namespace }

func matchResource(req Request, obj map[string]any) match.Resource {
	meta, _ := obj["metadata"].(map[string]any)
	group, version := splitAPIVersion(stringAt(obj, "apiVersion"))
	name := stringAt(meta, "name")
	if name == "" {
		name = stringAt(meta, "generateName")
	}
	kind, namespace := stringAt(obj, "kind"), stringAt(meta, "namespace")
	if req.Kind != nil {
		group, version, kind = req.Kind.Group, req.Kind.Version, req.Kind.Kind
	}
	if req.Name != "" {
		name = req.Name
	}
	if req.Namespace != "" {
		namespace = req.Namespace
	}
	return match.Resource{
		Group:           group,
		Version:         version,
		Kind:            kind,
		Subresource:     req.Subresource,
		Resource:        req.Resource,
		Name:            name,
		Namespace:       namespace,
		Labels:          stringMap(meta["labels"]),
		Annotations:     stringMap(meta["annotations"]),
		NamespaceLabels: req.NamespaceLabels,
		Operation:       string(req.Operation),
		UserInfo: match.UserInfo{
			Username:     req.UserInfo.Username,
			UID:          req.UserInfo.UID,
			Groups:       req.UserInfo.Groups,
			Roles:        req.UserInfo.Roles,
			ClusterRoles: req.UserInfo.ClusterRoles,
		},
	}
}

func baseDocument(req Request, obj map[string]any, r match.Resource) map[string]any {
	request := map[string]any{
		"operation":    string(req.Operation),
		"object":       nilIfEmpty(req.Object),
		"oldObject":    nilIfEmpty(req.OldObject),
		"namespace":    r.Namespace,
		"name":         r.Name,
		"dryRun":       req.DryRun,
		"kind":         requestKindDoc(req, r),
		"userInfo":     userInfoDoc(req.UserInfo),
		"roles":        toAnySlice(req.UserInfo.Roles),
		"clusterRoles": toAnySlice(req.UserInfo.ClusterRoles),
	}
	if req.Operation == OperationDelete {
		request["object"] = nilIfEmpty(req.OldObject)
	}
	if req.Subresource != "" {
		request["subResource"] = req.Subresource
	}
	doc := map[string]any{"request": request}
	if ns, name, ok := serviceAccount(req.UserInfo.Username); ok {
		doc["serviceAccountNamespace"] = ns
		doc["serviceAccountName"] = name
	}
	if imgs := images.FromObject(obj); imgs != nil {
		doc["images"] = imgs
	}
	for k, v := range req.Variables {
		setPath(doc, k, v)
	}
	return doc
}

// requestKindDoc is request.kind: the kind of the object the request carries.
func requestKindDoc(req Request, r match.Resource) map[string]any {
	if k := req.ObjectKind; k != nil {
		return map[string]any{"group": k.Group, "version": k.Version, "kind": k.Kind}
	}
	return map[string]any{"group": r.Group, "version": r.Version, "kind": r.Kind}
}

func userInfoDoc(u UserInfo) map[string]any {
	doc := map[string]any{}
	if u.Username != "" {
		doc["username"] = u.Username
	}
	if u.UID != "" {
		doc["uid"] = u.UID
	}
	if len(u.Groups) > 0 {
		doc["groups"] = toAnySlice(u.Groups)
	}
	return doc
}

// serviceAccount splits "system:serviceaccount:<ns>:<name>".
func serviceAccount(username string) (ns, name string, ok bool) {
	const prefix = "system:serviceaccount:"
	if !strings.HasPrefix(username, prefix) {
		return "", "", false
	}
	ns, name, ok = strings.Cut(strings.TrimPrefix(username, prefix), ":")
	return ns, name, ok
}

func splitAPIVersion(apiVersion string) (group, version string) {
	if g, v, ok := strings.Cut(apiVersion, "/"); ok {
		return g, v
	}
	return "", apiVersion
}

func stringAt(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

func toAnySlice(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func nilIfEmpty(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}
