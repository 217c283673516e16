package dodo

// usageRoutes lists the addon, meter, entitlement and credit-entitlement
// endpoints. Not served: PUT /addons/{id}/images and the entitlement file
// uploads (uploads are not implemented), grants and balances.
func (a *API) usageRoutes() []Route {
	return []Route{
		{"GET /addons", a.listAddons},
		{"POST /addons", a.createAddon},
		{"GET /addons/{id}", a.getAddon},
		{"PATCH /addons/{id}", a.updateAddon},

		{"GET /meters", a.listMeters},
		{"POST /meters", a.createMeter},
		{"GET /meters/{id}", a.getMeter},
		{"DELETE /meters/{id}", a.archiveMeter},
		{"POST /meters/{id}/unarchive", a.unarchiveMeter},

		{"GET /entitlements", a.listEntitlements},
		{"POST /entitlements", a.createEntitlement},
		{"GET /entitlements/{id}", a.getEntitlement},
		{"PATCH /entitlements/{id}", a.updateEntitlement},
		{"DELETE /entitlements/{id}", a.deleteEntitlement},

		{"GET /credit-entitlements", a.listCredits},
		{"POST /credit-entitlements", a.createCredit},
		{"GET /credit-entitlements/{id}", a.getCredit},
		{"PATCH /credit-entitlements/{id}", a.updateCredit},
		{"DELETE /credit-entitlements/{id}", a.deleteCredit},
		{"POST /credit-entitlements/{id}/undelete", a.undeleteCredit},
	}
}
