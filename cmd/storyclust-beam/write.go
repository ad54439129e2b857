package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline"
	"github.com/storyclust/storyclust/pipeline/snapshot"
	"github.com/storyclust/storyclust/vectorize"
)

// output is where the tables go. A local output is written into a new
// version of the directory, published as a whole at the end, as
// storyclust run publishes its output (package snapshot). Another file
// system's (gs://, s3://) is written in place, _manifest.json last.
type output struct {
	Out string
	// Dir holds the tables' folders: the new version's directory when
	// Run is set, else Out.
	Dir       string
	Run, Prev string
}

// tables are the folders of the output, beside _manifest.json.
var tables = []string{"articles", "stories", "story_outlets", "storylines", "rejects"}

var schemas = map[string]*arrow.Schema{
	"articles": table.ArticlesSchema, "stories": table.StoriesSchema, "story_outlets": table.StoryOutletsSchemaWith(nil),
	"storylines": table.StorylinesSchema, "rejects": table.RejectsSchema,
}

// remote reports whether p names a file of a file system other than the
// local disk.
func remote(p string) bool { return strings.Contains(p, "://") }

// newOutput starts the output at out: on a local disk, an empty version
// directory for the run.
func newOutput(out string) (output, error) {
	if remote(out) {
		// Objects are not renamed as a whole: a run writes its parts in
		// place, so an output there must start empty, or the parts of two
		// runs would mix.
		o := output{Out: out, Dir: strings.TrimSuffix(out, "/")}
		for _, name := range tables {
			has, err := o.hasParts(context.Background(), name)
			if err != nil {
				return output{}, err
			}
			if has {
				return output{}, fmt.Errorf("%s already holds a %s table: give an empty output path", out, name)
			}
		}
		return o, nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return output{}, err
	}
	snaps := snapshot.Dir(out)
	prev, err := snaps.Current()
	if err != nil {
		return output{}, err
	}
	run, err := snapshot.NextRun(prev)
	if err != nil {
		return output{}, err
	}
	dir, err := snaps.Create(run)
	if err != nil {
		return output{}, err
	}
	return output{Out: out, Dir: dir, Run: run, Prev: prev}, nil
}

// source opens the input at p: a local file as storyclust run opens it,
// another through Beam's file systems.
func (o output) source(ctx context.Context, p string) (data.Source, error) {
	if !remote(p) {
		srcs, _, err := data.Sources([]string{p})
		if err != nil {
			return data.Source{}, err
		}
		return srcs[0], nil
	}
	fs, err := filesystem.New(ctx, p)
	if err != nil {
		return data.Source{}, err
	}
	size, err := fs.Size(ctx, p)
	if err != nil {
		return data.Source{}, err
	}
	var mod time.Time
	if lm, ok := fs.(filesystem.LastModifiedGetter); ok {
		mod, _ = lm.LastModified(ctx, p)
	}
	return data.NewSource(p, size, mod, func() (io.ReadCloser, error) { return fs.OpenRead(ctx, p) }), nil
}

// write writes t as the part named part of its table's folder. The name
// depends only on what the part holds, and a part is written whole or not
// at all, so a retried worker overwrites its part: no row is written
// twice.
func (o output) write(ctx context.Context, cfg pipeline.Config, t *table.Table, part string) error {
	name := t.Name
	t.Name = part
	// Parts are small, and Arrow v15 builds a ZSTD encoder for every page
	// it compresses (see table.Table.Snappy).
	t.Snappy = true
	if !remote(o.Dir) {
		dir := filepath.Join(o.Dir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return t.Write(dir, table.Parquet, pipeline.TableMeta(cfg))
	}
	tmp, err := os.MkdirTemp("", "storyclust-part-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := t.Write(tmp, table.Parquet, pipeline.TableMeta(cfg)); err != nil {
		return err
	}
	return o.copyOut(ctx, filepath.Join(tmp, part+".parquet"), o.Dir+"/"+name+"/"+part+".parquet")
}

// copyOut copies the local file src to dst on its file system.
func (o output) copyOut(ctx context.Context, src, dst string) error {
	fs, err := filesystem.New(ctx, dst)
	if err != nil {
		return err
	}
	defer fs.Close()
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	w, err := fs.OpenWrite(ctx, dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// writeRejects writes the rejects of input index as a part of the rejects
// table.
func (o output) writeRejects(ctx context.Context, cfg pipeline.Config, index int, rejects []table.RejectRow) error {
	if len(rejects) == 0 {
		return nil
	}
	t := table.New("rejects", table.RejectsSchema)
	for _, rj := range rejects {
		t.AppendReject(rj)
	}
	return o.write(ctx, cfg, t, fmt.Sprintf("part-input-%06d", index))
}

// group is the stitched stories of one shard's group: its articles, ids,
// and each article's story, numbered.
func group(members func(*final) bool) (articles []data.Article, ids []string, labels []int) {
	number := map[node]int{}
	var m final
	for members(&m) {
		n, ok := number[m.Story]
		if !ok {
			n = len(number)
			number[m.Story] = n
		}
		articles, ids, labels = append(articles, m.Item.Article), append(ids, m.Item.ID), append(labels, n)
	}
	return articles, ids, labels
}

// threadsFn sends what the storyline linkage needs of each story of a
// group to the one worker that links them.
type threadsFn struct{ Set settings }

func (f *threadsFn) ProcessElement(ctx context.Context, key string, members func(*final) bool, df vectorize.DocFreq,
	emit func(pipeline.StoryThread)) error {
	articles, ids, labels := group(members)
	threads, err := pipeline.ShardThreads(ctx, f.Set.config(), articles, ids, labels, &df)
	if err != nil {
		return fmt.Errorf("shard %s: %w", key, err)
	}
	for _, t := range threads {
		emit(t)
	}
	return nil
}

// storyline names the storyline of a story that shares one with others.
type storyline struct {
	Story, Line string
}

// storylinesFn links the stories of every group into storylines, on one
// worker, and writes the storylines table. It sends on the storyline of
// each story that shares one with others, for the groups' tables.
type storylinesFn struct {
	Set settings
	Out output
}

func (f *storylinesFn) ProcessElement(ctx context.Context, _ int, threads func(*pipeline.StoryThread) bool,
	emit func(storyline), emitPart func(part)) error {
	var all []pipeline.StoryThread
	var t pipeline.StoryThread
	for threads(&t) {
		all = append(all, t)
	}
	cfg := f.Set.config()
	lines, rows, err := pipeline.LinkStorylines(ctx, cfg, all)
	if err != nil {
		return err
	}
	tb := table.New("storylines", table.StorylinesSchema)
	for _, r := range rows {
		tb.AppendStoryline(r)
	}
	if err := f.Out.write(ctx, cfg, tb, "part-all"); err != nil {
		return err
	}
	for story, line := range lines {
		emit(storyline{Story: story, Line: line})
	}
	m := pipeline.NewManifest(cfg)
	m.Counts.Storylines = len(rows)
	emitPart(part{Order: -1, Manifest: m})
	return nil
}

// writeFn builds and writes the tables of the stories of one group, with
// the storylines storylinesFn linked.
type writeFn struct {
	Set   settings
	Out   output
	lines map[string]string
}

func (f *writeFn) ProcessElement(ctx context.Context, key string, members func(*final) bool, df vectorize.DocFreq,
	lines func(*storyline) bool, emit func(part)) error {
	if f.lines == nil {
		f.lines = map[string]string{}
		var l storyline
		for lines(&l) {
			f.lines[l.Story] = l.Line
		}
	}
	articles, ids, labels := group(members)
	cfg := f.Set.config()
	ts, sm, err := pipeline.ShardTables(ctx, cfg, articles, ids, labels, &df, f.lines)
	if err != nil {
		return fmt.Errorf("shard %s: %w", key, err)
	}
	for _, t := range ts {
		if err := f.Out.write(ctx, cfg, t, "part-"+key); err != nil {
			return fmt.Errorf("shard %s: %w", key, err)
		}
	}
	emit(part{Order: -1, Manifest: sm})
	return nil
}

// publishFn adds up the manifest's parts, writes it, and publishes the
// output.
type publishFn struct {
	Set settings
	Out output
}

func (f *publishFn) ProcessElement(ctx context.Context, _ int, parts func(*part) bool) error {
	var all []part
	var p part
	for parts(&p) {
		all = append(all, p)
	}
	// The inputs' parts in the order they were listed; the others, which
	// only add counts and top stories, after them.
	slices.SortStableFunc(all, func(a, b part) int {
		if (a.Order < 0) != (b.Order < 0) {
			if a.Order < 0 {
				return 1
			}
			return -1
		}
		return a.Order - b.Order
	})
	m := pipeline.NewManifest(f.Set.config())
	m.StartedAt = f.Set.Now.UTC().Format(time.RFC3339)
	for _, p := range all {
		m.Merge(p.Manifest)
	}
	m.Finish()
	m.Outputs = slices.Clone(tables)
	return f.Out.publish(ctx, f.Set.config(), m)
}

// publish writes the manifest and makes the output the current one.
func (o output) publish(ctx context.Context, cfg pipeline.Config, m *pipeline.Manifest) error {
	// A table without a part (no rejects, say) gets an empty one, which
	// pandas and DuckDB read as no rows of its columns.
	for _, name := range tables {
		has, err := o.hasParts(ctx, name)
		if err != nil {
			return err
		}
		if !has {
			if err := o.write(ctx, cfg, table.New(name, schemas[name]), "part-empty"); err != nil {
				return err
			}
		}
	}
	if remote(o.Dir) {
		tmp, err := os.MkdirTemp("", "storyclust-manifest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := pipeline.WriteManifest(tmp, m); err != nil {
			return err
		}
		return o.copyOut(ctx, filepath.Join(tmp, "_manifest.json"), o.Dir+"/_manifest.json")
	}
	if err := pipeline.WriteManifest(o.Dir, m); err != nil {
		return err
	}
	snaps := snapshot.Dir(o.Out)
	names := append(slices.Clone(tables), "_manifest.json")
	if err := snaps.CheckLinks(names); err != nil {
		return err
	}
	if err := snaps.Publish(o.Run); err != nil {
		return err
	}
	if err := snaps.Link(names); err != nil {
		return err
	}
	snaps.Prune(o.Run, o.Prev)
	return nil
}

// hasParts reports whether the folder of table name holds a part.
func (o output) hasParts(ctx context.Context, name string) (bool, error) {
	glob := o.Dir + "/" + name + "/*.parquet"
	if !remote(glob) {
		parts, err := filepath.Glob(glob)
		return len(parts) > 0, err
	}
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return false, err
	}
	defer fs.Close()
	parts, err := fs.List(ctx, glob)
	return len(parts) > 0, err
}
