package fetch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// Result is a fetched revision.
type Result struct {
	// Revision in Flux form: "main@sha1:<hex>", "v1.2.0@sha1:<hex>" or
	// "sha1:<hex>" for a commit ref.
	Revision string
	// Commit is the 40-hex commit hash.
	Commit string
	// Tag is the tag name for Tag and SemVer refs.
	Tag string
	// Branch is the branch name for Branch refs.
	Branch string
	// Signers lists who signed, when Options.Verify was set.
	Signers []Signer

	repo *cachedRepo
	tree *object.Tree
}

// File is an entry of the commit's tree. Directories are not listed.
type File struct {
	// Path is slash-separated and relative to the folder given to ReadDir.
	Path string
	// Mode is 0644 or 0755 for a regular file, fs.ModeSymlink|0777 for a
	// symbolic link, fs.ModeIrregular for a submodule.
	Mode fs.FileMode
	// Data is the content of a regular file; nil otherwise.
	Data []byte
	// Target is the link target of a symbolic link, not followed.
	Target string
}

// ReadDir returns every file below dir ("" or "." for the root) at the
// fetched commit, read from the git tree (no checkout), in tree order.
// It waits for any fetch of the same repository to finish.
//
// The files are read within lim, a bundle's limits (zero fields take the
// defaults): the number of files, each file's size (by its path relative
// to dir, so signature files get their smaller bound) and the total. A
// blob's size is checked from its object header before any of it is read,
// and it is read through a limited reader, so a blob over the limits is
// refused unread: the error is then a *bundle.RefusalError (ErrTooLarge,
// ErrTooManyFiles) naming the file, inside an *Error.
func (r *Result) ReadDir(dir string, lim bundle.Limits) ([]File, error) {
	clean := strings.Trim(dir, "/")
	if clean == "." {
		clean = ""
	}
	if clean != "" && !fs.ValidPath(clean) {
		return nil, &Error{Reason: ReasonInvalid, Err: fmt.Errorf("path %q is not a clean relative path", dir)}
	}
	r.repo.sem <- struct{}{}
	defer r.repo.unlock()
	tree := r.tree
	if clean != "" {
		sub, err := r.tree.Tree(clean)
		if err != nil {
			return nil, &Error{Reason: ReasonNotFound, Err: fmt.Errorf("folder %q at %s: %w", clean, r.Commit, err)}
		}
		tree = sub
	}
	files, err := readTree(tree, lim.WithDefaults())
	if err != nil {
		return nil, &Error{Reason: ReasonFailed, Err: fmt.Errorf("read %q at %s: %w", clean, r.Commit, err)}
	}
	return files, nil
}

// treeReader reads the files of a tree within a bundle's limits.
type treeReader struct {
	tree  *object.Tree
	lim   bundle.Limits
	files int
	total int64
}

func readTree(tree *object.Tree, lim bundle.Limits) ([]File, error) {
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	tr := &treeReader{tree: tree, lim: lim}
	var files []File
	for {
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if entry.Mode == filemode.Dir {
			continue
		}
		if tr.files++; tr.files > lim.MaxFiles {
			return nil, bundle.Refuse(bundle.ErrTooManyFiles, "", "more than %d files", lim.MaxFiles)
		}
		f, err := tr.readEntry(name, entry)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
}

func (tr *treeReader) readEntry(name string, entry object.TreeEntry) (File, error) {
	f := File{Path: name}
	switch entry.Mode {
	case filemode.Regular, filemode.Deprecated:
		f.Mode = 0o644
	case filemode.Executable:
		f.Mode = 0o755
	case filemode.Symlink:
		f.Mode = fs.ModeSymlink | 0o777
	default: // submodule
		f.Mode = fs.ModeIrregular
		return f, nil
	}
	blob, err := tr.tree.TreeEntryFile(&entry)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	data, err := tr.blobBytes(name, blob)
	if err != nil {
		return File{}, err
	}
	if entry.Mode == filemode.Symlink {
		f.Target = string(data)
	} else {
		f.Data = data
	}
	return f, nil
}

// blobBytes reads a blob of at most the file limit of name, checking the size the object header gives first, and
// the bundle's total.
func (tr *treeReader) blobBytes(name string, f *object.File) ([]byte, error) {
	limit := tr.lim.FileLimit(name)
	if f.Size > limit {
		return nil, bundle.Refuse(bundle.ErrTooLarge, name, "%d bytes, more than %d", f.Size, limit)
	}
	if tr.total += f.Size; tr.total > tr.lim.MaxTotalBytes {
		return nil, bundle.Refuse(bundle.ErrTooLarge, "", "the bundle holds more than %d bytes", tr.lim.MaxTotalBytes)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data, err := io.ReadAll(io.LimitReader(rd, limit+1))
	if err = errors.Join(err, rd.Close()); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit { // the object holds more than its header says
		return nil, bundle.Refuse(bundle.ErrTooLarge, name, "more than %d bytes", limit)
	}
	return data, nil
}
