package vectorize

import (
	"context"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/james-bowman/nlp"
	"github.com/james-bowman/sparse"
	"golang.org/x/sync/errgroup"
)

// Config sets how documents are weighed. The zero value gives the defaults.
type Config struct {
	// TitleWeight is how many times a title token counts against a body
	// token. Zero means DefaultTitleWeight.
	TitleWeight float64
	// MaxTextBytes is how much of each body is read. Zero means
	// DefaultMaxTextBytes.
	MaxTextBytes int
	// Workers is the number of goroutines that analyse text. Zero means one.
	Workers int
	// Done, when not nil, counts the documents analysed so far, for
	// progress reports.
	Done *atomic.Int64
}

const (
	DefaultTitleWeight  = 2.0
	DefaultMaxTextBytes = 32 << 10
)

// Doc is the text of one document to vectorise.
type Doc struct {
	Title, Text, Outlet string
	Language            string // as given; empty to detect
}

// Result holds the vectors of a collection of documents.
type Result struct {
	Vectors   []Vector // one per document, in the order given
	Terms     []string // term id -> term
	Languages []string // per document: as given, detected, or the outlet's or collection's most common
	Detected  int      // documents whose language was detected or inferred
	Empty     int      // documents left without any token
}

// boilerplateMinDocs is how many articles of one outlet must share a line
// for it to count as boilerplate; boilerplateMaxLen the longest such line.
const (
	boilerplateMinDocs = 3
	boilerplateMaxLen  = 400
)

// Vectorize analyses docs and returns their TF-IDF vectors. It holds every
// document's tokens until the vectors are built.
func Vectorize(ctx context.Context, docs []Doc, cfg Config) (*Result, error) {
	if cfg.TitleWeight <= 0 {
		cfg.TitleWeight = DefaultTitleWeight
	}
	if cfg.MaxTextBytes <= 0 {
		cfg.MaxTextBytes = DefaultMaxTextBytes
	}
	an := NewAnalyzer()
	res := &Result{Languages: make([]string, len(docs))}

	// Languages: given, else detected, else the most common language of the
	// outlet, else of the collection.
	if err := parallel(ctx, len(docs), cfg.Workers, func(i int) {
		if l := baseLang(docs[i].Language); l != "" {
			res.Languages[i] = l
			return
		}
		res.Languages[i] = an.DetectLanguage(docs[i].Title + "\n" + docs[i].Text)
	}); err != nil {
		return nil, err
	}
	res.Detected = inferLanguages(docs, res.Languages)

	seed := maphash.MakeSeed()
	boiler := findBoilerplate(docs, seed)

	type tokens struct{ title, body []string }
	toks := make([]tokens, len(docs))
	if err := parallel(ctx, len(docs), cfg.Workers, func(i int) {
		d := &docs[i]
		lang := res.Languages[i]
		var buf []byte
		var name []string
		name, buf = an.Tokens(nil, d.Outlet, "", buf)
		var t tokens
		t.title, buf = an.Tokens(nil, d.Title, lang, buf)
		t.title = removePhrase(t.title, name)
		text := d.Text
		if len(text) > cfg.MaxTextBytes {
			text = text[:cfg.MaxTextBytes]
		}
		if b := boiler[d.Outlet]; b != nil {
			text = stripLines(text, b, seed)
		}
		t.body, _ = an.Tokens(nil, text, lang, buf)
		t.body = removePhrase(t.body, name)
		toks[i] = t
		if cfg.Done != nil {
			cfg.Done.Add(1)
		}
	}); err != nil {
		return nil, err
	}

	// Count, in document order so that term ids do not depend on
	// scheduling: each document's sublinear term frequencies, sorted by
	// term, and each term's document frequency.
	vocab := map[string]int32{}
	counts := map[int32]float64{}
	var df []int
	res.Vectors = make([]Vector, len(docs))
	for i := range toks {
		clear(counts)
		for _, tok := range toks[i].title {
			counts[termID(vocab, &res.Terms, &df, tok)] += cfg.TitleWeight
		}
		for _, tok := range toks[i].body {
			counts[termID(vocab, &res.Terms, &df, tok)]++
		}
		toks[i] = tokens{}
		v := Vector{Terms: make([]int32, 0, len(counts)), Weights: make([]float32, 0, len(counts))}
		for id := range counts {
			v.Terms = append(v.Terms, id)
		}
		slices.Sort(v.Terms)
		for _, id := range v.Terms {
			v.Weights = append(v.Weights, float32(1+math.Log(counts[id]))) // sublinear tf
			df[id]++
		}
		res.Vectors[i] = v
	}
	if len(res.Terms) == 0 {
		res.Empty = len(docs)
		return res, nil
	}
	idf, err := inverseDocumentFrequency(res.Vectors, df)
	if err != nil {
		return nil, err
	}
	if err := parallel(ctx, len(docs), cfg.Workers, func(j int) {
		res.Vectors[j] = weigh(res.Vectors[j], idf)
	}); err != nil {
		return nil, err
	}
	for _, v := range res.Vectors {
		if v.Len() == 0 {
			res.Empty++
		}
	}
	return res, nil
}

// inverseDocumentFrequency returns the weight of each term as nlp's
// TfidfTransformer computes it, log((1+n)/(1+df)): it fits the transformer
// on the term-by-document matrix (built here directly in CSR form, which is
// what Fit reads) and transforms a column of ones to read the weights out.
// Applying them to each document is then a scaling of its sparse vector,
// which is much cheaper than nlp's general sparse product and conversions
// over the whole matrix (they took 9 of the 12 vectorising seconds on
// 100,000 articles).
func inverseDocumentFrequency(vecs []Vector, df []int) ([]float64, error) {
	terms := len(df)
	indptr := make([]int, terms+1)
	for t, n := range df {
		indptr[t+1] = indptr[t] + n
	}
	next := slices.Clone(indptr[:terms])
	ind := make([]int, indptr[terms])
	data := make([]float64, indptr[terms])
	for j, v := range vecs {
		for k, t := range v.Terms {
			ind[next[t]] = j
			data[next[t]] = float64(v.Weights[k])
			next[t]++
		}
	}
	tfidf := nlp.NewTfidfTransformer()
	tfidf.Fit(sparse.NewCSR(terms, len(vecs), indptr, ind, data))
	onesPtr := make([]int, terms+1)
	ones := make([]float64, terms)
	for t := range ones {
		onesPtr[t+1] = t + 1
		ones[t] = 1
	}
	w, err := tfidf.Transform(sparse.NewCSR(terms, 1, onesPtr, make([]int, terms), ones))
	if err != nil {
		return nil, err
	}
	idf := make([]float64, terms)
	for t := range idf {
		idf[t] = w.At(t, 0)
	}
	return idf, nil
}

// weigh multiplies a term-frequency vector by idf and normalises it to
// unit length, leaving out zero weights (terms found in every document).
func weigh(v Vector, idf []float64) Vector {
	var ss float64
	for k, t := range v.Terms {
		x := float64(v.Weights[k]) * idf[t]
		ss += x * x
	}
	if ss == 0 {
		return Vector{}
	}
	norm := math.Sqrt(ss)
	out := Vector{Terms: v.Terms[:0], Weights: v.Weights[:0]} // in place
	for k, t := range v.Terms {
		if x := float64(v.Weights[k]) * idf[t]; x != 0 {
			out.Terms = append(out.Terms, t)
			out.Weights = append(out.Weights, float32(x/norm))
		}
	}
	return out
}

func termID(vocab map[string]int32, terms *[]string, df *[]int, tok string) int32 {
	id, ok := vocab[tok]
	if !ok {
		id = int32(len(*terms))
		vocab[tok] = id
		*terms = append(*terms, tok)
		*df = append(*df, 0)
	}
	return id
}

// inferLanguages fills empty languages with the most common language of the
// document's outlet, else of the whole collection. It returns how many
// documents had no language given.
func inferLanguages(docs []Doc, langs []string) int {
	byOutlet := map[string]map[string]int{}
	all := map[string]int{}
	for i, l := range langs {
		if l == "" {
			continue
		}
		m := byOutlet[docs[i].Outlet]
		if m == nil {
			m = map[string]int{}
			byOutlet[docs[i].Outlet] = m
		}
		m[l]++
		all[l]++
	}
	overall := mostCommon(all)
	n := 0
	for i := range langs {
		if baseLang(docs[i].Language) != "" {
			continue
		}
		n++
		if langs[i] != "" {
			continue
		}
		if l := mostCommon(byOutlet[docs[i].Outlet]); l != "" {
			langs[i] = l
		} else {
			langs[i] = overall
		}
	}
	return n
}

func mostCommon(m map[string]int) string {
	best := ""
	for l, n := range m {
		if n > m[best] || n == m[best] && l < best {
			best = l
		}
	}
	return best
}

// findBoilerplate returns, per outlet, the hashes of the lines that at
// least boilerplateMinDocs of its articles share.
func findBoilerplate(docs []Doc, seed maphash.Seed) map[string]map[uint64]bool {
	counts := map[string]map[uint64]int{}
	seen := map[uint64]bool{}
	for _, d := range docs {
		if d.Outlet == "" || d.Text == "" {
			continue
		}
		clear(seen)
		m := counts[d.Outlet]
		for line := range strings.Lines(d.Text) {
			line = strings.TrimSpace(line)
			if line == "" || len(line) > boilerplateMaxLen {
				continue
			}
			h := maphash.String(seed, line)
			if seen[h] {
				continue
			}
			seen[h] = true
			if m == nil {
				m = map[uint64]int{}
				counts[d.Outlet] = m
			}
			m[h]++
		}
	}
	out := map[string]map[uint64]bool{}
	for outlet, m := range counts {
		for h, n := range m {
			if n >= boilerplateMinDocs {
				if out[outlet] == nil {
					out[outlet] = map[uint64]bool{}
				}
				out[outlet][h] = true
			}
		}
	}
	return out
}

// stripLines returns text without the lines whose hash is in drop.
func stripLines(text string, drop map[uint64]bool, seed maphash.Seed) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		if drop[maphash.String(seed, strings.TrimSpace(line))] {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// removePhrase deletes every occurrence of the token sequence phrase from
// toks, in place.
func removePhrase(toks, phrase []string) []string {
	if len(phrase) == 0 {
		return toks
	}
	j := 0
	for i := 0; i < len(toks); {
		if i+len(phrase) <= len(toks) && slices.Equal(toks[i:i+len(phrase)], phrase) {
			i += len(phrase)
			continue
		}
		toks[j] = toks[i]
		j++
		i++
	}
	return toks[:j]
}

// parallel calls fn for every index in [0, n) on up to workers goroutines.
// Each index is handled once; fn writes its result by index.
func parallel(ctx context.Context, n, workers int, fn func(i int)) error {
	workers = max(workers, 1)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	const chunk = 256
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			for i := lo; i < hi; i++ {
				fn(i)
			}
			return nil
		})
	}
	return g.Wait()
}
