package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Default limits; see Limits.
const (
	DefaultMaxBytes       = 32 << 20
	DefaultMaxDepth       = 512
	DefaultMaxAliasValues = 250_000
)

// ErrLimit is what every *LimitError is (errors.Is): the input is over one of the Limits.
var ErrLimit = errors.New("input over its limit")

// Limits bound what Bylaw reads and decodes, so that no file, document or alias can exhaust the process: every
// decoder of YAML or JSON files (resources, policies, Kyverno CLI test, values, user info and context files, bundle
// manifests) reads through ReadFile and decodes with Decode, or checks with Check before handing a document to
// another decoder. Zero fields take the defaults.
type Limits struct {
	// MaxBytes bounds every file ReadFile reads and every document Decode and Check accept (default 32 MiB). A
	// document is never larger than its file; a `List` document may hold a whole cluster dump.
	MaxBytes int64
	// MaxDepth bounds nesting of mappings and sequences, alias hops included (default 512).
	MaxDepth int
	// MaxAliasValues bounds the values that expanding aliases adds to one document, counted after expansion
	// (default 250,000): an alias of a mapping of ten values adds eleven each time it is used. It is what stops a
	// "billion laughs" document, whose few hundred bytes expand to billions of values.
	MaxAliasValues int
}

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAliasValues <= 0 {
		l.MaxAliasValues = DefaultMaxAliasValues
	}
	return l
}

// LimitError says which limit an input is over. Line, when not 0, is the line of the document (1-based) where the
// limit was crossed.
type LimitError struct {
	// What is over the limit, e.g. "file", "document", "nesting", "alias expansion".
	What string
	// Size is how much there is (or, when it is not known exactly, how much was seen before giving up); Limit is the
	// bound it crossed.
	Size, Limit int64
	Unit        string
	Line        int
}

func (e *LimitError) Error() string {
	msg := fmt.Sprintf("%s over the limit: more than %d %s", e.What, e.Limit, e.Unit)
	if e.Size > e.Limit {
		msg = fmt.Sprintf("%s over the limit: %d %s, more than %d", e.What, e.Size, e.Unit, e.Limit)
	}
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

// Is reports whether target is ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// ReadFile reads a file of at most l.MaxBytes bytes. The size is checked before reading (a regular file over the
// limit is refused unread), and the file is read through a limited reader (a file that grows, or a pipe, is cut off
// at the limit and refused). Errors are *fs.PathError, naming the file; a file over the limit is a *LimitError
// inside.
func (l Limits) ReadFile(path string) ([]byte, error) {
	l = l.WithDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("is a folder")}
	}
	if info.Size() > l.MaxBytes {
		return nil, &fs.PathError{Op: "read", Path: path, Err: l.tooLarge("file", info.Size())}
	}
	data, err := io.ReadAll(io.LimitReader(f, l.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > l.MaxBytes {
		return nil, &fs.PathError{Op: "read", Path: path, Err: l.tooLarge("file", 0)}
	}
	return data, nil
}

func (l Limits) tooLarge(what string, size int64) *LimitError {
	return &LimitError{What: what, Size: size, Limit: l.MaxBytes, Unit: "bytes"}
}
