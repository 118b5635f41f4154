package manifest

import (
	"strings"
	"unicode/utf8"
)

// key reads an implicit key at pos: a plain or quoted single-line scalar followed by ": " or ":" at the line end.
// isKey is false when pos holds no key (the caller then decodes a scalar there); ok is false when the fast path must
// give up. end is the offset just after the ":".
func (d *decoder) key() (key string, end int, isKey, ok bool) {
	start := d.pos
	switch d.src[start] {
	case '"', '\'':
		s, after, ok := d.quoted(start)
		if !ok {
			return "", 0, false, true // not closed on this line: a (multi-line) scalar, not a key
		}
		i := after
		for i < len(d.src) && d.src[i] == ' ' {
			i++
		}
		if !d.valueIndicator(i) {
			return "", 0, false, true
		}
		return s, i + 1, true, i-start <= maxKeyLength
	}
	if !plainStart(d.src, start, false) {
		return "", 0, false, true
	}
	for i := start; i < len(d.src) && d.src[i] != '\n'; i++ {
		switch {
		case d.src[i] == ' ' && i+1 < len(d.src) && d.src[i+1] == '#':
			return "", 0, false, true
		case d.valueIndicator(i):
			key = strings.TrimRight(d.src[start:i], " ")
			return key, i + 1, true, key != "<<" && i-start <= maxKeyLength
		}
	}
	return "", 0, false, true
}

// valueIndicator reports whether a block mapping value indicator (":" then a space or the line end) is at i.
func (d *decoder) valueIndicator(i int) bool {
	return i < len(d.src) && d.src[i] == ':' && (i+1 == len(d.src) || d.src[i+1] == ' ' || d.src[i+1] == '\n')
}

// plainStart reports whether a plain scalar may start at offset i. It is stricter than YAML: `-` must be followed by
// a character that is not a space (nor, in flow context, a flow indicator) and `?`, `:` never start one.
func plainStart(s string, i int, flow bool) bool {
	switch s[i] {
	case '-':
		if i+1 == len(s) {
			return false
		}
		switch s[i+1] {
		case ' ', '\n':
			return false
		case ',', '[', ']', '{', '}', ':', '?', '#':
			return !flow
		}
		return true
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\n':
		return false
	}
	return true
}

// inlineValue decodes a scalar, flow collection or block scalar that starts at pos and is a value in a block
// collection at column parent, then moves to the start of the line after it.
func (d *decoder) inlineValue(parent int) (any, bool) {
	switch d.src[d.pos] {
	case '|', '>':
		return d.blockScalar(parent)
	case '"', '\'':
		s, after, ok := d.quoted(d.pos)
		if ok {
			d.pos = after
		} else if s, ok = d.quotedLines(parent); !ok {
			return nil, false
		}
		return s, d.endLine()
	case '[', '{':
		v, ok := d.flowNode(0)
		if !ok {
			return nil, false
		}
		return v, d.endLine()
	}
	if !plainStart(d.src, d.pos, false) {
		return nil, false
	}
	s, ok := d.plainScalar(parent)
	if !ok {
		return nil, false
	}
	return resolvePlain(s)
}

// quoted decodes the single- or double-quoted scalar that starts at offset start; it must close on the same line.
// after is the offset just past the closing quote.
func (d *decoder) quoted(start int) (s string, after int, ok bool) {
	body := d.src[start+1 : d.lineEnd(start)]
	var n int
	if d.src[start] == '\'' {
		s, n, ok = singleQuoted(body)
	} else {
		s, n, ok = doubleQuoted(body)
	}
	return s, start + 1 + n, ok
}

// singleQuoted decodes the body of a single-quoted scalar (from after the opening quote to the line end); n is the
// length of the body including the closing quote.
func singleQuoted(body string) (s string, n int, ok bool) {
	i := strings.IndexByte(body, '\'')
	if i < 0 {
		return "", 0, false
	}
	if i+1 == len(body) || body[i+1] != '\'' {
		return body[:i], i + 1, true
	}
	var b strings.Builder
	for {
		b.WriteString(body[:i+1])
		body = body[i+2:]
		n += i + 2
		if i = strings.IndexByte(body, '\''); i < 0 {
			return "", 0, false
		}
		if i+1 == len(body) || body[i+1] != '\'' {
			b.WriteString(body[:i])
			return b.String(), n + i + 1, true
		}
	}
}

// doubleQuoted decodes the body of a double-quoted scalar (from after the opening quote to the line end); n is the
// length of the body including the closing quote.
func doubleQuoted(body string) (s string, n int, ok bool) {
	i := strings.IndexAny(body, "\"\\")
	if i < 0 {
		return "", 0, false
	}
	if body[i] == '"' {
		return body[:i], i + 1, true
	}
	buf := make([]byte, 0, len(body))
	for {
		buf = append(buf, body[:i]...)
		if body[i] == '"' {
			return string(buf), n + i + 1, true
		}
		var size int
		if buf, size, ok = appendEscape(buf, body[i+1:]); !ok {
			return "", 0, false
		}
		body = body[i+1+size:]
		n += i + 1 + size
		if i = strings.IndexAny(body, "\"\\"); i < 0 {
			return "", 0, false
		}
	}
}

// appendEscape decodes the escape sequence at the start of s (after the backslash) as yaml.v3 does; n is its length.
func appendEscape(buf []byte, s string) (out []byte, n int, ok bool) {
	if s == "" {
		return buf, 0, false // an escaped line break: a multi-line scalar
	}
	if r, found := simpleEscape(s[0]); found {
		return utf8.AppendRune(buf, r), 1, true
	}
	digits := 0
	switch s[0] {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		return buf, 0, false
	}
	if len(s) < 1+digits {
		return buf, 0, false
	}
	code := 0
	for _, c := range []byte(s[1 : 1+digits]) {
		h, isHex := hexDigit(c)
		if !isHex {
			return buf, 0, false
		}
		code = code<<4 + h
	}
	if code >= 0xD800 && code <= 0xDFFF || code > 0x10FFFF {
		return buf, 0, false
	}
	return utf8.AppendRune(buf, rune(code)), 1 + digits, true
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// simpleEscape maps the one-character escapes of YAML double-quoted scalars.
func simpleEscape(c byte) (rune, bool) {
	switch c {
	case '0':
		return 0, true
	case 'a':
		return '\a', true
	case 'b':
		return '\b', true
	case 't':
		return '\t', true
	case 'n':
		return '\n', true
	case 'v':
		return '\v', true
	case 'f':
		return '\f', true
	case 'r':
		return '\r', true
	case 'e':
		return 0x1b, true
	case ' ', '"', '\'', '\\':
		return rune(c), true
	case 'N':
		return 0x85, true
	case '_':
		return 0xA0, true
	case 'L':
		return 0x2028, true
	case 'P':
		return 0x2029, true
	}
	return 0, false
}
