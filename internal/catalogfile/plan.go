package catalogfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Options change what Plan and Apply do.
type Options struct {
	// Prune archives (or, where the API only deletes, deletes) what the
	// file no longer names.
	Prune bool
}

// Change is one thing apply does.
type Change struct {
	Kind   string        `json:"kind"`
	Key    string        `json:"key"`
	Action string        `json:"action"` // create, update, unarchive, archive, delete
	ID     string        `json:"id,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
	run    func(ctx context.Context, a *applier) error
}

// Plan is what apply would do to a server, computed from one read of it.
type Plan struct {
	Changes []Change `json:"changes"`
	// Notes are what the file no longer names and apply leaves, since
	// no API can remove it.
	Notes []string `json:"notes,omitempty"`
	a     *applier
}

// PlanError is what the file asks that no API can do (a meter's change,
// a credit entitlement's precision): nothing is written.
type PlanError struct{ Problems []Problem }

func (e *PlanError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return "the file asks what the API cannot do, nothing written:\n  " + strings.Join(s, "\n  ")
}

// applier carries what apply knows while it writes.
type applier struct {
	dodo, cm *face
	file     *File
	st       *state
	ids      map[string]string // kind:key → server id
	dsID     string
}

func (a *applier) ref(kind, key string) (string, error) {
	if kind == "brand" && key == "primary" {
		return a.st.business, nil
	}
	if id, ok := a.ids[kind+":"+key]; ok {
		return id, nil
	}
	return "", fmt.Errorf("%s %q has no id yet", kind, key)
}

func (a *applier) refs(kind string, keys []string) ([]string, error) {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		id, err := a.ref(kind, k)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// planner collects a plan's changes.
type planner struct {
	opt      Options
	changes  []Change
	prunes   [][]Change // per kind, run in reverse kind order
	problems []Problem
	notes    []string
}

// kindSpec is how one kind is planned and written.
type kindSpec[T any] struct {
	kind      string
	key       func(T) string
	skip      []string // planned on their own
	immutable []string // a change is a problem
	create    func(ctx context.Context, a *applier, d T) (string, error)
	update    func(ctx context.Context, a *applier, e entry[T], d T, fields []string) error
	unarchive func(ctx context.Context, a *applier, e entry[T]) error
	remove    func(ctx context.Context, a *applier, e entry[T]) error
	removeAs  string    // archive or delete
	normalize func(T) T // applied to both sides before comparing
}

func planKind[T any](p *planner, a *applier, spec kindSpec[T], desired []T, current []entry[T]) {
	byKey := map[string]*entry[T]{}
	for i := range current {
		e := &current[i]
		if old, ok := byKey[e.Key]; !ok || (old.Archived && !e.Archived) {
			byKey[e.Key] = e
		}
	}
	for k, e := range byKey {
		a.ids[spec.kind+":"+k] = e.ID
	}
	named := map[string]bool{}
	for i, d := range desired {
		d := d
		key := spec.key(d)
		named[key] = true
		e := byKey[key]
		if e == nil {
			p.changes = append(p.changes, Change{Kind: spec.kind, Key: key, Action: "create", run: func(ctx context.Context, a *applier) error {
				id, err := spec.create(ctx, a, d)
				if err != nil {
					return err
				}
				a.ids[spec.kind+":"+key] = id
				return nil
			}})
			continue
		}
		cur, want := e.V, d
		if spec.normalize != nil {
			cur, want = spec.normalize(cur), spec.normalize(want)
		}
		fields := diffFields(want, cur, spec.skip...)
		top := topFields(fields)
		for _, f := range top {
			if contains(spec.immutable, f) || spec.update == nil {
				p.problems = append(p.problems, Problem{Field: fmt.Sprintf("%ss[%d].%s", spec.kind, i, f),
					Msg: fmt.Sprintf("%s %s: %s cannot change through the API (give it a new key and name instead)", spec.kind, key, f)})
			}
		}
		ent := *e
		switch {
		case e.Archived && spec.unarchive != nil:
			p.changes = append(p.changes, Change{Kind: spec.kind, Key: key, Action: "unarchive", ID: e.ID, Fields: fields, run: func(ctx context.Context, a *applier) error {
				if err := spec.unarchive(ctx, a, ent); err != nil {
					return err
				}
				if len(top) > 0 {
					return spec.update(ctx, a, ent, d, top)
				}
				return nil
			}})
		case e.Archived:
			p.changes = append(p.changes, Change{Kind: spec.kind, Key: key, Action: "create", run: func(ctx context.Context, a *applier) error {
				id, err := spec.create(ctx, a, d)
				if err != nil {
					return err
				}
				a.ids[spec.kind+":"+key] = id
				return nil
			}})
		case len(fields) > 0 && spec.update != nil:
			p.changes = append(p.changes, Change{Kind: spec.kind, Key: key, Action: "update", ID: e.ID, Fields: fields, run: func(ctx context.Context, a *applier) error {
				return spec.update(ctx, a, ent, d, top)
			}})
		}
	}
	var prunes []Change
	for i := range current {
		e := current[i]
		if named[e.Key] || e.Archived || byKey[e.Key] != &current[i] {
			continue
		}
		if spec.remove == nil {
			if p.opt.Prune {
				p.notes = append(p.notes, fmt.Sprintf("%s %s (%s) is not in the file; the API cannot remove it", spec.kind, e.Key, e.ID))
			}
			continue
		}
		if !p.opt.Prune {
			continue
		}
		prunes = append(prunes, Change{Kind: spec.kind, Key: e.Key, Action: spec.removeAs, ID: e.ID, run: func(ctx context.Context, a *applier) error {
			err := spec.remove(ctx, a, e)
			if errors.Is(err, errNotFound) {
				return nil // a racing apply removed it
			}
			return err
		}})
	}
	p.prunes = append(p.prunes, prunes)
}

// MakePlan reads the server and plans what apply would do to make it what
// f declares. It writes nothing.
func MakePlan(ctx context.Context, srv Server, f *File, opt Options) (*Plan, error) {
	dodo, cm := srv.faces()
	dsName := ""
	if f.ChartMogul != nil {
		dsName = f.ChartMogul.DataSource.Name
	}
	st, err := read(ctx, dodo, cm, f.ChartMogul != nil, dsName)
	if err != nil {
		return nil, err
	}
	if err := st.assignKeys(f); err != nil {
		return nil, err
	}
	a := &applier{dodo: dodo, cm: cm, file: f, st: st, ids: map[string]string{}}
	p := &planner{opt: opt}
	planDodo(p, a, f, st)
	if f.ChartMogul != nil {
		planChartMogul(p, a, f, st)
	}
	if len(p.problems) > 0 {
		for i := range p.problems {
			pr := &p.problems[i]
			pr.File = f.name
			pr.Line, pr.Col = position(f.src, pr.Field)
		}
		sort.Slice(p.problems, func(i, j int) bool { return p.problems[i].Field < p.problems[j].Field })
		return nil, &PlanError{Problems: p.problems}
	}
	plan := &Plan{Changes: p.changes, Notes: p.notes, a: a}
	for i := len(p.prunes) - 1; i >= 0; i-- {
		plan.Changes = append(plan.Changes, p.prunes[i]...)
	}
	if plan.Changes == nil {
		plan.Changes = []Change{}
	}
	return plan, nil
}

// Apply carries the plan out, in order. A change that fails stops it;
// what was done stays done, and the next apply, planning anew, goes on
// from there.
func (p *Plan) Apply(ctx context.Context) error {
	for _, c := range p.Changes {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := c.run(ctx, p.a); err != nil {
			return fmt.Errorf("%s %s %s: %w", c.Action, strings.ReplaceAll(c.Kind, "_", " "), c.Key, err)
		}
	}
	return nil
}

// Apply plans and applies f.
func Apply(ctx context.Context, srv Server, f *File, opt Options) (*Plan, error) {
	p, err := MakePlan(ctx, srv, f, opt)
	if err != nil {
		return nil, err
	}
	return p, p.Apply(ctx)
}

// Pending tells whether the plan changes anything.
func (p *Plan) Pending() bool { return len(p.Changes) > 0 }

// Text is the plan for people: one line a change, one more a field.
func (p *Plan) Text() string {
	var b strings.Builder
	sign := map[string]string{"create": "+", "update": "~", "unarchive": "^", "archive": "-", "delete": "-"}
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "%s %s %s %s", sign[c.Action], c.Action, strings.ReplaceAll(c.Kind, "_", " "), c.Key)
		if c.ID != "" {
			fmt.Fprintf(&b, " (%s)", c.ID)
		}
		b.WriteString("\n")
		for _, f := range c.Fields {
			fmt.Fprintf(&b, "    %s: %s -> %s\n", f.Field, show(f.From), show(f.To))
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "! %s\n", n)
	}
	if len(p.Changes) == 0 {
		b.WriteString("No changes: the server is what the file says.\n")
	} else {
		fmt.Fprintf(&b, "%d change(s).\n", len(p.Changes))
	}
	return b.String()
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}
