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

// FuzzStrategicMergeNamed checks that merging only the fields the overlay names agrees with the kustomize merge of
// the whole resource. The resource is first normalised by a whole merge of an empty overlay, because the named merge
// keeps the parts the overlay does not name as they are, where kustomize normalises them.
func FuzzStrategicMergeNamed(f *testing.F) {
	seeds := [][2]string{
		{`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":"b"}},"spec":{"containers":[{"name":"a","image":"x:latest","ports":[{"containerPort":80,"protocol":"TCP"}]},{"name":"b","image":"y"}]}}`,
			`{"metadata":{"labels":{"+(a)":"c","+(t)":"d"}},"spec":{"containers":[{"(name)":"*","imagePullPolicy":"Always","securityContext":{"+(runAsNonRoot)":true}}]}}`},
		{`{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":81,"protocol":"UDP"}]}]}}`,
			`{"spec":{"containers":[{"name":"a","env":[{"name":"B","value":"2"}],"ports":[{"containerPort":81,"protocol":"UDP","hostPort":1},{"containerPort":82,"protocol":"TCP"}]},{"name":"c","image":"z"}]}}`},
		{`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}}}`,
			`{"spec":{"replicas":2,"template":{"spec":{"volumes":[{"name":"w","secret":{"secretName":"s"}}],"tolerations":null}}}}`},
		{`{"kind":"X","apiVersion":"x/v1","spec":{"l":[1,2],"m":{"k":null}}}`, `{"spec":{"l":[3],"m":{"k":1,"j":{"a":[]}}}}`},
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
		normal, err := strategicMergeWhole(resource, map[string]any{})
		if err != nil {
			return
		}
		got, err := StrategicMerge(normal, overlay)
		assertAgrees(t, normal, overlay, got, err)
	})
}
