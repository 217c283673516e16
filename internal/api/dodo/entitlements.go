package dodo

import (
	"encoding/json"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

func (a *API) createEntitlement(w http.ResponseWriter, r *http.Request) error {
	var in entitlementIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	e := &catalog.Entitlement{Description: in.Description, Metadata: catalog.Metadata{}}
	requireField(&pr, "name", in.Name, &e.Name)
	requireField(&pr, "integration_type", in.IntegrationType, &e.IntegrationType)
	if in.Metadata != nil {
		e.Metadata = *in.Metadata
	}
	if in.IntegrationConfig == nil {
		pr.Add("integration_config", "is required")
	} else if catalog.IntegrationTypes.Has(e.IntegrationType) {
		cfg, legacy := newConfig(&pr, in.IntegrationConfig, e.IntegrationType)
		e.Config = cfg
		e.Config.LegacyFileIDs = legacy.V
	}
	if !pr.Empty() {
		e.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateEntitlement(r.Context(), face.Tenant(r), e); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.entitlementResponse(e))
}

// newConfig maps integration_config for integration type t, recording what
// the shape lacks. It returns legacy_file_ids apart, since that field is
// tri-state on PATCH. Legacy file ids name nothing (that flow is not
// served); digital_file_ids must name files uploaded to the entitlement
// (POST /entitlements/{id}/files), which the store checks.
func newConfig(pr *catalog.Problems, in *configIn, t string) (catalog.IntegrationConfig, catalog.Opt[[]string]) {
	c := catalog.IntegrationConfig{
		FeatureID: in.FeatureID, FeatureType: in.FeatureType, TargetID: in.TargetID, Permission: in.Permission,
		GuildID: in.GuildID, RoleID: in.RoleID, ChatID: in.ChatID, FigmaFileID: in.FigmaFileID,
		FramerTemplateID: in.FramerTemplateID, NotionTemplateID: in.NotionTemplateID,
		ExternalURL: in.ExternalURL, Instructions: in.Instructions, ActivationMessage: in.ActivationMessage,
		ActivationsLimit: in.ActivationsLimit, DurationCount: in.DurationCount, DurationInterval: in.DurationInterval,
		FulfillmentMode: in.FulfillmentMode,
	}
	var legacy catalog.Opt[[]string]
	if t != "digital_files" {
		return c, legacy
	}
	const path = "integration_config."
	if in.DigitalFileIDs == nil {
		pr.Add(path+"digital_file_ids", "is required for digital_files (send [] for none)")
	} else {
		// The store checks that each names a file of the entitlement.
		c.DigitalFileIDs = append([]string{}, *in.DigitalFileIDs...)
	}
	if len(in.LegacyFileIDs) > 0 {
		var ids []string
		switch {
		case isNull(in.LegacyFileIDs):
			legacy = catalog.Null[[]string]()
		case json.Unmarshal(in.LegacyFileIDs, &ids) != nil:
			pr.Add(path+"legacy_file_ids", "must be an array of file ids or null")
		case len(ids) > 0:
			pr.Add(path+"legacy_file_ids", "file %s does not exist", ids[0])
		default:
			legacy = catalog.Some([]string(nil))
		}
	}
	return c, legacy
}

func (a *API) getEntitlement(w http.ResponseWriter, r *http.Request) error {
	e, err := a.store.GetEntitlement(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.entitlementResponse(e))
}

func (a *API) listEntitlements(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	f := catalog.EntitlementFilter{Page: q.page(), IntegrationType: q.str("integration_type")}
	if f.IntegrationType != "" && !catalog.IntegrationTypes.Has(f.IntegrationType) {
		q.fail("integration_type", "must be one of %s", catalog.IntegrationTypes)
	}
	if q.err != nil {
		return q.err
	}
	return writeList(w, f.Page, func() (catalog.List[*catalog.Entitlement], error) {
		return a.store.ListEntitlements(r.Context(), face.Tenant(r), f)
	}, a.entitlementResponse)
}

// updateEntitlement applies a PATCH. A null leaves a field unchanged; a new
// integration_config replaces the old one and is checked against the
// entitlement's type, which never changes.
func (a *API) updateEntitlement(w http.ResponseWriter, r *http.Request) error {
	var in entitlementIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	tn, id := face.Tenant(r), r.PathValue("id")
	u := &catalog.EntitlementPatch{Name: in.Name, Description: in.Description, Metadata: in.Metadata}
	if in.IntegrationConfig != nil {
		cur, err := a.store.GetEntitlement(r.Context(), tn, id)
		if err != nil {
			return err
		}
		var pr catalog.Problems
		cfg, legacy := newConfig(&pr, in.IntegrationConfig, cur.IntegrationType)
		if err := pr.Err(); err != nil {
			return err
		}
		u.Config, u.LegacyFileIDs = &cfg, legacy
	}
	e, err := a.store.UpdateEntitlement(r.Context(), tn, id, u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.entitlementResponse(e))
}

func (a *API) deleteEntitlement(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteEntitlement(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}
