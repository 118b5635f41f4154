package bundle

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const digestA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func manifestWith(files ...File) *Manifest {
	return &Manifest{APIVersion: APIVersion, Kind: Kind, Name: "platform", Version: 3, Files: files}
}

func TestRenderParseRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    *Manifest
	}{
		{"no files", manifestWith()},
		{"files", manifestWith(File{"a.yaml", digestA, 1}, File{"b/c.yaml", digestA, 0})},
		{"expiry", &Manifest{APIVersion: APIVersion, Kind: Kind, Name: "a.b", Version: 1 << 62,
			Expires: mustTime(t, "2030-01-02T03:04:05Z"), Files: []File{{"x", digestA, 9}}}},
		{"quoted and unicode paths", manifestWith(File{`a "b".yaml`, digestA, 1}, File{"true", digestA, 1},
			File{"ü/1e3.yaml", digestA, 1})},
		{"digits-only digest and name", &Manifest{APIVersion: APIVersion, Kind: Kind, Name: "123", Version: 1,
			Files: []File{{"null", strings.Repeat("1", 64), 2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := Render(tt.m)
			got, err := ParseManifest(data)
			require.NoError(t, err, string(data))
			if tt.m.Files == nil {
				tt.m.Files = []File{}
			}
			assert.Equal(t, tt.m, got)
		})
	}
}

func TestRenderIsTheDocumentedForm(t *testing.T) {
	m := manifestWith(File{"pods/restricted.yaml", digestA, 1234})
	m.Expires = mustTime(t, "2026-01-01T01:00:00+01:00")
	assert.Equal(t, `apiVersion: bylaw.dev/v1alpha1
kind: Bundle
name: "platform"
version: 3
expires: "2026-01-01T00:00:00Z"
files:
  - path: "pods/restricted.yaml"
    sha256: "`+digestA+`"
    size: 1234
`, string(Render(m)))
}

func TestParseManifestRefusals(t *testing.T) {
	good := string(Render(manifestWith(File{"a.yaml", digestA, 1}, File{"b.yaml", digestA, 2})))
	swap := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	render := func(mut func(m *Manifest)) string {
		m := manifestWith(File{"a.yaml", digestA, 1}, File{"b.yaml", digestA, 2})
		mut(m)
		return string(Render(m))
	}
	tests := []struct {
		name   string
		data   string
		reason Reason
		msg    string
	}{
		{"not YAML", "files: [", ErrInvalidManifest, ""},
		{"unknown field", good + "signedBy: me\n", ErrInvalidManifest, "signedBy"},
		{"duplicate field", good + "version: 4\n", ErrInvalidManifest, "version"},
		{"unknown file field", swap("    size: 1\n", "    size: 1\n    mode: 420\n"), ErrInvalidManifest, "mode"},
		{"wrong kind", swap("kind: Bundle", "kind: Policy"), ErrInvalidManifest, "apiVersion/kind"},
		{"wrong apiVersion", swap("bylaw.dev/v1alpha1", "bylaw.dev/v1"), ErrInvalidManifest, "apiVersion/kind"},
		{"bad name", swap(`"platform"`, `"Platform_1"`), ErrInvalidManifest, "name"},
		{"zero version", swap("version: 3", "version: 0"), ErrInvalidManifest, "version is 0"},
		{"negative version", swap("version: 3", "version: -2"), ErrInvalidManifest, "positive"},
		{"string version", swap("version: 3", `version: "3"`), ErrInvalidManifest, ""},
		{"short digest", swap(digestA, "abc"), ErrInvalidManifest, "sha256"},
		{"upper-case digest", swap(digestA, strings.ToUpper(digestA)), ErrInvalidManifest, "lower-case"},
		{"negative size", swap("size: 1", "size: -1"), ErrInvalidManifest, "negative"},
		{"unsorted", render(func(m *Manifest) { m.Files[0].Path = "c.yaml" }), ErrFilesNotSorted, "after"},
		{"duplicate", render(func(m *Manifest) { m.Files[1].Path = "a.yaml" }), ErrDuplicatePath, "twice"},
		{"case duplicate", render(func(m *Manifest) { m.Files[0].Path = "B.yaml" }), ErrDuplicatePath, "letter case"},
		{"dot-dot", render(func(m *Manifest) { m.Files[0].Path = "../a.yaml" }), ErrPathEscape, ".."},
		{"inner dot-dot", render(func(m *Manifest) { m.Files[0].Path = "a/../../b" }), ErrPathEscape, ".."},
		{"dot", render(func(m *Manifest) { m.Files[0].Path = "./a.yaml" }), ErrPathEscape, `"."`},
		{"absolute", render(func(m *Manifest) { m.Files[0].Path = "/etc/passwd" }), ErrPathEscape, "absolute"},
		{"backslash", render(func(m *Manifest) { m.Files[0].Path = `a\..\b` }), ErrPathEscape, "backslash"},
		{"empty segment", render(func(m *Manifest) { m.Files[0].Path = "a//b" }), ErrPathEscape, "empty"},
		{"trailing slash", render(func(m *Manifest) { m.Files[0].Path = "a/" }), ErrPathEscape, "empty"},
		{"empty path", render(func(m *Manifest) { m.Files[0].Path = "" }), ErrPathEscape, "empty"},
		{"control character", render(func(m *Manifest) { m.Files[0].Path = "a\nb" }), ErrPathEscape, "non-printable"},
		{"manifest listed", render(func(m *Manifest) { m.Files[1].Path = "bundle.yaml" }), ErrReservedPath, ""},
		{"signature listed", render(func(m *Manifest) { m.Files[1].Path = "signatures/a.sig" }), ErrReservedPath, ""},
		{".git listed", render(func(m *Manifest) { m.Files[0].Path = ".git/config" }), ErrReservedPath, ""},
		{"comment", good + "# signed-off\n", ErrManifestNotCanonical, "canonical"},
		{"unquoted name", swap(`"platform"`, "platform"), ErrManifestNotCanonical, ""},
		{"reordered", swap("apiVersion: bylaw.dev/v1alpha1\nkind: Bundle\n", "kind: Bundle\napiVersion: bylaw.dev/v1alpha1\n"),
			ErrManifestNotCanonical, ""},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), ErrManifestNotCanonical, ""},
		{"no final newline", strings.TrimSuffix(good, "\n"), ErrManifestNotCanonical, ""},
		{"expiry with offset", swap("version: 3\n", "version: 3\nexpires: \"2030-01-01T01:00:00+01:00\"\n"),
			ErrManifestNotCanonical, ""},
		{"anchor", swap(`name: "platform"`, `name: &n "platform"`), ErrManifestNotCanonical, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tt.data))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.reason)
			assert.Equal(t, tt.reason, ReasonOf(err))
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestCheckFreshness(t *testing.T) {
	exp := mustTime(t, "2030-01-01T00:00:00Z")
	m := &Manifest{Name: "p", Version: 5, Expires: exp}
	tests := []struct {
		name       string
		m          *Manifest
		now        time.Time
		minVersion int64
		reason     Reason
	}{
		{"fresh", m, exp.Add(-time.Second), 5, ""},
		{"no minimum", m, exp.Add(-time.Hour), 0, ""},
		{"newer than in force", m, exp.Add(-time.Hour), 4, ""},
		{"expired at the instant", m, *exp, 0, ErrExpired},
		{"expired", m, exp.Add(time.Hour), 0, ErrExpired},
		{"rollback", m, exp.Add(-time.Hour), 6, ErrRollback},
		{"no expiry", &Manifest{Name: "p", Version: 1}, exp.Add(100 * 365 * 24 * time.Hour), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckFreshness(tt.m, tt.now, tt.minVersion)
			assert.Equal(t, tt.reason, ReasonOf(err), "%v", err)
		})
	}
}

func TestCheckName(t *testing.T) {
	m := &Manifest{Name: "platform"}
	assert.NoError(t, CheckName(m, ""))
	assert.NoError(t, CheckName(m, "platform"))
	err := CheckName(m, "team-a")
	assert.ErrorIs(t, err, ErrNameMismatch)
	assert.EqualError(t, err, `NameMismatch: bundle is named "platform", want "team-a"`)
}

func TestRefusalError(t *testing.T) {
	err := Refuse(ErrDigestMismatch, "a.yaml", "sha256 %s", "x")
	assert.EqualError(t, err, "DigestMismatch: a.yaml: sha256 x")
	assert.ErrorIs(t, err, ErrDigestMismatch)
	assert.NotErrorIs(t, err, ErrSizeMismatch)
	assert.Equal(t, Reason(""), ReasonOf(assert.AnError))
	assert.EqualError(t, Refuse(ErrExpired, "", "gone"), "Expired: gone")
}
