package catalog

import "time"

// Upload purposes: what the uploaded bytes are for.
const (
	UploadImage = "image" // an object's image, served at a public URL
	UploadFile  = "file"  // a digital file, served by short-lived signed URLs
)

// Upload limits.
const (
	MaxImageBytes    = 10 << 20  // an image upload
	MaxFileBytes     = 500 << 20 // a digital file (Dodo's documented cap)
	MaxFileNameBytes = 255
)

// Upload is one uploaded object: an image or a file of one tenant, made
// for one target object (its kind and id), whose bytes live in the blob
// store under BlobKey once Stored.
type Upload struct {
	ID          string // a UUID; an image's image_id, a file's file_id
	Tenant      Tenant
	Purpose     string // UploadImage or UploadFile
	TargetKind  string // "product", "product_collection", "addon", "brand", "entitlement"
	TargetID    string
	FileName    string
	ContentType string
	Size        int64
	SHA256      string // hex of the bytes' SHA-256, the served ETag
	BlobKey     string
	CreatedAt   time.Time
	StoredAt    *time.Time // nil until the bytes arrived
	AttachedAt  *time.Time // nil until an object first named it
}

// Stored reports whether the upload's bytes have arrived.
func (u *Upload) Stored() bool { return u.StoredAt != nil }

// UploadPurge is what pruning an upload leaves to remove from the blob
// store: its key, "" when its bytes never arrived.
type UploadPurge struct {
	ID      string
	BlobKey string
}
