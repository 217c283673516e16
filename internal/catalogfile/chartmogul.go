package catalogfile

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
)

// The ChartMogul side: the file's data source, its plans (the file's and
// the bridged ones) and plan groups, through the ChartMogul API.

func planChartMogul(p *planner, a *applier, f *File, st *state) {
	cm := f.ChartMogul
	if st.source != nil {
		a.dsID = st.source.ID
	} else {
		name := cm.DataSource.Name
		p.changes = append(p.changes, Change{Kind: "data_source", Key: name, Action: "create", run: func(ctx context.Context, a *applier) error {
			var out struct {
				UUID string `json:"uuid"`
			}
			err := a.cm.do(ctx, "POST", "/v1/data_sources", map[string]any{"name": name}, "", &out)
			if isConflict(err) {
				// Names are unique: a racing apply made it.
				if id, ferr := a.findSource(ctx, name); ferr == nil {
					out.UUID, err = id, nil
				}
			}
			a.dsID = out.UUID
			return err
		}})
	}
	plans := append(append([]ChartMogulPlan{}, cm.Plans...), bridgePlans(f)...)
	planKind(p, a, kindSpec[ChartMogulPlan]{
		kind: "plan", key: func(x ChartMogulPlan) string { return x.Key },
		create: func(ctx context.Context, a *applier, d ChartMogulPlan) (string, error) {
			body := map[string]any{"data_source_uuid": a.dsID, "external_id": d.Key, "name": d.Name,
				"interval_count": d.IntervalCount, "interval_unit": d.IntervalUnit}
			var out struct {
				UUID string `json:"uuid"`
			}
			err := a.cm.do(ctx, "POST", "/v1/plans", body, "", &out)
			if isConflict(err) {
				// External ids are unique per data source: a racing apply
				// made it. Its fields are the file's too.
				if id, ferr := a.findPlan(ctx, d.Key); ferr == nil {
					return id, nil
				}
			}
			return out.UUID, err
		},
		update: func(ctx context.Context, a *applier, e entry[ChartMogulPlan], d ChartMogulPlan, fields []string) error {
			body := map[string]any{"name": d.Name, "interval_count": d.IntervalCount, "interval_unit": d.IntervalUnit}
			return a.cm.do(ctx, "PATCH", "/v1/plans/"+url.PathEscape(e.ID), pick(body, fields, nil), "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[ChartMogulPlan]) error {
			return a.cm.do(ctx, "DELETE", "/v1/plans/"+url.PathEscape(e.ID), nil, "", nil)
		},
		removeAs: "delete",
	}, plans, st.plans)

	var groups []PlanGroup
	for _, g := range append(append([]PlanGroup{}, cm.PlanGroups...), bridgeGroups(f)...) {
		if len(g.Plans) == 0 {
			// The API refuses a plan group without plans.
			p.notes = append(p.notes, fmt.Sprintf("plan group %s has no plans, so none is kept", g.Key))
			continue
		}
		groups = append(groups, g)
	}
	// Plans within a group have no order.
	sorted := func(g PlanGroup) PlanGroup {
		l := append([]string{}, g.Plans...)
		sort.Strings(l)
		g.Plans = l
		return g
	}
	current := st.groups
	var ours []entry[PlanGroup]
	for _, e := range current {
		if len(st.groupPlansOutside[e.ID]) == 0 || contains(groupNames(groups), e.V.Name) {
			ours = append(ours, e)
		}
	}
	planKind(p, a, kindSpec[PlanGroup]{
		kind: "plan_group", key: func(x PlanGroup) string { return x.Key }, normalize: sorted,
		create: func(ctx context.Context, a *applier, d PlanGroup) (string, error) {
			ids, err := a.refs("plan", d.Plans)
			if err != nil {
				return "", err
			}
			body := map[string]any{"name": d.Name, "plans": ids}
			var out struct {
				UUID string `json:"uuid"`
			}
			err = a.cm.create(ctx, "/v1/plan_groups", body, idemKey("plan-group", d.Key, body), &out,
				func() string { return "/v1/plan_groups/" + url.PathEscape(out.UUID) })
			return out.UUID, err
		},
		update: func(ctx context.Context, a *applier, e entry[PlanGroup], d PlanGroup, fields []string) error {
			ids, err := a.refs("plan", d.Plans)
			if err != nil {
				return err
			}
			ids = append(ids, a.st.groupPlansOutside[e.ID]...)
			return a.cm.do(ctx, "PATCH", "/v1/plan_groups/"+url.PathEscape(e.ID), map[string]any{"name": d.Name, "plans": ids}, "", nil)
		},
		remove: func(ctx context.Context, a *applier, e entry[PlanGroup]) error {
			return a.cm.do(ctx, "DELETE", "/v1/plan_groups/"+url.PathEscape(e.ID), nil, "", nil)
		},
		removeAs: "delete",
	}, groups, ours)
}

func groupNames(gs []PlanGroup) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func (a *applier) findSource(ctx context.Context, name string) (string, error) {
	var ds struct {
		DataSources []struct{ UUID, Name string } `json:"data_sources"`
	}
	if err := a.cm.get(ctx, "/v1/data_sources?name="+url.QueryEscape(name), &ds); err != nil {
		return "", err
	}
	for _, d := range ds.DataSources {
		if d.Name == name {
			return d.UUID, nil
		}
	}
	return "", fmt.Errorf("data source %q: refused, and not there", name)
}

func (a *applier) findPlan(ctx context.Context, externalID string) (string, error) {
	id := ""
	err := a.cm.cursorPages(ctx, "/v1/plans", url.Values{"data_source_uuid": {a.dsID}, "external_id": {externalID}}, "plans", func(raw json.RawMessage) error {
		var p struct {
			UUID       string `json:"uuid"`
			ExternalID string `json:"external_id"`
		}
		json.Unmarshal(raw, &p)
		if p.ExternalID == externalID {
			id = p.UUID
		}
		return nil
	})
	if err == nil && id == "" {
		err = fmt.Errorf("plan %q: refused, and not there", externalID)
	}
	return id, err
}
