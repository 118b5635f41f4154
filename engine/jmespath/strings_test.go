package jmespath

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStringFunctions(t *testing.T) {
	runCases(t, testInterpreter(), []fnCase{
		{name: "compare less", expr: "compare('a', 'b')", want: -1.0},
		{name: "compare equal", expr: "compare('a', 'a')", want: 0.0},
		{name: "compare type error", expr: "compare('a', `1`)", wantErr: "invalid type"},
		{name: "equal_fold", expr: "equal_fold('pizza', 'pIzZa')", want: true},
		{name: "equal_fold differs", expr: "equal_fold('pizza', 'APPLE')", want: false},
		{name: "equal_fold type error", expr: "equal_fold(`1`, 'a')", wantErr: "invalid type"},
		{name: "replace two", expr: "replace('Lorem ipsum dolor sit amet foo ipsum bar ipsum', 'ipsum', 'muspi', `2`)",
			want: "Lorem muspi dolor sit amet foo muspi bar ipsum"},
		{name: "replace all with -1", expr: "replace('a.a.a', '.', '-', `-1`)", want: "a-a-a"},
		{name: "replace count from int64 data", expr: "replace('aaa', 'a', 'b', n)", data: map[string]any{"n": int64(1)}, want: "baa"},
		{name: "replace count not number", expr: "replace('aaa', 'a', 'b', '1')", wantErr: "invalid type"},
		{name: "replace_all", expr: "replace_all('Lorem ipsum dolor sit amet', 'ipsum', 'muspi')", want: "Lorem muspi dolor sit amet"},
		{name: "replace_all missing arg", expr: "replace_all('a', 'b', c)", data: map[string]any{}, wantErr: "invalid type"},
		{name: "to_upper", expr: "to_upper('abc')", want: "ABC"},
		{name: "to_upper type error", expr: "to_upper(`1`)", wantErr: "invalid type"},
		{name: "to_lower", expr: "to_lower('ABC')", want: "abc"},
		{name: "to_lower type error", expr: "to_lower(`true`)", wantErr: "invalid type"},
		{name: "trim both ends", expr: "trim('¡¡¡Hello, Gophers!!!', '!¡')", want: "Hello, Gophers"},
		{name: "trim inner kept", expr: "trim('foocorpcom', 'o')", want: "foocorpcom"},
		{name: "trim many", expr: "trim('foocorpcom', 'mcof')", want: "rp"},
		{name: "trim type error", expr: "trim('a', `1`)", wantErr: "invalid type"},
		{name: "trim_prefix", expr: "trim_prefix('docker://kubevirt/fedora', 'docker://')", want: "kubevirt/fedora"},
		{name: "trim_prefix absent", expr: "trim_prefix('kubevirt', 'docker://')", want: "kubevirt"},
		{name: "trim_prefix type error", expr: "trim_prefix(`1`, 'a')", wantErr: "invalid type"},
		{name: "split", expr: "split('cat,dog,horse', ',')", want: []any{"cat", "dog", "horse"}},
		{name: "split path and index", expr: "split('/foo/bar', '/') | [1]", want: "foo"},
		{name: "split type error", expr: "split(`1`, ',')", wantErr: "invalid type"},
		{name: "truncate", expr: "truncate('foobar', `3`)", want: "foo"},
		{name: "truncate runes", expr: "truncate('héllo', `2`)", want: "hé"},
		{name: "truncate longer", expr: "truncate('foo', `10`)", want: "foo"},
		{name: "truncate negative", expr: "truncate('foo', `-1`)", want: ""},
		{name: "truncate type error", expr: "truncate('foo', '3')", wantErr: "invalid type"},
		{name: "path_canonicalize", expr: "path_canonicalize('/var//lib///kubelet')", want: "/var/lib/kubelet"},
		{name: "path_canonicalize dots", expr: "path_canonicalize('/var/run/../run/./containerd.sock')", want: "/var/run/containerd.sock"},
		{name: "path_canonicalize empty", expr: "path_canonicalize('')", want: ""},
		{name: "path_canonicalize type error", expr: "path_canonicalize(`1`)", wantErr: "invalid type"},
		{name: "to_boolean true", expr: "to_boolean('TruE')", want: true},
		{name: "to_boolean false", expr: "to_boolean('FAlse')", want: false},
		{name: "to_boolean bad", expr: "to_boolean('yes')", wantErr: "JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: 'yes')"},
		{name: "pattern_match", expr: "pattern_match('158-7?-4*', '158-73-417')", want: true},
		{name: "pattern_match no", expr: "pattern_match('158-7?-4*', '158-6-417')", want: false},
		{name: "pattern_match number", expr: "pattern_match('1*', `123`)", want: true},
		{name: "pattern_match type error", expr: "pattern_match(`1`, 'a')", wantErr: "invalid type"},
	})
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		pattern, text string
		want          bool
	}{
		{"*", "s3:GetObject", true},
		{"", "s3:GetObject", false},
		{"", "", true},
		{"my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Ban/Ban/Ban", true},
		{"my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Bangalore", false},
		{"my-bucket?/abc*", "mybucket/abc", false},
		{"my-bucket/abc????", "my-bucket/abcdefg", true},
		{"my-bucket/mnop*?", "my-bucket/mnop", false},
		{"my-bucket/mnop*?and", "my-bucket/mnopqand", true},
		{"my-bucket/mnop*?and", "my-bucket/mnopanda", false},
		{"a*", "*", false},
		{"*a", "*a", true},
		{"é?", "éé", true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, wildcardMatch(tc.pattern, tc.text), "%q ~ %q", tc.pattern, tc.text)
	}
}
