// Package uploads keeps the bytes of uploaded images and files in a blob
// store (gocloud.dev/blob: a directory, memory, or S3), hands out the
// short-lived signed URLs clients upload to and download from, and serves
// those URLs and the public image URLs. The uploads' rows are the
// store's; this package writes a blob before the store records it, so a
// row that says stored always has its bytes.
package uploads

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/blob/s3blob"
)

// Bucket is where the uploaded bytes live. Dir is the directory of a
// file bucket ("" for others): writes there are fsynced, which fileblob
// itself does not do (it only renames a temporary file into place).
type Bucket struct {
	*blob.Bucket
	Dir string
	// URL names the bucket for logs, without credentials.
	URL string
	// Ephemeral is true for memory: uploads end with the process.
	Ephemeral bool
	// Local is true for the default directory of a PostgreSQL server:
	// durable, but on this machine only.
	Local bool
}

// OpenBucket opens the blob store spec names: an s3:// URL (gocloud's
// s3blob, with its query parameters endpoint, region, use_path_style,
// ...; credentials from the AWS environment), file:///dir, mem://, or ""
// for the default: the directory "<db>.blobs" beside a SQLite file,
// memory for ":memory:", and for PostgreSQL (which has no place of its own
// for files) the directory "pricebook.blobs" in the working directory, so
// that an acknowledged upload survives a restart; Local says that other
// servers cannot see it, and serve warns.
func OpenBucket(ctx context.Context, spec, db string) (*Bucket, error) {
	local := false
	if spec == "" {
		switch {
		case db == ":memory:" || strings.HasPrefix(db, "file::memory:"):
			spec = "mem://"
		case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
			spec, local = "file://"+filepath.ToSlash(mustAbs("pricebook.blobs")), true
		default:
			spec = "file://" + filepath.ToSlash(mustAbs(db+".blobs"))
		}
	}
	u, err := url.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("--blobs %q: %w", spec, err)
	}
	switch u.Scheme {
	case "mem":
		return &Bucket{Bucket: memblob.OpenBucket(nil), URL: "mem://", Ephemeral: true}, nil
	case "file":
		dir := filepath.FromSlash(u.Path)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("--blobs: %w", err)
		}
		// Temporary files beside the final ones, so that the rename into
		// place never crosses a mount; no sidecar metadata, since the
		// database keeps what is known of each upload.
		b, err := fileblob.OpenBucket(dir, &fileblob.Options{NoTempDir: true, Metadata: fileblob.MetadataDontWrite})
		if err != nil {
			return nil, fmt.Errorf("--blobs: %w", err)
		}
		return &Bucket{Bucket: b, Dir: dir, URL: "file://" + filepath.ToSlash(dir), Local: local}, nil
	case "s3":
		b, err := (&s3blob.URLOpener{}).OpenBucketURL(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("--blobs: %w", err)
		}
		clean := *u
		clean.User = nil
		return &Bucket{Bucket: b, URL: clean.String()}, nil
	}
	return nil, fmt.Errorf("--blobs %q: the scheme must be s3, file or mem", spec)
}

func mustAbs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// sync makes a written file blob durable: the file and its directory.
func (b *Bucket) sync(key string) error {
	if b.Dir == "" {
		return nil
	}
	path := filepath.Join(b.Dir, filepath.FromSlash(key))
	for _, p := range []string{path, filepath.Dir(path)} {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
