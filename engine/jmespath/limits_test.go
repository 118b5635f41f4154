package jmespath

import (
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	big := map[string]any{"s": strings.Repeat("a", 1<<20), "r": strings.Repeat("b", 64)}
	runCases(t, testInterpreter(), []fnCase{
		{name: "replace_all blow-up", expr: "replace_all(s, '', r)", data: big, wantErr: "JMESPath function 'replace_all': result would exceed"},
		{name: "replace blow-up", expr: "replace(s, 'a', r, `-1`)", data: big, wantErr: "JMESPath function 'replace': result would exceed"},
		{name: "replace bounded count", expr: "length(replace(s, 'a', r, `2`))", data: big, want: float64(1<<20 + 126)},
		{name: "regex_replace_all blow-up", expr: "regex_replace_all('', s, r)", data: big, wantErr: "result would exceed"},
		{name: "regex_replace_all_literal blow-up", expr: "regex_replace_all_literal('a', s, r)", data: big, wantErr: "result would exceed"},
		{name: "regex_replace_all few matches", expr: "length(regex_replace_all('^a', s, r))", data: big, want: float64(1<<20 + 63)},
		{name: "pad_left width", expr: "pad_left('a', `1e15`)", wantErr: "JMESPath function 'pad_left': width 1e+15 exceeds"},
		{name: "pad_right small", expr: "pad_right('a', `3`, '-')", want: "a--"},
		{name: "huge quantity", expr: "add('1e100000000', '1')", wantErr: "JMESPath function 'add': quantity 10e99999999 is out of range"},
		{name: "builtin panic becomes error", expr: "find_first('abc', 'b', `5`)", wantErr: "function find_first() failed"},
	})
}
