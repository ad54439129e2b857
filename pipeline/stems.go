package pipeline

import (
	"context"
	"slices"

	"github.com/storyclust/storyclust/vectorize"
	"github.com/storyclust/storyclust/vectorize/parallel"
)

// termStems groups the run's terms by their Snowball stem in each language
// of the run, so that distinctive terms are counted with their inflections
// ("senator", "senators") and shown by the commonest of them. Terms of a
// language without a stemmer stay themselves.
type termStems struct {
	// of maps, per language of the articles, each term id to its stem id.
	of map[string][]int32
	// names holds each stem's surface form: the term among its own with
	// the most uses in the run, ties to the lower term id.
	names []string
}

// newTermStems stems every term of the run in every language its articles
// have. Each term is stemmed once per language, on workers goroutines.
func newTermStems(ctx context.Context, vec *vectorize.Result, workers int) (*termStems, error) {
	var langs []string
	for _, l := range vec.Languages {
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	slices.Sort(langs)
	uses := make([]float64, len(vec.Terms))
	for _, c := range vec.Counts {
		for k, t := range c.Terms {
			uses[t] += float64(c.Weights[k])
		}
	}
	ts := &termStems{of: map[string][]int32{}}
	ids := map[string]int32{}
	best := []int32{} // per stem, its surface term
	for _, l := range langs {
		stem := vectorize.Stemmer(l)
		keys := make([]string, len(vec.Terms))
		err := parallel.For(ctx, len(keys), workers, 4096, func(t int) {
			if stem == nil {
				keys[t] = "\x00" + vec.Terms[t] // the term itself, in any language
			} else {
				keys[t] = l + "\x00" + stem(vec.Terms[t])
			}
		})
		if err != nil {
			return nil, err
		}
		m := make([]int32, len(keys))
		for t, k := range keys {
			id, ok := ids[k]
			if !ok {
				id = int32(len(best))
				ids[k] = id
				best = append(best, int32(t))
			} else if b := best[id]; uses[t] > uses[b] {
				best[id] = int32(t)
			}
			m[t] = id
		}
		ts.of[l] = m
	}
	ts.names = make([]string, len(best))
	for id, t := range best {
		ts.names[id] = vec.Terms[t]
	}
	return ts, nil
}
