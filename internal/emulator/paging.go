package emulator

import "strconv"

// listPage resolves maxResults and nextToken for a list operation. scope must
// name everything that defines the listing (operation, region, parent
// resource, filter) so a token only resumes the listing it came from.
type listPage struct {
	limit int
	after int64 // position of the last item already returned
	has   bool  // false on the first page
	scope string
}

func (c *call) page(scope string, maxResults *int, nextToken *string) (listPage, error) {
	p := listPage{limit: 50, scope: c.w.region + "\x00" + scope}
	if maxResults != nil {
		p.limit = *maxResults
	}
	if nextToken != nil && *nextToken != "" {
		pos, err := c.e.tokens.parse(p.scope, *nextToken)
		if err != nil {
			return p, err
		}
		p.after, p.has = pos, true
	}
	return p, nil
}

// next returns the token for the page after position pos, or nil.
func (c *call) next(p listPage, more bool, pos int64) *string {
	if !more {
		return nil
	}
	t := c.e.tokens.issue(p.scope, pos)
	return &t
}

// scopeOf joins scope parts unambiguously.
func scopeOf(parts ...string) string {
	s := ""
	for _, p := range parts {
		s += strconv.Itoa(len(p)) + ":" + p + ";"
	}
	return s
}
