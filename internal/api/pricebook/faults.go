package pricebook

import (
	"net/http"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// faultRuleOut is a fault rule on the wire.
type faultRuleOut struct {
	ID        string   `json:"id"`
	Method    *string  `json:"method"`
	Path      string   `json:"path"`
	Fault     string   `json:"fault"`
	Count     *int     `json:"count"`
	Fraction  *float64 `json:"fraction"`
	ExpiresAt *string  `json:"expires_at"`
	Fired     int      `json:"fired"`
	CreatedAt string   `json:"created_at"`
}

func faultRuleResponse(r *catalog.FaultRule) faultRuleOut {
	out := faultRuleOut{ID: r.ID, Method: nonEmpty(r.Method), Path: r.Path, Fault: r.Fault, Count: r.Count, Fraction: r.Fraction,
		Fired: r.Fired, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339Nano)}
	if r.ExpiresAt != nil {
		s := r.ExpiresAt.UTC().Format(time.RFC3339Nano)
		out.ExpiresAt = &s
	}
	return out
}

// createFaultRule answers POST /faults: {"method", "path", "fault",
// "count" | "fraction", "expires_in"}, the fault in Pricebook-Fault's
// syntax; 201 with the rule.
func (a *API) createFaultRule(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Method    string   `json:"method"`
		Path      string   `json:"path"`
		Fault     string   `json:"fault"`
		Count     *int     `json:"count"`
		Fraction  *float64 `json:"fraction"`
		ExpiresIn string   `json:"expires_in"`
	}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	if in.Fault == "" {
		return invalidParam("fault", "is required, such as \"status=503; retry-after=2\"")
	}
	if _, err := face.ParseFault(in.Fault); err != nil {
		return invalidParam("fault", "%s", err.Error())
	}
	rule := &catalog.FaultRule{Method: in.Method, Path: in.Path, Fault: in.Fault, Count: in.Count, Fraction: in.Fraction}
	if in.ExpiresIn != "" {
		d, err := time.ParseDuration(in.ExpiresIn)
		if err != nil || d <= 0 {
			return invalidParam("expires_in", "must be a positive duration, such as 10m")
		}
		at := time.Now().Add(d)
		rule.ExpiresAt = &at
	}
	if err := a.store.CreateFaultRule(r.Context(), face.Tenant(r), rule); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, faultRuleResponse(rule))
}

// listFaultRules answers GET /faults: every rule of the partition, oldest
// first, with how often each fired (one page: a tenant has at most
// catalog.MaxFaultRules).
func (a *API) listFaultRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := a.store.ListFaultRules(r.Context(), face.Tenant(r))
	if err != nil {
		return err
	}
	out := listOut[faultRuleOut]{Data: make([]faultRuleOut, 0, len(rules))}
	for _, rule := range rules {
		out.Data = append(out.Data, faultRuleResponse(rule))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// deleteFaultRules answers DELETE /faults (every rule of the partition)
// and DELETE /faults/{id} (one) with 204.
func (a *API) deleteFaultRules(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteFaultRules(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
