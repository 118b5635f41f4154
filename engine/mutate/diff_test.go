package mutate

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          []Operation
	}{
		{name: "equal", before: `{a: 1, b: [x]}`, after: `{a: 1.0, b: [x]}`},
		{name: "replace scalar", before: `{a: 1}`, after: `{a: 2}`,
			want: []Operation{{Op: "replace", Path: "/a", Value: 2.0}}},
		{name: "remove before add, sorted", before: `{b: 1, a: 1}`, after: `{d: 1, c: 1}`,
			want: []Operation{{Op: "remove", Path: "/a"}, {Op: "remove", Path: "/b"},
				{Op: "add", Path: "/c", Value: 1.0}, {Op: "add", Path: "/d", Value: 1.0}}},
		{name: "nested map", before: `{m: {x: 1}}`, after: `{m: {x: 1, z: 2}}`,
			want: []Operation{{Op: "add", Path: "/m/z", Value: 2.0}}},
		{name: "list grows", before: `{l: [a]}`, after: `{l: [a, b, c]}`,
			want: []Operation{{Op: "add", Path: "/l/1", Value: "b"}, {Op: "add", Path: "/l/2", Value: "c"}}},
		{name: "list shrinks from the end", before: `{l: [a, b, c]}`, after: `{l: [z]}`,
			want: []Operation{{Op: "replace", Path: "/l/0", Value: "z"}, {Op: "remove", Path: "/l/2"},
				{Op: "remove", Path: "/l/1"}}},
		{name: "type change", before: `{a: {x: 1}}`, after: `{a: [1]}`,
			want: []Operation{{Op: "replace", Path: "/a", Value: []any{1.0}}}},
		{name: "escaped keys", before: `{"a/b": 1}`, after: `{"c~d": 1}`,
			want: []Operation{{Op: "remove", Path: "/a~1b"}, {Op: "add", Path: "/c~0d", Value: 1.0}}},
		{name: "null value", before: `{a: 1}`, after: `{a: null}`,
			want: []Operation{{Op: "replace", Path: "/a", Value: nil}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Diff(decodeYAML(t, tc.before), decodeYAML(t, tc.after))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDiffUnsupportedValue(t *testing.T) {
	_, err := Diff(map[string]any{"a": struct{}{}}, map[string]any{"a": 1})
	assert.ErrorContains(t, err, "unsupported value type")
}

// TestDiffSkipsShared checks that maps and lists before and after share are not walked: walking them would meet
// the unsupported value and fail. Lists of the same backing array but other lengths are still compared.
func TestDiffSkipsShared(t *testing.T) {
	sharedMap := map[string]any{"x": struct{}{}}
	sharedList := []any{struct{}{}, "b"}
	tests := []struct {
		name          string
		before, after map[string]any
		want          []Operation
	}{
		{name: "shared map", before: map[string]any{"m": sharedMap, "n": int64(1)},
			after: map[string]any{"m": sharedMap, "n": int64(2)},
			want:  []Operation{{Op: "replace", Path: "/n", Value: int64(2)}}},
		{name: "shared list", before: map[string]any{"l": sharedList}, after: map[string]any{"l": sharedList}},
		{name: "same array, shorter list", before: map[string]any{"l": sharedList[1:]},
			after: map[string]any{"l": sharedList[1:1]},
			want:  []Operation{{Op: "remove", Path: "/l/0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Diff(tc.before, tc.after)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestOperationJSON(t *testing.T) {
	tests := []struct {
		op   Operation
		want string
	}{
		{op: Operation{Op: "replace", Path: "/a"}, want: `{"op":"replace","path":"/a","value":null}`},
		{op: Operation{Op: "add", Path: "/a", Value: false}, want: `{"op":"add","path":"/a","value":false}`},
		{op: Operation{Op: "remove", Path: "/a"}, want: `{"op":"remove","path":"/a"}`},
		{op: Operation{Op: "move", Path: "/a", From: "/b"}, want: `{"op":"move","path":"/a","from":"/b"}`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			data, err := json.Marshal(tc.op)
			require.NoError(t, err)
			assert.JSONEq(t, tc.want, string(data))
		})
	}
}

// TestDiffRoundTrip checks, on random pairs of objects, that applying Diff(a, b) to a gives b.
func TestDiffRoundTrip(t *testing.T) {
	for seed := range uint64(500) {
		rng := rand.New(rand.NewPCG(seed, 7))
		before := randomObject(rng, 3)
		after := mutateObject(rng, before, 3)
		ops, err := Diff(before, after)
		require.NoError(t, err)
		patch, err := json.Marshal(ops)
		require.NoError(t, err)
		decoded, err := jsonpatch.DecodePatch(patch)
		require.NoError(t, err, "seed %d: %s", seed, patch)
		doc, err := json.Marshal(before)
		require.NoError(t, err)
		patched, err := decoded.Apply(doc)
		require.NoError(t, err, "seed %d: %s", seed, patch)
		assert.JSONEq(t, canonical(t, after), string(patched), "seed %d: %s", seed, patch)
	}
}

func randomValue(rng *rand.Rand, depth int) any {
	switch n := rng.IntN(8); {
	case depth > 0 && n == 0:
		return randomObject(rng, depth-1)
	case depth > 0 && n == 1:
		l := make([]any, rng.IntN(4))
		for i := range l {
			l[i] = randomValue(rng, depth-1)
		}
		return l
	case n == 2:
		return int64(rng.IntN(5))
	case n == 3:
		return rng.IntN(2) == 0
	case n == 4:
		return nil
	case n == 5:
		return float64(rng.IntN(10)) / 4
	default:
		return []string{"a", "b/c", "d~e", ""}[rng.IntN(4)]
	}
}

func randomObject(rng *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for range rng.IntN(5) {
		m[strconv.Itoa(rng.IntN(6))+[]string{"", "/", "~"}[rng.IntN(3)]] = randomValue(rng, depth)
	}
	return m
}

// mutateObject returns a changed deep copy of m: keys dropped, added, or their values changed.
func mutateObject(rng *rand.Rand, m map[string]any, depth int) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch rng.IntN(5) {
		case 0:
		case 1:
			out[k] = randomValue(rng, depth)
		default:
			out[k] = mutateValue(rng, v, depth)
		}
	}
	if rng.IntN(2) == 0 {
		out["new"+strconv.Itoa(rng.IntN(3))] = randomValue(rng, depth)
	}
	return out
}

func mutateValue(rng *rand.Rand, v any, depth int) any {
	switch t := v.(type) {
	case map[string]any:
		return mutateObject(rng, t, depth)
	case []any:
		out := []any{}
		for _, e := range t {
			if rng.IntN(4) > 0 {
				out = append(out, mutateValue(rng, e, depth))
			}
		}
		for range rng.IntN(3) {
			out = append(out, randomValue(rng, depth))
		}
		return out
	default:
		if rng.IntN(3) == 0 {
			return randomValue(rng, depth)
		}
		return v
	}
}
