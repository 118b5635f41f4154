package jmespath

import (
	"testing"
)

func TestEncodingFunctions(t *testing.T) {
	runCases(t, testInterpreter(), []fnCase{
		{name: "base64_decode", expr: "base64_decode('aGVsbG8Kd29ybGQ=')", want: "hello\nworld"},
		{name: "base64_decode invalid", expr: "base64_decode('not base64!')", wantErr: "JMESPath function 'base64_decode': illegal base64"},
		{name: "base64_decode type error", expr: "base64_decode(`1`)", wantErr: "invalid type"},
		{name: "base64_encode", expr: "base64_encode('hello')", want: "aGVsbG8="},
		{name: "base64 round trip", expr: "base64_encode('a b') | base64_decode(@)", want: "a b"},
		{name: "base64_encode type error", expr: "base64_encode(`{}`)", wantErr: "invalid type"},
		{name: "sha256 documented", expr: "sha256('alertmanager-kube-prometheus-stack-alertmanager')",
			want: "75c07bb807f2d80a85d34880b8af0c5f29f7c27577076ed5d0e4b427dee7dbcc"},
		{name: "sha256 type error", expr: "sha256(`1`)", wantErr: "invalid type"},
		{name: "md5", expr: "md5('hello')", want: "5d41402abc4b2a76b9719d911017c592"},
		{name: "md5 type error", expr: "md5(`[]`)", wantErr: "invalid type"},
		{name: "parse_json array", expr: "parse_json(@)[*].to_number(@)", data: `["1001","1002"]`, want: []any{1001.0, 1002.0}},
		{name: "parse_json object", expr: "parse_json('{\"a\": {\"b\": 2}}').a.b", want: 2.0},
		{name: "parse_json invalid", expr: "parse_json('{')", wantErr: "JMESPath function 'parse_json'"},
		{name: "parse_json type error", expr: "parse_json(`1`)", wantErr: "invalid type"},
		{name: "parse_yaml", expr: "parse_yaml(@).species.isGoodBoi",
			data: "species:\n  dog: lab\n  height: 15\n  isGoodBoi: false\n", want: false},
		{name: "parse_yaml number", expr: "parse_yaml(@).species.height", data: "species:\n  height: 15\n", want: 15.0},
		{name: "parse_yaml invalid", expr: "parse_yaml(': : :')", wantErr: "JMESPath function 'parse_yaml'"},
		{name: "parse_yaml type error", expr: "parse_yaml(`1`)", wantErr: "invalid type"},
	})
}
