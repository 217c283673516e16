package dodo

import (
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// imageUploadOut answers PUT .../images: the signed URL the image's
// bytes are PUT to, and the image id to attach with PATCH image_id.
type imageUploadOut struct {
	URL     string `json:"url"`
	ImageID string `json:"image_id"`
}

// imageURL renders an image id as the URL that serves it; nil for none.
func (a *API) imageURL(id *string) *string {
	if id == nil || a.uploads == nil {
		return nil
	}
	u := a.uploads.ImageURL(*id)
	return &u
}

// uploadImage answers PUT /{resource}/{id}/images?force_update= for the
// objects of kind. Without force_update an object that has an image
// keeps its image id and the upload replaces the image's bytes; with it
// (or without an image) a new image id is made. image_id is always in
// the answer (the SDK types make it optional).
func (a *API) uploadImage(kind string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := query{v: r.URL.Query()}
		fresh := q.boolean("force_update")
		if q.err != nil {
			return q.err
		}
		if a.uploads == nil {
			return catalog.Errorf(catalog.KindInternal, catalog.Invalid, "uploads are not configured")
		}
		up, err := a.store.CreateImageUpload(r.Context(), face.Tenant(r), kind, r.PathValue("id"), fresh != nil && *fresh)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusOK, imageUploadOut{URL: a.uploads.UploadURL(up), ImageID: up.ID})
	}
}

type fileUploadIn struct {
	FileName *string `json:"file_name"`
}

type fileUploadOut struct {
	FileID string `json:"file_id"`
	URL    string `json:"url"`
}

// updateFiles answers PUT /products/{id}/files {file_name}: a new file
// id and the signed URL its bytes are PUT to (up to 500 MiB).
func (a *API) updateFiles(w http.ResponseWriter, r *http.Request) error {
	var in fileUploadIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	switch {
	case in.FileName == nil:
		pr.Add("file_name", "is required")
	case *in.FileName == "":
		pr.Add("file_name", "must not be empty")
	case len(*in.FileName) > catalog.MaxFileNameBytes:
		pr.Add("file_name", "must be at most %d bytes", catalog.MaxFileNameBytes)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if a.uploads == nil {
		return catalog.Errorf(catalog.KindInternal, catalog.Invalid, "uploads are not configured")
	}
	up, err := a.store.CreateFileUpload(r.Context(), face.Tenant(r), r.PathValue("id"), *in.FileName)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, fileUploadOut{FileID: up.ID, URL: a.uploads.UploadURL(up)})
}
