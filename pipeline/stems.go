package pipeline

import (
	"context"
	"slices"
	"strings"

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

// minPhraseUses is how many uses in the run a two-word phrase needs to be
// compared in the framing table: rarer pairs are mostly chance.
const minPhraseUses = 3

// runPhrases are the run's two-word phrases (see vectorize.EachPhrase),
// counted by the stems of their words and shown as their commonest form.
// Their ids follow the stems' (first).
type runPhrases struct {
	first int32
	ids   map[string]int32
	names []string
	uses  []float64
	an    *vectorize.Analyzer
	stem  map[string]func(string) string // by language, nil for none
	title float64                        // how many times a title's phrase counts
}

// newRunPhrases counts the phrases of every article (titles counted as
// their words are, titleWeight times) and keeps those used at least
// minPhraseUses times.
func newRunPhrases(ctx context.Context, r *processed, first int32, titleWeight float64, workers int) (*runPhrases, error) {
	ph := &runPhrases{first: first, ids: map[string]int32{}, an: vectorize.NewAnalyzer(), stem: map[string]func(string) string{}, title: titleWeight}
	for _, l := range r.vec.Languages {
		if _, ok := ph.stem[l]; !ok {
			ph.stem[l] = vectorize.Stemmer(l)
		}
	}
	workers = max(workers, 1)
	counts := make([]map[string]float64, workers) // per worker: key, and key "\x01" surface
	for w := range counts {
		counts[w] = map[string]float64{}
	}
	err := parallel.Runs(ctx, len(r.articles), workers, 256, func(w, from, to int) {
		for i := from; i < to; i++ {
			ph.each(r, i, func(key, surface string, n float64) {
				counts[w][key] += n
				counts[w][key+"\x01"+surface] += n
			})
		}
	})
	if err != nil {
		return nil, err
	}
	total := counts[0]
	for _, c := range counts[1:] {
		for k, n := range c {
			total[k] += n // whole numbers: the same sum in any order
		}
	}
	var keys []string
	best := map[string]string{}
	for k, n := range total {
		key, surface, isSurface := strings.Cut(k, "\x01")
		if !isSurface {
			if n >= minPhraseUses {
				keys = append(keys, k)
			}
			continue
		}
		if b, ok := best[key]; !ok || n > total[key+"\x01"+b] || n == total[key+"\x01"+b] && surface < b {
			best[key] = surface
		}
	}
	slices.Sort(keys)
	for k, key := range keys {
		ph.ids[key] = first + int32(k)
		ph.names = append(ph.names, best[key])
		ph.uses = append(ph.uses, total[key])
	}
	return ph, nil
}

// each calls fn with the key, form and weight of each phrase of article i.
func (ph *runPhrases) each(r *processed, i int, fn func(key, surface string, n float64)) {
	a := &r.articles[i]
	lang := r.vec.Languages[i]
	stem := ph.stem[lang]
	var buf []byte
	for _, part := range []struct {
		text string
		n    float64
	}{{a.Title, ph.title}, {a.Text, 1}} {
		buf = ph.an.EachPhrase(part.text, lang, buf, func(p []byte) {
			surface := string(p)
			key := "\x00" + surface
			if stem != nil {
				w1, w2, _ := strings.Cut(surface, " ")
				key = lang + "\x00" + stem(w1) + " " + stem(w2)
			}
			fn(key, surface, part.n)
		})
	}
}

// add adds the phrases of article i that the run keeps to acc.
func (ph *runPhrases) add(r *processed, i int, acc *cluster.Accumulator) {
	ph.each(r, i, func(key, _ string, n float64) {
		if id, ok := ph.ids[key]; ok {
			acc.AddTerm(id, n)
		}
	})
}
