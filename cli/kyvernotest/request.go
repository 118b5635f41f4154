package kyvernotest

import (
	"sort"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
)

// Variable keys with a meaning beyond the context document.
const (
	varOperation       = "request.operation"
	varObjectPrefix    = "request.object."
	varOldObjectPrefix = "request.oldObject."
)

// newRequest builds the engine request for obj as the Kyverno CLI does: the operation is CREATE unless the values
// set request.operation to UPDATE (the object is its own old object) or DELETE (the object becomes the old object),
// and values under request.object / request.oldObject change the object the rules see.
func newRequest(obj map[string]any, vars map[string]any, user engine.UserInfo, nsLabels map[string]string) engine.Request {
	req := engine.Request{
		Operation:       engine.OperationCreate,
		Object:          withOverrides(obj, vars, varObjectPrefix),
		UserInfo:        user,
		NamespaceLabels: nsLabels,
		Variables:       foldVariables(vars),
	}
	switch op, _ := vars[varOperation].(string); strings.ToUpper(op) {
	case string(engine.OperationUpdate):
		req.Operation = engine.OperationUpdate
		req.OldObject = withOverrides(obj, vars, varOldObjectPrefix)
	case string(engine.OperationDelete):
		req.Operation = engine.OperationDelete
		req.OldObject = withOverrides(obj, vars, varOldObjectPrefix)
		req.Object = nil
	}
	return req
}

// documentRoots are the top-level names of the context document the engine builds itself; values under them are
// set path by path.
var documentRoots = map[string]bool{
	"request": true, "images": true, "element": true, "elementIndex": true,
	"serviceAccountName": true, "serviceAccountNamespace": true,
}

// foldVariables nests dotted keys under their first name ("cm.data.key" becomes "cm": {"data": {"key": ...}}) for
// every name that is not a root of the engine's own document. The Kyverno CLI never loads a context entry
// (ConfigMap, API call, image registry) offline: values given under an entry's name stand for it, and with the
// name set the engine does not load the entry either. vars is not written; it is returned as is when nothing folds.
func foldVariables(vars map[string]any) map[string]any {
	var dotted []string
	for k := range vars {
		if folds(k) {
			dotted = append(dotted, k)
		}
	}
	if len(dotted) == 0 {
		return vars
	}
	out := make(map[string]any, len(vars))
	for k, v := range vars {
		if !folds(k) {
			out[k] = v
		}
	}
	sort.Strings(dotted) // "a.b" before "a.b.c": the deeper value wins, whatever the map order
	for _, k := range dotted {
		root, rest, _ := strings.Cut(k, ".")
		base, _ := out[root].(map[string]any)
		out[root] = setPathCopy(base, strings.Split(rest, "."), vars[k])
	}
	return out
}

func folds(key string) bool {
	root, _, nested := strings.Cut(key, ".")
	return nested && !documentRoots[root]
}

// withOverrides returns obj with every variable under prefix set at its path. obj is never written: maps on the
// way are copied. obj itself is returned when no variable applies.
func withOverrides(obj map[string]any, vars map[string]any, prefix string) map[string]any {
	out := obj
	for k, v := range vars {
		path, ok := strings.CutPrefix(k, prefix)
		if !ok || path == "" {
			continue
		}
		out = setPathCopy(out, strings.Split(path, "."), v)
	}
	return out
}

// setPathCopy returns a copy of m with path set to v; maps along the path are copied, the rest is shared.
func setPathCopy(m map[string]any, path []string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	if len(path) == 1 {
		out[path[0]] = v
		return out
	}
	child, _ := m[path[0]].(map[string]any)
	out[path[0]] = setPathCopy(child, path[1:], v)
	return out
}

// ToEngineUserInfo converts a UserInfo file to the engine's request user.
func (u *UserInfo) ToEngineUserInfo() engine.UserInfo {
	if u == nil {
		return engine.UserInfo{}
	}
	return engine.UserInfo{
		Username:     u.User.Username,
		UID:          u.User.UID,
		Groups:       u.User.Groups,
		Roles:        u.Roles,
		ClusterRoles: u.ClusterRoles,
	}
}
