package pattern

import "errors"

// Status is the outcome of matching a resource against a pattern.
type Status int

const (
	// StatusPass means the resource satisfies the pattern.
	StatusPass Status = iota
	// StatusFail means the resource violates the pattern.
	StatusFail
	// StatusSkip means a conditional or global anchor did not hold, so the pattern does not apply.
	StatusSkip
)

// String returns "pass", "fail" or "skip".
func (s Status) String() string {
	switch s {
	case StatusPass:
		return "pass"
	case StatusFail:
		return "fail"
	case StatusSkip:
		return "skip"
	default:
		return "unknown"
	}
}

// Result is the outcome of [Pattern.Match].
type Result struct {
	Status Status
	// Path is the Kyverno-style path of the failure, such as "/spec/containers/0/securityContext/privileged/". It is
	// empty on Pass and Skip, and when the failure belongs to no single element (a list shorter than the pattern).
	Path string
	// Message says why the resource failed or was skipped, in Kyverno's words.
	Message string
}

// Errors returned, wrapped with the pattern path, by Compile and CompileValue.
var (
	// ErrUnsupportedType is a pattern value of a type decoded JSON or YAML cannot hold.
	ErrUnsupportedType = errors.New("unsupported pattern value type")
	// ErrBadAnchor is an anchor whose value does not fit it.
	ErrBadAnchor = errors.New("bad anchor")
)

// Pattern is a compiled validation pattern. It is immutable and safe for concurrent use.
type Pattern struct {
	root node
}

// node is a compiled pattern element: a map, a list or a leaf.
type node interface {
	// match checks the resource value v found at path.
	match(w walk, v any, path string) outcome
}

// Compile turns a decoded pattern (map[string]any, []any, string, int64, int, float64, bool or nil) into a matcher.
// Errors name the place in the pattern, as in `spec.containers[0].^(ports): bad anchor: ...`.
func Compile(p any) (*Pattern, error) {
	root, err := compileNode(p, "")
	if err != nil {
		return nil, err
	}
	return &Pattern{root: root}, nil
}

// Status checks resource against the pattern without building a failure path or message; it never allocates.
func (p *Pattern) Status(resource any) Status {
	return p.root.match(walk{}, resource, "").status
}

// Match checks a decoded resource against the pattern. A passing resource costs no allocation.
func (p *Pattern) Match(resource any) Result {
	if o := p.root.match(walk{}, resource, ""); o.status == StatusPass {
		return Result{Status: StatusPass}
	}
	o := p.root.match(walk{detail: true}, resource, "/")
	res := Result{Status: o.status, Path: o.path, Message: o.msg}
	if o.status == StatusSkip {
		res.Path = ""
	}
	return res
}
