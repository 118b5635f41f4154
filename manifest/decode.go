package manifest

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Decode decodes one YAML (or JSON) document into JSON-compatible values: map[string]any, []any, string, int64,
// float64, bool and nil, with YAML 1.2 core schema resolution as go.yaml.in/yaml/v3 does it (timestamps stay
// strings; `yes`/`on` are strings; infinities and NaN are errors; duplicate keys are errors). An empty document
// decodes as nil. Errors name the line within doc. Decode is Limits{}.Decode: the default limits apply.
func Decode(doc []byte) (any, error) {
	return Limits{}.Decode(doc)
}

// Decode is Decode within l: a document over l.MaxBytes, nested deeper than l.MaxDepth or whose aliases add more
// than l.MaxAliasValues values is refused with a *LimitError before anything is expanded.
//
// Documents in the common Kubernetes subset take a fast path (no aliases, nesting bounded); everything else is
// decoded by yaml.v3. Both give the same result.
func (l Limits) Decode(doc []byte) (any, error) {
	l = l.WithDefaults()
	if int64(len(doc)) > l.MaxBytes {
		return nil, l.tooLarge("document", int64(len(doc)))
	}
	if l.MaxDepth >= maxFastDepth { // the fast path gives up at maxFastDepth levels, within the limit
		if v, ok := decodeFast(doc); ok {
			return v, nil
		}
	}
	return l.decodeReference(doc)
}

// maxFastDepth bounds nesting on the fast path; deeper documents take the reference path, which applies
// Limits.MaxDepth.
const maxFastDepth = 100

// maxKeyLength is below yaml.v3's 1024-character limit on implicit keys.
const maxKeyLength = 1000

// decodeFast decodes doc when it is in the supported subset; ok is false when it is not (or is invalid), and the
// caller must then use the reference path.
func decodeFast(doc []byte) (v any, ok bool) {
	start, ok := skipDocumentStart(doc)
	if !ok || !plainText(doc, start) {
		return nil, false
	}
	d := decoder{src: string(doc), pairs: make([]pair, 0, 32), items: make([]any, 0, 16)}
	return d.root(start)
}

// skipDocumentStart returns the offset after a first line that is a bare document start marker (`---`, then
// spaces and maybe a comment), as Split leaves at the start of documents; 0 when there is none.
func skipDocumentStart(doc []byte) (start int, ok bool) {
	if !hasMarker(doc) || string(doc[:3]) != "---" {
		return 0, true
	}
	end := bytes.IndexByte(doc, '\n')
	if end < 0 {
		end = len(doc)
	}
	rest := bytes.TrimLeft(doc[3:end], " ")
	if len(rest) > 0 && (rest[0] != '#' || len(rest) == end-3) {
		return 0, false
	}
	return min(end+1, len(doc)), true
}

// plainText reports whether doc holds only characters the fast path handles: printable ASCII and "\n", and UTF-8
// sequences of characters that yaml.v3 accepts and treats as ordinary (no BOM, no Unicode line breaks). Lines from
// offset body on that start with a document marker or a directive are refused too.
func plainText(doc []byte, body int) bool {
	lineStart := true
	for i := 0; i < len(doc); {
		c := doc[i]
		if lineStart && i >= body && (c == '%' || hasMarker(doc[i:])) {
			return false
		}
		lineStart = c == '\n'
		if c >= 0x20 && c < 0x7f || c == '\n' {
			i++
			continue
		}
		if c < 0x80 {
			return false
		}
		r, size := utf8.DecodeRune(doc[i:])
		if !ordinaryRune(r) || size == 1 {
			return false
		}
		i += size
	}
	return true
}

func hasMarker(line []byte) bool {
	return len(line) >= 3 && (string(line[:3]) == "---" || string(line[:3]) == "...")
}

func ordinaryRune(r rune) bool {
	switch {
	case r == 0x2028 || r == 0x2029 || r == 0xFEFF:
		return false
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// decoder is the fast path's state. pos is the current byte offset, line the offset where the current line starts
// (so pos-line is the column: everything before a node on its line is ASCII).
type decoder struct {
	src   string
	pos   int
	line  int
	depth int
	// multiline is set while decoding a flow collection at the root, where line breaks may separate tokens.
	multiline bool
	pairs     []pair // stack of mapping entries being collected
	items     []any  // stack of sequence items being collected
}

type pair struct {
	key   string
	value any
}

// root decodes the document from offset from on: nothing, or one block collection, or one flow collection
// (which may span lines, as JSON does).
func (d *decoder) root(from int) (any, bool) {
	start, indent, found := d.nextContent(from)
	if !found {
		return nil, true
	}
	d.at(start, indent)
	var v any
	var ok bool
	if c := d.src[d.pos]; c == '[' || c == '{' {
		d.multiline = true
		v, ok = d.flowNode(0)
		d.multiline = false
		ok = ok && d.endLine()
	} else {
		v, ok = d.blockNode(indent, -1)
	}
	if !ok {
		return nil, false
	}
	switch v.(type) {
	case map[string]any, []any:
	default:
		return nil, false // a lone scalar: rare enough to leave to the reference path
	}
	if _, _, more := d.nextContent(d.pos); more {
		return nil, false
	}
	return v, true
}

// at moves to column indent of the line starting at start.
func (d *decoder) at(start, indent int) {
	d.line, d.pos = start, start+indent
}

// nextContent finds the first line at or after offset from (a line start) that is neither blank nor a comment.
func (d *decoder) nextContent(from int) (start, indent int, found bool) {
	for from < len(d.src) {
		i := from
		for i < len(d.src) && d.src[i] == ' ' {
			i++
		}
		if i < len(d.src) && d.src[i] != '\n' && d.src[i] != '#' {
			return from, i - from, true
		}
		from = d.lineEnd(i) + 1
	}
	return len(d.src), 0, false
}

// lineEnd is the offset of the "\n" ending the line that holds offset i, or len(src).
func (d *decoder) lineEnd(i int) int {
	if j := strings.IndexByte(d.src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(d.src)
}

// nextLine moves to the start of the next line.
func (d *decoder) nextLine() {
	d.pos = min(d.lineEnd(d.pos)+1, len(d.src))
	d.line = d.pos
}

// blockNode decodes the node at pos, which is at column col, inside a block collection at column parent. It ends at
// the start of a line.
func (d *decoder) blockNode(col, parent int) (any, bool) {
	if d.depth >= maxFastDepth {
		return nil, false
	}
	d.depth++
	v, ok := d.blockNodeAt(col, parent)
	d.depth--
	return v, ok
}

func (d *decoder) blockNodeAt(col, parent int) (any, bool) {
	if d.atEntry(d.pos) {
		return d.sequence(col)
	}
	key, end, isKey, ok := d.key()
	if !ok {
		return nil, false
	}
	if isKey {
		return d.mapping(col, key, end)
	}
	return d.inlineValue(parent)
}

// atEntry reports whether a block sequence entry indicator ("- " or a lone "-") is at offset i.
func (d *decoder) atEntry(i int) bool {
	return d.src[i] == '-' && (i+1 == len(d.src) || d.src[i+1] == ' ' || d.src[i+1] == '\n')
}

// sequence decodes a block sequence whose indicators are at column col; pos is at the first one.
func (d *decoder) sequence(col int) (any, bool) {
	base := len(d.items)
	for {
		d.pos++
		v, ok := d.entryContent(col)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		start, indent, found := d.nextContent(d.pos)
		if !found || indent < col || indent == col && !d.atEntry(start+indent) {
			break
		}
		if indent > col {
			return nil, false
		}
		d.at(start, indent)
	}
	out := make([]any, len(d.items)-base)
	copy(out, d.items[base:])
	clear(d.items[base:])
	d.items = d.items[:base]
	return out, true
}

// entryContent decodes what follows a sequence entry indicator at column col; pos is just after the "-".
func (d *decoder) entryContent(col int) (any, bool) {
	d.skipSpaces()
	if d.atLineEnd() || d.src[d.pos] == '#' {
		return d.nextLineNode(col, false)
	}
	return d.blockNode(d.pos-d.line, col)
}

// mapping decodes a block mapping whose keys are at column col; the first key has been read and end is the offset
// just after its ":".
func (d *decoder) mapping(col int, key string, end int) (any, bool) {
	base := len(d.pairs)
	for {
		d.pos = end
		v, ok := d.mappingValue(col)
		if !ok {
			return nil, false
		}
		d.pairs = append(d.pairs, pair{key, v})
		start, indent, found := d.nextContent(d.pos)
		if !found || indent < col || indent == col && d.atEntry(start+indent) {
			break
		}
		if indent > col {
			return nil, false
		}
		d.at(start, indent)
		var isKey bool
		key, end, isKey, ok = d.key()
		if !ok || !isKey {
			return nil, false
		}
	}
	return d.buildMap(base)
}

// buildMap turns the pairs above base into a map; a duplicate key leaves the document to the reference path, which
// reports it.
func (d *decoder) buildMap(base int) (any, bool) {
	pairs := d.pairs[base:]
	out := make(map[string]any, len(pairs))
	for _, p := range pairs {
		out[p.key] = p.value
	}
	clear(pairs)
	d.pairs = d.pairs[:base]
	return out, len(out) == len(pairs)
}

// mappingValue decodes the value of a key of a block mapping at column col; pos is just after the ":".
func (d *decoder) mappingValue(col int) (any, bool) {
	d.skipSpaces()
	if d.atLineEnd() || d.src[d.pos] == '#' {
		return d.nextLineNode(col, true)
	}
	return d.inlineValue(col)
}

// nextLineNode decodes a value that starts on a later line (after "key:" or "-" and nothing else on the line): a
// node indented deeper than col, a sequence at column col when compact is allowed (mapping values), or null.
func (d *decoder) nextLineNode(col int, compact bool) (any, bool) {
	d.nextLine()
	start, indent, found := d.nextContent(d.pos)
	switch {
	case !found:
		return nil, true
	case indent > col:
		d.at(start, indent)
		if c := d.src[d.pos]; c == '|' || c == '>' {
			return nil, false
		}
		return d.blockNode(indent, col)
	case compact && indent == col && d.atEntry(start+indent):
		d.at(start, indent)
		return d.sequence(col)
	}
	return nil, true
}

func (d *decoder) skipSpaces() {
	for d.pos < len(d.src) && d.src[d.pos] == ' ' {
		d.pos++
	}
}

func (d *decoder) atLineEnd() bool {
	return d.pos == len(d.src) || d.src[d.pos] == '\n'
}

// endLine accepts the rest of the line after a value: spaces, then the line end or a comment. It moves to the
// start of the next line.
func (d *decoder) endLine() bool {
	from := d.pos
	d.skipSpaces()
	if !d.atLineEnd() && (d.src[d.pos] != '#' || d.pos == from) {
		return false
	}
	d.nextLine()
	return true
}
