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

// PlanGroupFilter selects plan groups for a list page.
type PlanGroupFilter struct {
	Page Page
}

// PlanGroupPlansFilter selects the plans of one plan group for a list page.
type PlanGroupPlansFilter struct {
	GroupID string
	Page    Page
}
