package cluster

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/storyclust/storyclust/vectorize"
)

// Item is one article as the clusterer sees it.
type Item struct {
	Vec  vectorize.Vector
	Time time.Time // zero when the article has no date
}

// Edge is a candidate pair with its calibrated similarity (see calibrate); I < J.
type Edge struct {
	I, J int32
	Sim  float32
}

// Candidates returns the pairs of items with calibrated similarity of at
// least minSim that lie within window of each other (pairs with an undated item
// always do). items must be in canonical order (see the package doc).
// Edges come sorted by (J, I).
//
// Memory: the postings of every term (one int32 per item and term) and one
// uint32 mark per item.
func Candidates(ctx context.Context, items []Item, window time.Duration, minSim float64, maxPostings int) ([]Edge, error) {
	postings := map[int32][]int32{}
	mark := make([]uint32, len(items)) // mark[j] == i+1: j is already a candidate of i
	var touched []int32
	var edges []Edge
	firstDated := sort.Search(len(items), func(i int) bool { return !items[i].Time.IsZero() })
	for i := range items {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		it := &items[i]
		for _, t := range it.Vec.Terms {
			p := postings[t]
			lo := 0
			undatedEnd := sort.Search(len(p), func(x int) bool { return int(p[x]) >= firstDated })
			if !it.Time.IsZero() {
				from := it.Time.Add(-window)
				lo = undatedEnd + sort.Search(len(p)-undatedEnd, func(x int) bool {
					return !items[p[undatedEnd+x]].Time.Before(from)
				})
			}
			if undatedEnd+len(p)-lo > maxPostings {
				continue // too common within the window to propose candidates
			}
			visit := func(j int32) {
				if mark[j] != uint32(i+1) {
					mark[j] = uint32(i + 1)
					touched = append(touched, j)
				}
			}
			if !it.Time.IsZero() {
				for _, j := range p[:undatedEnd] {
					visit(j)
				}
				for _, j := range p[lo:] {
					visit(j)
				}
			} else {
				for _, j := range p {
					visit(j)
				}
			}
		}
		slices.Sort(touched)
		for _, j := range touched {
			s := vectorize.Dot(items[j].Vec, it.Vec)
			if c := calibrate(s, &items[j], it); c >= minSim {
				edges = append(edges, Edge{I: j, J: int32(i), Sim: float32(c)})
			}
		}
		touched = touched[:0]
		for _, t := range it.Vec.Terms {
			postings[t] = append(postings[t], int32(i))
		}
	}
	return edges, nil
}
