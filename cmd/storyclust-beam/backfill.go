package main

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/pipeline"
	"github.com/storyclust/storyclust/vectorize"
)

// settings are the flags that shape the output. The DoFns carry them to
// the workers, so they hold values Beam can code: pipeline.Config's own
// fields, less its progress writer, which Beam cannot.
type settings struct {
	Threshold          float64
	Window             time.Duration
	StorylineThreshold float64
	StorylineWindow    time.Duration
	TitleWeight        float64
	Fields             []string
	Year               int
	Strict             bool
	DateOrder          string
	Delimiter          string
	Encoding           string
	MaxArticleBytes    int
	// Shard is "week" (from Monday, UTC) or "month".
	Shard string
	// Workers is how many goroutines one shard is clustered on.
	Workers int
	Version string
	// Now is when the run started: every worker bounds plausible dates by
	// it alike.
	Now time.Time
}

func (s settings) config() pipeline.Config {
	return pipeline.Config{
		Threshold: s.Threshold, Window: s.Window, StorylineThreshold: s.StorylineThreshold, StorylineWindow: s.StorylineWindow,
		TitleWeight: s.TitleWeight, Fields: s.Fields, Year: s.Year, Strict: s.Strict, DateOrder: s.DateOrder,
		Delimiter: s.Delimiter, Encoding: s.Encoding, MaxArticleBytes: s.MaxArticleBytes, Workers: s.Workers, Version: s.Version,
	}
}

// input is one input file, numbered in the order storyclust run would
// read it.
type input struct {
	Index int
	Path  string
}

// item is one article read.
type item struct {
	ID      string
	Input   int // the input's Index
	Article data.Article
}

// before orders the articles of one id: the first read is kept, as
// storyclust run keeps it.
func before(a, b *item) bool {
	return cmp.Or(cmp.Compare(a.Input, b.Input), cmp.Compare(a.Article.SourceLine, b.Article.SourceLine)) < 0
}

// sharded is an article in one shard: the shard of its time (its home),
// or the shard after, which it overlaps.
type sharded struct {
	Item item
	Home bool
	// Forward marks an article of its home shard that the shard after
	// holds too.
	Forward bool
}

// placed is an article of its home shard with its story there.
type placed struct {
	Node node
	Item item
}

// node names a story of a shard before the stitch: the shard's key and
// the story's number in it.
type node struct {
	Shard string
	Story int
}

func (n node) String() string { return n.Shard + "/" + strconv.Itoa(n.Story) }

// side is what a shard made of an article that two shards hold.
type side struct {
	Node node
	Home bool
}

// link says that story From holds overlap articles of story To, of the
// shard before.
type link struct {
	From, To node
}

// final is an article with its story after the stitch.
type final struct {
	Story node
	Item  item
}

// part is a piece of the manifest: of an input read, of duplicates
// dropped, or of a shard's tables. Order puts the inputs' in the order
// they were listed.
type part struct {
	Order    int
	Manifest *pipeline.Manifest
}

const undated = "undated"

// What the seams cost: the articles two shards hold, the stories stitched,
// and the stitch's time.
var (
	seamArticles  = beam.NewCounter("storyclust", "seam_articles")
	stitchedCount = beam.NewDistribution("storyclust", "stitched")
	stitchMicros  = beam.NewDistribution("storyclust", "stitch_us")
)

// shardOf is the key of the shard of time t: its first day, or undated.
func shardOf(t time.Time, unit string) string {
	if t.IsZero() {
		return undated
	}
	return shardStart(t, unit).Format(time.DateOnly)
}

func shardStart(t time.Time, unit string) time.Time {
	y, m, d := t.UTC().Date()
	if unit == "month" {
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -(int(day.Weekday())+6)%7) // back to Monday
}

func init() {
	register.DoFn4x1[context.Context, input, func(int, item), func(part), error](&readFn{})
	register.DoFn4x0[int, func(*item) bool, func(item), func(part)](&dedupeFn{})
	register.DoFn2x0[item, func(string, sharded)](&assignFn{})
	register.DoFn4x1[context.Context, string, func(*sharded) bool, func(vectorize.DocFreq), error](&countFn{})
	register.Combiner1[vectorize.DocFreq](&addFreqFn{})
	register.DoFn6x1[context.Context, string, func(*sharded) bool, vectorize.DocFreq, func(placed), func(string, side), error](&clusterFn{})
	register.Function3x0(linkFn)
	register.Function4x0(stitchFn)
	register.DoFn3x0[placed, func(*continued) bool, func(string, final)](&rootFn{})
	register.DoFn5x1[context.Context, string, func(*final) bool, vectorize.DocFreq, func(pipeline.StoryThread), error](&threadsFn{})
	register.DoFn5x1[context.Context, int, func(*pipeline.StoryThread) bool, func(storyline), func(part), error](&storylinesFn{})
	register.DoFn6x1[context.Context, string, func(*final) bool, vectorize.DocFreq, func(*storyline) bool, func(part), error](&writeFn{})
	register.DoFn3x1[context.Context, int, func(*part) bool, error](&publishFn{})
	register.Emitter1[item]()
	register.Emitter2[int, item]()
	register.Emitter2[string, sharded]()
	register.Emitter1[vectorize.DocFreq]()
	register.Emitter1[placed]()
	register.Emitter2[string, side]()
	register.Emitter1[link]()
	register.Emitter1[continued]()
	register.Emitter2[string, final]()
	register.Emitter1[pipeline.StoryThread]()
	register.Emitter1[storyline]()
	register.Emitter1[part]()
	register.Iter1[item]()
	register.Iter1[sharded]()
	register.Iter1[side]()
	register.Iter1[link]()
	register.Iter1[continued]()
	register.Iter1[final]()
	register.Iter1[pipeline.StoryThread]()
	register.Iter1[storyline]()
	register.Iter1[part]()
}

// build adds the backfill of inputs to the pipeline of s.
func build(s beam.Scope, set settings, inputs []input, out output) {
	in := beam.Reshuffle(s, beam.CreateList(s, inputs))
	items, reads := beam.ParDo2(s, &readFn{Set: set, Out: out}, in)
	unique, dups := beam.ParDo2(s, &dedupeFn{Set: set}, beam.GroupByKey(s, items))
	shards := beam.GroupByKey(s, beam.ParDo(s, &assignFn{Set: set}, unique))
	df := beam.Combine(s, &addFreqFn{}, beam.ParDo(s, &countFn{Set: set}, shards))
	homes, sides := beam.ParDo2(s, &clusterFn{Set: set}, shards, beam.SideInput{Input: df})
	links := beam.ParDo(s, linkFn, beam.GroupByKey(s, sides))
	roots := beam.ParDo(s, stitchFn, beam.GroupByKey(s, beam.AddFixedKey(s, links)))
	stitched := beam.ParDo(s, &rootFn{}, homes, beam.SideInput{Input: roots})
	groups := beam.GroupByKey(s, stitched)
	threads := beam.ParDo(s, &threadsFn{Set: set}, groups, beam.SideInput{Input: df})
	lines, linked := beam.ParDo2(s, &storylinesFn{Set: set, Out: out}, beam.GroupByKey(s, beam.AddFixedKey(s, threads)))
	written := beam.ParDo(s, &writeFn{Set: set, Out: out}, groups, beam.SideInput{Input: df}, beam.SideInput{Input: lines})
	parts := beam.Flatten(s, reads, dups, linked, written)
	beam.ParDo0(s, &publishFn{Set: set, Out: out}, beam.GroupByKey(s, beam.AddFixedKey(s, parts)))
}

// readFn reads one input with storyclust run's readers: its articles go
// on by the bucket of their id, its rejects are written as a part of the
// rejects table, and its record goes to the manifest.
type readFn struct {
	Set settings
	Out output
}

func (f *readFn) ProcessElement(ctx context.Context, in input, emit func(int, item), emitPart func(part)) error {
	src, err := f.Out.source(ctx, in.Path)
	if err != nil {
		// A file listed that cannot be opened is a reject, as in
		// storyclust run, not the end of the job.
		src = data.NewSource(in.Path, -1, time.Time{}, func() (io.ReadCloser, error) { return nil, err })
	}
	cfg := f.Set.config()
	r, err := pipeline.ReadSource(ctx, cfg, src, f.Set.Now)
	if err != nil {
		return err
	}
	if err := f.Out.writeRejects(ctx, cfg, in.Index, r.Rejects); err != nil {
		return err
	}
	for i := range r.Articles {
		emit(bucketOf(r.IDs[i]), item{ID: r.IDs[i], Input: in.Index, Article: r.Articles[i]})
	}
	m := pipeline.NewManifest(cfg)
	m.AddSource(r.Input, r.Read, r.Rejects)
	emitPart(part{Order: in.Index, Manifest: m})
	return nil
}

// idBuckets is how many groups the articles are shuffled into to drop
// duplicates: every copy of an id lands in the same one. A group per id
// would cost the runner a key per article.
const idBuckets = 4096

func bucketOf(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % idBuckets)
}

// dedupeFn keeps the first article of each id in a bucket and counts the
// others.
type dedupeFn struct{ Set settings }

func (f *dedupeFn) ProcessElement(_ int, items func(*item) bool, emit func(item), emitPart func(part)) {
	first := map[string]item{}
	dropped := 0
	var it item
	for items(&it) {
		if prev, ok := first[it.ID]; ok {
			dropped++
			if !before(&it, &prev) {
				continue
			}
		}
		first[it.ID] = it
	}
	for _, it := range first {
		emit(it)
	}
	if dropped > 0 {
		m := pipeline.NewManifest(f.Set.config())
		m.Counts.DuplicatesDropped = dropped
		emitPart(part{Order: -1, Manifest: m})
	}
}

// assignFn sends each article to its home shard and, when it lies within
// a window of the next shard's start, to that one too.
type assignFn struct{ Set settings }

func (f *assignFn) ProcessElement(it item, emit func(string, sharded)) {
	t := it.Article.Published
	home := shardOf(t, f.Set.Shard)
	next := home
	if home != undated {
		next = shardOf(t.Add(f.Set.Window), f.Set.Shard)
	}
	emit(home, sharded{Item: it, Home: true, Forward: next != home})
	if next != home {
		emit(next, sharded{Item: it})
	}
}

// countFn counts the document frequencies of a shard's own articles.
type countFn struct{ Set settings }

func (f *countFn) ProcessElement(ctx context.Context, _ string, members func(*sharded) bool, emit func(vectorize.DocFreq)) error {
	var articles []data.Article
	var m sharded
	for members(&m) {
		if m.Home {
			articles = append(articles, m.Item.Article)
		}
	}
	df, err := pipeline.TermCounts(ctx, f.Set.config(), articles)
	if err != nil {
		return err
	}
	emit(*df)
	return nil
}

// addFreqFn adds up the shards' document frequencies: the corpus's.
type addFreqFn struct{}

func (addFreqFn) CreateAccumulator() vectorize.DocFreq {
	return vectorize.DocFreq{Terms: map[string]int{}}
}

func (addFreqFn) MergeAccumulators(a, b vectorize.DocFreq) vectorize.DocFreq {
	a.Add(&b)
	return a
}

// clusterFn clusters one shard, overlap and all. Its own articles go on
// with their stories; what it made of the articles that two shards hold
// goes to the stitch.
type clusterFn struct{ Set settings }

func (f *clusterFn) ProcessElement(ctx context.Context, key string, members func(*sharded) bool, df vectorize.DocFreq,
	emit func(placed), emitSide func(string, side)) error {
	var all []sharded
	var m sharded
	for members(&m) {
		all = append(all, m)
	}
	articles := make([]data.Article, len(all))
	ids := make([]string, len(all))
	for i := range all {
		articles[i], ids[i] = all[i].Item.Article, all[i].Item.ID
	}
	labels, err := pipeline.ClusterShard(ctx, f.Set.config(), articles, ids, &df)
	if err != nil {
		return fmt.Errorf("shard %s: %w", key, err)
	}
	for i, m := range all {
		n := node{Shard: key, Story: labels[i]}
		if m.Home {
			emit(placed{Node: n, Item: m.Item})
		}
		if m.Forward || !m.Home {
			emitSide(m.Item.ID, side{Node: n, Home: m.Home})
		}
		if !m.Home {
			seamArticles.Inc(ctx, 1)
		}
	}
	return nil
}

// linkFn links the story that an overlap article took in the shard after
// its home to the story it took at home.
func linkFn(_ string, sides func(*side) bool, emit func(link)) {
	var home, other side
	var s side
	var seen [2]bool
	for sides(&s) {
		if s.Home {
			home, seen[0] = s, true
		} else {
			other, seen[1] = s, true
		}
	}
	if seen[0] && seen[1] {
		emit(link{From: other.Node, To: home.Node})
	}
}

// stitchFn works the stitch out, on one worker, from every link between
// the shards' stories: a story follows the story of the shard before that
// holds most of its overlap articles (the first of them on a tie), so that
// stories a shard keeps apart stay apart. It emits each story that
// continues one of an earlier shard with the first story of its chain.
// Its cost grows with the articles on the seams, not with the corpus.
func stitchFn(ctx context.Context, _ int, links func(*link) bool, emit func(continued)) {
	start := time.Now()
	var all []link
	var l link
	for links(&l) {
		all = append(all, l)
	}
	roots := stitch(all)
	for n, r := range roots {
		emit(continued{Story: n, Root: r})
	}
	stitchMicros.Update(ctx, time.Since(start).Microseconds())
	stitchedCount.Update(ctx, int64(len(roots)))
}

// continued is a story that continues one of an earlier shard, and the
// first story of its chain.
type continued struct {
	Story, Root node
}

// rootFn gives each article the story it belongs to after the stitch,
// keyed by that story's shard.
type rootFn struct {
	roots map[node]node
}

func (f *rootFn) ProcessElement(p placed, stitched func(*continued) bool, emit func(string, final)) {
	if f.roots == nil {
		f.roots = map[node]node{}
		var c continued
		for stitched(&c) {
			f.roots[c.Story] = c.Root
		}
	}
	root, ok := f.roots[p.Node]
	if !ok {
		root = p.Node
	}
	emit(root.Shard, final{Story: root, Item: p.Item})
}

// stitch returns, for each story that continues one of an earlier shard,
// the first story of its chain.
func stitch(links []link) map[node]node {
	slices.SortFunc(links, func(a, b link) int {
		return cmp.Or(compareNodes(a.From, b.From), compareNodes(a.To, b.To))
	})
	parent := map[node]node{}
	for i := 0; i < len(links); {
		j, best, bestN := i, links[i].To, 0
		for j < len(links) && links[j].From == links[i].From {
			k := j
			for k < len(links) && links[k].From == links[j].From && links[k].To == links[j].To {
				k++
			}
			if k-j > bestN {
				best, bestN = links[j].To, k-j
			}
			j = k
		}
		parent[links[i].From] = best
		i = j
	}
	roots := make(map[node]node, len(parent))
	var find func(n node) node
	find = func(n node) node {
		if r, ok := roots[n]; ok {
			return r
		}
		p, ok := parent[n]
		if !ok {
			return n
		}
		r := find(p)
		roots[n] = r
		return r
	}
	for n := range parent {
		find(n)
	}
	return roots
}

func compareNodes(a, b node) int {
	return cmp.Or(strings.Compare(a.Shard, b.Shard), cmp.Compare(a.Story, b.Story))
}
