package bundle

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// gitDir is the one entry at the top of a bundle folder that is neither listed nor refused, so that a repository's
// root can be a bundle.
const gitDir = ".git"

// checkPath refuses a path that is not a clean, relative, slash-separated path of printable characters
// (ErrPathEscape).
func checkPath(p string) error {
	switch {
	case p == "":
		return Refuse(ErrPathEscape, p, "empty path")
	case strings.HasPrefix(p, "/"):
		return Refuse(ErrPathEscape, p, "absolute path")
	case strings.Contains(p, `\`):
		return Refuse(ErrPathEscape, p, "backslash in path")
	case !utf8.ValidString(p):
		return Refuse(ErrPathEscape, p, "path is not valid UTF-8")
	}
	for _, r := range p {
		if !unicode.IsPrint(r) {
			return Refuse(ErrPathEscape, p, "non-printable character %U in path", r)
		}
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "":
			return Refuse(ErrPathEscape, p, "empty path segment")
		case ".", "..":
			return Refuse(ErrPathEscape, p, "%q segment in path", seg)
		}
	}
	return nil
}

// checkListedPath is checkPath plus the paths a manifest may not list (ErrReservedPath).
func checkListedPath(p string) error {
	if err := checkPath(p); err != nil {
		return err
	}
	top, _, _ := strings.Cut(p, "/")
	if p == ManifestFile || top == SignaturesDir || top == gitDir {
		return Refuse(ErrReservedPath, p, "the manifest cannot list %s, %s/ or %s/", ManifestFile, SignaturesDir, gitDir)
	}
	return nil
}

// IsPolicyFile reports whether a bundle path is loaded as policies: a .yaml or .yml file outside hidden folders
// (such as .kyverno-test, which hold tests), as `bylaw apply` reads folders.
func IsPolicyFile(p string) bool {
	lower := strings.ToLower(p)
	if !strings.HasSuffix(lower, ".yaml") && !strings.HasSuffix(lower, ".yml") {
		return false
	}
	dirs := strings.Split(p, "/")
	for _, d := range dirs[:len(dirs)-1] {
		if strings.HasPrefix(d, ".") {
			return false
		}
	}
	return true
}
