package bundle

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzLoadManifest feeds arbitrary bytes to the manifest parser and to Load. Whatever it accepts must be canonical
// (Render gives the same bytes back) and valid; whatever it refuses must carry a reason; nothing may panic.
func FuzzLoadManifest(f *testing.F) {
	f.Add(Render(manifestWith(File{"a.yaml", hexSum("a"), 1})))
	f.Add(Render(manifestWith()))
	f.Add(Render(&Manifest{APIVersion: APIVersion, Kind: Kind, Name: "x", Version: 9,
		Expires: mustTime(f, "2030-01-01T00:00:00Z"), Files: []File{{`q"\u.yaml`, digestA, 3}}}))
	f.Add([]byte("apiVersion: bylaw.dev/v1alpha1\nkind: Bundle\nname: &a x\nversion: 1\nfiles: *a\n"))
	f.Add([]byte("{\"apiVersion\":\"bylaw.dev/v1alpha1\",\"kind\":\"Bundle\",\"name\":\"x\",\"version\":1,\"files\":[]}"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			require.NotEmpty(t, ReasonOf(err), "%v", err)
		} else {
			require.Equal(t, string(data), string(Render(m)))
			require.NoError(t, m.Validate())
			for _, file := range m.Files {
				require.NoError(t, checkListedPath(file.Path))
			}
		}
		b, err := Load(fstest.MapFS{ManifestFile: {Data: data}, "a.yaml": {Data: []byte("a")}}, Limits{})
		if err != nil {
			require.NotEmpty(t, ReasonOf(err), "%v", err)
			return
		}
		assert.Equal(t, map[string][]byte{"a.yaml": []byte("a")}, b.Files)
		assert.Equal(t, Digest(data), b.Digest)
	})
}
