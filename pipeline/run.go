package pipeline

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline/snapshot"
	"github.com/storyclust/storyclust/vectorize"
)

// ErrOutput marks an output directory that cannot be written.
var ErrOutput = errors.New("cannot write output")

// ErrWrite marks a failure to write the output once the work is done (a
// full disk); it wraps ErrOutput.
var ErrWrite = fmt.Errorf("%w, while writing", ErrOutput)

// ErrInput marks an input path that does not exist or cannot be read.
var ErrInput = data.ErrInput

// Run runs the job as cfg says and returns its manifest.
func Run(ctx context.Context, cfg Config) (*Manifest, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.EnsureDefaults()
	srcs, skipped, err := sources(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	if err := checkOutputDir(cfg.Out); err != nil {
		return nil, err
	}
	unlock, err := lockOutput(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Only the run that holds the lock may remove what a killed run left.
	stale, _ := filepath.Glob(filepath.Join(cfg.Out, table.TempPattern))
	for _, p := range stale {
		os.Remove(p)
	}
	if cfg.State != "" {
		if snapshot.Dir(cfg.Out).Published() && !isScheduledOutput(cfg.Out) {
			return nil, fmt.Errorf("%w: %q holds the output of a one-off run: write scheduled runs to another directory", ErrOutput, cfg.Out)
		}
		return runScheduled(ctx, cfg, srcs, skipped)
	}
	if isScheduledOutput(cfg.Out) {
		return nil, fmt.Errorf("%w: %q holds the output of scheduled runs: pass their --state, or write to another directory", ErrOutput, cfg.Out)
	}
	book, err := loadOutlets(cfg)
	if err != nil {
		return nil, err
	}
	r, err := process(ctx, cfg, srcs, nil, book)
	if err != nil {
		return nil, err
	}
	m := r.manifest
	m.Skipped = skipped
	sink, tables := tableSink(book)
	buildTables(r, firstArticleIDs(r.ids, r.stories), m, sink)
	// The tables hold all that is written from here on. What the run held
	// to build them (the counts, sketches and articles) goes before they
	// are encoded, and a collection lets the encoders reuse it, so that
	// encoding is not the run's peak of memory (make bench's peak RSS).
	r.articles, r.ids, r.vec, r.items, r.stories, r.threads = nil, nil, nil, nil, nil, nil
	runtime.GC()
	rejects := table.New("rejects", table.RejectsSchema)
	for _, rj := range r.rejects {
		rejects.AppendReject(rj)
	}
	tables = append(tables, rejects)
	if err := publishTables(ctx, cfg, tables, m, &r.timer); err != nil {
		return nil, err
	}
	return m, nil
}

// publishTables writes the tables and the manifest as one new version of
// the output directory, published by one rename (see package snapshot): a run
// that fails or is killed at any point leaves the previous output whole.
// out/TABLE.parquet and out/_manifest.json are links through out/.current.
func publishTables(ctx context.Context, cfg Config, tables []*table.Table, m *Manifest, timer *stageTimer) (err error) {
	snaps := snapshot.Dir(cfg.Out)
	prev, err := snaps.Current()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	run, err := snapshot.NextRun(prev)
	if err != nil {
		return fmt.Errorf("%w: %q: %w", ErrWrite, cfg.Out, err)
	}
	dir, err := snaps.Create(run)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	meta := tableMeta(cfg)
	// The tables are written side by side.
	staged := make([]table.Staged, len(tables))
	var g errgroup.Group
	g.SetLimit(cfg.Workers)
	for k, t := range tables {
		g.Go(func() (err error) {
			staged[k], err = t.Stage(dir, cfg.Format, meta)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	for _, st := range staged {
		if err := st.Commit(); err != nil {
			return fmt.Errorf("%w: %w", ErrWrite, err)
		}
		m.Outputs = append(m.Outputs, filepath.Base(st.Path))
	}
	timer.lap("write")
	if err := writeManifest(dir, m); err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	names := append(slices.Clone(m.Outputs), manifestFile)
	if err := snaps.CheckLinks(names); err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	// A stop asked for while the tables were written must not publish
	// them.
	if err := ctx.Err(); err != nil {
		return err
	}
	crashPoint("written")
	if err := snaps.Publish(run); err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	crashPoint("published")
	if err := snaps.Link(names); err != nil {
		return fmt.Errorf("%w: %w", ErrWrite, err)
	}
	snaps.Prune(run, prev)
	return nil
}

// tableMeta is the key-value metadata of every output table.
func tableMeta(cfg Config) map[string]string {
	return map[string]string{
		"storyclust.version":      cfg.Version,
		"storyclust.threshold":    strconv.FormatFloat(cfg.Threshold, 'g', -1, 64),
		"storyclust.window":       cfg.Window.String(),
		"storyclust.title_weight": strconv.FormatFloat(cfg.TitleWeight, 'g', -1, 64),
	}
}

// maxShownRejects is how many rejects the manifest quotes.
const maxShownRejects = 10

// processed is a run held in memory: articles in canonical order with their
// ids and vectors, the stories, and the rejects.
type processed struct {
	manifest *Manifest
	timer    stageTimer
	articles []data.Article
	ids      []string
	vec      *vectorize.Result
	items    []cluster.Item
	stories  []cluster.Story
	// threads is what the storyline linkage knew of each story and then,
	// in scheduled runs, of the closed part of each open storyline of the
	// state (parts); storylineOf is each thread's storyline, numbered in
	// order of the storyline's first thread, and lineIDs their ids.
	// lineTerms are the terms of the threads' centroids: the run's, then
	// those of parts that no article of the run uses.
	threads     []cluster.Thread
	parts       []lineRow
	storylineOf []int
	lineIDs     []string
	lineTerms   []string
	rejects     []table.RejectRow
	summaries   *storySummaries
	outlets     *outletBook // nil without an outlets file
	minZ        float64     // Config.MinZ
	titleWeight float64     // Config.TitleWeight
	stems       *termStems  // the terms by stem, for distinctive terms
	phrases     *runPhrases // with an outlets file, two-word phrases beside them
	workers     int
	// carried is set in scheduled runs: how the articles relate to the
	// state (see state.merge).
	carried *carried
	// prior is set for a shard of a corpus (see ClusterShard): the
	// corpus's document frequencies, which count the shard's articles.
	prior *vectorize.DocFreq
}

// process reads, vectorises and clusters; cfg has its defaults set. With a
// state (a scheduled run), the articles read are merged with the state's
// live articles before they are vectorised, and their texts are kept.
func process(ctx context.Context, cfg Config, srcs []data.Source, st *state, book *outletBook) (*processed, error) {
	r := newProcessed(cfg)
	r.outlets = book
	articles, err := r.read(ctx, cfg, srcs)
	if err != nil {
		return nil, err
	}
	// Only r.articles holds the texts from here on: the files' chunks that
	// articles points into are garbage once dedupe has copied them.
	r.articles, r.ids = dedupe(articles, &r.manifest.Counts)
	countDates(r.articles, r.manifest)
	if book != nil {
		r.manifest.Outlets = book.resolve(r.articles, cfg.Outlets)
		if book.group >= 0 {
			r.manifest.Parameters.GroupBy = book.file.Attributes[book.group]
			r.manifest.Parameters.GroupMinOutlets = book.min
		}
	}
	if st != nil {
		r.carried = st.merge(r)
	}
	if err := r.vectorize(ctx, cfg, st); err != nil {
		return nil, err
	}
	if err := r.cluster(ctx, cfg); err != nil {
		return nil, err
	}
	if err := r.summarise(ctx, cfg, st); err != nil {
		return nil, err
	}
	return r, nil
}

// summarise works out the stories' summaries and links them into
// storylines. The summaries need neither the stories' ids nor their
// storylines: they are worked out beside the storyline linkage, whose
// merges run on one core (the storylines stage of make bench).
func (r *processed) summarise(ctx context.Context, cfg Config, st *state) error {
	var summarising sync.WaitGroup
	summarising.Go(func() { r.summaries = summariseStories(r) })
	err := r.storylines(ctx, cfg, st)
	summarising.Wait()
	if err != nil {
		return err
	}
	for s := range r.stories {
		r.stories[s].Centroid = vectorize.Vector{} // the thread holds it
	}
	return nil
}

// newProcessed starts a run's record: its manifest, with the parameters
// of cfg, and its stage timer.
func newProcessed(cfg Config) *processed {
	fields, _ := data.ParseFieldMap(cfg.Fields)
	m := &Manifest{
		Version:   cfg.Version,
		StartedAt: time.Now().UTC().Format(time.RFC3339),
		Parameters: Parameters{
			Threshold: cfg.Threshold, Window: cfg.Window.String(), TitleWeight: cfg.TitleWeight,
			StorylineThreshold: cfg.StorylineThreshold, StorylineWindow: cfg.StorylineWindow.String(),
			Format: string(cfg.Format), Fields: fields.Overrides(), Year: cfg.Year, Strict: cfg.Strict,
			DateOrder: cfg.DateOrder, Delimiter: cfg.Delimiter, Encoding: cfg.Encoding,
			MaxArticleBytes: cfg.MaxArticleBytes, Sample: len(cfg.Inputs) == 0, MinZ: cfg.MinZ,
			Outlets: cfg.Outlets,
		},
	}
	return &processed{manifest: m, timer: stageTimer{m: m, start: time.Now()}, workers: cfg.Workers, minZ: cfg.MinZ, titleWeight: cfg.TitleWeight}
}

// read reads every source and records, in the manifest and r.rejects,
// what each gave. The articles returned point into the files' chunks.
func (r *processed) read(ctx context.Context, cfg Config, srcs []data.Source) ([]*data.Article, error) {
	m := r.manifest
	var total int64
	for _, s := range srcs {
		total += max(s.Size, 0)
	}
	var readBytes atomic.Int64
	bar := startProgress(cfg.Progress, "read", total, "bytes", &readBytes)
	files, err := readAll(ctx, srcs, readOptions(cfg, r.timer.start), cfg.Workers, &readBytes)
	bar.finish()
	if err != nil {
		return nil, err
	}
	var articles []*data.Article // into the files' chunks, until dedupe copies them
	for _, f := range files {
		m.AddSource(f.input, f.read, f.rejects)
		r.rejects = append(r.rejects, f.rejects...)
		for _, chunk := range f.articles {
			for i := range chunk {
				articles = append(articles, &chunk[i])
			}
		}
	}
	r.timer.lap("read")
	return articles, nil
}

// readOptions are the readers' options of cfg (validated) in a run
// started at now.
func readOptions(cfg Config, now time.Time) data.Options {
	fields, _ := data.ParseFieldMap(cfg.Fields)
	order, _ := data.ParseDateOrder(cfg.DateOrder)
	comma, _ := delimiter(cfg.Delimiter)
	return data.Options{Fields: fields, Year: cfg.Year, MaxArticleBytes: cfg.MaxArticleBytes, Strict: cfg.Strict,
		DateOrder: order, Delimiter: comma, Encoding: cfg.Encoding, Now: now, MaxInputBytes: cfg.MaxInputBytes, MaxRows: cfg.MaxRows}
}

// vectorize computes the articles' vectors. Only the phrases of a run with
// an outlets file read the article text afterwards (and the state keeps it
// for the next scheduled run), so in a one-off run without one only the
// documents hold it, and Vectorize lets each go once analysed: an article
// holds little else (make bench's peak RSS).
func (r *processed) vectorize(ctx context.Context, cfg Config, st *state) error {
	m := r.manifest
	release := st == nil && r.outlets == nil
	vcfg := vectorize.Config{TitleWeight: cfg.TitleWeight, Workers: cfg.Workers, KeepCounts: true, ReleaseText: release}
	switch {
	case st != nil:
		vcfg.Prior = st.docFreq
	case r.prior != nil:
		vcfg.Prior = r.prior
	}
	docs := make([]vectorize.Doc, len(r.articles))
	for i, a := range r.articles {
		docs[i] = vectorize.Doc{Title: a.Title, Text: a.Text, Outlet: a.Outlet, Language: a.Language, Counted: r.prior != nil}
		if r.carried != nil {
			docs[i].Counted = r.carried.counted[i]
		} else if release {
			r.articles[i].Text = ""
		}
	}
	var done atomic.Int64
	vcfg.Done = &done
	bar := startProgress(cfg.Progress, "vectorize", int64(len(docs)), "articles", &done)
	vec, err := vectorize.Vectorize(ctx, docs, vcfg)
	bar.finish()
	if err != nil {
		return err
	}
	r.vec = vec
	m.Counts.EmptyVectors = vec.Empty
	m.Counts.LanguageGiven, m.Counts.LanguageDetected, m.Counts.LanguageUnknown = vec.Given, vec.Detected, vec.Unknown
	r.timer.lap("vectorize")
	return nil
}

// cluster groups the articles into stories. Only the items hold the
// weighted vectors while it runs: the clusterer lets them go during the
// linkage and has them computed again from the counts for the summaries,
// and after it only the raw counts (for framing) and the sketches (for
// wire copies) are read.
func (r *processed) cluster(ctx context.Context, cfg Config) error {
	r.items = make([]cluster.Item, len(r.articles))
	for i, a := range r.articles {
		r.items[i] = cluster.Item{Vec: r.vec.Vectors[i], Time: a.Published, Lang: r.vec.Languages[i]}
	}
	r.vec.Vectors = nil
	reweigh := func() ([]vectorize.Vector, error) {
		// The linkage's neighbour lists are garbage now: collected first,
		// they make room for the weights, which would otherwise come on
		// top of them, at the run's peak of memory.
		runtime.GC()
		return r.vec.Reweigh(ctx, cfg.Workers)
	}
	var searched atomic.Int64
	bar := startProgress(cfg.Progress, "cluster", int64(len(r.items)), "articles", &searched)
	stories, err := cluster.Cluster(ctx, r.items, cluster.Config{
		Threshold: cfg.Threshold, Window: cfg.Window, CentroidTerms: storylineTerms,
		Workers: cfg.Workers, Done: &searched, Reweigh: reweigh,
	})
	bar.finish()
	if err != nil {
		return err
	}
	r.stories = stories
	for i := range r.items {
		r.items[i].Vec = vectorize.Vector{}
	}
	r.timer.lap("cluster")
	return nil
}

// storylines links the stories into storylines, with the closed parts of
// the state's open storylines in a scheduled run (see partThreads). A
// one-off run names each storyline by its first story's first article:
// stories come in order of their first article, storylines of their first
// thread. A scheduled run names them when it names its stories.
func (r *processed) storylines(ctx context.Context, cfg Config, st *state) error {
	r.threads = r.storyThreads()
	r.lineTerms = r.vec.Terms
	if st != nil {
		var parts []cluster.Thread
		r.parts, parts, r.lineTerms = partThreads(st.lines, r.vec.Terms, r.vec.DocFreq)
		r.threads = append(r.threads, parts...)
	}
	var err error
	if r.storylineOf, err = cluster.Storylines(ctx, r.threads, cluster.StorylineConfig{
		Threshold: cfg.StorylineThreshold, Window: cfg.StorylineWindow, Terms: lineTerms, Workers: cfg.Workers,
	}); err != nil {
		return err
	}
	if st == nil {
		r.lineIDs = make([]string, 0, len(r.stories))
		for s, l := range r.storylineOf {
			if l == len(r.lineIDs) {
				r.lineIDs = append(r.lineIDs, storylineID(r.ids[r.stories[s].Members[0]]))
			}
		}
	}
	r.timer.lap("storylines")
	return nil
}

// stemsOf maps the term ids of article i to their stems' ids.
func (r *processed) stemsOf(i int) []int32 { return r.stems.of[r.vec.Languages[i]] }

// addTerms adds the counts of article i to acc by stem, and its phrases
// when the run counts them.
func (r *processed) addTerms(acc *cluster.Accumulator, i int) {
	acc.AddMapped(r.vec.Counts[i], r.stemsOf(i))
	if r.phrases != nil {
		r.phrases.add(i, acc)
	}
}

// distinctiveName is the shown form of a stem's or a phrase's id.
func (r *processed) distinctiveName(id int32) string {
	if n := int32(len(r.stems.names)); id >= n {
		return r.phrases.names[id-n]
	}
	return r.stems.names[id]
}

// termName is the term of id in the threads' centroids.
func (r *processed) termName(id int32) string { return r.lineTerms[id] }

// storylineTerms is how many of its heaviest terms each story's centroid
// keeps for the storyline linkage.
const storylineTerms = 64

// storyThreads returns what the storyline linkage knows of each story.
func (r *processed) storyThreads() []cluster.Thread {
	threads := make([]cluster.Thread, len(r.stories))
	for s, st := range r.stories {
		t := cluster.Thread{Centroid: st.Centroid, Articles: len(st.Members), Lang: r.items[st.Representative].Lang}
		for _, i := range st.Members {
			p := r.articles[i].Published
			if p.IsZero() {
				continue
			}
			if t.First.IsZero() || p.Before(t.First) {
				t.First = p
			}
			if p.After(t.Last) {
				t.Last = p
			}
		}
		threads[s] = t
	}
	return threads
}

// countDates fills the date and outlet counts and notes of m, counting
// the articles' dates as the inputs' are counted (DateCounts).
func countDates(articles []data.Article, m *Manifest) {
	var d DateCounts
	c := &m.Counts
	c.Clustered = len(articles)
	for i := range articles {
		d.add(&articles[i])
		if articles[i].OutletFromURL {
			c.OutletsFromURL++
		}
	}
	c.Undated, c.DatesAssumedUTC, c.DatesYearInferred, c.DatesFromFileName = d.Undated, d.AssumedUTC, d.YearInferred, d.FromFileName
	c.DatesUnparsable, c.DatesAmbiguous, c.DatesImplausible = d.Unparsable, d.Ambiguous, d.Implausible
	m.noteCounts()
}

// noteCounts adds to m's notes what its counts of guessed dates and
// outlets say.
func (m *Manifest) noteCounts() {
	c := &m.Counts
	for _, n := range []struct {
		count int
		note  string
	}{
		{c.DatesFromFileName, "text files had no dated dateline; their date was taken from their file name"},
		{c.OutletsFromURL, "articles had no outlet; it was taken from the domain of their URL"},
		{c.DatesYearInferred, "dateline dates had no year; it was taken from --year, the file name or the file's modification time"},
		{c.DatesAssumedUTC, "dates had no time zone and were taken as UTC"},
		{c.DatesUnparsable, "dates could not be parsed; those articles are kept without a date"},
		{c.DatesAmbiguous, "slash dates could be day/month or month/day; those articles are kept without a date (give --date-order dmy or mdy)"},
		{c.DatesImplausible, "dates were before 1900 or more than a day after the run; those articles are kept without a date"},
	} {
		if n.count > 0 {
			m.Notes = append(m.Notes, fmt.Sprintf("%d %s", n.count, n.note))
		}
	}
}

// sources resolves the input paths (the embedded sample when there are
// none); a path that cannot be used is an error before any work.
func sources(inputs []string) (srcs []data.Source, skipped []string, err error) {
	if len(inputs) == 0 {
		return data.Sample(), nil, nil
	}
	srcs, skipped, err = data.Sources(inputs)
	if err != nil {
		return nil, nil, err
	}
	if len(srcs) == 0 {
		return nil, nil, fmt.Errorf("%w: no input files with a known extension in %q", ErrInput, inputs)
	}
	return srcs, skipped, nil
}

// checkOutputDir creates dir if needed and checks that files can be
// created in it.
func checkOutputDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	f, err := os.CreateTemp(dir, ".probe.*")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// stageTime records d as the time of stage, in milliseconds.
func stageTime(stage string, d time.Duration) StageTime {
	return StageTime{Stage: stage, Seconds: math.Round(d.Seconds()*1000) / 1000}
}

type stageTimer struct {
	m     *Manifest
	start time.Time
}

func (t *stageTimer) lap(stage string) {
	now := time.Now()
	t.m.Seconds = append(t.m.Seconds, stageTime(stage, now.Sub(t.start)))
	t.start = now
}

// articleID is the input's id, else a hash of the URL, else of the content.
func articleID(a *data.Article) string {
	switch {
	case a.ID != "":
		return a.ID
	case a.URL != "":
		return "url:" + shortHash(a.URL)
	default:
		return "content:" + shortHash(a.Outlet+"\x00"+a.Title+"\x00"+a.Text)
	}
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:10])
}

// dedupe drops articles whose id was seen before (the first in input order
// stays) and sorts the rest into canonical order: undated first, then by
// time, ties by id. It returns the articles with their ids.
func dedupe(articles []*data.Article, c *Counts) ([]data.Article, []string) {
	seen := make(map[string]bool, len(articles))
	ids := make([]string, len(articles))
	// Keys are sorted, not the articles, which are large to move; the keys
	// hold the publication time beside the index, so that comparing them
	// does not chase pointers to the articles (the read stage of make
	// bench). Ids are unique, so the order is total and the same whichever
	// is sorted.
	keys := make([]canonicalKey, 0, len(articles))
	for i := range articles {
		id := articleID(articles[i])
		if seen[id] {
			c.DuplicatesDropped++
			continue
		}
		seen[id] = true
		ids[i] = id
		keys = append(keys, keyOf(articles[i], int32(i)))
	}
	slices.SortFunc(keys, func(x, y canonicalKey) int {
		if c := x.compareTime(y); c != 0 {
			return c
		}
		return cmp.Compare(ids[x.i], ids[y.i])
	})
	out := make([]data.Article, len(keys))
	outIDs := make([]string, len(keys))
	for k, key := range keys {
		out[k], outIDs[k] = *articles[key.i], ids[key.i]
	}
	return out, outIDs
}

// canonical orders articles: undated first, then by time, ties by id.
func canonical(a, b *data.Article, aID, bID string) int {
	if c := keyOf(a, 0).compareTime(keyOf(b, 0)); c != 0 {
		return c
	}
	return cmp.Compare(aID, bID)
}

// canonicalKey is what canonical reads of an article but its id, beside
// the article's index.
type canonicalKey struct {
	sec   int64 // the publication time as Unix seconds and nanoseconds
	nsec  int32
	i     int32
	dated bool
}

func keyOf(a *data.Article, i int32) canonicalKey {
	return canonicalKey{sec: a.Published.Unix(), nsec: int32(a.Published.Nanosecond()), i: i, dated: !a.Published.IsZero()}
}

// compareTime orders keys by publication, undated first; it is zero for
// two undated keys and for equal instants.
func (x canonicalKey) compareTime(y canonicalKey) int {
	switch {
	case x.dated != y.dated:
		if y.dated {
			return -1
		}
		return 1
	case x.sec != y.sec:
		return cmp.Compare(x.sec, y.sec)
	}
	return cmp.Compare(x.nsec, y.nsec)
}
