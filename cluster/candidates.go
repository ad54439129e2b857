package cluster

import (
	"context"
	"slices"
	"sort"
	"sync/atomic"
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
// least minSim that lie within window of each other (pairs with an undated
// item always do). items must be in canonical order (see the package doc).
// Edges come sorted by (J, I).
//
// Each item is compared with earlier items through an inverted index: for
// its maxQueryTerms heaviest terms, the products of term weights with the
// most recent maxPostings postings in the window are summed per earlier
// item; the maxCandidates items with the highest sums get an exact cosine,
// and those whose calibrated cosine reaches minSim become edges. The cost per
// item is bounded by maxQueryTerms × maxPostings, not by the corpus.
//
// Memory: the postings of the window (an item id and a weight per term of
// each dated item within the window, and of every undated item) plus one
// float32 accumulator per item. Postings older than the window are dropped
// as the scan moves on.
func Candidates(ctx context.Context, items []Item, window time.Duration, minSim float64, maxPostings, maxCandidates int, done *atomic.Int64) ([]Edge, error) {
	postings := map[int32][]posting{}
	acc := make([]float32, len(items))
	var touched []int32
	var edges []Edge
	var qbuf []int
	firstDated := sort.Search(len(items), func(i int) bool { return !items[i].Time.IsZero() })
	for i := range items {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if done != nil && i > 0 {
				done.Add(4096)
			}
		}
		it := &items[i]
		dated := !it.Time.IsZero()
		for _, k := range queryTerms(it.Vec, maxQueryTerms, qbuf[:0]) {
			t := it.Vec.Terms[k]
			p := postings[t]
			// Postings hold undated items first, then dated ones in time order.
			undatedEnd := sort.Search(len(p), func(x int) bool { return int(p[x].item) >= firstDated })
			lo := undatedEnd
			if dated {
				from := it.Time.Add(-window)
				lo += sort.Search(len(p)-undatedEnd, func(x int) bool {
					return !items[p[undatedEnd+x].item].Time.Before(from)
				})
				// Later items start their window later still: drop what
				// has left it once that is most of the list.
				if stale := lo - undatedEnd; stale > 64 && stale > len(p)/2 {
					p = append(p[:undatedEnd], p[lo:]...)
					postings[t] = p
					lo = undatedEnd
				}
			}
			w := it.Vec.Weights[k]
			visit := func(ps []posting) {
				for _, q := range ps {
					if acc[q.item] == 0 {
						touched = append(touched, q.item)
					}
					acc[q.item] += w * q.weight
				}
			}
			// Scan at most maxPostings of the most recent undated and
			// dated postings: a term shared by more articles than that
			// in the window is a big story or a common word, and its most
			// recent articles are the likeliest neighbours.
			if !dated {
				lo = undatedEnd
			}
			visit(p[max(undatedEnd-maxPostings, 0):undatedEnd])
			visit(p[max(lo, len(p)-maxPostings):])
		}
		if len(touched) > maxCandidates {
			// Keep the items with the largest partial products; ties go
			// to the earlier item so that the choice is deterministic.
			slices.SortFunc(touched, func(a, b int32) int {
				if acc[a] != acc[b] {
					if acc[a] > acc[b] {
						return -1
					}
					return 1
				}
				return int(a - b)
			})
			for _, j := range touched[maxCandidates:] {
				acc[j] = 0
			}
			touched = touched[:maxCandidates]
		}
		slices.Sort(touched)
		for _, j := range touched {
			acc[j] = 0
			s := vectorize.Dot(items[j].Vec, it.Vec)
			if c := calibrate(s, &items[j], it); c >= minSim {
				edges = append(edges, Edge{I: j, J: int32(i), Sim: float32(c)})
			}
		}
		touched = touched[:0]
		for k, t := range it.Vec.Terms {
			postings[t] = append(postings[t], posting{item: int32(i), weight: it.Vec.Weights[k]})
		}
	}
	if done != nil {
		done.Add(int64(len(items) % 4096))
	}
	return edges, nil
}

// posting is one item's weight for a term.
type posting struct {
	item   int32
	weight float32
}

// maxQueryTerms is how many of an item's heaviest terms look for candidates.
const maxQueryTerms = 16

// queryTerms returns the indexes in v of its n heaviest terms (all of them
// when v has no more), in dst. Ties go to the lower term id.
func queryTerms(v vectorize.Vector, n int, dst []int) []int {
	for k := range v.Terms {
		dst = append(dst, k)
	}
	if len(dst) <= n {
		return dst
	}
	slices.SortFunc(dst, func(a, b int) int {
		if v.Weights[a] != v.Weights[b] {
			if v.Weights[a] > v.Weights[b] {
				return -1
			}
			return 1
		}
		return a - b
	})
	return dst[:n]
}
