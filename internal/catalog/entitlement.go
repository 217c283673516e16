package catalog

import (
	"net/url"
	"time"
)

// Entitlement vocabularies.
var (
	IntegrationTypes = setOf("discord", "telegram", "github", "figma", "framer", "notion",
		"digital_files", "license_key", "feature_flag")
	GitHubPermissions = setOf("pull", "push", "admin", "maintain", "triage")
	FeatureTypes      = setOf("boolean")
	FulfillmentModes  = setOf("auto", "manual")
)

// Entitlement is something a purchase grants: access to a platform, files,
// a license key or a feature flag. Deleted entitlements are invisible.
type Entitlement struct {
	ID              string
	BusinessID      string
	Name            string
	Description     *string
	IntegrationType string
	Config          IntegrationConfig
	Metadata        Metadata
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// IntegrationConfig holds the settings of every integration type; only the
// fields of the entitlement's type are set (see ForType). The JSON form is
// the stored one.
type IntegrationConfig struct {
	FeatureID         *string  `json:"feature_id,omitempty"`
	FeatureType       *string  `json:"feature_type,omitempty"`
	TargetID          *string  `json:"target_id,omitempty"`
	Permission        *string  `json:"permission,omitempty"`
	GuildID           *string  `json:"guild_id,omitempty"`
	RoleID            *string  `json:"role_id,omitempty"`
	ChatID            *string  `json:"chat_id,omitempty"`
	FigmaFileID       *string  `json:"figma_file_id,omitempty"`
	FramerTemplateID  *string  `json:"framer_template_id,omitempty"`
	NotionTemplateID  *string  `json:"notion_template_id,omitempty"`
	DigitalFileIDs    []string `json:"digital_file_ids,omitempty"`
	ExternalURL       *string  `json:"external_url,omitempty"`
	Instructions      *string  `json:"instructions,omitempty"`
	LegacyFileIDs     []string `json:"legacy_file_ids,omitempty"`
	ActivationMessage *string  `json:"activation_message,omitempty"`
	ActivationsLimit  *int64   `json:"activations_limit,omitempty"`
	DurationCount     *int64   `json:"duration_count,omitempty"`
	DurationInterval  *string  `json:"duration_interval,omitempty"`
	FulfillmentMode   *string  `json:"fulfillment_mode,omitempty"`
	// Files describes the uploaded files DigitalFileIDs names, in order
	// (POST /entitlements/{id}/files adds them).
	Files []FileRef `json:"files,omitempty"`
}

// FileRef is an uploaded file as an entitlement lists it.
type FileRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
}

// MaxEntitlementFiles caps the files of one digital_files entitlement.
const MaxEntitlementFiles = 100

// KeepFiles keeps of Files those DigitalFileIDs names, in its order, and
// adds a problem for each id that names no file of the entitlement.
func (c *IntegrationConfig) KeepFiles(pr *Problems, path string) {
	byID := make(map[string]FileRef, len(c.Files))
	for _, f := range c.Files {
		byID[f.ID] = f
	}
	kept := []FileRef{}
	seen := map[string]bool{}
	for _, id := range c.DigitalFileIDs {
		f, ok := byID[id]
		switch {
		case !ok:
			pr.Add(path, "file %s does not exist", id)
		case seen[id]:
			pr.Add(path, "file %s is listed twice", id)
		default:
			seen[id] = true
			kept = append(kept, f)
		}
	}
	c.Files = kept
}

// ForType keeps only the fields that belong to integration type t, so a
// config sent with another type's keys stores nothing foreign. A license
// key's fulfillment mode defaults to auto.
func (c IntegrationConfig) ForType(t string) IntegrationConfig {
	var o IntegrationConfig
	switch t {
	case "feature_flag":
		o.FeatureID, o.FeatureType = c.FeatureID, c.FeatureType
	case "github":
		o.TargetID, o.Permission = c.TargetID, c.Permission
	case "discord":
		o.GuildID, o.RoleID = c.GuildID, c.RoleID
	case "telegram":
		o.ChatID = c.ChatID
	case "figma":
		o.FigmaFileID = c.FigmaFileID
	case "framer":
		o.FramerTemplateID = c.FramerTemplateID
	case "notion":
		o.NotionTemplateID = c.NotionTemplateID
	case "digital_files":
		o.DigitalFileIDs, o.ExternalURL, o.Instructions, o.LegacyFileIDs = c.DigitalFileIDs, c.ExternalURL, c.Instructions, c.LegacyFileIDs
		o.Files = c.Files
	case "license_key":
		o.ActivationMessage, o.ActivationsLimit, o.DurationCount, o.DurationInterval = c.ActivationMessage, c.ActivationsLimit, c.DurationCount, c.DurationInterval
		o.FulfillmentMode = c.FulfillmentMode
		if o.FulfillmentMode == nil {
			auto := "auto"
			o.FulfillmentMode = &auto
		}
	}
	return o
}

// Validate checks every field rule of an entitlement.
func (e *Entitlement) Validate(pr *Problems) {
	checkText(pr, "name", e.Name, 1, MaxLabelLen)
	if e.Description != nil {
		checkText(pr, "description", *e.Description, 0, MaxDescriptionLen)
	}
	ValidateMetadata(pr, "metadata", e.Metadata)
	if !IntegrationTypes.Has(e.IntegrationType) {
		pr.Add("integration_type", "must be one of %s", IntegrationTypes)
		return
	}
	e.Config.validate(pr, "integration_config", e.IntegrationType)
}

func (c *IntegrationConfig) validate(pr *Problems, path string, t string) {
	required := func(field string, v *string) {
		if v == nil {
			pr.Add(path+"."+field, "is required for %s", t)
		} else {
			checkText(pr, path+"."+field, *v, 1, MaxLabelLen)
		}
	}
	oneOf := func(field string, v *string, set Set) {
		if v == nil {
			pr.Add(path+"."+field, "is required for %s", t)
		} else if !set.Has(*v) {
			pr.Add(path+"."+field, "must be one of %s", set)
		}
	}
	switch t {
	case "feature_flag":
		required("feature_id", c.FeatureID)
		oneOf("feature_type", c.FeatureType, FeatureTypes)
	case "github":
		required("target_id", c.TargetID)
		oneOf("permission", c.Permission, GitHubPermissions)
	case "discord":
		required("guild_id", c.GuildID)
		if c.RoleID != nil {
			checkText(pr, path+".role_id", *c.RoleID, 1, MaxLabelLen)
		}
	case "telegram":
		required("chat_id", c.ChatID)
	case "figma":
		required("figma_file_id", c.FigmaFileID)
	case "framer":
		required("framer_template_id", c.FramerTemplateID)
	case "notion":
		required("notion_template_id", c.NotionTemplateID)
	case "digital_files":
		if c.ExternalURL != nil {
			if u, err := url.Parse(*c.ExternalURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				pr.Add(path+".external_url", "must be an absolute http or https URL")
			}
		}
	case "license_key":
		if c.ActivationMessage != nil {
			checkText(pr, path+".activation_message", *c.ActivationMessage, 0, MaxActivationMessageLen)
		}
		if c.ActivationsLimit != nil && *c.ActivationsLimit < 0 {
			pr.Add(path+".activations_limit", "must be 0 or greater (omit it for unlimited)")
		}
		if (c.DurationCount == nil) != (c.DurationInterval == nil) {
			pr.Add(path+".duration_count", "duration_count and duration_interval must be set together, or both omitted for keys that never expire")
		}
		if c.DurationCount != nil && (*c.DurationCount < 1 || *c.DurationCount > maxFrequencyOrPeriodUnit) {
			pr.Add(path+".duration_count", "must be between 1 and %d", maxFrequencyOrPeriodUnit)
		}
		if c.DurationInterval != nil && !TimeIntervals.Has(*c.DurationInterval) {
			pr.Add(path+".duration_interval", "must be one of %s", TimeIntervals)
		}
		if c.FulfillmentMode != nil && !FulfillmentModes.Has(*c.FulfillmentMode) {
			pr.Add(path+".fulfillment_mode", "must be one of %s", FulfillmentModes)
		}
	}
}

// EntitlementPatch is a partial update of an entitlement. A nil pointer
// leaves the field unchanged. Config replaces the whole configuration,
// except LegacyFileIDs, which is tri-state on its own.
type EntitlementPatch struct {
	Name          *string
	Description   *string
	Metadata      *Metadata
	Config        *IntegrationConfig
	LegacyFileIDs Opt[[]string]
}

// Apply merges the patch into e. The caller validates the result.
func (u *EntitlementPatch) Apply(e *Entitlement) {
	setIf(&e.Name, u.Name)
	if u.Description != nil {
		e.Description = u.Description
	}
	if u.Metadata != nil {
		e.Metadata = *u.Metadata
	}
	if u.Config != nil {
		legacy, files := e.Config.LegacyFileIDs, e.Config.Files
		e.Config = u.Config.ForType(e.IntegrationType)
		e.Config.LegacyFileIDs, e.Config.Files = legacy, files
	}
	if u.LegacyFileIDs.Set && e.IntegrationType == "digital_files" {
		e.Config.LegacyFileIDs = u.LegacyFileIDs.V // nil when cleared
	}
}

// EntitlementFilter selects entitlements for a list page.
type EntitlementFilter struct {
	IntegrationType string
	Page            Page
}
