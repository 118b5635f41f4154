package bundle

import (
	"errors"
	"fmt"
)

// Reason is the code of a refusal, usable as a Kubernetes condition reason. Reasons are errors too, so
// errors.Is(err, ErrDigestMismatch) tells a refusal's reason.
type Reason string

func (r Reason) Error() string { return string(r) }

// Reasons a bundle is refused for.
const (
	// ErrMissingManifest: the folder has no bundle.yaml.
	ErrMissingManifest Reason = "MissingManifest"
	// ErrInvalidManifest: bundle.yaml does not parse strictly, has an unknown field, or a field is invalid.
	ErrInvalidManifest Reason = "InvalidManifest"
	// ErrManifestNotCanonical: bundle.yaml parses but is not byte-for-byte what Render writes for it.
	ErrManifestNotCanonical Reason = "ManifestNotCanonical"
	// ErrFilesNotSorted: the manifest's files are not sorted by path.
	ErrFilesNotSorted Reason = "FilesNotSorted"
	// ErrDuplicatePath: a path is listed twice, or two paths differ only in letter case.
	ErrDuplicatePath Reason = "DuplicatePath"
	// ErrPathEscape: a path is absolute, has a `..`, `.` or empty segment, a backslash or a control character.
	ErrPathEscape Reason = "PathEscape"
	// ErrReservedPath: the manifest lists bundle.yaml, a file under signatures/ or under .git/.
	ErrReservedPath Reason = "ReservedPath"
	// ErrSymlink: the folder holds a symbolic link.
	ErrSymlink Reason = "Symlink"
	// ErrSpecialFile: the folder holds a device, pipe, socket or other non-regular file.
	ErrSpecialFile Reason = "SpecialFile"
	// ErrExtraFile: the folder holds a file the manifest does not list (or an unexpected file under signatures/).
	ErrExtraFile Reason = "ExtraFile"
	// ErrMissingFile: a listed file is not in the folder.
	ErrMissingFile Reason = "MissingFile"
	// ErrSizeMismatch: a file's size is not the listed size.
	ErrSizeMismatch Reason = "SizeMismatch"
	// ErrDigestMismatch: a file's sha256 is not the listed digest.
	ErrDigestMismatch Reason = "DigestMismatch"
	// ErrTooLarge: a file, or the whole bundle, is larger than the Limits allow.
	ErrTooLarge Reason = "TooLarge"
	// ErrTooManyFiles: the folder holds more files than the Limits allow.
	ErrTooManyFiles Reason = "TooManyFiles"
	// ErrInvalidSignatureFile: a file under signatures/ is not named <signer>.sig or <signer>.sigstore.json with a
	// valid signer name, or one signer has both.
	ErrInvalidSignatureFile Reason = "InvalidSignatureFile"
	// ErrExpired: the bundle's expiry has passed.
	ErrExpired Reason = "Expired"
	// ErrRollback: the bundle's version is lower than the one in force.
	ErrRollback Reason = "Rollback"
	// ErrNameMismatch: the bundle's name is not the expected one.
	ErrNameMismatch Reason = "NameMismatch"
	// ErrInvalidPolicy: Build found a policy document that does not load.
	ErrInvalidPolicy Reason = "InvalidPolicy"
	// ErrUnreadable: a file could not be read.
	ErrUnreadable Reason = "Unreadable"
)

// RefusalError says why a bundle is refused: a Reason code, the path concerned (empty when the whole bundle is) and
// the detail.
type RefusalError struct {
	Reason Reason
	Path   string
	Err    error
}

// Refuse returns a *RefusalError; the detail is formatted like fmt.Errorf (so %w wraps).
func Refuse(reason Reason, path, format string, args ...any) *RefusalError {
	return &RefusalError{Reason: reason, Path: path, Err: fmt.Errorf(format, args...)}
}

func (e *RefusalError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s: %v", e.Reason, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.Reason, e.Path, e.Err)
}

// Unwrap returns the detail.
func (e *RefusalError) Unwrap() error { return e.Err }

// Is reports whether target is the refusal's Reason.
func (e *RefusalError) Is(target error) bool {
	r, ok := target.(Reason)
	return ok && r == e.Reason
}

// ReasonOf returns the Reason of the first *RefusalError in err's chain, or "" when there is none.
func ReasonOf(err error) Reason {
	var re *RefusalError
	if errors.As(err, &re) {
		return re.Reason
	}
	return ""
}
