package policy

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnsupportedKind marks documents of a policy kind Bylaw does not evaluate yet (the policies.kyverno.io kinds).
var ErrUnsupportedKind = errors.New("policy kind not supported yet")

// LoadError is one document that could not be loaded.
type LoadError struct {
	File     string
	Document int // 1-based position in a multi-document file; 0 when the whole file failed
	Kind     string
	Name     string
	Field    string // the field path when known, e.g. spec.rules[0].validate.pattern
	Err      error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Document > 0 {
		fmt.Fprintf(&b, " document %d", e.Document)
	}
	switch {
	case e.File == "" && (e.Kind != "" || e.Name != ""):
		fmt.Fprintf(&b, "%s %s", e.Kind, e.Name)
	case e.Kind != "" || e.Name != "":
		fmt.Fprintf(&b, " (%s %s)", e.Kind, e.Name)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " field %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }
