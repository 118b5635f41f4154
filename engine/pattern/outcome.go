package pattern

import (
	"fmt"
	"strconv"
	"strings"
)

// outcome is the result of matching one pattern node. Its path and message are filled only in detail walks.
type outcome struct {
	status Status
	path   string
	msg    string
}

// passed, failed and skipped are the outcomes of quick walks, which carry no path or message.
func passed() outcome  { return outcome{} }
func failed() outcome  { return outcome{status: StatusFail} }
func skipped() outcome { return outcome{status: StatusSkip} }

// walk carries the options of one pass over the resource. Match first walks without detail, which builds no strings
// and allocates nothing; only when that walk does not pass does it walk again with detail, to report where and why.
type walk struct {
	detail bool
}

// child returns the Kyverno-style path of a map key or list index below path ("/spec/" + "containers" gives
// "/spec/containers/").
func (w walk) child(path, seg string) string {
	if !w.detail {
		return ""
	}
	return path + seg + "/"
}

func (w walk) index(path string, i int) string {
	if !w.detail {
		return ""
	}
	return path + strconv.Itoa(i) + "/"
}

func (w walk) fail(path, msg string) outcome {
	if !w.detail {
		return failed()
	}
	return outcome{status: StatusFail, path: path, msg: msg}
}

func (w walk) failf(path, format string, args ...any) outcome {
	if !w.detail {
		return failed()
	}
	return outcome{status: StatusFail, path: path, msg: fmt.Sprintf(format, args...)}
}

// skip turns an inner outcome into a skip raised by an anchor, prefixing the anchor's reason as Kyverno does.
func (w walk) skip(inner outcome, reason string) outcome {
	if !w.detail {
		return skipped()
	}
	return outcome{status: StatusSkip, path: inner.path, msg: reason + ": " + inner.msg}
}

// valueMismatch reports a resource value that does not satisfy a leaf.
func (w walk) valueMismatch(v, p any, path string) outcome {
	if !w.detail {
		return failed()
	}
	return w.failf(path, "resource value '%v' does not match '%v' at path %s", v, p, path)
}

// typeMismatch reports a resource value of another shape than the pattern's map or list.
func (w walk) typeMismatch(v any, want, path string) outcome {
	if !w.detail {
		return failed()
	}
	return w.failf(path, "pattern and resource have different structures at path %s: expected %s, found %s",
		path, want, describeType(v))
}

// combineSkips reports a list whose every element was skipped.
func (w walk) combineSkips(path string, msgs []string) outcome {
	if !w.detail {
		return skipped()
	}
	return outcome{status: StatusSkip, path: path, msg: strings.Join(msgs, "; ")}
}

// describeType names the JSON type of a decoded value.
func describeType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int, int64, float64:
		return "number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// negationMatched reports a key that a negation anchor forbids.
func (w walk) negationMatched(path string) outcome {
	if !w.detail {
		return failed()
	}
	return w.fail(path, "negation anchor matched in resource: "+path+" is not allowed")
}

// notFound reports a missing key whose pattern is "*".
func (w walk) notFound(path, key string) outcome {
	if !w.detail {
		return failed()
	}
	return w.fail(path, "field "+path+key+" not found")
}

// existenceFailed reports a pattern map of an existence anchor that no list element matches.
func (w walk) existenceFailed(path string) outcome {
	if !w.detail {
		return failed()
	}
	return w.fail(path, "existence anchor validation failed at path "+path)
}
