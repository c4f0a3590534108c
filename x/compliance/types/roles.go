package types

import (
	"fmt"
	"slices"
	"strings"
)

// AllRoles lists every grantable role in enum order.
var AllRoles = []Role{
	RoleInstitution, RoleMarketMaker, RoleIssuer, RoleOracleFeeder, RoleAuditor, RoleValidatorOperator,
}

// Short is the role's name without the ROLE_ prefix, e.g. MARKET_MAKER.
func (r Role) Short() string {
	return strings.TrimPrefix(r.String(), "ROLE_")
}

// Valid reports whether r is a grantable role.
func (r Role) Valid() bool {
	return r > RoleUnspecified && r <= RoleValidatorOperator
}

// ParseRole accepts MARKET_MAKER, ROLE_MARKET_MAKER or market_maker.
func ParseRole(s string) (Role, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(u, "ROLE_") {
		u = "ROLE_" + u
	}
	v, ok := Role_value[u]
	if !ok || !Role(v).Valid() {
		return RoleUnspecified, fmt.Errorf("unknown role %q", s)
	}
	return Role(v), nil
}

// NormalizeRoles validates roles and returns them sorted and unique.
func NormalizeRoles(roles []Role) ([]Role, error) {
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		if !r.Valid() {
			return nil, fmt.Errorf("invalid role %d", int32(r))
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// RoleNames joins the short names of roles with " or ".
func RoleNames(roles []Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Short()
	}
	return strings.Join(names, " or ")
}

// HasAnyRole reports whether l holds one of roles.
func (l Licence) HasAnyRole(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(l.Roles, r) {
			return true
		}
	}
	return false
}
