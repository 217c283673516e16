package web

import (
	"html/template"
	"net/url"
	"strings"
)

// funcs are the templates' helpers; each returns text the template
// escapes.
var funcs = template.FuncMap{
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
	"query": url.QueryEscape,
	"join":  strings.Join,
	"split": strings.Fields,
	"upper": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}
