package main

import (
	"fmt"
	"os"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/config"
)

// newAuthenticator turns the identity settings into an auth.Config.
func newAuthenticator(cfg *config.Config) (auth.Authenticator, error) {
	a := cfg.Auth
	roles, err := auth.ParseRoleMap(a.RoleMap)
	if err != nil {
		return nil, fmt.Errorf("-role-map (GREENROOM_ROLE_MAP): %v", err)
	}
	var def auth.Role
	if a.DefaultRole != "" {
		if def, err = auth.ParseRole(a.DefaultRole); err != nil {
			return nil, fmt.Errorf("-default-role (GREENROOM_DEFAULT_ROLE): %v", err)
		}
	}
	var pem string
	if a.JWTKeyFile != "" {
		b, err := os.ReadFile(a.JWTKeyFile)
		if err != nil {
			return nil, fmt.Errorf("-jwt-key-file (GREENROOM_JWT_KEY_FILE): %v", err)
		}
		pem = string(b)
	}
	ac := auth.Config{
		Mode:            auth.Mode(a.Mode),
		ListenAddr:      cfg.Addr,
		RoleMap:         roles,
		DefaultRole:     def,
		TrustedNetworks: a.TrustedNetworks,
		Proxy: auth.ProxyConfig{
			Preset: a.ProxyPreset, UserHeader: a.UserHeader, EmailHeader: a.EmailHeader,
			GroupsHeader: a.GroupsHeader, GroupSeparator: a.GroupSeparator,
		},
		JWT: auth.JWTConfig{
			Preset: a.JWTPreset, Header: a.JWTHeader, JWKSURL: a.JWKSURL, PublicKeyPEM: pem,
			Issuer: a.JWTIssuer, Audience: a.JWTAudience, EmailClaim: a.EmailClaim, GroupsClaim: a.GroupsClaim,
			GroupSeparator: a.GroupSeparator, CloudflareTeam: a.CloudflareTeam, ALBRegion: a.ALBRegion, ALBARN: a.ALBArn,
		},
	}
	return auth.New(ac)
}
