package gitsink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// cache is one publication's view of a bare clone.
type cache struct {
	repo   *git.Repository
	remote *git.Remote
	target Target
	folder []string
}

// fetch brings the remote branch into the clone and returns its tip; the zero hash when the remote has no such
// branch (or no branch at all), which makes the next commit the first of a new branch.
func (c *cache) fetch(ctx context.Context) (plumbing.Hash, error) {
	branch := plumbing.NewBranchReferenceName(c.target.Branch)
	tracking := plumbing.NewRemoteReferenceName(remoteName, c.target.Branch)
	err := c.remote.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remoteName, Auth: c.target.Auth, Tags: git.NoTags,
		RefSpecs: []config.RefSpec{config.RefSpec("+" + branch.String() + ":" + tracking.String())},
	})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
	case errors.Is(err, transport.ErrEmptyRemoteRepository), errors.Is(err, git.NoMatchingRefSpecError{}):
		if err := c.repo.Storer.RemoveReference(tracking); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("forgetting the deleted branch: %w", err)
		}
		return plumbing.ZeroHash, nil
	default:
		return plumbing.ZeroHash, err
	}
	ref, err := c.repo.Storer.Reference(tracking)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading the fetched branch: %w", err)
	}
	return ref.Hash(), nil
}

// commit writes a commit whose tree is tip's with the folder replaced by tree, and reports whether that differs
// from tip's tree; when it does not, it returns tip and writes nothing but blobs.
func (c *cache) commit(tip plumbing.Hash, tree Tree, message string, now time.Time) (plumbing.Hash, bool, error) {
	s := c.repo.Storer
	var base *object.Tree
	var parents []plumbing.Hash
	if !tip.IsZero() {
		tipCommit, err := object.GetCommit(s, tip)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("reading the tip %s: %w", tip, err)
		}
		if base, err = tipCommit.Tree(); err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("reading the tree of the tip %s: %w", tip, err)
		}
		parents = []plumbing.Hash{tip}
	}
	folder, err := writeFolder(s, tree)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	root, err := replaceAt(s, base, c.folder, folder)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if base != nil && root == base.Hash {
		return tip, false, nil
	}
	sig := object.Signature{Name: c.target.Author.Name, Email: c.target.Author.Email, When: now}
	hash, err := write(s, &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: root,
		ParentHashes: parents})
	if err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("writing the commit: %w", err)
	}
	return hash, true, nil
}

// push points the local branch at commit and pushes it without force: the remote accepts it only as a fast-forward.
func (c *cache) push(ctx context.Context, commit plumbing.Hash) error {
	branch := plumbing.NewBranchReferenceName(c.target.Branch)
	if err := c.repo.Storer.SetReference(plumbing.NewHashReference(branch, commit)); err != nil {
		return fmt.Errorf("setting the local branch: %w", err)
	}
	err := c.remote.PushContext(ctx, &git.PushOptions{
		RemoteName: remoteName, Auth: c.target.Auth,
		RefSpecs: []config.RefSpec{config.RefSpec(branch.String() + ":" + branch.String())},
	})
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return err
}

// encoder is a git object that can write itself.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

// write stores obj and returns its hash.
func write(s storer.EncodedObjectStorer, obj encoder) (plumbing.Hash, error) {
	enc := s.NewEncodedObject()
	if err := obj.Encode(enc); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(enc)
}

// writeFolder stores the files of tree as blobs and a tree object, and returns the tree's hash.
func writeFolder(s storer.EncodedObjectStorer, tree Tree) (plumbing.Hash, error) {
	entries := make([]object.TreeEntry, 0, len(tree))
	for _, name := range tree.Names() {
		blob := s.NewEncodedObject()
		blob.SetType(plumbing.BlobObject)
		w, err := blob.Writer()
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("writing %s: %w", name, err)
		}
		_, werr := w.Write(tree[name])
		if err := errors.Join(werr, w.Close()); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("writing %s: %w", name, err)
		}
		hash, err := s.SetEncodedObject(blob)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("storing %s: %w", name, err)
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: hash})
	}
	return writeTree(s, entries)
}

// replaceAt returns the hash of base (nil: an empty tree) with the entry at path set to the folder tree leaf,
// writing every tree on the way.
func replaceAt(s storer.EncodedObjectStorer, base *object.Tree, path []string, leaf plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if base != nil {
		entries = slices.Clone(base.Entries)
	}
	i := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == path[0] })
	hash := leaf
	if len(path) > 1 {
		var child *object.Tree
		if i >= 0 && entries[i].Mode == filemode.Dir {
			var err error
			if child, err = object.GetTree(s, entries[i].Hash); err != nil {
				return plumbing.ZeroHash, fmt.Errorf("reading folder %s: %w", path[0], err)
			}
		}
		var err error
		if hash, err = replaceAt(s, child, path[1:], leaf); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	entry := object.TreeEntry{Name: path[0], Mode: filemode.Dir, Hash: hash}
	if i >= 0 {
		entries[i] = entry
	} else {
		entries = append(entries, entry)
	}
	return writeTree(s, entries)
}

// writeTree stores a tree of entries in git's order and returns its hash.
func writeTree(s storer.EncodedObjectStorer, entries []object.TreeEntry) (plumbing.Hash, error) {
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(sortKey(a), sortKey(b)) })
	hash, err := write(s, &object.Tree{Entries: entries})
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("writing a tree: %w", err)
	}
	return hash, nil
}

// sortKey is the name git sorts a tree entry by: a folder's name ends with a slash.
func sortKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// pushed pushes commit, made on tip, and reports whether it landed; when it did not, the error is an *Error, with
// ReasonRejected when the branch moved away from tip in the meantime. A push whose answer cannot be read is settled
// by fetching the branch again: at commit, it landed; elsewhere than tip, someone else pushed first.
func (c *cache) pushed(ctx context.Context, tip, commit plumbing.Hash) (bool, error) {
	err := c.push(ctx, commit)
	if err == nil {
		return true, nil
	}
	err = classify(ctx, fmt.Errorf("pushing to branch %s of %s: %w", c.target.Branch, redact(c.target.URL), err))
	if ReasonOf(err) != ReasonFailed {
		return false, err
	}
	now, ferr := c.fetch(ctx)
	switch {
	case ferr != nil:
		return false, err
	case now == commit:
		return true, nil
	case now != tip:
		return false, &Error{Reason: ReasonRejected, Err: fmt.Errorf("the branch moved during the push: %w", err)}
	}
	return false, err
}
