package template

import (
	"fmt"
	"strings"
)

// segment is a literal fragment of a scalar or, when expr is set, a placeholder's expression.
type segment struct {
	literal string
	expr    bool
}

// scan splits s into literal and placeholder segments. The placeholder scanner tracks parentheses and CEL string
// literals, so `(( f(x) ))` and `(( "))" ))` end where they should.
func scan(s string) ([]segment, error) {
	var out []segment
	var lit strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], `\((`):
			lit.WriteString("((")
			i += 3
		case strings.HasPrefix(s[i:], "(("):
			expr, next, err := placeholder(s, i)
			if err != nil {
				return nil, err
			}
			if lit.Len() > 0 {
				out = append(out, segment{literal: lit.String()})
				lit.Reset()
			}
			out = append(out, segment{literal: expr, expr: true})
			i = next
		default:
			lit.WriteByte(s[i])
			i++
		}
	}
	if lit.Len() > 0 {
		out = append(out, segment{literal: lit.String()})
	}
	return out, nil
}

// placeholder scans the placeholder opening at s[start:] and returns its trimmed expression and the offset after
// its closing `))`.
func placeholder(s string, start int) (string, int, error) {
	depth := 0
	var quote byte
	for i := start + 2; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
				continue
			}
			if i+1 >= len(s) || s[i+1] != ')' {
				return "", 0, fmt.Errorf("unbalanced parenthesis in the placeholder at offset %d", start)
			}
			expr := strings.TrimSpace(s[start+2 : i])
			if expr == "" {
				return "", 0, fmt.Errorf("empty placeholder at offset %d", start)
			}
			return expr, i + 2, nil
		}
	}
	if quote != 0 {
		return "", 0, fmt.Errorf("unterminated string in the placeholder at offset %d", start)
	}
	return "", 0, fmt.Errorf("unterminated placeholder at offset %d: no closing ))", start)
}

// hasPlaceholder reports whether s holds an unescaped `((` or the escape `\((`.
func hasPlaceholder(s string) bool { return strings.Contains(s, "((") }
