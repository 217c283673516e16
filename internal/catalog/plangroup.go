package catalog

import (
	"strings"
	"time"
)

// MaxPlanGroupNameLen bounds a plan group's name.
const MaxPlanGroupNameLen = 255

// PlanGroup is a named set of plans of one tenant, possibly from several
// data sources. A plan may be in several groups.
type PlanGroup struct {
	ID        string
	Name      string
	CreatedAt time.Time
	// PlansCount is the number of plans in the group now.
	PlansCount int
}

// Validate checks the group's own fields.
func (g *PlanGroup) Validate(pr *Problems) {
	if strings.TrimSpace(g.Name) == "" {
		pr.Add("name", "must not be blank")
	}
	checkText(pr, "name", g.Name, 1, MaxPlanGroupNameLen)
	checkNoNUL(pr, "name", g.Name)
}

// PlanGroupPatch is a partial update of a plan group; nil fields stay as
// they are. Plans, when set, replaces the whole membership.
type PlanGroupPatch struct {
	Name  *string
	Plans *[]string
}

// PlanGroupPage is one page of a plan group list, newest first.
type PlanGroupPage struct {
	Groups []PlanGroup
	// More reports whether older groups follow.
	More bool
	// Total is the size of the whole list when asked for, else -1.
	Total int
}
