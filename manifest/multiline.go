package manifest

// plainScalar reads the plain scalar at pos, a value in a block collection at column parent. It may go on on lines
// indented deeper than parent; those are folded as yaml.v3 does (a line break becomes a space, n empty lines become
// n line breaks). It moves to the start of the line after the scalar.
func (d *decoder) plainScalar(parent int) (string, bool) {
	start := d.pos
	end, comment, ok := d.plainSpan(start)
	if !ok {
		return "", false
	}
	d.pos = end
	d.nextLine()
	text := d.src[start:end]
	var folded []byte
	for !comment {
		next, breaks := d.skipEmptyLines(d.pos)
		indent := d.indentAt(next)
		if next == len(d.src) || indent <= parent || d.src[next+indent] == '#' {
			break
		}
		lineStart := next + indent
		end, comment, ok = d.plainSpan(lineStart)
		if !ok {
			return "", false
		}
		if folded == nil {
			folded = append(make([]byte, 0, 2*len(text)), text...)
		}
		folded = appendFold(folded, breaks)
		folded = append(folded, d.src[lineStart:end]...)
		d.pos = end
		d.nextLine()
	}
	if folded == nil {
		return text, true
	}
	return string(folded), true
}

// plainSpan finds where the plain scalar text starting at offset start ends on its line: before trailing spaces or
// a comment (then comment is true). A ": " in it means a mapping the fast path does not handle here.
func (d *decoder) plainSpan(start int) (end int, comment, ok bool) {
	end = start
	for i := start; i < len(d.src) && d.src[i] != '\n'; i++ {
		switch {
		case d.src[i] == ' ':
			if i+1 < len(d.src) && d.src[i+1] == '#' {
				return end, true, true
			}
			continue
		case d.valueIndicator(i):
			return 0, false, false
		}
		end = i + 1
	}
	return end, false, true
}

// skipEmptyLines skips lines of only spaces from the line start at offset i and counts them.
func (d *decoder) skipEmptyLines(i int) (next, count int) {
	for i < len(d.src) {
		n := d.indentAt(i)
		if i+n < len(d.src) && d.src[i+n] != '\n' {
			break
		}
		i = min(i+n+1, len(d.src))
		count++
	}
	return i, count
}

// indentAt counts the spaces at offset i.
func (d *decoder) indentAt(i int) int {
	n := 0
	for i+n < len(d.src) && d.src[i+n] == ' ' {
		n++
	}
	return n
}

// appendFold appends what a folded line break becomes: a space when no empty lines follow it, else a line break
// per empty line.
func appendFold(b []byte, emptyLines int) []byte {
	if emptyLines == 0 {
		return append(b, ' ')
	}
	return appendBreaks(b, emptyLines)
}

func appendBreaks(b []byte, n int) []byte {
	for range n {
		b = append(b, '\n')
	}
	return b
}

// quotedLines reads the quoted scalar at pos, a value in a block collection at column parent, that goes on on
// lines indented deeper than parent, folding them as yaml.v3 does. It leaves pos just after the closing quote.
func (d *decoder) quotedLines(parent int) (string, bool) {
	single := d.src[d.pos] == '\''
	i := d.pos + 1
	var s []byte
	for {
		var closed, escapedBreak, ok bool
		if s, i, closed, escapedBreak, ok = d.quotedWord(s, i, single); !ok {
			return "", false
		}
		if closed {
			d.pos = i + 1
			return string(s), true
		}
		if escapedBreak && !d.continues(i, parent) {
			return "", false
		}
		spaces, breaks := i, 0
		for i < len(d.src) && (d.src[i] == ' ' || d.src[i] == '\n') {
			if d.src[i] == '\n' {
				if breaks++; !d.continues(i+1, parent) {
					return "", false
				}
			}
			i++
		}
		switch {
		case escapedBreak: // the backslash joins the lines; only empty lines after it count
			s = appendBreaks(s, breaks)
		case breaks == 0:
			s = append(s, d.src[spaces:i]...)
		default:
			s = appendFold(s, breaks-1)
		}
	}
}

// continues reports whether the line starting at offset i may go on a multi-line scalar in a block collection at
// column parent: it is empty or indented deeper than parent.
func (d *decoder) continues(i, parent int) bool {
	n := d.indentAt(i)
	return i+n == len(d.src) || d.src[i+n] == '\n' || n > parent
}

// quotedWord copies the characters of a quoted scalar from offset i up to a space, a line end or the closing quote
// (closed), decoding escapes; escapedBreak reports a backslash at the line end, which is consumed with the line break.
func (d *decoder) quotedWord(s []byte, i int, single bool) (out []byte, next int, closed, escapedBreak, ok bool) {
	for i < len(d.src) && d.src[i] != ' ' && d.src[i] != '\n' {
		c := d.src[i]
		switch {
		case single && c == '\'' && i+1 < len(d.src) && d.src[i+1] == '\'':
			s = append(s, '\'')
			i += 2
		case single && c == '\'', !single && c == '"':
			return s, i, true, false, true
		case !single && c == '\\' && i+1 < len(d.src) && d.src[i+1] == '\n':
			return s, i + 2, false, true, true
		case !single && c == '\\':
			var n int
			if s, n, ok = appendEscape(s, d.src[i+1:d.lineEnd(i)]); !ok {
				return nil, 0, false, false, false
			}
			i += 1 + n
		default:
			s = append(s, c)
			i++
		}
	}
	return s, i, false, false, i < len(d.src)
}
