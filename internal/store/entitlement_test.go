package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// validConfigs is one valid config per integration type.
var validConfigs = map[string]catalog.IntegrationConfig{
	"feature_flag":  {FeatureID: ptr("pro"), FeatureType: ptr("boolean")},
	"github":        {TargetID: ptr("acme/repo"), Permission: ptr("pull")},
	"discord":       {GuildID: ptr("123"), RoleID: ptr("456")},
	"telegram":      {ChatID: ptr("-100123")},
	"figma":         {FigmaFileID: ptr("f1")},
	"framer":        {FramerTemplateID: ptr("t1")},
	"notion":        {NotionTemplateID: ptr("n1")},
	"digital_files": {DigitalFileIDs: []string{}, ExternalURL: ptr("https://example.com/dl"), Instructions: ptr("unzip")},
	"license_key":   {ActivationMessage: ptr("hi"), ActivationsLimit: ptr(int64(3)), DurationCount: ptr(int64(1)), DurationInterval: ptr("Year")},
}

func TestEntitlementTypes(t *testing.T) {
	invalid := map[string]struct {
		typ string
		cfg catalog.IntegrationConfig
	}{
		"feature_flag without id":        {"feature_flag", catalog.IntegrationConfig{FeatureType: ptr("boolean")}},
		"feature_flag non-boolean":       {"feature_flag", catalog.IntegrationConfig{FeatureID: ptr("x"), FeatureType: ptr("number")}},
		"feature_flag without type":      {"feature_flag", catalog.IntegrationConfig{FeatureID: ptr("x")}},
		"github without target":          {"github", catalog.IntegrationConfig{Permission: ptr("pull")}},
		"github bad permission":          {"github", catalog.IntegrationConfig{TargetID: ptr("a/b"), Permission: ptr("owner")}},
		"discord without guild":          {"discord", catalog.IntegrationConfig{RoleID: ptr("1")}},
		"telegram without chat":          {"telegram", catalog.IntegrationConfig{}},
		"telegram empty chat":            {"telegram", catalog.IntegrationConfig{ChatID: ptr("")}},
		"figma without file":             {"figma", catalog.IntegrationConfig{}},
		"framer without template":        {"framer", catalog.IntegrationConfig{FigmaFileID: ptr("wrong type's key")}},
		"notion without template":        {"notion", catalog.IntegrationConfig{}},
		"digital_files relative url":     {"digital_files", catalog.IntegrationConfig{ExternalURL: ptr("/dl")}},
		"license_key count alone":        {"license_key", catalog.IntegrationConfig{DurationCount: ptr(int64(1))}},
		"license_key interval alone":     {"license_key", catalog.IntegrationConfig{DurationInterval: ptr("Month")}},
		"license_key lowercase interval": {"license_key", catalog.IntegrationConfig{DurationCount: ptr(int64(1)), DurationInterval: ptr("month")}},
		"license_key negative limit":     {"license_key", catalog.IntegrationConfig{ActivationsLimit: ptr(int64(-1))}},
		"license_key long message":       {"license_key", catalog.IntegrationConfig{ActivationMessage: ptr(strings.Repeat("m", 2501))}},
		"license_key bad fulfillment":    {"license_key", catalog.IntegrationConfig{FulfillmentMode: ptr("later")}},
		"unknown type":                   {"slack", catalog.IntegrationConfig{}},
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		for typ, cfg := range validConfigs {
			// Every other type's fields ride along and must be dropped.
			mixed := cfg
			mixed.FeatureID, mixed.ChatID = ptr("foreign"), ptr("foreign")
			if typ == "feature_flag" || typ == "telegram" {
				mixed = cfg
			}
			e := &catalog.Entitlement{Name: typ, IntegrationType: typ, Config: mixed}
			if err := st.CreateEntitlement(ctx, tn, e); err != nil {
				t.Errorf("%s: %v", typ, err)
				continue
			}
			got, err := st.GetEntitlement(ctx, tn, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if typ != "feature_flag" && typ != "telegram" && (got.Config.FeatureID != nil || got.Config.ChatID != nil) {
				t.Errorf("%s kept another type's fields: %+v", typ, got.Config)
			}
			if typ == "license_key" && (got.Config.FulfillmentMode == nil || *got.Config.FulfillmentMode != "auto") {
				t.Errorf("license_key fulfillment_mode defaults to auto, got %v", got.Config.FulfillmentMode)
			}
		}
		for name, c := range invalid {
			e := &catalog.Entitlement{Name: name, IntegrationType: c.typ, Config: c.cfg}
			if err := st.CreateEntitlement(ctx, tn, e); kindOf(err) != catalog.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if list, _ := items(st.ListEntitlements(ctx, tn, catalog.EntitlementFilter{Page: catalog.Page{Size: 100}})); len(list) != len(validConfigs) {
			t.Errorf("%d entitlements stored, want %d", len(list), len(validConfigs))
		}
		list, _ := items(st.ListEntitlements(ctx, tn, catalog.EntitlementFilter{IntegrationType: "github", Page: catalog.Page{Size: 100}}))
		if len(list) != 1 || list[0].IntegrationType != "github" {
			t.Errorf("integration_type filter: %v", list)
		}
	})
}

func TestEntitlementUpdateDelete(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		e := flag("Pro")
		e.Metadata = catalog.Metadata{"k": []byte(`1`)}
		if err := st.CreateEntitlement(ctx, tn, e); err != nil {
			t.Fatal(err)
		}
		up, err := st.UpdateEntitlement(ctx, tn, e.ID, &catalog.EntitlementPatch{Name: ptr("Pro+"),
			Config: &catalog.IntegrationConfig{FeatureID: ptr("pro_plus"), FeatureType: ptr("boolean")}})
		if err != nil || up.Name != "Pro+" || *up.Config.FeatureID != "pro_plus" || string(up.Metadata["k"]) != "1" {
			t.Errorf("update: %+v %v", up, err)
		}
		// The config is checked against the entitlement's own type.
		_, err = st.UpdateEntitlement(ctx, tn, e.ID, &catalog.EntitlementPatch{Config: &catalog.IntegrationConfig{ChatID: ptr("1")}})
		wantReason(t, "config of another type", err, catalog.Invalid, "integration_config.feature_id")

		files := &catalog.Entitlement{Name: "Files", IntegrationType: "digital_files", Config: validConfigs["digital_files"]}
		files.Config.LegacyFileIDs = []string{"f"} // stands in for a legacy file the store keeps
		if err := st.CreateEntitlement(ctx, tn, files); err != nil {
			t.Fatal(err)
		}
		up, _ = st.UpdateEntitlement(ctx, tn, files.ID, &catalog.EntitlementPatch{Config: &catalog.IntegrationConfig{Instructions: ptr("new")}})
		if len(up.Config.LegacyFileIDs) != 1 || *up.Config.Instructions != "new" || up.Config.ExternalURL != nil {
			t.Errorf("omitted legacy_file_ids must be kept, the rest replaced: %+v", up.Config)
		}
		up, _ = st.UpdateEntitlement(ctx, tn, files.ID, &catalog.EntitlementPatch{Config: &catalog.IntegrationConfig{}, LegacyFileIDs: catalog.Null[[]string]()})
		if up.Config.LegacyFileIDs != nil {
			t.Errorf("null legacy_file_ids must clear: %+v", up.Config)
		}

		if err := st.DeleteEntitlement(ctx, tn, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetEntitlement(ctx, tn, e.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("get after delete: %v", err)
		}
		if _, err := st.UpdateEntitlement(ctx, tn, e.ID, &catalog.EntitlementPatch{Name: ptr("x")}); kindOf(err) != catalog.KindNotFound {
			t.Errorf("update after delete: %v", err)
		}
		if err := st.DeleteEntitlement(ctx, tn, e.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("second delete: %v", err)
		}
		list, _ := items(st.ListEntitlements(ctx, tn, catalog.EntitlementFilter{Page: catalog.Page{Size: 10}}))
		if len(list) != 1 || list[0].ID != files.ID {
			t.Errorf("a deleted entitlement is listed: %v", list)
		}
		if err := st.DeleteEntitlement(ctx, storetest.Tenant(t, st), files.ID); kindOf(err) != catalog.KindNotFound {
			t.Errorf("another tenant deleted it: %v", err)
		}
	})
}
