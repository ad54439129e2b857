package pipeline

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data"
)

// TestCanonicalOrder holds dedupe's sort and canonical to the order they
// define (undated first, then by instant, ties by id), over undated
// articles, equal instants in different zones, times a nanosecond apart and
// years far from today (before 1678 and after 2262, where UnixNano would
// overflow).
func TestCanonicalOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	zones := []*time.Location{time.UTC, time.FixedZone("A", 3600), time.FixedZone("B", -5*3600)}
	base := []time.Time{
		{},
		time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 12, 0, 0, 1, time.UTC),
		time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2500, 6, 1, 0, 0, 0, 999_999_999, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500, time.UTC),
	}
	want := func(a, b *data.Article) int {
		if az, bz := a.Published.IsZero(), b.Published.IsZero(); az != bz {
			if az {
				return -1
			}
			return 1
		}
		return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.ID, b.ID))
	}
	articles := make([]*data.Article, 2000)
	first := map[string]*data.Article{}
	for i := range articles {
		tm := base[r.IntN(len(base))]
		if !tm.IsZero() {
			tm = tm.Add(time.Duration(r.IntN(3)) * time.Second).In(zones[r.IntN(len(zones))])
		}
		a := &data.Article{ID: fmt.Sprintf("id-%04d", r.IntN(10_000)), Published: tm}
		articles[i] = a
		if first[a.ID] == nil {
			first[a.ID] = a
		}
	}
	var counts Counts
	got, ids := dedupe(articles, &counts)
	if counts.DuplicatesDropped != len(articles)-len(first) || len(got) != len(first) {
		t.Fatalf("dedupe kept %d and dropped %d of %d; want %d kept", len(got), counts.DuplicatesDropped, len(articles), len(first))
	}
	for k := range got {
		if a := first[ids[k]]; got[k].ID != ids[k] || !got[k].Published.Equal(a.Published) {
			t.Fatalf("position %d: %s %v, not the first article with id %s", k, got[k].ID, got[k].Published, ids[k])
		}
		if k > 0 && want(&got[k-1], &got[k]) >= 0 {
			t.Fatalf("positions %d, %d out of order: %v %s, then %v %s", k-1, k, got[k-1].Published, ids[k-1], got[k].Published, ids[k])
		}
	}
	for range 20_000 {
		a, b := articles[r.IntN(len(articles))], articles[r.IntN(len(articles))]
		if g, w := canonical(a, b, a.ID, b.ID), want(a, b); g != w {
			t.Fatalf("canonical(%v %s, %v %s) = %d, want %d", a.Published, a.ID, b.Published, b.ID, g, w)
		}
	}
}
