package dodo

// usageRoutes lists the addon, meter, entitlement and credit-entitlement
// endpoints.
func (a *API) usageRoutes() []Route {
	return []Route{}
}
