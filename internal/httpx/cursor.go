package httpx

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// EncodeKeyset makes the opaque cursor that continues a newest-first list
// after k: unpadded base64url of "<created_at micros>.<id>". Pricebook's own
// cursors (the Dodo face's webhook iterator, /_pricebook lists) all take
// this form; a vendor with a cursor format of its own keeps it.
func EncodeKeyset(k catalog.Keyset) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.CreatedAt.UnixMicro(), 10) + "." + k.ID))
}

// DecodeKeyset reads a cursor EncodeKeyset made; ok is false for anything
// else.
func DecodeKeyset(s string) (k catalog.Keyset, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return k, false
	}
	at, id, ok := strings.Cut(string(raw), ".")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || id == "" {
		return k, false
	}
	return catalog.Keyset{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, true
}
