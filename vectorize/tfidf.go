package vectorize

import (
	"context"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/james-bowman/nlp"
	"github.com/james-bowman/sparse"
	"github.com/storyclust/storyclust/vectorize/parallel"
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
	// ReleaseText clears each document's Text in docs once it is analysed,
	// so that a caller who holds the texts only there frees them while the
	// vectors are built: the texts are not needed again, and would stay
	// beside the vectors (make bench's peak RSS).
	ReleaseText bool
	// KeepCounts keeps each document's raw term counts in Result.Counts,
	// for comparisons of word use (they cost as much memory as the vectors).
	KeepCounts bool
	// Done, when not nil, counts the documents analysed so far, for
	// progress reports.
	Done *atomic.Int64
	// Prior, when not nil, holds the document frequencies of the documents
	// seen by earlier runs: the idf is then taken over those documents and
	// the ones given here that are not marked Counted, and Result.DocFreq
	// holds the sum (Prior itself when all are Counted). Prior is not
	// modified.
	Prior *DocFreq
}

// DocFreq is how many documents of a collection contain each term.
type DocFreq struct {
	Docs  int
	Terms map[string]int
}

// Add adds the documents counted in o to d: the frequencies of two
// collections without a document in common.
func (d *DocFreq) Add(o *DocFreq) {
	if d.Terms == nil {
		d.Terms = make(map[string]int, len(o.Terms))
	}
	d.Docs += o.Docs
	for t, n := range o.Terms {
		d.Terms[t] += n
	}
}

// IDF is the weight of term over the documents counted in d, by the
// formula of nlp's TfidfTransformer (see inverseDocumentFrequency): the
// weight the vectors of a run with d as its prior give it.
func (d *DocFreq) IDF(term string) float64 {
	return math.Log(float64(1+d.Docs) / float64(1+d.Terms[term]))
}

const (
	DefaultTitleWeight  = 2.0
	DefaultMaxTextBytes = 32 << 10
)

// Doc is the text of one document to vectorise.
type Doc struct {
	Title, Text, Outlet string
	Language            string // as given; empty to detect
	// Counted marks a document already counted in Config.Prior, so that
	// it is not counted twice.
	Counted bool
}

// Result holds the vectors of a collection of documents.
type Result struct {
	Vectors   []Vector // one per document, in the order given
	Terms     []string // term id -> term
	Languages []string // per document: as given, detected, or the outlet's or collection's most common
	// Inferred marks the documents whose language was neither given nor
	// detected: Languages holds the outlet's or the collection's most
	// common one, which their words are analysed in, but their language
	// is unknown.
	Inferred []bool
	Given    int // documents whose language was given
	Detected int // documents whose language was detected
	Unknown  int // documents whose language is unknown (Inferred)
	Empty    int // documents left without any token
	// Counts holds, when Config.KeepCounts is set, each document's term
	// counts (title words counted TitleWeight times), sorted by term.
	Counts []Vector
	// Sketches holds each document's body MinHash sketch, for finding
	// republished texts (see Sketch).
	Sketches []Sketch
	// DocFreq holds, when Config.Prior is set, the prior frequencies plus
	// those of the documents not marked Counted.
	DocFreq *DocFreq

	idf []float64 // by term id; nil when there are no terms
}

// EnsureDefaults sets c's zero fields to their defaults and returns c;
// Vectorize applies it to the configuration it is given.
func (c *Config) EnsureDefaults() *Config {
	if c.TitleWeight <= 0 {
		c.TitleWeight = DefaultTitleWeight
	}
	if c.MaxTextBytes <= 0 {
		c.MaxTextBytes = DefaultMaxTextBytes
	}
	return c
}

// Vectorize analyses docs and returns their TF-IDF vectors. It holds every
// document's tokens until the vectors are built.
func Vectorize(ctx context.Context, docs []Doc, cfg Config) (*Result, error) {
	cfg.EnsureDefaults()
	an := NewAnalyzer()
	res := &Result{Languages: make([]string, len(docs))}
	if err := res.detectLanguages(ctx, an, docs, cfg.Workers); err != nil {
		return nil, err
	}
	chunks, err := res.count(ctx, an, docs, cfg)
	if err != nil {
		return nil, err
	}
	if err := res.renumber(ctx, chunks, cfg); err != nil {
		return nil, err
	}
	if err := res.weighAll(ctx, docs, cfg); err != nil {
		return nil, err
	}
	for _, v := range res.Vectors {
		if v.Len() == 0 {
			res.Empty++
		}
	}
	return res, nil
}

// detectLanguages fills res.Languages: given, else detected, else the most
// common language of the outlet, else of the collection (Inferred).
func (res *Result) detectLanguages(ctx context.Context, an *Analyzer, docs []Doc, workers int) error {
	if err := parallel.For(ctx, len(docs), workers, docGrain, func(i int) {
		if l := baseLang(docs[i].Language); l != "" {
			res.Languages[i] = l
			return
		}
		res.Languages[i] = an.DetectLanguage(docs[i].Title + "\n" + docs[i].Text)
	}); err != nil {
		return err
	}
	res.Inferred = make([]bool, len(docs))
	for i, l := range res.Languages {
		switch {
		case baseLang(docs[i].Language) != "":
			res.Given++
		case l != "":
			res.Detected++
		default:
			res.Unknown++
			res.Inferred[i] = true
		}
	}
	inferLanguages(docs, res.Languages)
	return nil
}

// count analyses the documents in chunks, in parallel, each chunk with its
// own vocabulary of local term ids in order of first occurrence, into
// res.Vectors (term counts by local id), res.Sketches and res.Terms. Only
// the chunk vocabularies, not the tokens, are merged, in chunk order as the
// chunks finish, so global term ids are the order of first occurrence in
// the collection, whatever the scheduling; a chunk's vocabulary is let go
// once merged (together they would be a peak of memory). It
// returns the chunks, whose global ids renumber the vectors.
func (res *Result) count(ctx context.Context, an *Analyzer, docs []Doc, cfg Config) ([]chunkVocab, error) {
	seed := maphash.MakeSeed()
	boiler, err := findBoilerplate(ctx, docs, seed, cfg.Workers)
	if err != nil {
		return nil, err
	}
	chunks := make([]chunkVocab, (len(docs)+chunkDocs-1)/chunkDocs)
	// A chunk's scratch space goes to a later chunk once the chunk is
	// analysed, and its term list once it is merged, rather than being
	// made new for every chunk as garbage that sets the collector running
	// (BenchmarkVectorizeArticles10k's B/op).
	scratch := sync.Pool{New: func() any { return &chunkScratch{ids: newWordTable(0)} }}
	termLists := sync.Pool{New: func() any { return new(termList) }}
	vocab := newWordTable(0)
	var mu sync.Mutex
	merged := 0 // chunks [0, merged) are merged
	var lm localMerge
	merge := func(c int) {
		mu.Lock()
		defer mu.Unlock()
		chunks[c].done = true
		for merged < len(chunks) && chunks[merged].done {
			cv := &chunks[merged]
			cv.global = lm.known(vocab, cv.terms)
			for l, id := range cv.global {
				if id >= 0 {
					continue
				}
				term := cv.terms.term(int32(l))
				cv.global[l] = lookupOrAdd(vocab, term, func() int32 {
					res.Terms = append(res.Terms, string(term))
					return int32(len(res.Terms) - 1)
				})
			}
			cv.terms.reset()
			termLists.Put(cv.terms)
			cv.terms = nil
			merged++
		}
	}
	res.Vectors = make([]Vector, len(docs))
	res.Sketches = make([]Sketch, len(docs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(cfg.Workers, 1))
	for c := range chunks {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			lo, hi := c*chunkDocs, min((c+1)*chunkDocs, len(docs))
			cv := &chunks[c]
			sc := scratch.Get().(*chunkScratch)
			sc.reset()
			cv.ids, cv.terms = sc.ids, termLists.Get().(*termList)
			for i := lo; i < hi; i++ {
				text := docs[i].Text
				if len(text) > cfg.MaxTextBytes {
					text = text[:cfg.MaxTextBytes]
				}
				if b := boiler[docs[i].Outlet]; b != nil {
					text = stripLines(text, b, seed)
				}
				res.Vectors[i] = sc.a.count(an, cv, docs[i].Title, text, docs[i].Outlet, res.Languages[i], cfg.TitleWeight)
				res.Sketches[i] = sketch(cv.terms, sc.a.body, &sc.sk)
				if cfg.ReleaseText {
					docs[i].Text = ""
				}
				if cfg.Done != nil {
					cfg.Done.Add(1)
				}
			}
			cv.ids = nil
			scratch.Put(sc)
			merge(c)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return chunks, nil
}

// renumber gives each vector its global term ids, sorted, keeps its counts
// when cfg.KeepCounts, and takes its sublinear term frequencies.
func (res *Result) renumber(ctx context.Context, chunks []chunkVocab, cfg Config) error {
	n := len(res.Vectors)
	if cfg.KeepCounts {
		res.Counts = make([]Vector, n)
	}
	return parallel.For(ctx, n, cfg.Workers, docGrain, func(i int) {
		v := res.Vectors[i]
		global := chunks[i/chunkDocs].global
		for k, t := range v.Terms {
			v.Terms[k] = global[t]
		}
		SortByTerm(v)
		if cfg.KeepCounts {
			// The counts share the term ids with the vector; weigh does not
			// write to them.
			res.Counts[i] = Vector{Terms: v.Terms, Weights: slices.Clone(v.Weights)}
		}
		sublinear(v.Weights, v.Weights)
	})
}

// weighAll counts the terms' document frequencies (added to cfg.Prior's
// when given), takes their idf, and weighs and normalises every vector.
func (res *Result) weighAll(ctx context.Context, docs []Doc, cfg Config) error {
	df := make([]int, len(res.Terms))
	for i, v := range res.Vectors {
		if cfg.Prior != nil && docs[i].Counted {
			continue
		}
		for _, t := range v.Terms {
			df[t]++
		}
	}
	if cfg.Prior != nil {
		res.DocFreq = addDocFreq(cfg.Prior, docs, res.Terms, df)
	}
	if len(res.Terms) == 0 {
		return nil // every vector is empty
	}
	var idf []float64
	if cfg.Prior != nil {
		idf = priorIDF(res.DocFreq, res.Terms)
	} else {
		var err error
		if idf, err = inverseDocumentFrequency(len(res.Vectors), df); err != nil {
			return err
		}
	}
	res.idf = idf
	return parallel.For(ctx, len(docs), cfg.Workers, docGrain, func(j int) {
		res.Vectors[j] = weigh(res.Vectors[j], idf)
	})
}

// inverseDocumentFrequency returns the weight of each term, given its
// document frequency df among n documents, as nlp's TfidfTransformer
// computes it: log((1+n)/(1+df)). The transformer is fitted on a
// term-by-document matrix and transforms a column of ones to read the
// weights out; applying them to each document is then a scaling of its
// sparse vector, without nlp's general sparse product and conversions
// over the whole matrix (BenchmarkInverseDocumentFrequency).
//
// Of a CSR matrix, Fit reads only its size and how many non-zeros each row
// holds (RowNNZ): the term's document frequency. So the matrix it is given
// holds, in row t, ones in the first df[t] columns: the same counts as the
// documents' own matrix, and the same weights, bit for bit
// (TestInverseDocumentFrequencyMatchesFit), without scattering every
// entry of every vector into a matrix (BenchmarkInverseDocumentFrequency).
// The rows are fitted in blocks of at most idfBlock entries, so that the
// matrix (16 bytes per entry) stays small at any corpus size.
func inverseDocumentFrequency(n int, df []int) ([]float64, error) {
	return idfInBlocks(n, df, idfBlock)
}

// idfInBlocks is inverseDocumentFrequency with blocks of at most block
// entries (and one term at least).
func idfInBlocks(n int, df []int, block int) ([]float64, error) {
	// ends[b] is the end of block b, a run of terms; the largest block
	// sizes the rows' arrays, shared by all blocks.
	var ends []int
	largest := 0
	for lo := 0; lo < len(df); {
		hi, entries := lo, 0
		for hi < len(df) && (hi == lo || entries+df[hi] <= block) {
			entries += df[hi]
			hi++
		}
		ends = append(ends, hi)
		largest = max(largest, entries)
		lo = hi
	}
	ind, ones := make([]int, largest), make([]float64, largest)
	for k := range ones {
		ones[k] = 1
	}
	idf := make([]float64, len(df))
	lo := 0
	for _, hi := range ends {
		indptr := make([]int, hi-lo+1)
		for t := lo; t < hi; t++ {
			at := indptr[t-lo]
			for j := range df[t] {
				ind[at+j] = j
			}
			indptr[t-lo+1] = at + df[t]
		}
		entries := indptr[hi-lo]
		if err := fitBlock(sparse.NewCSR(hi-lo, n, indptr, ind[:entries], ones[:entries]), idf[lo:hi]); err != nil {
			return nil, err
		}
		lo = hi
	}
	return idf, nil
}

// idfBlock bounds the entries of a block of the idf fit (see
// inverseDocumentFrequency).
const idfBlock = 8 << 20

// fitBlock fits nlp's transformer on m, the rows of a block of terms, and
// writes their weights into idf.
func fitBlock(m *sparse.CSR, idf []float64) error {
	terms, _ := m.Dims()
	tfidf := nlp.NewTfidfTransformer()
	tfidf.Fit(m)
	onesPtr := make([]int, terms+1)
	ones := make([]float64, terms)
	for t := range ones {
		onesPtr[t+1] = t + 1
		ones[t] = 1
	}
	w, err := tfidf.Transform(sparse.NewCSR(terms, 1, onesPtr, make([]int, terms), ones))
	if err != nil {
		return err
	}
	for t := range terms {
		idf[t] = w.At(t, 0)
	}
	return nil
}

// addDocFreq returns prior plus the frequencies df of the documents not
// marked Counted: prior itself when every document is, so that a shard
// weighed with a corpus's frequencies does not copy them.
func addDocFreq(prior *DocFreq, docs []Doc, terms []string, df []int) *DocFreq {
	uncounted := 0
	for _, d := range docs {
		if !d.Counted {
			uncounted++
		}
	}
	if uncounted == 0 {
		return prior
	}
	sum := &DocFreq{Docs: uncounted, Terms: make(map[string]int, len(prior.Terms)+len(terms))}
	sum.Add(prior)
	for t, n := range df {
		if n > 0 {
			sum.Terms[terms[t]] += n
		}
	}
	return sum
}

// priorIDF returns the weight of each term over the documents counted in
// df, by the formula of nlp's TfidfTransformer (see
// inverseDocumentFrequency). The transformer fits only on a matrix of the
// documents at hand, and earlier runs' documents are kept as counts alone.
func priorIDF(df *DocFreq, terms []string) []float64 {
	idf := make([]float64, len(terms))
	for t, term := range terms {
		idf[t] = df.IDF(term)
	}
	return idf
}

// Reweigh returns the documents' vectors computed again from their counts
// (Config.KeepCounts), the same bits as Vectors held: a caller that keeps
// the counts can let the vectors go while it has no use for them. Without
// counts it returns nil.
func (r *Result) Reweigh(ctx context.Context, workers int) ([]Vector, error) {
	if r.Counts == nil {
		return nil, nil
	}
	vecs := make([]Vector, len(r.Counts))
	err := parallel.For(ctx, len(vecs), workers, docGrain, func(i int) {
		c := r.Counts[i]
		w := make([]float32, len(c.Weights))
		sublinear(w, c.Weights)
		vecs[i] = weigh(Vector{Terms: c.Terms, Weights: w}, r.idf)
	})
	if err != nil {
		return nil, err
	}
	return vecs, nil
}

// sublinear sets dst to the sublinear term frequencies, 1 + ln(count), of
// counts; dst and counts may be the same slice.
func sublinear(dst, counts []float32) {
	for k, c := range counts {
		if n := int(c); n >= 1 && n < len(sublinearOf) && float32(n) == c {
			dst[k] = sublinearOf[n]
			continue
		}
		dst[k] = float32(1 + math.Log(float64(c)))
	}
}

// sublinearOf holds 1 + ln(n) for the small whole counts that most terms
// have (with a whole title weight), computed as sublinear computes it for
// any other count, so that Vectorize and Reweigh take no logarithm for
// them (BenchmarkVectorizeArticles10k).
var sublinearOf = func() (t [64]float32) {
	for n := 1; n < len(t); n++ {
		t[n] = float32(1 + math.Log(float64(n)))
	}
	return t
}()

// weigh multiplies a term-frequency vector by idf and normalises it to
// unit length, leaving out zero weights (terms found in every document).
// A document whose terms are all in every document (identical articles
// alone in a run) keeps its term frequencies, normalised: its terms tell
// nothing apart, but they are what it says, and two such documents are one
// story rather than two empty vectors.
func weigh(v Vector, idf []float64) Vector {
	var ss float64
	zeros := 0
	for k, t := range v.Terms {
		x := float64(v.Weights[k]) * idf[t]
		ss += x * x
		if x == 0 {
			zeros++
		}
	}
	if ss == 0 {
		return normalise(v)
	}
	norm := math.Sqrt(ss)
	// Weights are scaled in place; the term ids are kept as they are (they
	// may be shared with the counts) unless some weight is zero.
	out := Vector{Terms: v.Terms, Weights: v.Weights[:0]}
	if zeros > 0 {
		out.Terms = make([]int32, 0, len(v.Terms)-zeros)
	}
	for k, t := range v.Terms {
		if x := float64(v.Weights[k]) * idf[t]; x != 0 {
			if zeros > 0 {
				out.Terms = append(out.Terms, t)
			}
			out.Weights = append(out.Weights, float32(x/norm))
		}
	}
	return out
}

// normalise scales v's weights, in place, to unit length.
func normalise(v Vector) Vector {
	var ss float64
	for _, w := range v.Weights {
		ss += float64(w) * float64(w)
	}
	if ss == 0 {
		return Vector{}
	}
	norm := math.Sqrt(ss)
	for k, w := range v.Weights {
		v.Weights[k] = float32(float64(w) / norm)
	}
	return v
}

// docGrain is how many documents a goroutine takes at a time.
const docGrain = 256
