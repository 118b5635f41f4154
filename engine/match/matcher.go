package match

import (
	"errors"
	"strconv"
)

// Matcher is a compiled match or exclude block. It is immutable and safe for
// concurrent use. A nil *Matcher matches and excludes nothing.
type Matcher struct {
	any []filter
	all []filter
}

// Compile validates and compiles c. Errors are *FieldError values naming the
// filter and field, such as "any[1].kinds[0]".
func Compile(c Criteria) (*Matcher, error) {
	if len(c.Any) > 0 && len(c.All) > 0 {
		return nil, &FieldError{Field: "any", Err: errors.New("any and all cannot be used together")}
	}
	anyFilters, err := compileFilters("any", c.Any)
	if err != nil {
		return nil, err
	}
	allFilters, err := compileFilters("all", c.All)
	if err != nil {
		return nil, err
	}
	return &Matcher{any: anyFilters, all: allFilters}, nil
}

// compileFilters compiles a list of filters; errors name list[index].
func compileFilters(list string, fs []Filter) ([]filter, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	out := make([]filter, len(fs))
	for i := range fs {
		f, err := compileFilter(&fs[i])
		if err != nil {
			return nil, fieldErr(list+"["+strconv.Itoa(i)+"]", err)
		}
		out[i] = f
	}
	return out, nil
}

// IsEmpty reports whether the block has no filter: it then matches and
// excludes nothing.
func (m *Matcher) IsEmpty() bool {
	return m == nil || (len(m.any) == 0 && len(m.all) == 0)
}

// Matches reports whether r is selected by the block used as `match`: one
// filter of `any`, or every filter of `all`. When r carries no user
// information the user conditions of the filters are ignored.
func (m *Matcher) Matches(r *Resource) bool {
	if m.IsEmpty() {
		return false
	}
	withUser := !r.UserInfo.IsEmpty()
	if len(m.any) > 0 {
		return firstHolding(m.any, r, withUser) >= 0
	}
	return firstFailing(m.all, r, withUser) < 0
}

// Excludes reports whether r is excluded by the block used as `exclude`: by
// one filter of `any`, or by every filter of `all`. User conditions are
// always evaluated, so they never hold without user information.
func (m *Matcher) Excludes(r *Resource) bool {
	if m.IsEmpty() {
		return false
	}
	if len(m.any) > 0 {
		return firstHolding(m.any, r, true) >= 0
	}
	return firstFailing(m.all, r, true) < 0
}

// firstHolding returns the index of the first filter that holds for r, or -1.
func firstHolding(fs []filter, r *Resource, withUser bool) int {
	for i := range fs {
		if fs[i].check(r, withUser) == failNone {
			return i
		}
	}
	return -1
}

// firstFailing returns the index of the first filter that does not hold for
// r, or -1.
func firstFailing(fs []filter, r *Resource, withUser bool) int {
	for i := range fs {
		if fs[i].check(r, withUser) != failNone {
			return i
		}
	}
	return -1
}
