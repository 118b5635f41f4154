package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// DefaultMaxObjectBytes bounds a git object a fetch accepts when Options.MaxObjectBytes is zero.
const DefaultMaxObjectBytes = 64 << 20

// maxTreeEntries bounds the tree entries a packGuard remembers to name a refused object.
const maxTreeEntries = 1 << 20

// guardedStorage is the cache's repository storage with a packGuard in front of every pack a fetch writes: go-git
// holds each object of a received pack in memory once while it indexes the pack (and sizes its buffers from the
// object headers), so an object over max must be refused before go-git sees any of the pack. max is set, under the
// repository's lock, by each fetch; dir is the repository's folder, where a pack waits while it is checked.
type guardedStorage struct {
	*filesystem.Storage
	dir string
	max int64
}

// PackfileWriter returns a packGuard that hands the pack to the storage's pack writer once it is checked.
func (s *guardedStorage) PackfileWriter() (io.WriteCloser, error) {
	f, err := os.CreateTemp(s.dir, ".incoming-*.pack")
	if err != nil {
		return nil, err
	}
	return newPackGuard(f, s.max, s.Storage.PackfileWriter), nil
}

// packGuard keeps the pack go-git receives in a file while it reads the pack's object headers as they stream, and
// fails the write (so go-git stops the fetch) at the first object larger than max: a base object by the size in its
// header, a delta by its own size or the size of the object it makes. Only a pack whose every object passed is
// handed to the storage, on Close. The refusal names the object's path when a tree earlier in the pack lists it
// (git sends trees before what they hold).
type packGuard struct {
	file  *os.File
	pw    *io.PipeWriter
	done  chan error
	store func() (io.WriteCloser, error)
}

func newPackGuard(f *os.File, max int64, store func() (io.WriteCloser, error)) *packGuard {
	pr, pw := io.Pipe()
	g := &packGuard{file: f, pw: pw, done: make(chan error, 1), store: store}
	go func() {
		err := (&packScan{max: max, names: map[plumbing.Hash]treeEntry{}}).check(pr)
		if err != nil {
			_ = pr.CloseWithError(err)
		} else {
			_, _ = io.Copy(io.Discard, pr) // the rest (the checksum, or what a malformed pack holds) is go-git's
		}
		g.done <- err
	}()
	return g
}

// Write passes p to the check, then to the file.
func (g *packGuard) Write(p []byte) (int, error) {
	if _, err := g.pw.Write(p); err != nil {
		return 0, err
	}
	return g.file.Write(p)
}

// Close waits for the check; when the pack passed it, Close copies it into the storage's pack writer. The file is
// removed either way.
func (g *packGuard) Close() (err error) {
	_ = g.pw.Close()
	defer func() { err = errors.Join(err, g.file.Close(), os.Remove(g.file.Name())) }()
	if err := <-g.done; err != nil {
		return err
	}
	if _, err := g.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, err := g.store()
	if err != nil {
		return err
	}
	_, err = io.Copy(w, g.file)
	return errors.Join(err, w.Close())
}

// packScan is the state of a packGuard's reading: what trees seen so far list.
type packScan struct {
	max   int64
	names map[plumbing.Hash]treeEntry
}

// treeEntry is where an object sits: its name in the tree that lists it.
type treeEntry struct {
	name   string
	parent plumbing.Hash
}

// check reads the pack from r and returns a refusal for the first object over the limit; nil when there is none,
// or when the pack is malformed (go-git reports that).
func (s *packScan) check(r io.Reader) error {
	sc := packfile.NewScanner(r)
	_, count, err := sc.Header()
	if err != nil {
		return nil
	}
	for range count {
		h, err := sc.NextObjectHeader()
		if err != nil {
			return nil
		}
		if h.Length > s.max {
			return s.refuse(sc, h)
		}
		var content prefixWriter
		content.keep = deltaHeaderBytes
		if h.Type == plumbing.TreeObject {
			content.keep = int(h.Length)
		}
		if _, _, err := sc.NextObject(&content); err != nil {
			return nil
		}
		if h.Type.IsDelta() {
			if size := deltaTargetSize(content.buf.Bytes()); size > s.max {
				return tooLarge(fmt.Sprintf("a delta object at offset %d of the pack", h.Offset), size, s.max)
			}
		}
		if h.Type == plumbing.TreeObject {
			s.recordTree(content.buf.Bytes())
		}
	}
	return nil
}

// refuse names the object of h, which is over the limit: a base object is hashed as it streams (nothing is kept)
// so that the trees seen so far can tell its path.
func (s *packScan) refuse(sc *packfile.Scanner, h *packfile.ObjectHeader) error {
	what := fmt.Sprintf("a %s object at offset %d of the pack", h.Type, h.Offset)
	if h.Type.IsDelta() {
		return tooLarge(what, h.Length, s.max)
	}
	hasher := plumbing.NewHasher(h.Type, h.Length)
	if _, _, err := sc.NextObject(hasher); err != nil {
		return tooLarge(what, h.Length, s.max)
	}
	hash := hasher.Sum()
	what = fmt.Sprintf("%s %s", h.Type, hash)
	if p := s.path(hash); p != "" {
		what = fmt.Sprintf("%s (%s)", p, what)
	}
	return tooLarge(what, h.Length, s.max)
}

func tooLarge(what string, size, max int64) error {
	return &Error{Reason: ReasonTooLarge,
		Err: fmt.Errorf("the repository holds %s of %d bytes, more than the %d bytes an object may have", what, size, max)}
}

// recordTree remembers the entries of a tree, until maxTreeEntries.
func (s *packScan) recordTree(content []byte) {
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.TreeObject)
	if _, err := obj.Write(content); err != nil {
		return
	}
	var tree object.Tree
	if err := tree.Decode(obj); err != nil {
		return
	}
	for _, e := range tree.Entries {
		if len(s.names) >= maxTreeEntries {
			return
		}
		s.names[e.Hash] = treeEntry{name: e.Name, parent: obj.Hash()}
	}
}

// path is the slash-separated path of an object from the trees recorded, "" when none lists it.
func (s *packScan) path(h plumbing.Hash) string {
	var parts []string
	for e, ok := s.names[h]; ok && len(parts) < 256; e, ok = s.names[e.parent] {
		parts = append([]string{e.name}, parts...)
	}
	return path.Join(parts...)
}

// deltaHeaderBytes is enough of a delta to hold its header: the sizes of the base and of the result, as two
// variable-length integers of at most 10 bytes each.
const deltaHeaderBytes = 20

// deltaTargetSize decodes the size of the object a delta makes from the delta's header; -1 when it is malformed.
func deltaTargetSize(delta []byte) int64 {
	_, n := deltaVarint(delta)
	if n <= 0 {
		return -1
	}
	size, m := deltaVarint(delta[n:])
	if m <= 0 {
		return -1
	}
	return size
}

// deltaVarint decodes a git delta size: 7 bits a byte, least significant first, the top bit set on all but the
// last byte. n is the bytes read, 0 when b ends first or the value overflows.
func deltaVarint(b []byte) (v int64, n int) {
	for shift := uint(0); n < len(b) && shift < 63; shift += 7 {
		c := b[n]
		n++
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, n
		}
	}
	return 0, 0
}

// prefixWriter keeps the first keep bytes written and discards the rest.
type prefixWriter struct {
	keep int
	buf  bytes.Buffer
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	if room := w.keep - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
