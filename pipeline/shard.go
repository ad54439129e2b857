package pipeline

import (
	"context"
	"reflect"
	"slices"
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
// ClusterShard): labels[i] names the story of articles[i]. With lines nil,
// storylines link the stories given only. Otherwise lines gives the
// storyline of each story (by id) that shares one with other stories, from
// LinkStorylines over every shard; a story it does not name is a
// storyline of its own; and no storylines table is returned, that being
// LinkStorylines'. It returns the tables and the shard's manifest, with its
// counts and top stories (see Manifest.Merge).
func ShardTables(ctx context.Context, cfg Config, articles []data.Article, ids []string, labels []int, df *vectorize.DocFreq, lines map[string]string) ([]*table.Table, *Manifest, error) {
	cfg.EnsureDefaults()
	r, err := shardStories(ctx, cfg, articles, ids, labels, df)
	if err != nil {
		return nil, nil, err
	}
	sids := firstArticleIDs(r.ids, r.stories)
	if lines == nil {
		if err := r.summarise(ctx, cfg, nil); err != nil {
			return nil, nil, err
		}
	} else {
		r.summaries = summariseStories(r)
		r.storylineOf = make([]int, len(r.stories))
		number := map[string]int{}
		for s, st := range r.stories {
			lid, ok := lines[sids[s]]
			if !ok {
				lid = storylineID(r.ids[st.Members[0]])
			}
			l, ok := number[lid]
			if !ok {
				l = len(r.lineIDs)
				number[lid] = l
				r.lineIDs = append(r.lineIDs, lid)
			}
			r.storylineOf[s] = l
		}
	}
	sink, tables := tableSink(nil)
	if lines != nil {
		sink.storyline = nil
		tables = slices.DeleteFunc(tables, func(t *table.Table) bool { return t.Name == "storylines" })
	}
	buildTables(r, sids, r.manifest, sink)
	return tables, r.manifest, nil
}

// StoryThread is what linking the stories of every shard into storylines
// needs of one story (see LinkStorylines): its row, its first article, and
// its centroid's heaviest terms, by name.
type StoryThread struct {
	Row          table.StoryRow // without a storyline
	FirstArticle string         // the id of its first article
	FirstTime    time.Time      // and that article's publication time
	Terms        []string
	Weights      []float32
	Articles     int
	First, Last  time.Time // its dated articles' span
	Lang         string
}

// ShardThreads returns the threads of whole stories, in the order of
// their first articles, built as ShardTables builds them.
func ShardThreads(ctx context.Context, cfg Config, articles []data.Article, ids []string, labels []int, df *vectorize.DocFreq) ([]StoryThread, error) {
	cfg.EnsureDefaults()
	r, err := shardStories(ctx, cfg, articles, ids, labels, df)
	if err != nil {
		return nil, err
	}
	r.summaries = summariseStories(r)
	threads := r.storyThreads()
	var rows []table.StoryRow
	sink := rowSink{
		article: func(table.ArticleRow) {}, story: func(row table.StoryRow) { rows = append(rows, row) },
		storyOutlet: func(table.StoryOutletRow) {},
	}
	buildTables(r, firstArticleIDs(r.ids, r.stories), r.manifest, sink)
	out := make([]StoryThread, len(r.stories))
	for s, st := range r.stories {
		t := threads[s]
		terms := make([]string, len(t.Centroid.Terms))
		for k, id := range t.Centroid.Terms {
			terms[k] = r.vec.Terms[id]
		}
		first := st.Members[0]
		out[s] = StoryThread{Row: rows[s], FirstArticle: r.ids[first], FirstTime: r.articles[first].Published,
			Terms: terms, Weights: t.Centroid.Weights, Articles: t.Articles, First: t.First, Last: t.Last, Lang: t.Lang}
	}
	return out, nil
}

// LinkStorylines links the stories of every shard, given by their threads
// (from ShardThreads), into storylines as Run links its stories. It
// returns the storyline of each story that shares one with others, by
// story id (what ShardTables takes), and the rows of the storylines table.
func LinkStorylines(ctx context.Context, cfg Config, threads []StoryThread) (map[string]string, []table.StorylineRow, error) {
	cfg.EnsureDefaults()
	// The stories in the order of their first articles, as a run orders
	// them, and their terms in one vocabulary.
	slices.SortFunc(threads, func(a, b StoryThread) int {
		x, y := data.Article{Published: a.FirstTime}, data.Article{Published: b.FirstTime}
		return canonical(&x, &y, a.FirstArticle, b.FirstArticle)
	})
	var vocab []string
	for _, t := range threads {
		vocab = append(vocab, t.Terms...)
	}
	slices.Sort(vocab)
	vocab = slices.Compact(vocab)
	ct := make([]cluster.Thread, len(threads))
	for s, t := range threads {
		c := vectorize.Vector{Terms: make([]int32, len(t.Terms)), Weights: slices.Clone(t.Weights)}
		for k, term := range t.Terms {
			id, _ := slices.BinarySearch(vocab, term)
			c.Terms[k] = int32(id)
		}
		vectorize.SortByTerm(c)
		ct[s] = cluster.Thread{Centroid: c, Articles: t.Articles, First: t.First, Last: t.Last, Lang: t.Lang}
	}
	labels, err := cluster.Storylines(ctx, ct, cluster.StorylineConfig{
		Threshold: cfg.StorylineThreshold, Window: cfg.StorylineWindow, Terms: lineTerms, Workers: cfg.Workers,
	})
	if err != nil {
		return nil, nil, err
	}
	var lids []string
	n := make([]int, len(threads))
	for s, l := range labels {
		if l == len(lids) {
			lids = append(lids, storylineID(threads[s].FirstArticle))
		}
		n[l]++
	}
	lines := map[string]string{}
	ss := newStorylineSummary(lids)
	for s, l := range labels {
		if n[l] > 1 {
			lines[threads[s].Row.StoryID] = lids[l]
		}
		ss.add(l, &threads[s].Row)
	}
	var rows []table.StorylineRow
	ss.emit(ct, labels, func(t int32) string { return vocab[t] }, func(row table.StorylineRow) { rows = append(rows, row) })
	return lines, rows, nil
}

// shardStories is the run of a shard's whole stories, labels[i] naming the
// story of articles[i]: vectorised with the idf of df and summarised, the
// stories numbered in the order of their first articles, as the clusterer
// numbers them.
func shardStories(ctx context.Context, cfg Config, articles []data.Article, ids []string, labels []int, df *vectorize.DocFreq) (*processed, error) {
	r, order := newShard(cfg, articles, ids, df)
	if err := r.vectorize(ctx, cfg, nil); err != nil {
		return nil, err
	}
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
	return r, nil
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
