package catalog

import "testing"

func TestReasonsNamed(t *testing.T) {
	seen := map[string]Reason{}
	for _, r := range Reasons() {
		name := r.String()
		if name == "" {
			t.Errorf("reason %d has no name", int(r))
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("reasons %d and %d share the name %q", int(prev), int(r), name)
		}
		seen[name] = r
	}
}
