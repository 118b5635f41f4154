package policy

import "bytes"

// podTemplatePaths returns where the Pod's spec and metadata sit in the controllers of variant config.
func podTemplatePaths(config string) (spec, metadata string) {
	if config == AutogenConfigCronJobs {
		return "spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template.metadata"
	}
	return "spec.template.spec", "spec.template.metadata"
}

// rewritePodPaths moves the Pod paths of CEL text into the Pod template of variant config, as Kyverno's autogen does:
// a plain substring replacement of `object.spec`, then `oldObject.spec`, then `object.metadata`, then
// `oldObject.metadata`, wherever they occur (spec first, so a rewritten metadata path is not rewritten again). It
// matches the lower-case `object.` only, so `namespaceObject.metadata` stays as written; it does not look for word
// boundaries, so `myobject.spec` is rewritten too, as in Kyverno.
//
// An occurrence followed by the path segment `.namespace` or `.name` is left alone (Kyverno's fix for
// kyverno/kyverno#16038 and #15591): a Pod template has no namespace or name of its own, and the controller's are the
// ones a policy means.
func rewritePodPaths(data []byte, config string) []byte {
	spec, metadata := podTemplatePaths(config)
	for _, r := range [][2]string{{"spec", spec}, {"metadata", metadata}} {
		for _, root := range []string{"object.", "oldObject."} {
			data = replaceUnprotected(data, []byte(root+r[0]), []byte(root+r[1]))
		}
	}
	return data
}

// replaceUnprotected replaces every occurrence of from in data with to, except the occurrences that are followed by
// a protected path segment.
func replaceUnprotected(data, from, to []byte) []byte {
	i := bytes.Index(data, from)
	if i < 0 {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data) + bytes.Count(data, from)*max(0, len(to)-len(from)))
	for i >= 0 {
		out.Write(data[:i])
		rest := data[i+len(from):]
		if followedByProtected(rest) {
			out.Write(from)
		} else {
			out.Write(to)
		}
		data = rest
		i = bytes.Index(data, from)
	}
	out.Write(data)
	return out.Bytes()
}

// followedByProtected reports whether rest starts with the whole path segment `.namespace` or `.name`.
func followedByProtected(rest []byte) bool {
	for _, seg := range []string{".namespace", ".name"} {
		if !bytes.HasPrefix(rest, []byte(seg)) {
			continue
		}
		if after := rest[len(seg):]; len(after) == 0 || !isIdentByte(after[0]) {
			return true
		}
	}
	return false
}

func isIdentByte(b byte) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}
