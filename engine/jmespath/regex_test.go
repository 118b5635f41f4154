package jmespath

import (
	"testing"
)

func TestRegexFunctions(t *testing.T) {
	runCases(t, testInterpreter(), []fnCase{
		{name: "regex_match number", expr: "regex_match('^[1-7]$', `1`)", want: true},
		{name: "regex_match string", expr: "regex_match('^[1-7]$', '1')", want: true},
		{name: "regex_match int64 data", expr: "regex_match('^[0-9]+$', n)", data: map[string]any{"n": int64(42)}, want: true},
		{name: "regex_match percent", expr: "regex_match('^[0-9]+%$', '{{ request.object.spec.minAvailable }}')", want: false},
		{name: "regex_match or default", expr: "regex_match('^([1-9]|[1-4][0-9]|5[0])%$', spec.minAvailable || '50%')",
			data: map[string]any{"spec": map[string]any{}}, want: true},
		{name: "regex_match bad pattern", expr: "regex_match('(', 'a')", wantErr: "JMESPath function 'regex_match': error parsing regexp"},
		{name: "regex_match object", expr: "regex_match('a', `{}`)", wantErr: "invalid type"},
		{name: "regex_replace_all groups", expr: "regex_replace_all('([0-9])([0-9])', 'hello im 42 months old', '${1}1')", want: "hello im 41 months old"},
		{name: "regex_replace_all registry", expr: "regex_replace_all('^(localhost/|(?:[a-z0-9]+\\.)+[a-z0-9]+/)?(.*)$', 'ghcr.io/org/app:1', 'myregistry.corp.com/$2')",
			want: "myregistry.corp.com/org/app:1"},
		{name: "regex_replace_all numbers", expr: "regex_replace_all('h.*', duration, '') | to_number(@)", data: map[string]any{"duration": "2160h"}, want: 2160.0},
		{name: "regex_replace_all bad", expr: "regex_replace_all('[', 'a', 'b')", wantErr: "JMESPath function 'regex_replace_all'"},
		{name: "regex_replace_all_literal", expr: "regex_replace_all_literal('^(\\d{3}-?\\d{2}-?\\d{4})$', '123-45-6789', 'redacted')", want: "redacted"},
		{name: "regex_replace_all_literal keeps dollar", expr: "regex_replace_all_literal('^[^/]+', 'docker.io/nginx', '$1x')", want: "$1x/nginx"},
		{name: "regex_replace_all_literal bad", expr: "regex_replace_all_literal('a', `[]`, 'b')", wantErr: "invalid type"},
	})
}
