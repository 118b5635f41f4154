package manifest

// flowNode decodes a flow node at pos: a flow sequence, a flow mapping, a quoted scalar or a plain scalar with
// flow rules. Flow collections stay on one line, except at the root of a document (JSON), where line breaks and
// comments may separate their tokens. It leaves pos just after the node.
func (d *decoder) flowNode(depth int) (any, bool) {
	if d.depth+depth >= maxFastDepth || d.atLineEnd() {
		return nil, false
	}
	switch d.src[d.pos] {
	case '[':
		return d.flowSequence(depth)
	case '{':
		return d.flowMapping(depth)
	}
	s, quoted, ok := d.flowScalar()
	if !ok || quoted {
		return s, ok
	}
	return resolvePlain(s)
}

// flowScalar reads a quoted scalar, or a plain scalar with flow rules, at pos. A plain scalar must not go on on
// the next line.
func (d *decoder) flowScalar() (s string, quoted, ok bool) {
	if c := d.src[d.pos]; c == '"' || c == '\'' {
		s, d.pos, ok = d.quoted(d.pos)
		return s, true, ok
	}
	if !plainStart(d.src, d.pos, true) {
		return "", false, false
	}
	start, end := d.pos, d.pos
	i := d.pos
scan:
	for ; i < len(d.src); i++ {
		switch c := d.src[i]; c {
		case '\n', ',', '[', ']', '{', '}', '?':
			break scan
		case ' ':
			if i+1 < len(d.src) && d.src[i+1] == '#' {
				break scan
			}
			continue
		case ':':
			if i+1 == len(d.src) {
				return "", false, false
			}
			switch d.src[i+1] {
			case ' ', '\n':
				break scan
			case ',', '[', ']', '{', '}', '?', ':', '#':
				return "", false, false
			}
		}
		end = i + 1
	}
	d.pos = end
	if i == len(d.src) || d.src[i] == '\n' {
		// A line break after a plain scalar continues it unless a flow indicator follows.
		if c, ok := d.flowNext(); !ok || c != ',' && c != ']' && c != '}' {
			return "", false, false
		}
	}
	return d.src[start:end], false, true
}

// flowNext skips the spaces (and, in a multi-line flow collection, line breaks and comments) before the next flow
// token and returns its first character; ok is false when there is none.
func (d *decoder) flowNext() (c byte, ok bool) {
	for d.pos < len(d.src) {
		switch c := d.src[d.pos]; {
		case c == ' ':
			d.pos++
		case c == '\n' && d.multiline:
			d.pos++
			d.line = d.pos
		case c == '#' && d.multiline && d.pos > 0 && (d.src[d.pos-1] == ' ' || d.src[d.pos-1] == '\n'):
			d.pos = d.lineEnd(d.pos)
		case c == '\n':
			return 0, false
		default:
			return c, true
		}
	}
	return 0, false
}

// flowSequence decodes `[a, b, ...]`; pos is at the "[".
func (d *decoder) flowSequence(depth int) (any, bool) {
	d.pos++
	base := len(d.items)
	if c, ok := d.flowNext(); ok && c == ']' {
		d.pos++
		return []any{}, true
	}
	for {
		if _, ok := d.flowNext(); !ok {
			return nil, false
		}
		v, ok := d.flowNode(depth + 1)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		c, ok := d.flowNext()
		if !ok || c != ',' && c != ']' {
			return nil, false
		}
		d.pos++
		if c == ']' {
			break
		}
	}
	out := make([]any, len(d.items)-base)
	copy(out, d.items[base:])
	clear(d.items[base:])
	d.items = d.items[:base]
	return out, true
}

// flowMapping decodes `{k: v, ...}`; pos is at the "{". Keys are scalars followed by ":" on the same line, and
// every key has a value.
func (d *decoder) flowMapping(depth int) (any, bool) {
	d.pos++
	base := len(d.pairs)
	if c, ok := d.flowNext(); ok && c == '}' {
		d.pos++
		return map[string]any{}, true
	}
	for {
		k, ok := d.flowKey()
		if !ok {
			return nil, false
		}
		if _, ok := d.flowNext(); !ok {
			return nil, false
		}
		v, ok := d.flowNode(depth + 1)
		if !ok {
			return nil, false
		}
		d.pairs = append(d.pairs, pair{k, v})
		c, ok := d.flowNext()
		if !ok || c != ',' && c != '}' {
			return nil, false
		}
		d.pos++
		if c == '}' {
			break
		}
	}
	return d.buildMap(base)
}

// flowKey reads the key of a flow mapping entry and the ":" after it, on one line.
func (d *decoder) flowKey() (string, bool) {
	if _, ok := d.flowNext(); !ok {
		return "", false
	}
	start := d.pos
	k, quoted, ok := d.flowScalar()
	if !ok || !quoted && k == "<<" || d.pos-start > maxKeyLength {
		return "", false
	}
	d.skipSpaces()
	if d.atLineEnd() || d.src[d.pos] != ':' {
		return "", false
	}
	d.pos++
	return k, true
}
