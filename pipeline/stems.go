package pipeline

import (
	"bytes"
	"context"
	"slices"

	"github.com/storyclust/storyclust/cluster"
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
	// the most uses in the run, ties to the lower term id; uses holds how
	// often its terms are used in the articles of its language.
	names []string
	uses  []float64
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
	best := []int32{}     // per stem, its surface term
	var unstemmed []int32 // one map for every language without a stemmer
	for _, l := range langs {
		stem := vectorize.Stemmer(l)
		if stem == nil && unstemmed != nil {
			ts.of[l] = unstemmed
			continue
		}
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
		if stem == nil {
			unstemmed = m
		}
	}
	ts.names = make([]string, len(best))
	for id, t := range best {
		ts.names[id] = vec.Terms[t]
	}
	ts.uses = make([]float64, len(best))
	for i, c := range vec.Counts {
		m := ts.of[vec.Languages[i]]
		for k, t := range c.Terms {
			ts.uses[m[t]] += float64(c.Weights[k])
		}
	}
	return ts, nil
}

// minPhraseUses is how many uses a two-word phrase needs among the
// articles sampled (see phraseSample) to be counted: rarer pairs are
// mostly chance, and a count of every pair grows with every pair of words
// a run meets.
const minPhraseUses = 3

// phraseSample is how many articles, evenly spread, the phrase vocabulary
// is drawn from: all of them in a smaller run. It bounds the map of every
// pair of words met, which grows with the run (docs/PERFORMANCE.md, tried
// and dropped).
const phraseSample = 20_000

// runPhrases are the run's two-word phrases (see vectorize.EachPhrase):
// pairs of terms, counted by their stems (ids following the stems', from
// first) and shown in their commonest form. Each article's phrases are
// counted once, into perArticle.
type runPhrases struct {
	first      int32
	names      []string
	uses       []float64
	perArticle []vectorize.Vector
}

// phraseKey is a phrase by the stem ids of its two words.
type phraseKey uint64

// newRunPhrases finds the phrases used at least minPhraseUses times in a
// sample of the articles, then counts them in every article (titles
// counted as their words are, titleWeight times).
func newRunPhrases(ctx context.Context, r *processed, first int32, titleWeight float64, workers int) (*runPhrases, error) {
	an := vectorize.NewAnalyzer()
	termID := make(map[string]int32, len(r.vec.Terms))
	for id, t := range r.vec.Terms {
		termID[t] = int32(id)
	}
	// each calls fn with the key, the text and the weight of each phrase
	// of article i whose words are terms of the run; buf is the caller's
	// scratch space, returned for reuse.
	each := func(i int, buf []byte, fn func(k phraseKey, p []byte, n float64)) []byte {
		a := &r.articles[i]
		lang, stems := r.vec.Languages[i], r.stemsOf(i)
		for _, part := range []struct {
			text string
			n    float64
		}{{a.Title, titleWeight}, {a.Text, 1}} {
			buf = an.EachPhrase(part.text, lang, buf, func(p []byte) {
				sp := bytes.IndexByte(p, ' ')
				t1, ok1 := termID[string(p[:sp])]
				t2, ok2 := termID[string(p[sp+1:])]
				if ok1 && ok2 {
					fn(phraseKey(uint64(stems[t1])<<32|uint64(stems[t2])), p, part.n)
				}
			})
		}
		return buf
	}
	workers = max(workers, 1)
	n := len(r.articles)
	stride := max(1, (n+phraseSample-1)/phraseSample)
	sampled := make([]map[phraseKey]float64, workers)
	for w := range sampled {
		sampled[w] = map[phraseKey]float64{}
	}
	err := parallel.Runs(ctx, (n+stride-1)/stride, workers, 64, func(w, from, to int) {
		var buf []byte
		for k := from; k < to; k++ {
			buf = each(k*stride, buf, func(key phraseKey, _ []byte, c float64) { sampled[w][key] += c })
		}
	})
	if err != nil {
		return nil, err
	}
	for _, m := range sampled[1:] {
		for k, c := range m {
			sampled[0][k] += c // whole numbers: the same sum in any order
		}
	}
	var keys []phraseKey
	for k, c := range sampled[0] {
		if c >= minPhraseUses {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	sampled = nil
	ids := make(map[phraseKey]int32, len(keys))
	for k, key := range keys {
		ids[key] = int32(k)
	}
	// Every article's counts of the phrases kept, and how often each was
	// written each way.
	ph := &runPhrases{first: first, perArticle: make([]vectorize.Vector, n), uses: make([]float64, len(keys))}
	// Counts by form are held by pointer, so that a form met again is
	// looked up without making a string of it.
	forms := make([]map[int32]map[string]*float64, workers)
	for w := range forms {
		forms[w] = map[int32]map[string]*float64{}
	}
	err = parallel.Runs(ctx, n, workers, 64, func(w, from, to int) {
		acc := map[int32]float32{}
		var buf []byte
		for i := from; i < to; i++ {
			clear(acc)
			buf = each(i, buf, func(key phraseKey, p []byte, c float64) {
				id, ok := ids[key]
				if !ok {
					return
				}
				acc[id] += float32(c)
				f := forms[w][id]
				if f == nil {
					f = map[string]*float64{}
					forms[w][id] = f
				}
				if n := f[string(p)]; n != nil {
					*n += c
				} else {
					f[string(p)] = &c
				}
			})
			v := vectorize.Vector{Terms: make([]int32, 0, len(acc)), Weights: make([]float32, 0, len(acc))}
			for id := range acc {
				v.Terms = append(v.Terms, id)
			}
			slices.Sort(v.Terms)
			for k, id := range v.Terms {
				v.Terms[k] = first + id
				v.Weights = append(v.Weights, acc[id])
			}
			ph.perArticle[i] = v
		}
	})
	if err != nil {
		return nil, err
	}
	total := make([]map[string]float64, len(keys))
	for _, fw := range forms {
		for id, f := range fw {
			if total[id] == nil {
				total[id] = map[string]float64{}
			}
			for form, c := range f {
				total[id][form] += *c
			}
		}
	}
	// Each phrase's uses, and its commonest form (ties to the first by
	// bytes).
	ph.names = make([]string, len(keys))
	for id, f := range total {
		var best float64
		for form, c := range f {
			ph.uses[id] += c
			if c > best || c == best && form < ph.names[id] {
				best, ph.names[id] = c, form
			}
		}
	}
	return ph, nil
}

// add adds the phrases of article i to acc.
func (ph *runPhrases) add(i int, acc *cluster.Accumulator) {
	v := ph.perArticle[i]
	for k, id := range v.Terms {
		acc.AddTerm(id, float64(v.Weights[k]))
	}
}
