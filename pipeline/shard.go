package pipeline

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/vectorize"
)

// The steps of Run taken apart, for an engine that runs them on the shards
// of a corpus on many machines (cmd/storyclust-beam): read each input,
// count the corpus's document frequencies, cluster each shard with them,
// then build the tables of whole stories. Each step does to the articles
// it is given what Run does to all of them; cfg is validated by the caller.

// SourceRead is what reading one input gave.
type SourceRead struct {
	Input    InputRecord
	Read     int            // rows read: the articles and the rejects
	Articles []data.Article // in input order
	IDs      []string       // each article's id (see ArticleID)
	Rejects  []table.RejectRow
}

// ReadSource reads src as Run reads each of its inputs, in a run started
// at now (which bounds plausible dates). Only cancellation is an error: a
// file that cannot be read is recorded in Input.Error and Rejects.
func ReadSource(ctx context.Context, cfg Config, src data.Source, now time.Time) (*SourceRead, error) {
	cfg.EnsureDefaults()
	opts := readOptions(cfg, now)
	opts.EnsureDefaults()
	res, err := readFile(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	out := &SourceRead{Input: res.input, Read: res.read, Rejects: res.rejects}
	for _, chunk := range res.articles {
		out.Articles = append(out.Articles, chunk...)
	}
	out.IDs = make([]string, len(out.Articles))
	for i := range out.Articles {
		out.IDs[i] = articleID(&out.Articles[i])
	}
	return out, nil
}

// ArticleID is the id Run gives a: the input's, else one made from its URL
// or, without one, from its outlet, title and text. Of the articles with
// one id, Run keeps the first in input order.
func ArticleID(a *data.Article) string { return articleID(a) }

// TermCounts returns how many of the articles hold each term, as Run's
// vectorise stage counts them: summed over the shards of a corpus, each
// article counted in one, they are the corpus's document frequencies.
func TermCounts(ctx context.Context, cfg Config, articles []data.Article) (*vectorize.DocFreq, error) {
	cfg.EnsureDefaults()
	docs := make([]vectorize.Doc, len(articles))
	for i, a := range articles {
		docs[i] = vectorize.Doc{Title: a.Title, Text: a.Text, Outlet: a.Outlet, Language: a.Language}
	}
	res, err := vectorize.Vectorize(ctx, docs, vectorize.Config{
		TitleWeight: cfg.TitleWeight, Workers: cfg.Workers, Prior: &vectorize.DocFreq{Terms: map[string]int{}},
	})
	if err != nil {
		return nil, err
	}
	return res.DocFreq, nil
}

// ClusterShard groups a shard's articles (their ids unique) into stories
// as Run does, weighing terms by df, the document frequencies of a corpus
// that counts them. labels[i] numbers the story of articles[i], from 0, in
// the canonical order of the stories' first articles.
func ClusterShard(ctx context.Context, cfg Config, articles []data.Article, ids []string, df *vectorize.DocFreq) ([]int, error) {
	cfg.EnsureDefaults()
	r, order := newShard(cfg, articles, ids, df)
	if err := r.vectorize(ctx, cfg, nil); err != nil {
		return nil, err
	}
	if err := r.cluster(ctx, cfg); err != nil {
		return nil, err
	}
	labels := make([]int, len(articles))
	for s, st := range r.stories {
		for _, k := range st.Members {
			labels[order[k]] = s
		}
	}
	return labels, nil
}

// ShardTables builds the articles, stories, story_outlets and storylines
// tables of whole stories as Run builds them, with the idf of df (see
// ClusterShard): labels[i] names the story of articles[i]. Storylines link
// the stories given only. It returns the tables and the shard's manifest,
// with its counts and top stories (see Manifest.Merge).
func ShardTables(ctx context.Context, cfg Config, articles []data.Article, ids []string, labels []int, df *vectorize.DocFreq) ([]*table.Table, *Manifest, error) {
	cfg.EnsureDefaults()
	r, order := newShard(cfg, articles, ids, df)
	if err := r.vectorize(ctx, cfg, nil); err != nil {
		return nil, nil, err
	}
	// Stories are numbered in the order of their first articles, as the
	// clusterer numbers them.
	story := make([]int, len(order))
	number := map[int]int{}
	for k, i := range order {
		s, ok := number[labels[i]]
		if !ok {
			s = len(number)
			number[labels[i]] = s
		}
		story[k] = s
	}
	r.items = make([]cluster.Item, len(r.articles))
	for i, a := range r.articles {
		r.items[i] = cluster.Item{Vec: r.vec.Vectors[i], Time: a.Published, Lang: r.vec.Languages[i]}
	}
	r.stories = cluster.Summarize(r.items, story, cluster.DefaultTopTerms, storylineTerms, cfg.Workers)
	r.vec.Vectors = nil
	for i := range r.items {
		r.items[i].Vec = vectorize.Vector{}
	}
	if err := r.summarise(ctx, cfg, nil); err != nil {
		return nil, nil, err
	}
	sink, tables := tableSink(nil)
	buildTables(r, firstArticleIDs(r.ids, r.stories), r.manifest, sink)
	return tables, r.manifest, nil
}

// newShard is the run of a shard's articles, put in canonical order:
// order[k] is the index in articles of the run's article k.
func newShard(cfg Config, articles []data.Article, ids []string, df *vectorize.DocFreq) (*processed, []int) {
	r := newProcessed(cfg)
	r.prior = df
	order := make([]int, len(articles))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return canonical(&articles[x], &articles[y], ids[x], ids[y]) })
	r.articles = make([]data.Article, len(order))
	r.ids = make([]string, len(order))
	for k, i := range order {
		r.articles[k], r.ids[k] = articles[i], ids[i]
	}
	countDates(r.articles, r.manifest)
	return r, order
}

// NewManifest is the manifest of a run of cfg made of parts, before any
// is added (see Manifest.Merge).
func NewManifest(cfg Config) *Manifest {
	cfg.EnsureDefaults()
	m := newProcessed(cfg).manifest
	m.Inputs = []InputRecord{}
	return m
}

// AddSource adds one input's record, rows and rejects to m.
func (m *Manifest) AddSource(in InputRecord, read int, rejects []table.RejectRow) {
	m.Inputs = append(m.Inputs, in)
	m.Counts.Read += read
	m.Counts.Rejected += len(rejects)
	for _, rj := range rejects {
		if len(m.FirstRejects) == maxShownRejects {
			break
		}
		where := rj.SourceFile
		if rj.SourceLine > 0 {
			where += ":" + strconv.Itoa(rj.SourceLine)
		}
		m.FirstRejects = append(m.FirstRejects, where+": "+rj.Reason)
	}
}

// Merge adds the manifest of another part of the run to m: of inputs read
// (see AddSource), of duplicates dropped, or of a shard's stories (from
// ShardTables). Counts add up, inputs and rejects follow m's, and the top
// stories are those of both.
func (m *Manifest) Merge(o *Manifest) {
	a, b := reflect.ValueOf(&m.Counts).Elem(), reflect.ValueOf(&o.Counts).Elem()
	for i := range a.NumField() {
		a.Field(i).SetInt(a.Field(i).Int() + b.Field(i).Int())
	}
	m.Inputs = append(m.Inputs, o.Inputs...)
	m.Skipped = append(m.Skipped, o.Skipped...)
	m.FirstRejects = append(m.FirstRejects, o.FirstRejects[:min(len(o.FirstRejects), maxShownRejects-len(m.FirstRejects))]...)
	m.Top = topStories(append(m.Top, o.Top...))
}

// Finish sets m's notes from its counts, once every part is merged.
func (m *Manifest) Finish() {
	m.Notes = nil
	m.noteCounts()
}

// WriteManifest writes m to dir/_manifest.json through a temporary file.
func WriteManifest(dir string, m *Manifest) error { return writeManifest(dir, m) }

// TableMeta is the key-value metadata Run writes in every table of cfg.
func TableMeta(cfg Config) map[string]string {
	cfg.EnsureDefaults()
	return tableMeta(cfg)
}
