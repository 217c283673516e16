package dodo

// brandRoutes lists the brand and discount endpoints.
func (a *API) brandRoutes() []Route {
	return []Route{}
}
