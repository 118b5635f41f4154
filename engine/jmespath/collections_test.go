package jmespath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCollectionFunctions(t *testing.T) {
	labels := map[string]any{"team": "apple", "organization": "banana"}
	runCases(t, testInterpreter(), []fnCase{
		{name: "items object sorted", expr: "items(@, 'key', 'value')", data: labels, want: []any{
			map[string]any{"key": "organization", "value": "banana"},
			map[string]any{"key": "team", "value": "apple"},
		}},
		{name: "items array", expr: "items(@, 'k', 'v')", data: []any{"a", "b"}, want: []any{
			map[string]any{"k": 0.0, "v": "a"},
			map[string]any{"k": 1.0, "v": "b"},
		}},
		{name: "items projection", expr: "items(@, 'key', 'value')[].key", data: labels, want: []any{"organization", "team"}},
		{name: "items type error", expr: "items('a', 'k', 'v')", wantErr: "invalid type"},
		{name: "object_from_lists", expr: "object_from_lists(env[].name, env[].value)",
			data: map[string]any{"env": []any{
				map[string]any{"name": "KEY", "value": "123"},
				map[string]any{"name": "endpoint", "value": "corp.org"},
			}},
			want: map[string]any{"KEY": "123", "endpoint": "corp.org"}},
		{name: "object_from_lists short values", expr: "object_from_lists(['a', 'b', `1`], [`1`])",
			want: map[string]any{"a": 1.0, "b": nil, "1": nil}},
		{name: "object_from_lists bad key", expr: "object_from_lists([`{}`], [`1`])",
			wantErr: "JMESPath function 'object_from_lists': argument #1 is not of type StringArray"},
		{name: "object_from_lists type error", expr: "object_from_lists('a', [])", wantErr: "invalid type"},
		{name: "lookup object", expr: "lookup(`{\"key1\": \"value1\", \"key2\": \"value2\"}`, 'key2')", want: "value2"},
		{name: "lookup array", expr: "lookup(`[\"item0\", \"item1\", \"item2\"]`, `1`)", want: "item1"},
		{name: "lookup array int64 index", expr: "lookup(list, i)", data: map[string]any{"list": []any{"x", "y"}, "i": int64(1)}, want: "y"},
		{name: "lookup missing key", expr: "lookup(`{}`, 'x')", want: nil},
		{name: "lookup out of range", expr: "lookup(`[1]`, `5`)", want: nil},
		{name: "lookup dynamic key", expr: "lookup(annotations, join('', ['container.apparmor/', name]))",
			data: map[string]any{"name": "c1", "annotations": map[string]any{"container.apparmor/c1": "runtime/default"}},
			want: "runtime/default"},
		{name: "lookup fraction index", expr: "lookup(`[1]`, `0.5`)", wantErr: "JMESPath function 'lookup': argument #2: expected an integer number but got: 0.5"},
		{name: "lookup object with number", expr: "lookup(`{}`, `1`)", wantErr: "JMESPath function 'lookup': argument #2 is not of type String"},
		{name: "lookup array with string", expr: "lookup(`[]`, 'a')", wantErr: "argument #2 is not of type Number"},
		{name: "label_match subset", expr: "label_match(`{\"dog\": \"lab\", \"color\": \"tan\"}`, `{\"color\": \"tan\", \"weight\": \"chonky\", \"dog\": \"lab\"}`)", want: true},
		{name: "label_match differs", expr: "label_match(`{\"dog\": \"lab\", \"color\": \"tan\"}`, `{\"color\": \"black\", \"dog\": \"lab\"}`)", want: false},
		{name: "label_match nested values do not panic", expr: "label_match(`{\"a\": {\"b\": 1}}`, `{\"a\": {\"b\": 1}}`)", want: true},
		{name: "label_match in filter", expr: "items[?label_match(spec.podSelector.matchLabels, `{\"app\": \"web\", \"tier\": \"1\"}`)] | length(@)",
			data: map[string]any{"items": []any{
				map[string]any{"spec": map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"app": "web"}}}},
				map[string]any{"spec": map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"app": "db"}}}},
			}},
			want: 1.0},
		{name: "label_match type error", expr: "label_match('a', `{}`)", wantErr: "invalid type"},
		{name: "semver_compare equal", expr: "semver_compare('1.2.3', '1.2.4')", want: false},
		{name: "semver_compare x range", expr: "semver_compare('4.1.3', '>=4.1.x')", want: true},
		{name: "semver_compare not", expr: "semver_compare('4.1.3', '!4.x.x')", want: false},
		{name: "semver_compare and", expr: "semver_compare('1.8.6', '>1.0.0 <2.0.0')", want: true},
		{name: "semver_compare or", expr: "semver_compare('2.1.5', '<2.0.0 || >=3.0.0')", want: false},
		{name: "semver_compare bad range", expr: "semver_compare('1.0.0', 'not a range')", wantErr: "JMESPath function 'semver_compare'"},
		{name: "semver_compare type error", expr: "semver_compare(`1`, '1.0.0')", wantErr: "invalid type"},
	})
}

func TestSortedKeys(t *testing.T) {
	in := New()
	for range 5 {
		q, err := in.Compile("keys(@)")
		require.NoError(t, err)
		got, err := q.Search(map[string]any{"b": 1, "a": 2, "c": 3, "d": 4})
		require.NoError(t, err)
		assert.Equal(t, []any{"a", "b", "c", "d"}, got)
	}
}
