package jmespath

import (
	"bytes"
	"encoding/json"
	"testing"
)

const (
	fuzzMaxExpr = 256
	fuzzMaxDoc  = 4 << 10
)

// FuzzCompileSearch compiles an expression and runs it on a JSON document:
// errors are fine, panics and hangs are not.
func FuzzCompileSearch(f *testing.F) {
	seeds := []struct{ expr, doc string }{
		{"request.object.spec.containers[].image", `{"request":{"object":{"spec":{"containers":[{"image":"nginx"}]}}}}`},
		{"add('12Ki', '13')", `{}`},
		{"sum(a)", `{"a":[1,2,3]}`},
		{"divide(a, b)", `{"a":"10Mi","b":"5Ki"}`},
		{"modulo(`13`, `5`)", `null`},
		{"regex_replace_all('([0-9])', a, '${1}1')", `{"a":"a1b2"}`},
		{"items(@, 'k', 'v')", `{"x":1,"y":[1]}`},
		{"random('[a-z]{3}')", `{}`},
		{"x509_decode(@)", `"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----"`},
		{"image_normalize(@)", `"nginx:1.2@sha256:abc"`},
		{"time_since('', a, '')", `{"a":"2023-01-12T16:37:00Z"}`},
		{"parse_yaml(@)", `"a: [1, {b: c}]"`},
		{"let $x = a in b[?c == $x]", `{"a":1,"b":[{"c":1}]}`},
		{"a.b.c || lookup(@, 'a')", `{"a":{"b":{}}}`},
		{"semver_compare(@, '>=1.0.0')", `"1.2.3"`},
	}
	for _, s := range seeds {
		f.Add(s.expr, []byte(s.doc))
	}
	jp := testInterpreter(WithMaxSteps(100_000))
	f.Fuzz(func(t *testing.T, expr string, doc []byte) {
		if len(expr) > fuzzMaxExpr || len(doc) > fuzzMaxDoc {
			return
		}
		q, err := jp.Compile(expr)
		if err != nil {
			return
		}
		data, ok := decodeFuzzDoc(doc)
		if !ok {
			return
		}
		_, _ = q.Search(data)
	})
}

// decodeFuzzDoc decodes JSON, keeping numbers as json.Number when the
// document starts with a space so that non-float numbers are exercised too.
func decodeFuzzDoc(doc []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if len(doc) > 0 && doc[0] == ' ' {
		dec.UseNumber()
	}
	var data any
	if err := dec.Decode(&data); err != nil {
		return nil, false
	}
	return data, true
}
