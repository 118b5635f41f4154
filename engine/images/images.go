package images

import (
	"fmt"
	"strings"
)

// DefaultRegistry is the registry of references that name none.
const DefaultRegistry = "docker.io"

// Info is a parsed image reference.
type Info struct {
	Registry string
	Path     string // repository path without the registry, e.g. "library/nginx" is kept as written: "nginx"
	Name     string // last path element
	Tag      string
	Digest   string
}

// Parse splits an image reference such as "ghcr.io/org/app:1.2@sha256:..." into its parts. A reference without a
// registry is on docker.io; one without tag and digest has the tag "latest".
func Parse(ref string) (Info, error) {
	if ref == "" || strings.ContainsAny(ref, " \t\n") {
		return Info{}, fmt.Errorf("invalid image reference %q", ref)
	}
	var info Info
	rest := ref
	if at := strings.Index(rest, "@"); at >= 0 {
		info.Digest = rest[at+1:]
		rest = rest[:at]
	}
	if slash := strings.Index(rest, "/"); slash > 0 && isRegistry(rest[:slash]) {
		info.Registry = rest[:slash]
		rest = rest[slash+1:]
	} else {
		info.Registry = DefaultRegistry
	}
	if colon := strings.LastIndex(rest, ":"); colon >= 0 && !strings.Contains(rest[colon:], "/") {
		info.Tag = rest[colon+1:]
		rest = rest[:colon]
	}
	if rest == "" {
		return Info{}, fmt.Errorf("invalid image reference %q: empty repository", ref)
	}
	if info.Tag == "" && info.Digest == "" {
		info.Tag = "latest"
	}
	info.Path = rest
	info.Name = rest[strings.LastIndex(rest, "/")+1:]
	return info, nil
}

func isRegistry(s string) bool {
	return strings.ContainsAny(s, ".:") || s == "localhost"
}

// Reference renders the full reference: registry/path[:tag][@digest].
func (i Info) Reference() string {
	s := i.Registry + "/" + i.Path
	if i.Tag != "" {
		s += ":" + i.Tag
	}
	if i.Digest != "" {
		s += "@" + i.Digest
	}
	return s
}

// ReferenceWithTag renders registry/path:tag.
func (i Info) ReferenceWithTag() string {
	return i.Registry + "/" + i.Path + ":" + i.Tag
}

// Document renders the info as the context document of one container.
func (i Info) Document() map[string]any {
	return map[string]any{
		"registry":         i.Registry,
		"path":             i.Path,
		"name":             i.Name,
		"tag":              i.Tag,
		"digest":           i.Digest,
		"reference":        i.Reference(),
		"referenceWithTag": i.ReferenceWithTag(),
	}
}
