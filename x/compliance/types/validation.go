package types

import (
	"fmt"
	"slices"
	"strings"
)

const (
	// LEILength is the length of an LEI-like code.
	LEILength = 20
	// MaxNameLength bounds entity names.
	MaxNameLength = 140
	// MaxReasonLength bounds reasons and audit details.
	MaxReasonLength = 512
	// MaxSubjectLength bounds eligibility subjects.
	MaxSubjectLength = 160
	// MaxRuleJurisdictions bounds a rule's jurisdiction list.
	MaxRuleJurisdictions = 250
)

// ValidateLEI checks a 20-character upper-case alphanumeric code.
func ValidateLEI(lei string) error {
	if len(lei) != LEILength {
		return fmt.Errorf("lei %q must be %d characters", lei, LEILength)
	}
	for i := 0; i < len(lei); i++ {
		c := lei[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("lei %q must be upper-case alphanumeric", lei)
		}
	}
	return nil
}

// ValidateJurisdiction checks an ISO-3166 alpha-2 code: two upper-case
// letters among the officially assigned codes.
func ValidateJurisdiction(j string) error {
	if len(j) != 2 || j[0] < 'A' || j[0] > 'Z' || j[1] < 'A' || j[1] > 'Z' {
		return fmt.Errorf("jurisdiction %q must be an ISO-3166 alpha-2 code", j)
	}
	if !strings.Contains(iso3166Alpha2, j+" ") {
		return fmt.Errorf("jurisdiction %q is not an assigned ISO-3166 alpha-2 code", j)
	}
	return nil
}

// ValidateEntity checks an entity's fields (not its parent's existence).
func ValidateEntity(e Entity) error {
	if e.Id == 0 {
		return fmt.Errorf("entity id must be positive")
	}
	if strings.TrimSpace(e.Name) == "" || len(e.Name) > MaxNameLength {
		return fmt.Errorf("entity name must be 1-%d characters", MaxNameLength)
	}
	if err := ValidateLEI(e.Lei); err != nil {
		return err
	}
	if err := ValidateJurisdiction(e.Jurisdiction); err != nil {
		return err
	}
	if e.ParentId == e.Id {
		return fmt.Errorf("entity %d cannot be its own parent", e.Id)
	}
	return nil
}

// ValidateReason bounds a free-text reason.
func ValidateReason(reason string) error {
	if len(reason) > MaxReasonLength {
		return fmt.Errorf("reason longer than %d bytes", MaxReasonLength)
	}
	return nil
}

// Validate checks a rule's fields and normalises nothing; use NormalizeRule.
func (r EligibilityRule) Validate() error {
	if r.Subject == "" || len(r.Subject) > MaxSubjectLength || strings.ContainsAny(r.Subject, " \t\n") {
		return fmt.Errorf("subject %q must be 1-%d characters without spaces", r.Subject, MaxSubjectLength)
	}
	for _, role := range r.AllowedRoles {
		if !role.Valid() {
			return fmt.Errorf("invalid role %d", int32(role))
		}
	}
	if len(r.AllowedJurisdictions) > MaxRuleJurisdictions {
		return fmt.Errorf("more than %d jurisdictions", MaxRuleJurisdictions)
	}
	for _, j := range r.AllowedJurisdictions {
		if err := ValidateJurisdiction(j); err != nil {
			return err
		}
	}
	return nil
}

// NormalizeRule returns the rule with sorted, unique lists.
func NormalizeRule(r EligibilityRule) (EligibilityRule, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	roles, err := NormalizeRoles(r.AllowedRoles)
	if err != nil {
		return r, err
	}
	js := slices.Clone(r.AllowedJurisdictions)
	slices.Sort(js)
	return EligibilityRule{Subject: r.Subject, AllowedRoles: roles, AllowedJurisdictions: slices.Compact(js)}, nil
}

// iso3166Alpha2 lists the officially assigned ISO-3166-1 alpha-2 codes, each
// followed by a space.
const iso3166Alpha2 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
