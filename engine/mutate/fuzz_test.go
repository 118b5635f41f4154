package mutate

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzStrategicMerge applies random overlays to random resources: StrategicMerge must not panic, must leave both
// inputs unmodified, and must return an object or an error.
func FuzzStrategicMerge(f *testing.F) {
	seeds := [][2]string{
		{`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x:latest"}]}}`,
			`{"spec":{"containers":[{"(image)":"*:latest","imagePullPolicy":"Always"}]}}`},
		{`{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"a":"b"}}}`,
			`{"metadata":{"labels":{"+(a)":"c","+(d)":"e"}},"spec":{"+(securityContext)":{"runAsNonRoot":true}}}`},
		{`{"kind":"Pod","apiVersion":"v1","spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			`{"spec":{"containers":[{"(name)":"a","x":1},{"(name)":"b","y":2},{"<(name)":"c"}]}}`},
		{`{"kind":"X","apiVersion":"x/v1","spec":{"l":[1,2],"m":{"k":null}}}`,
			`{"spec":{"l":[{"$patch":"replace"}],"m":{"$patch":"delete"},"n":null}}`},
		{`{"metadata":{"finalizers":["a"]}}`, `{"metadata":{"finalizers":["b"],"X(name)":"x","=(labels)":{}}}`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, resourceJSON, overlayJSON []byte) {
		resource, ok1 := decodeFuzzObject(resourceJSON)
		overlay, ok2 := decodeFuzzObject(overlayJSON)
		if !ok1 || !ok2 {
			return
		}
		resourceBefore, _ := json.Marshal(resource)
		overlayBefore, _ := json.Marshal(overlay)
		got, err := StrategicMerge(resource, overlay)
		if err == nil && got == nil {
			t.Fatal("nil result without error")
		}
		resourceAfter, _ := json.Marshal(resource)
		overlayAfter, _ := json.Marshal(overlay)
		if !bytes.Equal(resourceBefore, resourceAfter) {
			t.Fatalf("resource modified:\n%s\n%s", resourceBefore, resourceAfter)
		}
		if !bytes.Equal(overlayBefore, overlayAfter) {
			t.Fatalf("overlay modified:\n%s\n%s", overlayBefore, overlayAfter)
		}
	})
}

// decodeFuzzObject decodes a JSON object bounded in size, with int64 and float64 numbers.
func decodeFuzzObject(data []byte) (map[string]any, bool) {
	if len(data) > 4096 {
		return nil, false
	}
	m, err := decodeObject(data)
	return m, err == nil
}
