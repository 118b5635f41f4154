package manifest

import (
	"bytes"
	"fmt"
)

// Document is one document of a multi-document stream.
type Document struct {
	Index int    // 1-based position in the stream, blank documents counted
	Line  int    // 1-based line of the stream where the document's first line is
	Data  []byte // the document's lines, each ended by "\n" ("\r\n" becomes "\n"); may share memory with the stream
}

// Split splits a multi-document stream at its `---` lines, as k8s.io/apimachinery/pkg/util/yaml's YAMLReader does:
// a line that starts with `---` separates documents and may be followed only by spaces or a comment; separators
// that end a document are left out (one that opens the stream, or follows another, stays as the first line of the
// next document, where yaml.v3 reads it as a document start); line ends become "\n". Blank documents (only spaces, comments and `---`) are dropped but keep
// their number.
func Split(data []byte) ([]Document, error) {
	var docs []Document
	s := splitter{data: data, line: 1}
	for index := 1; ; index++ {
		doc, ok, err := s.next()
		if err != nil {
			return docs, fmt.Errorf("document %d: %w", index, err)
		}
		if !ok {
			return docs, nil
		}
		if !isBlank(doc.Data) {
			doc.Index = index
			docs = append(docs, doc)
		}
	}
}

// splitter walks a stream line by line.
type splitter struct {
	data []byte
	pos  int // start of the next line
	line int // number of the next line
}

// next returns the next document that has at least one line; ok is false at the end of the stream.
func (s *splitter) next() (doc Document, ok bool, err error) {
	start, end := -1, -1
	copyNeeded := false
	for s.pos < len(s.data) {
		lineStart := s.pos
		content, rest, crlf, terminated := cutLine(s.data[s.pos:])
		s.pos = len(s.data) - len(rest)
		s.line++
		if bytes.HasPrefix(content, []byte("---")) {
			trimmed := bytes.TrimSpace(content[3:])
			if len(trimmed) > 0 && trimmed[0] != '#' {
				return Document{}, false, fmt.Errorf("line %d: invalid YAML document separator %q", s.line-1, trimmed)
			}
			if start >= 0 {
				break
			}
			// YAMLReader keeps a separator that opens a document as the document's first line.
		}
		if start < 0 {
			start = lineStart
			doc.Line = s.line - 1
		}
		end = s.pos
		copyNeeded = copyNeeded || crlf || !terminated
	}
	if start < 0 {
		return Document{}, false, nil
	}
	doc.Data = s.data[start:end:end]
	if copyNeeded {
		doc.Data = normalizeLines(doc.Data)
	}
	return doc, true, nil
}

// cutLine splits off the first line of b: its content without the line end, the rest of b, whether the line ended
// with "\r\n", and whether it ended at all.
func cutLine(b []byte) (content, rest []byte, crlf, terminated bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false, false
	}
	content = b[:i]
	if i > 0 && b[i-1] == '\r' {
		return content[:i-1], b[i+1:], true, true
	}
	return content, b[i+1:], false, true
}

// normalizeLines copies b with every line ended by a single "\n".
func normalizeLines(b []byte) []byte {
	out := make([]byte, 0, len(b)+1)
	for len(b) > 0 {
		var content []byte
		content, b, _, _ = cutLine(b)
		out = append(out, content...)
		out = append(out, '\n')
	}
	return out
}

// isBlank reports whether a document holds only blank lines, comments and `---` lines.
func isBlank(raw []byte) bool {
	for len(raw) > 0 {
		var line []byte
		line, raw, _, _ = cutLine(raw)
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) {
			return false
		}
	}
	return true
}
