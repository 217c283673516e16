package dodo

// brandRoutes lists the brand and discount endpoints. GET
// /discounts/code/{code} has one more segment than /discounts/{discount_id},
// so the two never match the same path whatever the order.
func (a *API) brandRoutes() []Route {
	return []Route{
		{"GET /brands", a.listBrands},
		{"POST /brands", a.createBrand},
		{"GET /brands/{id}", a.getBrand},
		{"PATCH /brands/{id}", a.updateBrand},
		{"POST /brands/{id}/archive", a.archiveBrand},

		{"GET /discounts", a.listDiscounts},
		{"POST /discounts", a.createDiscount},
		{"GET /discounts/code/{code}", a.getDiscountByCode},
		{"GET /discounts/{discount_id}", a.getDiscount},
		{"PATCH /discounts/{discount_id}", a.updateDiscount},
		{"DELETE /discounts/{discount_id}", a.deleteDiscount},
	}
}
