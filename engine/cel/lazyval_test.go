package cel

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// lazyPod has a map with more fields than a lazyMap lists (labels) and lists to concatenate.
const lazyPod = `
metadata:
  name: web
  labels: {a: "1", b: "2", c: "3", d: "4", e: "5", f: "6", g: "7", h: "8", i: "9", j: "10", k: "11"}
spec:
  containers:
  - {name: web, image: nginx, ports: [{containerPort: 80}, {containerPort: 443, hostPort: 443}]}
  - {name: sidecar, image: envoy}
  initContainers:
  - {name: init, image: busybox}
  volumes: []
`

// TestLazyValuesBehaveAsCELMaps: expressions on a prepared input (lazy maps and lists, flat concatenations) give
// the results cel-go's own maps and lists give on the plain input, with and without cost tracking. The messages
// print the values, so that a difference in a value, not only in the outcome, shows.
func TestLazyValuesBehaveAsCELMaps(t *testing.T) {
	c := newCompiler(t)
	for _, expr := range []string{
		"object.metadata.labels == {'a': '1', 'b': '2', 'c': '3', 'd': '4', 'e': '5', 'f': '6', 'g': '7', 'h': '8', 'i': '9', 'j': '10', 'k': '11'}",
		"object.metadata.labels.all(k, object.metadata.labels[k] != '')",
		"object.metadata.labels.a == '1' && object.metadata.labels.k == '11' && !has(object.metadata.labels.z)",
		"object.metadata.labels.size() == 11 && size(object.spec.containers) == 2",
		"'a' in object.metadata.labels && !('z' in object.metadata.labels)",
		"object.metadata.labels[1] == '1'",
		"object.metadata.labels.z == '1'",
		"object.spec.containers[2].name == 'x'",
		"object.spec.containers[1].name == 'sidecar' && object.spec.containers[1.0].name == 'sidecar'",
		"object.spec.containers['x'] == 1",
		"(object.spec.containers + object.spec.initContainers).map(c, c.name) == ['web', 'sidecar', 'init']",
		"(object.spec.containers + object.spec.volumes) == object.spec.containers",
		"(object.spec.volumes + object.spec.initContainers) == object.spec.initContainers",
		"object.spec.containers + object.spec.initContainers + [{'name': 'x'}] == object.spec.containers",
		"object.spec.containers.exists(c, c.?ports.orValue([]).exists(p, p.?hostPort.orValue(0) == 443))",
		"object.spec.containers.all(i, c, i >= 0 && c.name != '')",
		"object.spec.initContainers[0] in object.spec.initContainers + object.spec.containers",
		"dyn(object.spec.containers) == object.spec.containers && type(object.spec) == map && type(object.spec.containers) == list",
		"object.spec.containers.map(c, c.image).join(',') == 'nginx,envoy'",
		"object.spec.containers.sortBy(c, c.name)[0].name == 'sidecar'",
	} {
		t.Run(expr, func(t *testing.T) {
			spec := &v1alpha1.CEL{Expressions: exprs(expr, "", "'got ' + string("+expr+")")}
			p, err := c.Compile(spec)
			if err != nil { // the expression does not type-check as a string operand: compare outcomes only
				p, err = c.Compile(&v1alpha1.CEL{Expressions: exprs(expr, "", "")})
			}
			require.NoError(t, err)
			in := Input{Object: obj(t, lazyPod)}
			ctx := context.Background()
			want := p.evaluate(ctx, in, false)
			assert.Equal(t, want, p.Evaluate(ctx, in.Prepare()), "prepared")
			assert.Equal(t, want, p.evaluate(ctx, in.Prepare(), false), "prepared, tracked")
		})
	}
}

// TestLazyMapFields: fields are converted once and kept, the same value before and after the map converts every
// field, and missing or non-string keys are not found.
func TestLazyMapFields(t *testing.T) {
	m := lazyVal(obj(t, lazyPod)).(*lazyMap)
	meta, ok := m.Find(types.String("metadata"))
	require.True(t, ok)
	again, _ := m.Find(types.String("metadata"))
	assert.Same(t, meta, again)
	labels, _ := meta.(*lazyMap).Find(types.String("labels"))
	lm := labels.(*lazyMap)
	var first []ref.Val
	for i := range 11 {
		v, ok := lm.Find(types.String(string(rune('a' + i))))
		require.True(t, ok)
		assert.Equal(t, types.String(fmt.Sprint(i+1)), v)
		first = append(first, v)
	}
	require.NotNil(t, lm.all.Load(), "reading more than maxListed fields converts them all")
	v, _ := lm.Find(types.String("a"))
	assert.Equal(t, first[0], v)
	_, ok = lm.Find(types.String("z"))
	assert.False(t, ok)
	_, ok = lm.Find(types.Int(1))
	assert.False(t, ok)
	assert.Equal(t, types.Int(11), lm.Size())
	assert.True(t, types.IsError(lm.Get(types.String("z"))))
	assert.Equal(t, types.True, lm.Contains(types.String("k")))
}

// TestLazyMapConcurrentReaders: readers converting the fields of one map at once all see the right values (run
// with -race).
func TestLazyMapConcurrentReaders(t *testing.T) {
	raw := map[string]any{}
	for i := range 40 {
		raw[fmt.Sprint("k", i)] = map[string]any{"v": int64(i)}
	}
	for range 20 {
		m := &lazyMap{raw: raw}
		var wg sync.WaitGroup
		got := make([][]ref.Val, 4)
		for g := range got {
			wg.Go(func() {
				for i := range 40 {
					v, ok := m.Find(types.String(fmt.Sprint("k", (i+g*7)%40)))
					if !ok {
						got[g] = append(got[g], types.NewErr("missing"))
						continue
					}
					inner, _ := v.(traits.Mapper).Find(types.String("v"))
					got[g] = append(got[g], inner)
				}
			})
		}
		wg.Wait()
		for g := range got {
			for i, v := range got[g] {
				assert.Equal(t, types.Int((i+g*7)%40), v)
			}
		}
	}
}

// TestListConcatenation: short concatenations of converted lists become one flat list; long ones, and those with
// other lists, stay cel-go's; an empty operand gives the other back, as in cel-go.
func TestListConcatenation(t *testing.T) {
	list := func(n int) *lazyList {
		raw := make([]any, n)
		for i := range raw {
			raw[i] = int64(i)
		}
		return &lazyList{raw: raw}
	}
	short, empty := list(3), list(0)
	flat, ok := short.Add(list(2)).(*valList)
	require.True(t, ok)
	assert.Equal(t, types.Int(5), flat.Size())
	assert.Equal(t, types.Int(1), flat.Get(types.Int(4)))
	assert.True(t, types.IsError(flat.Get(types.Int(5))))
	_, ok = flat.Add(flat).(*valList)
	assert.True(t, ok)
	_, ok = list(maxFlatConcat).Add(list(1)).(*valList)
	assert.False(t, ok, "longer than maxFlatConcat")
	celList := types.NewRefValList(types.DefaultTypeAdapter, []ref.Val{types.Int(7)})
	assert.Equal(t, types.Int(4), short.Add(celList).(traits.Lister).Size())
	assert.Same(t, short, short.Add(empty))
	assert.Equal(t, ref.Val(short), empty.Add(short))
	assert.True(t, types.IsError(short.Add(types.Int(1))))
	assert.Equal(t, types.True, flat.Equal(types.NewRefValList(types.DefaultTypeAdapter,
		[]ref.Val{types.Int(0), types.Int(1), types.Int(2), types.Int(0), types.Int(1)})))
}

// TestValueAdapter: CEL values pass through as they are; anything else goes to the wrapped adapter.
func TestValueAdapter(t *testing.T) {
	a := valueAdapter{next: types.DefaultTypeAdapter}
	m := &lazyMap{raw: map[string]any{}}
	opt := types.OptionalOf(types.Int(1))
	for _, v := range []ref.Val{m, &lazyList{}, &valList{}, types.String("s"), types.True, types.Int(1), types.Double(1),
		types.NullValue, opt} {
		assert.Equal(t, v, a.NativeToValue(v))
	}
	assert.Equal(t, types.Int(3), a.NativeToValue(3))
	assert.Equal(t, types.String("x"), a.NativeToValue("x"))
	ptr := types.Int(5)
	assert.Equal(t, types.Int(5), a.NativeToValue(&ptr), "pointers to CEL values are dereferenced, as cel-go does")
}

// TestValueAdapterDoesNotAllocate: values the interpreter resolves pass through without being boxed again.
func TestValueAdapterDoesNotAllocate(t *testing.T) {
	a := valueAdapter{next: types.DefaultTypeAdapter}
	var v any = types.String("a string value")
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = a.NativeToValue(v) }))
}
