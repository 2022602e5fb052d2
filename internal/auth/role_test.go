package auth_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestIdentityHas(t *testing.T) {
	const (
		V = auth.RoleViewer
		O = auth.RoleOperator
		K = auth.RoleKeyholder
		A = auth.RoleAdmin
	)
	tests := []struct {
		roles   []auth.Role
		has     []auth.Role
		hasNot  []auth.Role
		primary auth.Role
	}{
		{nil, nil, []auth.Role{V, O, K, A}, ""},
		{[]auth.Role{V}, []auth.Role{V}, []auth.Role{O, K, A}, V},
		{[]auth.Role{O}, []auth.Role{V, O}, []auth.Role{K, A}, O},
		{[]auth.Role{K}, []auth.Role{V, K}, []auth.Role{O, A}, K},
		{[]auth.Role{O, K}, []auth.Role{V, O, K}, []auth.Role{A}, K},
		{[]auth.Role{A}, []auth.Role{V, O, K, A}, nil, A},
	}
	for _, tt := range tests {
		id := auth.Identity{Roles: tt.roles}
		for _, r := range tt.has {
			if !id.Has(r) {
				t.Errorf("roles %v: Has(%s) = false, want true", tt.roles, r)
			}
		}
		for _, r := range tt.hasNot {
			if id.Has(r) {
				t.Errorf("roles %v: Has(%s) = true, want false", tt.roles, r)
			}
		}
		if got := id.PrimaryRole(); got != tt.primary {
			t.Errorf("roles %v: PrimaryRole = %q, want %q", tt.roles, got, tt.primary)
		}
	}
}

func TestParseRoleMap(t *testing.T) {
	tests := []struct {
		in      string
		groups  []string
		want    []auth.Role
		wantErr string
	}{
		{in: "greenroom-admins=admin,ops=operator,ops=keyholder,staff=viewer", groups: []string{"ops"},
			want: []auth.Role{auth.RoleKeyholder, auth.RoleOperator}},
		{in: "greenroom-admins=admin,ops=operator,staff=viewer", groups: []string{"staff", "greenroom-admins"},
			want: []auth.Role{auth.RoleAdmin, auth.RoleViewer}},
		{in: " ops = Operator , , staff=VIEWER ", groups: []string{"ops"}, want: []auth.Role{auth.RoleOperator}},
		{in: "ops=operator", groups: []string{"OPS", "other"}, want: nil}, // case-sensitive groups
		{in: "", groups: []string{"ops"}, want: nil},
		{in: "cn=ops,ou=groups,dc=example=operator; cn=keys,dc=example=keyholder\nstaff=viewer",
			groups: []string{"cn=keys,dc=example"}, want: []auth.Role{auth.RoleKeyholder}},
		{in: "ops", wantErr: "want GROUP=ROLE"},
		{in: "=admin", wantErr: "empty group name"},
		{in: "ops=root", wantErr: "unknown role"},
		{in: "ops=", wantErr: "unknown role"},
	}
	for _, tt := range tests {
		m, err := auth.ParseRoleMap(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRoleMap(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseRoleMap(%q): %v", tt.in, err)
		}
		if got := m.Roles(tt.groups); !slices.Equal(got, tt.want) {
			t.Errorf("ParseRoleMap(%q).Roles(%v) = %v, want %v", tt.in, tt.groups, got, tt.want)
		}
		// String round-trips.
		again, err := auth.ParseRoleMap(m.String())
		if err != nil || again.String() != m.String() {
			t.Errorf("round trip of %q: %q, %v", m.String(), again.String(), err)
		}
	}
}
