package manifest

import "strings"

// blockScalar decodes a literal (`|`) or folded (`>`) block scalar whose header is at pos, in a block collection at
// column parent, as yaml.v3 does. Headers with an indentation indicator, and scalars whose indentation is not set
// by their first line, take the reference path.
func (d *decoder) blockScalar(parent int) (any, bool) {
	literal := d.src[d.pos] == '|'
	chomp := byte(0)
	d.pos++
	if !d.atLineEnd() && (d.src[d.pos] == '-' || d.src[d.pos] == '+') {
		chomp = d.src[d.pos]
		d.pos++
	}
	if !d.atLineEnd() && d.src[d.pos] != ' ' || !d.endLine() {
		return nil, false
	}
	indent, ok := d.blockIndent(parent)
	if !ok {
		return nil, false
	}
	var b strings.Builder
	breaks := 0           // empty lines since the last content line
	lineBreak := false    // the last content line ended with a line break
	moreIndented := false // the last content line started with a space
	for {
		start, kind := d.blockLine(indent)
		if kind == endOfScalar {
			break
		}
		if kind == emptyLine {
			breaks++
			continue
		}
		text := d.src[start+indent : d.lineEnd(start)]
		spaced := text[0] == ' '
		switch {
		case !literal && !moreIndented && !spaced && lineBreak:
			if breaks == 0 {
				b.WriteByte(' ')
			}
		case lineBreak:
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("\n", breaks))
		breaks = 0
		moreIndented = spaced
		b.WriteString(text)
		d.pos = d.lineEnd(start)
		lineBreak = d.pos < len(d.src)
		d.nextLine()
	}
	if chomp != '-' && lineBreak {
		b.WriteByte('\n')
	}
	if chomp == '+' {
		b.WriteString(strings.Repeat("\n", breaks))
	}
	return b.String(), true
}

// blockIndent determines the content indentation of a block scalar that starts at pos: the indentation of its first
// non-empty line, which must be deeper than parent and than every empty line before it.
func (d *decoder) blockIndent(parent int) (int, bool) {
	widest := 0
	for i := d.pos; i < len(d.src); {
		n := 0
		for i+n < len(d.src) && d.src[i+n] == ' ' {
			n++
		}
		if i+n < len(d.src) && d.src[i+n] != '\n' {
			return n, n > parent && n >= widest && n >= 1
		}
		widest = max(widest, n)
		i += n + 1
	}
	return 0, false
}

type blockLineKind int

const (
	contentLine blockLineKind = iota // indented by at least the scalar's indentation (maybe only spaces)
	emptyLine                        // at most indent spaces, then a line break
	endOfScalar                      // less indented, or the end of the document
)

// blockLine classifies the line at pos for a block scalar indented by indent; an empty line is consumed.
func (d *decoder) blockLine(indent int) (start int, kind blockLineKind) {
	start = d.pos
	n := 0
	for n < indent && start+n < len(d.src) && d.src[start+n] == ' ' {
		n++
	}
	switch {
	case start+n == len(d.src):
		return start, endOfScalar
	case d.src[start+n] == '\n':
		d.pos = start + n + 1
		d.line = d.pos
		return start, emptyLine
	case n < indent:
		return start, endOfScalar
	}
	return start, contentLine
}
