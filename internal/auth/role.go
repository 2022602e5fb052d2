package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a permission level in the console. Roles are granted from groups
// by a RoleMap; they are checked server-side on every route.
type Role string

const (
	// RoleViewer browses stages, sessions, participants and ingest
	// configurations.
	RoleViewer Role = "viewer"
	// RoleOperator creates, edits and deletes ingest configurations and
	// disconnects participants.
	RoleOperator Role = "operator"
	// RoleKeyholder reveals stream keys.
	RoleKeyholder Role = "keyholder"
	// RoleAdmin may do everything, including browsing the audit log.
	RoleAdmin Role = "admin"
)

// AllRoles lists every role, from most to least privileged.
var AllRoles = []Role{RoleAdmin, RoleKeyholder, RoleOperator, RoleViewer}

// ParseRole parses a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q (want viewer, operator, keyholder or admin)", s)
	}
	return r, nil
}

// Valid reports whether r is one of the four known roles.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// String returns the role's name.
func (r Role) String() string { return string(r) }

// implies reports whether holding r grants want.
func (r Role) implies(want Role) bool {
	switch {
	case r == want, r == RoleAdmin:
		return true
	case want == RoleViewer:
		return r == RoleOperator || r == RoleKeyholder
	}
	return false
}

// Identity is an authenticated person and the roles they were granted.
type Identity struct {
	Subject string   // stable identifier from the proxy or token ("sub", user name)
	Email   string   // may be empty when the proxy does not send one
	Name    string   // display name; may be empty
	Groups  []string // groups as asserted by the proxy, for display and audit
	Roles   []Role   // granted roles, most privileged first; empty means no access
}

// Has reports whether the identity holds role want. Admin implies every role;
// operator and keyholder each imply viewer; operator and keyholder are
// independent of each other.
func (id Identity) Has(want Role) bool {
	for _, r := range id.Roles {
		if r.implies(want) {
			return true
		}
	}
	return false
}

// PrimaryRole is the most privileged role held, for display in the header.
// It returns "" for an identity with no role.
func (id Identity) PrimaryRole() Role {
	for _, r := range AllRoles {
		if slices.Contains(id.Roles, r) {
			return r
		}
	}
	return ""
}

// Actor is the name the audit log records for this identity: the email
// when known, else the subject.
func (id Identity) Actor() string {
	if id.Email != "" {
		return id.Email
	}
	return id.Subject
}

// normaliseRoles de-duplicates roles and orders them most privileged first.
func normaliseRoles(in []Role) []Role {
	out := make([]Role, 0, len(in))
	for _, r := range AllRoles {
		if slices.Contains(in, r) {
			out = append(out, r)
		}
	}
	return out
}
