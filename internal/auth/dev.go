package auth

import "net/http"

// DevIdentity is the single user of ModeDev.
var DevIdentity = Identity{
	Subject: "dev@localhost",
	Email:   "dev@localhost",
	Name:    "Local developer",
	Roles:   []Role{RoleAdmin, RoleKeyholder, RoleOperator, RoleViewer},
}

// devAuthenticator answers every request with DevIdentity. New allows it
// only on a loopback listener, so only this machine can reach it.
type devAuthenticator struct{}

func (devAuthenticator) Authenticate(*http.Request) (Identity, error) {
	id := DevIdentity
	id.Roles = append([]Role(nil), DevIdentity.Roles...)
	return id, nil
}
