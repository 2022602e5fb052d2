package auth

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// RoleMap grants roles to the members of groups: group name → roles.
// Group names match exactly and case-sensitively, as the identity provider
// spells them.
type RoleMap map[string][]Role

// ParseRoleMap parses a role mapping such as
//
//	greenroom-admins=admin,ops=operator,ops=keyholder,staff=viewer
//
// Each entry is GROUP=ROLE; a group may appear several times to grant several
// roles. The role is what follows the last '=', so group names may contain
// '=' (LDAP DNs). Entries are separated by commas, unless the text contains a
// ';' or a newline, in which case only those separate entries, so that group
// names may contain commas:
//
//	cn=ops,ou=groups,dc=example,dc=com=operator; cn=ops,ou=groups,dc=example,dc=com=keyholder
//
// Spaces around entries, groups and roles are ignored. An empty string is an
// empty map (nobody gets a role from groups).
func ParseRoleMap(s string) (RoleMap, error) {
	sep := ","
	if strings.ContainsAny(s, ";\n") {
		s = strings.ReplaceAll(s, "\n", ";")
		sep = ";"
	}
	m := RoleMap{}
	for entry := range strings.SplitSeq(s, sep) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		i := strings.LastIndexByte(entry, '=')
		if i < 0 {
			return nil, fmt.Errorf("role map entry %q: want GROUP=ROLE", entry)
		}
		group := strings.TrimSpace(entry[:i])
		if group == "" {
			return nil, fmt.Errorf("role map entry %q: empty group name", entry)
		}
		role, err := ParseRole(entry[i+1:])
		if err != nil {
			return nil, fmt.Errorf("role map entry %q: %w", entry, err)
		}
		if !slices.Contains(m[group], role) {
			m[group] = append(m[group], role)
		}
	}
	return m, nil
}

// Roles returns the roles granted to a member of groups, most privileged
// first, without duplicates.
func (m RoleMap) Roles(groups []string) []Role {
	var out []Role
	for _, g := range groups {
		out = append(out, m[g]...)
	}
	return normaliseRoles(out)
}

// String renders the map in the syntax ParseRoleMap reads, sorted by group.
func (m RoleMap) String() string {
	groups := make([]string, 0, len(m))
	sep := ","
	for g := range m {
		groups = append(groups, g)
		if strings.Contains(g, ",") {
			sep = ";"
		}
	}
	sort.Strings(groups)
	var parts []string
	for _, g := range groups {
		for _, r := range normaliseRoles(m[g]) {
			parts = append(parts, g+"="+string(r))
		}
	}
	return strings.Join(parts, sep)
}
