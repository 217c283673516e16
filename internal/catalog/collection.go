package catalog

import "time"

// Collection policy enums.
var (
	EffectiveAt       = setOf("immediately", "next_billing_date")
	OnPaymentFailure  = setOf("prevent_change", "apply_change")
	ProrationBillings = setOf("prorated_immediately", "full_immediately", "difference_immediately", "do_not_bill")
)

// MaxGroupsPerCollection and MaxProductsPerRequest bound what one request
// may create, so no single request can hold the writer for long.
const (
	MaxGroupsPerCollection = 100
	MaxProductsPerRequest  = 500
)

// Collection is a product collection: ordered groups of product
// memberships, plus upgrade and downgrade policy (nil = inherit).
type Collection struct {
	ID                     string
	BusinessID             string
	BrandID                string
	Name                   string
	Description            *string
	ImageID                *string
	EffectiveAtOnDowngrade *string
	EffectiveAtOnUpgrade   *string
	OnPaymentFailure       *string
	ProrationOnDowngrade   *string
	ProrationOnUpgrade     *string
	Archived               bool
	CreatedAt, UpdatedAt   time.Time
	Groups                 []CollectionGroup
	ProductsCount          int // filled by lists
}

// CollectionGroup is an ordered group of memberships.
type CollectionGroup struct {
	ID     string
	Name   *string
	Status bool
	Items  []CollectionItem
}

// CollectionItem is one product's membership in a group. Product is the
// product as it is now.
type CollectionItem struct {
	ID        string
	ProductID string
	Status    bool
	Product   *Product
}

// GroupInput is a group to create.
type GroupInput struct {
	Name     *string
	Status   bool
	Products []ItemInput
}

// ItemInput is a membership to create.
type ItemInput struct {
	ProductID string
	Status    bool
}

// CollectionPatch updates a collection; Opt fields clear on null.
type CollectionPatch struct {
	Name                   *string
	Description            Opt[string]
	ImageID                Opt[string]
	BrandID                *string
	GroupOrder             *[]string
	EffectiveAtOnDowngrade Opt[string]
	EffectiveAtOnUpgrade   Opt[string]
	OnPaymentFailure       Opt[string]
	ProrationOnDowngrade   Opt[string]
	ProrationOnUpgrade     Opt[string]
}

// GroupPatch updates a group; Name clears on null.
type GroupPatch struct {
	Name         Opt[string]
	ProductOrder *[]string
	Status       *bool
}

// CollectionFilter selects collections for a list page.
type CollectionFilter struct {
	Archived bool
	BrandID  string
	Page     Page
}

// Validate checks the collection's own fields and its new groups.
func (c *Collection) Validate(pr *Problems, groups []GroupInput) {
	checkText(pr, "name", c.Name, 1, MaxNameLen)
	if c.Description != nil {
		checkText(pr, "description", *c.Description, 0, MaxDescriptionLen)
	}
	c.validatePolicy(pr)
	if len(groups) > MaxGroupsPerCollection {
		pr.Add("groups", "at most %d groups are allowed", MaxGroupsPerCollection)
	}
	names := map[string]bool{}
	products := map[string]bool{}
	total := 0
	for i, g := range groups {
		path := indexPath("groups", i)
		ValidateGroup(pr, path, g)
		if g.Name != nil {
			if names[*g.Name] {
				pr.Add(path+".group_name", "group name %q is used twice in this collection", *g.Name)
			}
			names[*g.Name] = true
		}
		for j, it := range g.Products {
			if products[it.ProductID] {
				pr.Add(indexPath(path+".products", j)+".product_id", "product %s is listed more than once", it.ProductID)
			}
			products[it.ProductID] = true
		}
		total += len(g.Products)
	}
	if total == 0 && len(groups) > 0 {
		pr.AddReason(CollectionEmpty, "groups", "a collection needs at least one product")
	}
	if len(groups) == 0 {
		pr.Add("groups", "at least one group is required")
	}
	if total > MaxProductsPerRequest {
		pr.Add("groups", "at most %d products per request", MaxProductsPerRequest)
	}
}

func (c *Collection) validatePolicy(pr *Problems) {
	check := func(path string, v *string, set Set) {
		if v != nil && !set.Has(*v) {
			pr.Add(path, "must be one of %s", set)
		}
	}
	check("effective_at_on_downgrade", c.EffectiveAtOnDowngrade, EffectiveAt)
	check("effective_at_on_upgrade", c.EffectiveAtOnUpgrade, EffectiveAt)
	check("on_payment_failure", c.OnPaymentFailure, OnPaymentFailure)
	check("proration_billing_mode_on_downgrade", c.ProrationOnDowngrade, ProrationBillings)
	check("proration_billing_mode_on_upgrade", c.ProrationOnUpgrade, ProrationBillings)
}

// ValidateGroup checks one group's fields at path.
func ValidateGroup(pr *Problems, path string, g GroupInput) {
	if g.Name != nil {
		checkText(pr, pathJoin(path, "group_name"), *g.Name, 1, MaxNameLen)
	}
	ValidateItems(pr, pathJoin(path, "products"), g.Products)
}

// ValidateItems checks memberships to add: ids present, none twice.
func ValidateItems(pr *Problems, path string, items []ItemInput) {
	if len(items) > MaxProductsPerRequest {
		pr.Add(path, "at most %d products per request", MaxProductsPerRequest)
	}
	seen := map[string]bool{}
	for i, it := range items {
		p := indexPath(path, i) + ".product_id"
		if it.ProductID == "" {
			pr.Add(p, "is required")
		} else if seen[it.ProductID] {
			pr.Add(p, "product %s is listed more than once", it.ProductID)
		}
		seen[it.ProductID] = true
	}
}

// Apply merges the patch into c, except GroupOrder, which the store
// applies to the groups.
func (u *CollectionPatch) Apply(c *Collection) {
	setIf(&c.Name, u.Name)
	applyOpt(&c.Description, u.Description)
	applyOpt(&c.ImageID, u.ImageID)
	setIf(&c.BrandID, u.BrandID)
	applyOpt(&c.EffectiveAtOnDowngrade, u.EffectiveAtOnDowngrade)
	applyOpt(&c.EffectiveAtOnUpgrade, u.EffectiveAtOnUpgrade)
	applyOpt(&c.OnPaymentFailure, u.OnPaymentFailure)
	applyOpt(&c.ProrationOnDowngrade, u.ProrationOnDowngrade)
	applyOpt(&c.ProrationOnUpgrade, u.ProrationOnUpgrade)
}

// ValidatePatched checks a collection after a patch.
func (c *Collection) ValidatePatched(pr *Problems) {
	checkText(pr, "name", c.Name, 1, MaxNameLen)
	if c.Description != nil {
		checkText(pr, "description", *c.Description, 0, MaxDescriptionLen)
	}
	c.validatePolicy(pr)
}

func applyOpt(dst **string, o Opt[string]) {
	if !o.Set {
		return
	}
	if o.Null {
		*dst = nil
		return
	}
	v := o.V
	*dst = &v
}

// CheckPermutation reports a problem at path unless order lists exactly
// the ids in have, each once.
func CheckPermutation(pr *Problems, path string, order, have []string) {
	want := make(map[string]bool, len(have))
	for _, id := range have {
		want[id] = true
	}
	seen := make(map[string]bool, len(order))
	for _, id := range order {
		if !want[id] {
			pr.Add(path, "%s is not one of the %d ids it must order", id, len(have))
			return
		}
		if seen[id] {
			pr.Add(path, "%s is listed more than once", id)
			return
		}
		seen[id] = true
	}
	if len(order) != len(have) {
		pr.Add(path, "must list all %d ids exactly once, got %d", len(have), len(order))
	}
}

func pathJoin(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
