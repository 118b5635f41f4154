package reports

import (
	"strconv"
	"unicode/utf8"
)

// resultSize returns the length of the JSON that encoding/json gives for render(it), without rendering it: field
// names, quotes, commas and escapes included. Report.Size, measured on the encoded report, checks it in tests.
func resultSize(it item) int {
	m, r := it.rec.meta, it.rec
	var o jsonObject
	o.add("source", jsonString(Source))
	o.add("policy", jsonString(m.key))
	o.addString("rule", r.rule)
	o.add("resources", 2+refSize(it.res))
	o.addString("message", r.message)
	o.addString("result", string(r.result))
	if m.scored {
		o.add("scored", len("true"))
	}
	if props := propertiesSize(m, r.exception); props > 0 {
		o.add("properties", props)
	}
	var ts jsonObject
	ts.add("seconds", len(strconv.FormatInt(r.seconds, 10)))
	ts.add("nanos", 1)
	o.add("timestamp", ts.size())
	o.addString("category", m.category)
	o.addString("severity", string(m.severity))
	return o.size()
}

// refSize returns the JSON length of the ObjectReference of res.
func refSize(res *Resource) int {
	var o jsonObject
	o.addString("kind", res.Kind)
	o.addString("namespace", res.Namespace)
	o.addString("name", res.Name)
	o.addString("uid", string(res.UID))
	o.addString("apiVersion", res.APIVersion)
	return o.size()
}

// propertiesSize returns the JSON length of the properties of a result of m, 0 when it has none.
func propertiesSize(m *policyMeta, exception string) int {
	var o jsonObject
	o.addString(PropertySource, m.source)
	o.addString(PropertyRevision, m.revision)
	o.addString(PropertyDigest, m.digest)
	o.addString(PropertyException, exception)
	if o.fields == 0 {
		return 0
	}
	return o.size()
}

// jsonObject adds up the JSON length of an object field by field.
type jsonObject struct {
	fields int
	bytes  int
}

// add counts a field whose encoded value is valueLen bytes long.
func (o *jsonObject) add(name string, valueLen int) {
	o.fields++
	o.bytes += jsonField(name, valueLen)
}

// addString counts a string field left out when empty (omitempty).
func (o *jsonObject) addString(name, value string) {
	if value != "" {
		o.add(name, jsonString(value))
	}
}

// size returns the length of the object: braces, fields and the commas between them.
func (o *jsonObject) size() int { return 2 + o.bytes + max(o.fields-1, 0) }

// jsonField returns the length of `"name":value` for a value of valueLen bytes.
func jsonField(name string, valueLen int) int { return jsonString(name) + 1 + valueLen }

// jsonString returns the length of s encoded as a JSON string by encoding/json: quotes and escapes included, with
// HTML-sensitive characters escaped as encoding/json does by default.
func jsonString(s string) int {
	n := 2 + len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n += asciiEscape(c)
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			n += len(`\ufffd`) - 1
		case r == '\u2028' || r == '\u2029':
			n += len(`\u2028`) - w
		}
		i += w
	}
	return n
}

// asciiEscape returns how many bytes encoding/json adds to escape the ASCII byte c.
func asciiEscape(c byte) int {
	switch c {
	case '"', '\\', '\n', '\r', '\t', '\b', '\f':
		return 1
	case '<', '>', '&':
		return len(`\u003c`) - 1
	}
	if c < 0x20 {
		return len(`\u0000`) - 1
	}
	return 0
}
