package web

import "github.com/pricebook/pricebook/internal/catalog"

// EncodeKeyset is encodeKeyset for the external tests.
func EncodeKeyset(k *catalog.Keyset) string { return encodeKeyset(k.CreatedAt, k.ID) }
