package manifest

import (
	"strings"
	"testing"
)

// docGenerator turns fuzz bytes into YAML that is mostly in the fast path's subset, with edge cases mixed in, so
// the differential fuzz target spends its time where the fast path accepts input.
type docGenerator struct {
	choices []byte
	b       strings.Builder
}

func (g *docGenerator) pick(n int) int {
	if len(g.choices) == 0 || n <= 1 {
		return 0
	}
	c := g.choices[0]
	g.choices = g.choices[1:]
	return int(c) % n
}

func (g *docGenerator) word(list []string) string { return list[g.pick(len(list))] }

// scalar picks an ordinary scalar most of the time and an edge case otherwise.
func (g *docGenerator) scalar() string {
	if g.pick(4) == 0 {
		return g.word(genScalars)
	}
	return g.word(genScalars[:20])
}

func (g *docGenerator) key() string {
	if g.pick(5) == 0 {
		return g.word(genKeys)
	}
	return g.word(genKeys[:8])
}

var genScalars = []string{
	"a", "b c", "1", "0x1F", "-1", "+2", "1.5", "1e3", ".5", ".inf", "true", "True", "yes", "on", "null", "~", "Null",
	"a:b", "a #b", "a#b", "-", "-a", "--x", "a: b", "[a, b]", "[]", "{}", "{a: 1, b: [2]}", "[a: b]", "{a}", "[a,]",
	"'q''s'", "''", "'a", "\"e\\x41\\u00e9\"", "\"bad\\q\"", "\"\"", "\"a\\\"b\"", "&x v", "*x", "!!str 1", "<<", "2001-01-01",
	":x", "?x", "@x", "%x", "`x", "0o17", "017", "08", "1_000", "0b11", "9223372036854775808", "é", "a\u00a0b", "{\"k\":1}",
	"[\"a\" , 'b' ]", "[ ]", "{ }", "[[1],[2,[3]]]", "a ", "a  b", "http://x:80/p?q", "[a?b]", "{a: }", "[-]", "[-1, -a]",
	"a,b", "{a: b: c}", "'a' x", "\"a\"#c", "[a] x", "1 # c", "x:", "0.", "-.5", "+.inf", "1e400", "0xFFFFFFFFFFFFFFFF",
}

var genKeys = []string{"a", "b", "key", "a b", "1", "true", "~", "'q'", "\"d\"", "\"e\\n\"", "a:b", "-k", "<<", "? k",
	"k #c", "[k]", "\"k\" ", "'' ", "a.b/c", "é", "x", "k ", "a  b", "\"k\"  "}

var genHeaders = []string{"|", "|-", "|+", ">", ">-", ">+", "|2", "| # c", "|#c", ">  ", "|-+"}

func (g *docGenerator) indent(n int) {
	switch g.pick(40) {
	case 0:
		n++
	case 1:
		n = max(n-1, 0)
	}
	g.b.WriteString(strings.Repeat(" ", n))
}

func (g *docGenerator) junkLines(n int) {
	for range g.pick(6) / 4 {
		switch g.pick(4) {
		case 0:
			g.b.WriteString("\n")
		case 1:
			g.b.WriteString(strings.Repeat(" ", g.pick(8)) + "\n")
		default:
			g.b.WriteString(strings.Repeat(" ", g.pick(n+3)) + "# c\n")
		}
	}
}

func (g *docGenerator) comment() string {
	if g.pick(8) == 0 {
		return g.word([]string{" # c", " ", "#c", "  #"})
	}
	return ""
}

var genLineStarts = []string{"'", "\"", "a", "b c", "1", "- x", "#c", "x: y", "\\ y", "''", "\\", "\\n", "[x]", "'z'", "\"z\"",
	"x #", "&a", "é"}

// multiLine writes a scalar that goes on on later lines: plain, or quoted with the quote closed on some line.
func (g *docGenerator) multiLine(col int) {
	quote := g.word([]string{"", "'", "\""})
	g.b.WriteString(" " + quote + g.word(genLineStarts))
	for range 1 + g.pick(3) {
		g.b.WriteString(g.word([]string{"", " ", "\\", " \\"}) + "\n")
		for range g.pick(4) / 2 {
			g.b.WriteString(strings.Repeat(" ", g.pick(col+3)) + "\n")
		}
		g.b.WriteString(strings.Repeat(" ", col+g.pick(4)) + g.word(genLineStarts))
	}
	g.b.WriteString(quote + g.comment() + "\n")
}

// value writes what follows "key:" or "-" at column col: an inline scalar or a nested node on the next lines.
func (g *docGenerator) value(col, depth int) {
	switch k := g.pick(11); {
	case depth > 4 || k < 5:
		g.b.WriteString(" " + g.scalar() + g.comment() + "\n")
	case k == 5:
		g.blockScalar(col)
	case k == 10:
		g.multiLine(col)
	default:
		g.b.WriteString(g.comment() + "\n")
		g.junkLines(col)
		step := g.pick(4)
		if step == 0 && g.pick(2) == 0 {
			g.seq(col, depth+1)
			return
		}
		g.node(col+step+1, depth+1)
	}
}

func (g *docGenerator) blockScalar(col int) {
	g.b.WriteString(" " + g.word(genHeaders) + "\n")
	base := col + 1 + g.pick(3)
	for range 1 + g.pick(5) {
		switch g.pick(6) {
		case 0:
			g.b.WriteString(strings.Repeat(" ", g.pick(base+3)) + "\n")
		case 1:
			g.b.WriteString(strings.Repeat(" ", base+1+g.pick(3)) + g.scalar() + "\n")
		default:
			g.b.WriteString(strings.Repeat(" ", base) + g.scalar() + "\n")
		}
	}
}

func (g *docGenerator) node(col, depth int) {
	if g.pick(2) == 0 {
		g.mapping(col, depth)
	} else {
		g.seq(col, depth)
	}
}

func (g *docGenerator) mapping(col, depth int) {
	for i := range 1 + g.pick(4) {
		if i > 0 || g.pick(3) > 0 {
			g.indent(col)
		}
		g.b.WriteString(g.key() + ":")
		g.value(col, depth)
		g.junkLines(col)
	}
}

func (g *docGenerator) seq(col, depth int) {
	for i := range 1 + g.pick(4) {
		if i > 0 || g.pick(3) > 0 {
			g.indent(col)
		}
		g.b.WriteString("-")
		if g.pick(3) == 0 && depth < 5 {
			g.b.WriteString(strings.Repeat(" ", 1+g.pick(2)))
			if g.pick(2) == 0 {
				g.b.WriteString(g.key() + ":")
				g.value(col+2, depth+1)
				g.mapping(col+2, depth+1)
			} else {
				g.seq(col+2, depth+1)
			}
			continue
		}
		g.value(col, depth)
	}
}

var flowSeparators = []string{"", " ", "\n", "\n  ", " \n", " # c\n", "\n# c\n", "\n\n", "#c\n", "\n---\n"}

// space writes what separates flow tokens: mostly nothing or a space, sometimes line breaks and comments.
func (g *docGenerator) space() {
	if g.pick(3) == 0 {
		g.b.WriteString(g.word(flowSeparators))
	}
}

// flow writes a flow node (JSON-like most of the time).
func (g *docGenerator) flow(depth int) {
	switch k := g.pick(8); {
	case depth > 4 || k < 4:
		g.b.WriteString(g.word([]string{"1", "-2.5", "true", "null", "\"s\"", "\"\"", "\"a\\\"b\"", "\"\\/\"", "\"\\u00e9\"",
			"a", "1e3", "'q'", "a b", "x:y", "-", "[]", "{}"}))
	case k < 6:
		g.b.WriteString("[")
		for i := range g.pick(4) {
			if i > 0 {
				g.space()
				g.b.WriteString(",")
			}
			g.space()
			g.flow(depth + 1)
		}
		g.space()
		g.b.WriteString("]")
	default:
		g.b.WriteString("{")
		for i := range g.pick(4) {
			if i > 0 {
				g.space()
				g.b.WriteString(",")
			}
			g.space()
			g.b.WriteString(g.word([]string{"\"a\"", "\"b\"", "c", "\"\"", "'d'", "\"a\""}))
			g.b.WriteString(g.word([]string{":", ": ", " : ", ":\n", ":"}))
			g.space()
			g.flow(depth + 1)
		}
		g.space()
		g.b.WriteString("}")
	}
}

func generateDoc(choices []byte) []byte {
	g := docGenerator{choices: choices}
	if g.pick(5) == 0 {
		g.junkLines(0)
		g.flow(0)
		g.b.WriteString(g.word([]string{"\n", "", " # c\n", "\nx\n", ": 1\n"}))
		return []byte(g.b.String())
	}
	if g.pick(6) == 0 {
		g.b.WriteString(g.word([]string{"---\n", "--- # c\n", "---#c\n", "--- a\n"}))
	}
	g.junkLines(0)
	g.node(g.pick(3)/2, 0)
	out := g.b.String()
	if g.pick(4) == 0 {
		out = strings.TrimSuffix(out, "\n")
	}
	return []byte(out)
}

// FuzzGeneratedMatchesReference runs the differential check on documents built from the fuzz bytes by
// docGenerator.
func FuzzGeneratedMatchesReference(f *testing.F) {
	for _, s := range []string{"", "\x00\x01\x02", "abcdefghijklmnopqrstuvwxyz", "\xff\xfe\xfd\xfc\x10\x20\x30\x40\x50\x60\x70"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, choices []byte) {
		checkAgainstReference(t, generateDoc(choices))
	})
}

// TestGeneratedMatchesReference runs the generator over a fixed spread of choices and reports how much of it the
// fast path took.
func TestGeneratedMatchesReference(t *testing.T) {
	fast := 0
	const runs = 3000
	for i := range runs {
		choices := make([]byte, 64)
		x := uint32(i*2654435761 + 1)
		for j := range choices {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			choices[j] = byte(x)
		}
		if checkAgainstReference(t, generateDoc(choices)) {
			fast++
		}
	}
	t.Logf("fast path took %d of %d generated documents", fast, runs)
}
