package fetch

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// bigBlobSize is the blob the server serves: 1 GiB of zeros, about a megabyte once compressed.
const bigBlobSize = 1 << 30

// TestFetchRefusesBigObject fetches a repository whose bundle folder holds a 1 GiB blob. go-git would hold it in
// memory while indexing the pack; the fetch refuses it instead (TooLarge, naming the file), having streamed it
// through a hash at most, so neither the Go heap nor the process's peak RSS grows by anything near its size.
func TestFetchRefusesBigObject(t *testing.T) {
	g := newGitServer(t)
	created := time.Now()
	blob := writeBlobRepo(t, filepath.Join(g.srv.Root(), "big.git"), bigBlobSize)
	t.Logf("repository written in %v", time.Since(created))
	var f Fetcher
	opts := fetchOpts(g.transports()[0], "big.git", t.TempDir(), Ref{Branch: "main"})
	opts.Timeout = time.Minute

	runtime.GC()
	sysBefore, rssBefore := memoryUse(t)
	start := time.Now()
	_, err := f.Fetch(context.Background(), opts)
	elapsed := time.Since(start)
	sysAfter, rssAfter := memoryUse(t)

	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "TooLarge: the repository holds bundle/big.yaml (blob "+blob.String()+") of 1073741824 bytes, "+
		"more than the 67108864 bytes an object may have")
	const bound = 128 << 20
	assert.Less(t, sysAfter-sysBefore, uint64(bound), "Go runtime memory (runtime.MemStats.Sys) growth")
	assert.Less(t, rssAfter-rssBefore, int64(bound), "peak RSS growth")
	t.Logf("Fetch: %v; Sys %d -> %d MiB; peak RSS %d -> %d MiB", elapsed, sysBefore>>20, sysAfter>>20, rssBefore>>20, rssAfter>>20)
}

// TestReadDirChecksTheHeaderFirst: a blob over the bundle's file limit (but within the fetch's object limit) is
// refused by ReadDir from its object header, before any of it is read.
func TestReadDirChecksTheHeaderFirst(t *testing.T) {
	g := newGitServer(t)
	writeBlobRepo(t, filepath.Join(g.srv.Root(), "blob.git"), 32<<20)
	var f Fetcher
	res, err := f.Fetch(context.Background(), fetchOpts(g.transports()[0], "blob.git", t.TempDir(), Ref{Branch: "main"}))
	require.NoError(t, err)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = res.ReadDir("bundle", bundle.Limits{})
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, bundle.ErrTooLarge)
	assert.Contains(t, err.Error(), "TooLarge: big.yaml: 33554432 bytes, more than 2097152")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated while reading the folder")

	files, err := res.ReadDir("bundle", bundle.Limits{MaxFileBytes: 32 << 20, MaxTotalBytes: 64 << 20})
	require.NoError(t, err, "within raised limits the blob is read")
	require.Len(t, files, 2)
	assert.Len(t, files[0].Data, 32<<20)
}

// memoryUse returns the memory the Go runtime holds from the system (it never shrinks, so it records any peak) and
// the process's peak RSS, in bytes.
func memoryUse(t *testing.T) (sys uint64, maxRSS int64) {
	t.Helper()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return ms.Sys, ru.Maxrss << 10 // Linux reports kilobytes
}

// writeBlobRepo writes a bare repository at dir whose main branch holds bundle/bundle.yaml and bundle/big.yaml, a
// blob of size zeros streamed into the object storage (never held in memory), and returns that blob's hash.
func writeBlobRepo(t *testing.T, dir string, size int64) plumbing.Hash {
	t.Helper()
	repo, err := git.PlainInit(dir, true)
	require.NoError(t, err)
	cfg, err := repo.Config()
	require.NoError(t, err)
	cfg.Raw.Section("pack").SetOption("compression", "1") // the server packs the blob fast
	require.NoError(t, repo.SetConfig(cfg))
	st, ok := repo.Storer.(*filesystem.Storage)
	require.True(t, ok)
	big := streamBlob(t, st, size)
	small := encode(t, st, &blobObject{data: []byte("apiVersion: bylaw.dev/v1alpha1\nkind: Bundle\n")})
	folder := encode(t, st, &object.Tree{Entries: []object.TreeEntry{
		{Name: "big.yaml", Mode: filemode.Regular, Hash: big},
		{Name: "bundle.yaml", Mode: filemode.Regular, Hash: small},
	}})
	root := encode(t, st, &object.Tree{Entries: []object.TreeEntry{{Name: "bundle", Mode: filemode.Dir, Hash: folder}}})
	sig := object.Signature{Name: "Test", Email: "test@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	commit := encode(t, st, &object.Commit{Author: sig, Committer: sig, Message: "big blob\n", TreeHash: root})
	require.NoError(t, st.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), commit)))
	require.NoError(t, st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))))
	return big
}

// streamBlob writes a loose blob of size zeros through the storage's streaming writer.
func streamBlob(t *testing.T, st *filesystem.Storage, size int64) plumbing.Hash {
	t.Helper()
	w, header, err := st.LazyWriter()
	require.NoError(t, err)
	require.NoError(t, header(plumbing.BlobObject, size))
	_, err = io.CopyN(w, zeros{}, size)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	hashed, ok := w.(interface{ Hash() plumbing.Hash })
	require.True(t, ok, "the object writer tells its hash")
	return hashed.Hash()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// encodable is a git object go-git can encode.
type encodable interface {
	Encode(plumbing.EncodedObject) error
}

func encode(t *testing.T, st storer.EncodedObjectStorer, o encodable) plumbing.Hash {
	t.Helper()
	obj := st.NewEncodedObject()
	require.NoError(t, o.Encode(obj))
	h, err := st.SetEncodedObject(obj)
	require.NoError(t, err)
	return h
}

// blobObject is a small blob to encode.
type blobObject struct{ data []byte }

func (b *blobObject) Encode(o plumbing.EncodedObject) error {
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		return err
	}
	_, err = w.Write(b.data)
	return errors.Join(err, w.Close())
}

// TestFetchObjectLimit: Options.MaxObjectBytes bounds every object of the pack; the refusal names the path of the
// blob from the trees sent before it.
func TestFetchObjectLimit(t *testing.T) {
	g := newGitServer(t)
	p := newPusher(t, g.pushURL("limit.git"))
	big := make([]byte, 4000)
	p.commit("one", map[string]string{"bundle/bundle.yaml": "name: demo", "bundle/policies/big.yaml": string(big)}, nil)
	p.push()
	blob := plumbing.ComputeHash(plumbing.BlobObject, big)
	tests := []struct {
		name string
		max  int64
		want string // "" when the fetch succeeds
	}{
		{name: "within the default"},
		{name: "within a lowered limit", max: 4000},
		{name: "over a lowered limit", max: 3999,
			want: "TooLarge: the repository holds bundle/policies/big.yaml (blob " + blob.String() + ") of 4000 bytes, more than the 3999 bytes an object may have"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Fetcher
			opts := fetchOpts(g.transports()[0], "limit.git", t.TempDir(), Ref{Branch: "main"})
			opts.MaxObjectBytes = tt.max
			_, err := f.Fetch(context.Background(), opts)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrTooLarge)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestDeltaTargetSize(t *testing.T) {
	tests := []struct {
		name  string
		delta []byte
		want  int64
	}{
		{name: "one-byte sizes", delta: []byte{0x05, 0x7f, 0x90}, want: 127},
		{name: "multi-byte result size", delta: []byte{0x01, 0x80, 0x80, 0x40}, want: 1 << 20},
		{name: "1 GiB result", delta: []byte{0x00, 0x80, 0x80, 0x80, 0x80, 0x04}, want: 1 << 30},
		{name: "truncated", delta: []byte{0x05, 0x80}, want: -1},
		{name: "empty", delta: nil, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, deltaTargetSize(tt.delta))
		})
	}
}
