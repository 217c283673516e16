package store

import (
	"context"

	"github.com/pricebook/pricebook/internal/catalog"
)

// resetSteps empty a partition, children before the rows they name.
// Each deletes the partition's rows of one table; ? is the business and
// the mode, in that order. The primary brand stays: it mirrors the
// business and cannot be edited. Keys stay too.
var resetSteps = []struct{ kind, query string }{
	{"collection_items", "DELETE FROM collection_items WHERE collection_id IN (SELECT id FROM product_collections WHERE business_id = ? AND mode = ?)"},
	{"collection_groups", "DELETE FROM collection_groups WHERE collection_id IN (SELECT id FROM product_collections WHERE business_id = ? AND mode = ?)"},
	{"product_collections", "DELETE FROM product_collections WHERE business_id = ? AND mode = ?"},
	{"discount_products", "DELETE FROM discount_products WHERE discount_id IN (SELECT id FROM discounts WHERE business_id = ? AND mode = ?)"},
	{"discounts", "DELETE FROM discounts WHERE business_id = ? AND mode = ?"},
	{"localized_prices", "DELETE FROM localized_prices WHERE business_id = ? AND mode = ?"},
	{"short_links", "DELETE FROM short_links WHERE business_id = ? AND mode = ?"},
	{"plan_group_plans", "DELETE FROM plan_group_plans WHERE plan_group_id IN (SELECT id FROM plan_groups WHERE business_id = ? AND mode = ?)"},
	{"plan_groups", "DELETE FROM plan_groups WHERE business_id = ? AND mode = ?"},
	{"plans", "DELETE FROM plans WHERE business_id = ? AND mode = ?"},
	{"data_sources", "DELETE FROM data_sources WHERE business_id = ? AND mode = ?"},
	{"addons", "DELETE FROM addons WHERE business_id = ? AND mode = ?"},
	{"meters", "DELETE FROM meters WHERE business_id = ? AND mode = ?"},
	{"entitlements", "DELETE FROM entitlements WHERE business_id = ? AND mode = ?"},
	{"credit_entitlements", "DELETE FROM credit_entitlements WHERE business_id = ? AND mode = ?"},
	{"products", "DELETE FROM products WHERE business_id = ? AND mode = ?"},
	{"brands", "DELETE FROM brands WHERE business_id = ? AND mode = ? AND NOT is_primary"},
	{"webhook_rates", "DELETE FROM webhook_rates WHERE endpoint_id IN (SELECT id FROM webhook_endpoints WHERE business_id = ? AND mode = ?)"},
	{"webhook_deliveries", "DELETE FROM webhook_deliveries WHERE business_id = ? AND mode = ?"},
	{"webhook_endpoints", "DELETE FROM webhook_endpoints WHERE business_id = ? AND mode = ?"},
	{"events", "DELETE FROM events WHERE business_id = ? AND mode = ?"},
	{"idempotency_keys", "DELETE FROM idempotency_keys WHERE business_id = ? AND mode = ?"},
	{"fault_rules", "DELETE FROM fault_rules WHERE business_id = ? AND mode = ?"},
	{"test_clocks", "DELETE FROM test_clocks WHERE business_id = ? AND mode = ?"},
}

// Reset empties the tenant's test-mode partition in one transaction:
// every catalog object, journal event, webhook endpoint with its
// deliveries, upload, idempotency record, fault rule and the test clock.
// Other partitions are untouched. It returns how many rows each table
// lost, and the blobs of the uploads it removed, for the caller to delete
// once the rows are gone (as PruneUploads). Delivery jobs still queued
// find their endpoint gone and send nothing.
func (s *Store) Reset(ctx context.Context, tn catalog.Tenant) (map[string]int64, []catalog.UploadPurge, error) {
	if tn.Mode != catalog.ModeTest {
		return nil, nil, catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "Reset is for test-mode keys only")
	}
	var counts map[string]int64
	var blobs []catalog.UploadPurge
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		counts, blobs = map[string]int64{}, nil
		rows, err := t.query(ctx, "DELETE FROM uploads WHERE business_id = ? AND mode = ? RETURNING id, blob_key", tn.BusinessID, string(tn.Mode))
		if err != nil {
			return err
		}
		for rows.Next() {
			var p catalog.UploadPurge
			if err := rows.Scan(&p.ID, &p.BlobKey); err != nil {
				rows.Close()
				return err
			}
			blobs = append(blobs, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		counts["uploads"] = int64(len(blobs))
		t.emptied = append(t.emptied, tn)
		for _, step := range resetSteps {
			n, err := rowsAffected(t.exec(ctx, step.query, tn.BusinessID, string(tn.Mode)))
			if err != nil {
				return err
			}
			counts[step.kind] = n
		}
		return nil
	})
	s.forgetFaultRules()
	s.clocks.forget()
	return counts, blobs, wrap("Reset", err)
}
