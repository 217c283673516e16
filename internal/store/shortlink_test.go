package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestShortLinks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		p, q := oneTime("Pro", 1999), oneTime("Team", 4999)
		for _, x := range []*catalog.Product{p, q} {
			if err := st.CreateProduct(ctx, tn, x); err != nil {
				t.Fatal(err)
			}
		}
		l := &catalog.ShortLink{ProductID: p.ID, Slug: "pro-2", Params: map[string]string{"quantity": "2", "email": "a@example.com"}}
		if err := st.CreateShortLink(ctx, tn, l); err != nil {
			t.Fatal(err)
		}
		if l.BusinessID != tn.BusinessID || l.Mode != tn.Mode || l.CreatedAt.IsZero() {
			t.Errorf("created %+v", l)
		}
		if got := l.CheckoutPath(); got != "/buy/"+p.ID+"?email=a%40example.com&quantity=2" {
			t.Errorf("checkout path %s", got)
		}
		if err := st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: q.ID, Slug: "team"}); err != nil {
			t.Fatal(err)
		}

		// A taken slug is a conflict, also for another product; nothing is written.
		err := st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: q.ID, Slug: "pro-2"})
		if reasonOf(err) != catalog.SlugTaken || catalog.ErrorKind(err) != catalog.KindConflict {
			t.Errorf("taken slug: %v", err)
		}
		all, err := items(st.ListShortLinks(ctx, tn, catalog.ShortLinkFilter{Page: catalog.Page{Size: 10}}))
		if err != nil || len(all) != 2 || all[0].Slug != "team" || all[1].Slug != "pro-2" || all[1].Params["quantity"] != "2" {
			t.Fatalf("list %v: %+v", err, all)
		}
		one, _ := items(st.ListShortLinks(ctx, tn, catalog.ShortLinkFilter{ProductID: p.ID, Page: catalog.Page{Size: 10}}))
		if len(one) != 1 || one[0].ID != l.ID {
			t.Errorf("product filter: %+v", one)
		}
		page1, _ := items(st.ListShortLinks(ctx, tn, catalog.ShortLinkFilter{Page: catalog.Page{Size: 1, Number: 1}}))
		if len(page1) != 1 || page1[0].ID != l.ID {
			t.Errorf("page 1: %+v", page1)
		}

		// Unknown and archived products.
		if err := st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: "pdt_nope", Slug: "nope"}); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("unknown product: %v", err)
		}
		if err := st.ArchiveProduct(ctx, tn, q.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: q.ID, Slug: "gone"}); reasonOf(err) != catalog.ProductArchived {
			t.Errorf("archived product: %v", err)
		}

		// Validation names the field.
		for _, bad := range []*catalog.ShortLink{
			{ProductID: p.ID, Slug: "a"},
			{ProductID: p.ID, Slug: "has space"},
			{ProductID: p.ID, Slug: "ok-slug", Params: map[string]string{"quantity": "0"}},
			{ProductID: p.ID, Slug: "ok-slug", Params: map[string]string{"redirect_url": "javascript:alert(1)"}},
			{ProductID: p.ID, Slug: "ok-slug", Params: map[string]string{"bad key": "x"}},
		} {
			if err := st.CreateShortLink(ctx, tn, bad); catalog.ErrorKind(err) != catalog.KindInvalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}

		// Resolving: by slug in the tenant, and the checkout pair.
		got, err := st.GetShortLinkBySlug(ctx, tn, "pro-2")
		if err != nil || got.ID != l.ID {
			t.Errorf("by slug: %v %+v", err, got)
		}
		if _, err := st.GetShortLinkBySlug(ctx, tn, "PRO-2"); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("slugs are case-sensitive: %v", err)
		}
		sl, prod, err := st.StaticCheckout(ctx, p.ID, map[string]string{"email": "a@example.com", "quantity": "2"})
		if err != nil || sl.ID != l.ID || prod.Name != "Pro" {
			t.Errorf("checkout: %v", err)
		}
		for _, params := range []map[string]string{nil, {"quantity": "3", "email": "a@example.com"}, {"quantity": "2"}} {
			if _, _, err := st.StaticCheckout(ctx, p.ID, params); catalog.ErrorKind(err) != catalog.KindNotFound {
				t.Errorf("tampered params %v: %v", params, err)
			}
		}
		if _, prod, err := st.StaticCheckout(ctx, q.ID, nil); err != nil || !prod.Archived {
			t.Errorf("checkout of an archived product: %v", err)
		}

		// Another tenant sees nothing and may use the same slug.
		other := storetest.Tenant(t, st)
		if _, err := st.GetShortLinkBySlug(ctx, other, "pro-2"); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("other tenant by slug: %v", err)
		}
		if err := st.CreateShortLink(ctx, other, &catalog.ShortLink{ProductID: p.ID, Slug: "x-other"}); catalog.ErrorKind(err) != catalog.KindNotFound {
			t.Errorf("other tenant's product: %v", err)
		}
		r := oneTime("Theirs", 1)
		if err := st.CreateProduct(ctx, other, r); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateShortLink(ctx, other, &catalog.ShortLink{ProductID: r.ID, Slug: "pro-2"}); err != nil {
			t.Errorf("same slug in another tenant: %v", err)
		}
		theirs, _ := items(st.ListShortLinks(ctx, other, catalog.ShortLinkFilter{ProductID: p.ID, Page: catalog.Page{Size: 10}}))
		if len(theirs) != 0 {
			t.Errorf("other tenant lists %+v", theirs)
		}
	})
}

func TestShortLinkSlugRace(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		p := oneTime("Pro", 100)
		if err := st.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		const n = 12
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = st.CreateShortLink(ctx, tn, &catalog.ShortLink{ProductID: p.ID, Slug: "race",
					Params: map[string]string{"quantity": fmt.Sprint(i + 1)}})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case reasonOf(err) != catalog.SlugTaken:
				t.Errorf("loser: %v", err)
			}
		}
		list, _ := items(st.ListShortLinks(ctx, tn, catalog.ShortLinkFilter{Page: catalog.Page{Size: 50}}))
		if won != 1 || len(list) != 1 {
			t.Errorf("%d creates won, %d stored; want 1 and 1", won, len(list))
		}
	})
}
