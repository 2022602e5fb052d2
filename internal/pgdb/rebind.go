package pgdb

import (
	"strconv"
	"strings"
)

// Rebind turns the ? placeholders of a query written for SQLite into
// PostgreSQL's $1, $2, ..., so that both stores share their SQL. The
// queries it serves hold no ? inside literals or identifiers.
func Rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
