package catalog

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Brand verification statuses.
const (
	VerificationSuccess = "Success"
	VerificationReview  = "Review"
)

// Statement descriptor limits, as card networks print them.
const (
	MinStatementDescriptorLen = 5
	MaxStatementDescriptorLen = 22
	maxBrandURLLen            = 2000
	maxEmailLen               = 254
)

// Brand is a business's public face: the name, descriptor and support
// contacts its customers see. Every business has one primary brand, whose
// id is the business id; it cannot be edited or archived through the API.
type Brand struct {
	ID                  string
	BusinessID          string
	Primary             bool
	Name                *string
	Description         *string
	StatementDescriptor string
	SupportEmail        *string
	URL                 *string
	ImageID             *string
	ReasonForHold       *string
	Enabled             bool
	VerificationEnabled bool
	VerificationStatus  string
	ArchivedAt          *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// BrandFilter selects brands for a list (the whole list: brands are not
// paged).
type BrandFilter struct {
	IncludeArchived bool
}

// BrandPatch is the input of brand create and update. A nil field is left
// unchanged (null means "no change" too); an empty description, support
// email or url clears the field, since null cannot.
type BrandPatch struct {
	Name                *string
	Description         *string
	StatementDescriptor *string
	SupportEmail        *string
	URL                 *string
	// ImageID names an uploaded image; the store checks it exists.
	ImageID *string
}

// Validate checks every field that was sent.
func (u *BrandPatch) Validate(pr *Problems) {
	if u.Name != nil {
		checkText(pr, "name", *u.Name, 1, MaxNameLen)
	}
	if u.Description != nil {
		checkText(pr, "description", *u.Description, 0, MaxDescriptionLen)
	}
	if d := u.StatementDescriptor; d != nil {
		checkStatementDescriptor(pr, *d)
	}
	if e := u.SupportEmail; e != nil && *e != "" {
		if a, err := mail.ParseAddress(*e); err != nil || a.Address != *e || len(*e) > maxEmailLen {
			pr.Add("support_email", "must be a plain email address such as help@example.com")
		}
	}
	if s := u.URL; s != nil && *s != "" {
		v, err := url.Parse(*s)
		if err != nil || (v.Scheme != "http" && v.Scheme != "https") || v.Host == "" || len(*s) > maxBrandURLLen {
			pr.Add("url", "must be an absolute http or https URL of at most %d characters", maxBrandURLLen)
		}
	}
}

func checkStatementDescriptor(pr *Problems, d string) {
	n := utf8.RuneCountInString(d)
	switch {
	case n < MinStatementDescriptorLen || n > MaxStatementDescriptorLen:
		pr.Add("statement_descriptor", "must be %d to %d characters, got %d", MinStatementDescriptorLen, MaxStatementDescriptorLen, n)
	case strings.ContainsAny(d, `<>\'"*`):
		pr.Add("statement_descriptor", `must not contain any of < > \ ' " *`)
	case !strings.ContainsFunc(d, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }):
		pr.Add("statement_descriptor", "must contain at least one letter")
	}
}

// Apply merges the patch into b. Empty optional strings clear.
func (u *BrandPatch) Apply(b *Brand) {
	if u.Name != nil {
		b.Name = u.Name
	}
	if u.StatementDescriptor != nil {
		b.StatementDescriptor = *u.StatementDescriptor
	}
	b.Description = clearable(b.Description, u.Description)
	b.SupportEmail = clearable(b.SupportEmail, u.SupportEmail)
	b.URL = clearable(b.URL, u.URL)
	if u.ImageID != nil {
		b.ImageID = u.ImageID
	}
}

func clearable(cur, v *string) *string {
	switch {
	case v == nil:
		return cur
	case *v == "":
		return nil
	}
	return v
}

// BrandArchive reports what archiving a brand did.
type BrandArchive struct {
	BrandID            string
	ArchivedAt         time.Time
	ProductsMoved      int
	CollectionsMoved   int
	SubscriptionsMoved int
	// MovedTo is the brand that received the products, "" when none was named.
	MovedTo string
}
