package pipeline

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/storyclust/storyclust/data"
)

// TestCanonicalKey holds the keys dedupe sorts to canonical's order, over
// undated articles, equal instants in different zones, times a nanosecond
// apart and years far from today (before 1678 and after 2262, where
// UnixNano would overflow).
func TestCanonicalKey(t *testing.T) {
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
	articles := make([]*data.Article, 2000)
	ids := make([]string, len(articles))
	for i := range articles {
		tm := base[r.IntN(len(base))]
		if !tm.IsZero() {
			tm = tm.Add(time.Duration(r.IntN(3)) * time.Second).In(zones[r.IntN(len(zones))])
		}
		articles[i] = &data.Article{Published: tm}
		ids[i] = fmt.Sprintf("id-%04d", r.IntN(10_000))
	}
	want := make([]int32, len(articles))
	keys := make([]canonicalKey, len(articles))
	for i := range articles {
		want[i] = int32(i)
		keys[i] = keyOf(articles[i], int32(i))
	}
	slices.SortStableFunc(want, func(x, y int32) int { return canonical(articles[x], articles[y], ids[x], ids[y]) })
	slices.SortStableFunc(keys, func(x, y canonicalKey) int { return x.compare(y, ids) })
	for k := range want {
		if keys[k].i != want[k] {
			a, b := articles[keys[k].i], articles[want[k]]
			t.Fatalf("position %d: key order has %v %s, canonical %v %s", k, a.Published, ids[keys[k].i], b.Published, ids[want[k]])
		}
	}
}
