package dodo

import (
	"encoding/json"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// entitlementIn is the body of POST /entitlements and PATCH
// /entitlements/{id}.
type entitlementIn struct {
	Name              *string           `json:"name"`
	Description       *string           `json:"description"`
	IntegrationType   *string           `json:"integration_type"`
	IntegrationConfig *configIn         `json:"integration_config"`
	Metadata          *catalog.Metadata `json:"metadata"`
}

// configIn is the IntegrationConfig union with every variant's fields; the
// entitlement's integration_type picks which ones count.
type configIn struct {
	FeatureID         *string         `json:"feature_id"`
	FeatureType       *string         `json:"feature_type"`
	TargetID          *string         `json:"target_id"`
	Permission        *string         `json:"permission"`
	GuildID           *string         `json:"guild_id"`
	RoleID            *string         `json:"role_id"`
	ChatID            *string         `json:"chat_id"`
	FigmaFileID       *string         `json:"figma_file_id"`
	FramerTemplateID  *string         `json:"framer_template_id"`
	NotionTemplateID  *string         `json:"notion_template_id"`
	DigitalFileIDs    *[]string       `json:"digital_file_ids"`
	ExternalURL       *string         `json:"external_url"`
	Instructions      *string         `json:"instructions"`
	LegacyFileIDs     json.RawMessage `json:"legacy_file_ids"`
	ActivationMessage *string         `json:"activation_message"`
	ActivationsLimit  *int64          `json:"activations_limit"`
	DurationCount     *int64          `json:"duration_count"`
	DurationInterval  *string         `json:"duration_interval"`
	FulfillmentMode   *string         `json:"fulfillment_mode"`
}

// entitlementOut is the Entitlement response: every documented key, always.
type entitlementOut struct {
	ID                string           `json:"id"`
	BusinessID        string           `json:"business_id"`
	Name              string           `json:"name"`
	Description       *string          `json:"description"`
	IntegrationType   string           `json:"integration_type"`
	IntegrationConfig any              `json:"integration_config"`
	IsActive          bool             `json:"is_active"`
	Metadata          catalog.Metadata `json:"metadata"`
	CreatedAt         string           `json:"created_at"`
	UpdatedAt         string           `json:"updated_at"`
}

// The response form of each integration_config variant.
type (
	featureFlagOut struct {
		FeatureID   string `json:"feature_id"`
		FeatureType string `json:"feature_type"`
	}
	githubOut struct {
		Permission string `json:"permission"`
		TargetID   string `json:"target_id"`
	}
	discordOut struct {
		GuildID string  `json:"guild_id"`
		RoleID  *string `json:"role_id"`
	}
	telegramOut struct {
		ChatID string `json:"chat_id"`
	}
	figmaOut struct {
		FigmaFileID string `json:"figma_file_id"`
	}
	framerOut struct {
		FramerTemplateID string `json:"framer_template_id"`
	}
	notionOut struct {
		NotionTemplateID string `json:"notion_template_id"`
	}
	digitalFilesOut struct {
		DigitalFiles deliveryOut `json:"digital_files"`
	}
	licenseKeyOut struct {
		ActivationMessage *string `json:"activation_message"`
		ActivationsLimit  *int64  `json:"activations_limit"`
		DurationCount     *int64  `json:"duration_count"`
		DurationInterval  *string `json:"duration_interval"`
		FulfillmentMode   *string `json:"fulfillment_mode"`
	}
)

func (a *API) entitlementResponse(e *catalog.Entitlement) entitlementOut {
	return entitlementOut{ID: e.ID, BusinessID: e.BusinessID, Name: e.Name, Description: e.Description,
		IntegrationType: e.IntegrationType, IntegrationConfig: a.configResponse(e.IntegrationType, &e.Config),
		IsActive: true, Metadata: e.Metadata, CreatedAt: timestamp(e.CreatedAt), UpdatedAt: timestamp(e.UpdatedAt)}
}

// entitlementSummary is ProductEntitlementSummary, as products show it.
func (a *API) entitlementSummary(e *catalog.Entitlement) entitlementSummaryOut {
	return entitlementSummaryOut{ID: e.ID, Name: e.Name, Description: e.Description, IntegrationType: e.IntegrationType,
		IntegrationConfig: a.configResponse(e.IntegrationType, &e.Config)}
}

// configResponse renders a config with exactly its variant's keys; a
// digital_files entitlement's files with fresh signed download URLs.
func (a *API) configResponse(t string, c *catalog.IntegrationConfig) any {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch t {
	case "feature_flag":
		return featureFlagOut{FeatureID: s(c.FeatureID), FeatureType: s(c.FeatureType)}
	case "github":
		return githubOut{Permission: s(c.Permission), TargetID: s(c.TargetID)}
	case "discord":
		return discordOut{GuildID: s(c.GuildID), RoleID: c.RoleID}
	case "telegram":
		return telegramOut{ChatID: s(c.ChatID)}
	case "figma":
		return figmaOut{FigmaFileID: s(c.FigmaFileID)}
	case "framer":
		return framerOut{FramerTemplateID: s(c.FramerTemplateID)}
	case "notion":
		return notionOut{NotionTemplateID: s(c.NotionTemplateID)}
	case "digital_files":
		return digitalFilesOut{DigitalFiles: deliveryOut{ExternalURL: c.ExternalURL, Instructions: c.Instructions, Files: a.filesOut(c.Files)}}
	case "license_key":
		return licenseKeyOut{ActivationMessage: c.ActivationMessage, ActivationsLimit: c.ActivationsLimit,
			DurationCount: c.DurationCount, DurationInterval: c.DurationInterval, FulfillmentMode: c.FulfillmentMode}
	}
	return struct{}{}
}

// entitlementSummaries renders a product's entitlements in order. Deleted
// entitlements are invisible everywhere, so they are left out.
func (a *API) entitlementSummaries(ids []string, refs *store.ProductRefs) []entitlementSummaryOut {
	out := []entitlementSummaryOut{}
	if refs == nil {
		return out
	}
	for _, id := range ids {
		if e := refs.Entitlements[id]; e != nil {
			out = append(out, a.entitlementSummary(e))
		}
	}
	return out
}
