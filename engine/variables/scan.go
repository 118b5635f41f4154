package variables

import (
	"fmt"
	"strings"
)

type span struct {
	text  string
	isVar bool
}

// scan splits s into literal text and variable expressions. `{{` opens a variable that closes at the matching `}}`;
// single braces inside (JMESPath multi-select hashes, `{}` literals) are balanced. A backslash before `{{` escapes it.
func scan(s string) ([]span, error) {
	var spans []span
	var lit strings.Builder
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], `\{{`) {
			end := closing(s, i+3)
			if end < 0 {
				lit.WriteString(s[i:])
				break
			}
			lit.WriteString(s[i+1 : end+2])
			i = end + 2
			continue
		}
		if !strings.HasPrefix(s[i:], "{{") {
			lit.WriteByte(s[i])
			i++
			continue
		}
		end := closing(s, i+2)
		if end < 0 {
			return nil, fmt.Errorf("variable at offset %d in %q has no closing }}", i, s)
		}
		expr := strings.TrimSpace(s[i+2 : end])
		if expr == "" {
			return nil, fmt.Errorf("empty variable at offset %d in %q", i, s)
		}
		if lit.Len() > 0 {
			spans = append(spans, span{text: lit.String()})
			lit.Reset()
		}
		spans = append(spans, span{text: expr, isVar: true})
		i = end + 2
	}
	if lit.Len() > 0 {
		spans = append(spans, span{text: lit.String()})
	}
	return spans, nil
}

// closing returns the index of the `}}` that closes a variable whose body starts at from, or -1.
func closing(s string, from int) int {
	depth := 0
	var quote byte
	for j := from; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '`' || c == '"':
			quote = c
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case c == '}' && j+1 < len(s) && s[j+1] == '}':
			return j
		}
	}
	return -1
}
