package dodo

import (
	"errors"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// kindDocumented500 marks the failures the API documents as 500 (credit
// entitlement undelete). statusOf has no entry for it, so it is answered
// with 500; unlike an internal error it is deterministic, so writeError
// passes its message through and adds x-should-retry: false.
const kindDocumented500 catalog.Kind = 500

func (a *API) createCredit(w http.ResponseWriter, r *http.Request) error {
	var in creditIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	c := newCredit(&pr, &in)
	if !pr.Empty() {
		c.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateCreditEntitlement(r.Context(), face.Tenant(r), c); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, creditResponse(c))
}

func (a *API) getCredit(w http.ResponseWriter, r *http.Request) error {
	c, err := a.store.GetCreditEntitlement(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, creditResponse(c))
}

func (a *API) listCredits(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	f := catalog.CreditFilter{Page: q.page()}
	if deleted := q.boolean("deleted"); deleted != nil {
		f.Deleted = *deleted
	}
	if q.err != nil {
		return q.err
	}
	return writeList(w, f.Page, func() (catalog.List[*catalog.CreditEntitlement], error) {
		return a.store.ListCreditEntitlements(r.Context(), face.Tenant(r), f)
	}, creditResponse)
}

func (a *API) updateCredit(w http.ResponseWriter, r *http.Request) error {
	var in creditIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	if err := a.store.UpdateCreditEntitlement(r.Context(), face.Tenant(r), r.PathValue("id"), newCreditPatch(&in, present)); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) deleteCredit(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteCreditEntitlement(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

// undeleteCredit restores a deleted credit entitlement. As documented, an
// unknown id, another business's id and an active entitlement are all 500;
// the code still says which it was.
func (a *API) undeleteCredit(w http.ResponseWriter, r *http.Request) error {
	err := a.store.UndeleteCreditEntitlement(r.Context(), face.Tenant(r), r.PathValue("id"))
	var e *catalog.Error
	if errors.As(err, &e) && (e.Kind == catalog.KindNotFound || e.Kind == catalog.KindConflict) {
		return &catalog.Error{Kind: kindDocumented500, Reason: e.Reason, Message: e.Message}
	}
	if err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}
