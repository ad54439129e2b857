package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline/snapshot"
)

// scheduledTables are the tables of scheduled runs' output, each a folder
// of Hive partitions: articles by publication date, stories and
// story_outlets by the date of the story's first article, storylines by
// the date of their first article, story_lineage, storyline_lineage and
// rejects by run.
var scheduledTables = []string{"articles", "stories", "story_outlets", "storylines", "story_lineage", "storyline_lineage", "rejects"}

// runScheduled runs the job with a state directory: it clusters the new
// articles together with the state's live ones, names the stories so that
// they keep their ids (see nameStories), and publishes the new output and
// state. It is called with the output directory locked.
//
// The output directory holds the accumulated output of all runs as one
// dataset. Each run writes a new version of it (see package snapshot): the
// partitions it changes are written anew, the others are hard links to the
// previous version's files. Then it writes the new state, and its manifest
// last; publishing the state is the commit, after which the output is
// published. A run killed before the commit changes nothing; one killed
// after it is completed by the next run (see loadState).
func runScheduled(ctx context.Context, cfg Config, srcs []data.Source, skipped []string) (*Manifest, error) {
	out, err := filepath.Abs(cfg.Out)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	sdir, err := filepath.Abs(cfg.State)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	if sdir == out {
		return nil, fmt.Errorf("%w: the state and the output need directories of their own, not both %q", ErrConfig, out)
	}
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	unlock, err := lockDir(sdir, "another run is using the state in %q")
	if err != nil {
		return nil, err
	}
	defer unlock()
	outSnaps, stateSnaps := snapshot.Dir(out), snapshot.Dir(sdir)
	loadStart := time.Now()
	st, err := loadState(stateSnaps, outSnaps)
	if err != nil {
		return nil, err
	}
	loaded := stageTime("load state", time.Since(loadStart))
	book, err := loadOutlets(cfg)
	if err != nil {
		return nil, err
	}
	var changed []string
	if st.info.Params != nil {
		changed = st.info.Params.changes(paramsOf(cfg, book))
	}
	if len(changed) > 0 && !cfg.ChangeParameters {
		return nil, fmt.Errorf("%w: the state in %q was built with other parameters (%s): its live stories would be formed anew; pass --change-parameters to accept it, or run with the state's parameters", ErrConfig, sdir, strings.Join(changed, ", "))
	}
	run, err := snapshot.NextRun(st.info.RunID)
	if err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, sdir, err)
	}
	r, err := process(ctx, cfg, srcs, st, book)
	if err != nil {
		return nil, err
	}
	m := r.manifest
	m.Skipped = skipped
	m.RunID, m.PreviousRunID, m.State = run, st.info.RunID, sdir
	m.ParametersChanged = changed
	if len(changed) > 0 {
		m.Notes = append(m.Notes, "parameters changed from the runs before: "+strings.Join(changed, ", "))
	}
	m.Seconds = append([]StageTime{loaded}, m.Seconds...)
	c := r.carried
	sids, lineage := nameStories(run, r.ids, r.stories, c.previous)
	var lineLineage []lineageRow
	r.lineIDs, lineLineage = nameStorylines(r, run)

	// The rows this run writes, and those of earlier runs they replace. A
	// story with the same articles as before, none changed, in the same
	// storyline, keeps the rows it has: a run that brings nothing new
	// changes nothing.
	keep := unchangedStories(r, sids)
	if len(changed) > 0 {
		// Other parameters (an outlets file, a threshold of terms…): the
		// live stories' rows are written anew, whatever their articles.
		keep = map[string]bool{}
	}
	w := newPartitionWriter(keep, book)
	w.lineSame = sameStorylines(st, r, sids, keep)
	buildTables(r, sids, m, w.sink())
	w.replace(st, r, sids, keep)
	// Each run has its partition of lineage and rejects, empty or not.
	w.lineage.rows["run="+run], w.rejects.rows["run="+run] = lineage, r.rejects
	w.lineLineage.rows["run="+run] = lineLineage
	next := nextState(st, r, run, sids, cfg, w.lineAt)
	r.timer.lap("lineage")

	meta := tableMeta(cfg)
	meta["storyclust.run_id"] = run
	prevDir := ""
	if st.info.RunID != "" {
		prevDir = outSnaps.Version(st.info.RunID)
	}
	outDir, err := outSnaps.Create(run)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWrite, err)
	}
	if err := w.write(prevDir, outDir, meta); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWrite, err)
	}
	m.Outputs = slices.Clone(scheduledTables)
	if w.groups != nil {
		m.Outputs = append(m.Outputs, "story_groups")
	}
	crashPoint("output-written")
	stateDir, err := stateSnaps.Create(run)
	if err == nil {
		err = next.save(stateDir, meta)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrWrite, sdir, err)
	}
	crashPoint("state-written")
	r.timer.lap("write")
	if err := writeManifest(outDir, m); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWrite, err)
	}
	if err := stateSnaps.Publish(run); err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrWrite, sdir, err)
	}
	crashPoint("state-published")
	if err := linkTables(out, outDir); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWrite, err)
	}
	if err := outSnaps.Publish(run); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWrite, err)
	}
	crashPoint("output-published")
	stateSnaps.Prune(run, st.info.RunID)
	outSnaps.Prune(run, st.info.RunID)
	return m, nil
}

// replace marks the rows of the previous version that this run replaces:
// those of the articles and stories it writes again, and of the live
// stories it clustered again (which may have merged or split); and it sets
// the patch that corrects the rows of changed articles whose story is
// closed.
func (w *partitionWriter) replace(st *state, r *processed, sids []string, keep map[string]bool) {
	c := r.carried
	for s, story := range r.stories {
		if keep[sids[s]] {
			continue
		}
		w.stories.drop[sids[s]], w.outlets.drop[sids[s]] = true, true
		if w.groups != nil {
			w.groups.drop[sids[s]] = true
		}
		for _, i := range story.Members {
			id := r.ids[i]
			w.articles.drop[id] = true
			if seen, ok := st.seen[id]; ok {
				w.articles.touch[seen.Partition] = true
			}
		}
	}
	for id, u := range c.frozen {
		w.articles.touch[st.seen[id].Partition] = true
		st.seen[id] = seenRow{ArticleID: id, Digest: u.digest, Partition: dateKey(u.article.Published)}
	}
	// The rows of the open storylines are written again; one that merged
	// into another keeps a row of its closed stories alone, which keep its
	// id.
	named := map[string]bool{}
	for _, id := range r.lineIDs {
		named[id] = true
	}
	for _, l := range st.lines {
		if !w.lineKept[l.StorylineID] {
			w.storylines.drop[l.StorylineID], w.storylines.touch[l.Row.Partition] = true, true
		}
	}
	for _, p := range r.parts {
		if !named[p.StorylineID] {
			row := partRow(p)
			w.lineAt[p.StorylineID] = lineRowAt{dateKey(row.First), row.NStories, row.NArticles}
			w.storylines.add(dateKey(row.First), row)
		}
	}
	w.articles.patch = func(a table.ArticleRow, part string) (table.ArticleRow, string) {
		u, ok := c.frozen[a.ArticleID]
		if !ok {
			return a, part
		}
		n := u.article
		a.Outlet, a.Published, a.Title, a.URL = n.Outlet, n.Published, n.Title, n.URL
		a.SourceFile, a.SourceLine = n.SourceFile, n.SourceLine
		if n.Language != "" {
			a.Language = n.Language
		}
		return a, dateKey(a.Published)
	}
	// A live story's rows are in the partition of its first article.
	firstOf := map[string]time.Time{}
	for _, l := range st.live {
		t, ok := firstOf[l.StoryID]
		if p := l.Article.Published; !ok || !p.IsZero() && (t.IsZero() || p.Before(t)) {
			firstOf[l.StoryID] = p
		}
	}
	for sid, t := range firstOf {
		if !keep[sid] {
			w.stories.drop[sid], w.stories.touch[dateKey(t)] = true, true
			w.outlets.drop[sid], w.outlets.touch[dateKey(t)] = true, true
			if w.groups != nil {
				w.groups.drop[sid], w.groups.touch[dateKey(t)] = true, true
			}
		}
	}
}

// nextState returns the state after run: the horizon moves to the latest
// date read, the stories whose latest article is within the window before
// it stay live with all their articles, every article clustered is seen,
// and the storylines open after it are kept (see nextLines; lineAt is
// where the run wrote each storyline's row).
func nextState(st *state, r *processed, run string, sids []string, cfg Config, lineAt map[string]lineRowAt) *state {
	c := r.carried
	next := &state{info: st.info, seen: st.seen, docFreq: r.vec.DocFreq}
	next.info.RunID, next.info.PreviousRunID = run, st.info.RunID
	next.info.Params = paramsOf(cfg, r.outlets)
	limit := time.Now().UTC().Add(24 * time.Hour)
	for i, a := range r.articles {
		if !c.counted[i] && a.Published.After(next.info.Horizon) && !a.Published.After(limit) {
			next.info.Horizon = a.Published
		}
		next.seen[r.ids[i]] = seenRow{ArticleID: r.ids[i], Digest: c.digest[i], Partition: dateKey(a.Published)}
	}
	cutoff := next.info.Horizon.Add(-cfg.Window)
	next.info.LiveStories = 0
	live := make([]bool, len(r.stories))
	for s, story := range r.stories {
		var last time.Time
		for _, i := range story.Members {
			if p := r.articles[i].Published; p.After(last) {
				last = p
			}
		}
		if last.IsZero() || last.Before(cutoff) {
			continue
		}
		live[s] = true
		next.info.LiveStories++
		lid := r.lineIDs[r.storylineOf[s]]
		for _, i := range story.Members {
			next.live = append(next.live, liveRow{StoryID: sids[s], StorylineID: lid, Digest: c.digest[i], Article: r.articles[i]})
		}
	}
	next.lines = nextLines(r, r.lineIDs, live, next.info.Horizon, cfg.StorylineWindow, lineAt)
	next.info.Documents = next.docFreq.Docs
	next.info.LiveArticles, next.info.SeenArticles = len(next.live), len(next.seen)
	next.info.OpenStorylines = len(next.lines)
	return next
}

// unchangedStories returns the ids of the stories whose articles are
// exactly those of a story of the state, none of them changed, and whose
// storyline has the id the story's had.
func unchangedStories(r *processed, sids []string) map[string]bool {
	c := r.carried
	size := map[string]int{}
	for _, p := range c.previous {
		if p != "" {
			size[p]++
		}
	}
	keep := map[string]bool{}
	for s, story := range r.stories {
		lid := r.lineIDs[r.storylineOf[s]]
		same := len(story.Members) == size[sids[s]]
		for _, i := range story.Members {
			same = same && c.previous[i] == sids[s] && !c.updated[i] && c.previousLine[i] == lid
		}
		if same {
			keep[sids[s]] = true
		}
	}
	return keep
}

// sameStorylines returns the previous rows of the storylines that keep
// their rows when they count as many stories and articles as before: those
// whose every story keeps its rows and that hold no closed part but their
// own. A run that brings nothing new then changes no storyline row, as it
// changes no story's: the row, its top terms above all, would otherwise
// come out a little different when stories that were threads of their own
// have become part of a closed part.
func sameStorylines(st *state, r *processed, sids []string, keep map[string]bool) map[string]lineRowAt {
	prev := map[string]lineRowAt{}
	for _, l := range st.lines {
		prev[l.StorylineID] = l.Row
	}
	changed := map[string]bool{}
	for s, l := range r.storylineOf {
		lid := r.lineIDs[l]
		if s < len(r.stories) {
			changed[lid] = changed[lid] || !keep[sids[s]]
		} else if r.parts[s-len(r.stories)].StorylineID != lid {
			changed[lid] = true
		}
	}
	same := map[string]lineRowAt{}
	for id, row := range prev {
		if !changed[id] {
			same[id] = row
		}
	}
	return same
}

// optionalTables are tables of scheduled runs that only some runs write:
// story_groups with --group-by.
var optionalTables = []string{"story_groups"}

// linkTables makes out/TABLE and out/_manifest.json symbolic links into
// the published version, where they are not yet, and for the optional
// tables where version, the one about to be published, has them.
func linkTables(out, version string) error {
	names := append(slices.Clone(scheduledTables), manifestFile)
	for _, name := range optionalTables {
		if _, err := os.Stat(filepath.Join(version, name)); err == nil {
			names = append(names, name)
		}
	}
	for _, name := range names {
		link := filepath.Join(out, name)
		if fi, err := os.Lstat(link); err == nil {
			if fi.Mode()&os.ModeSymlink == 0 {
				return fmt.Errorf("%q is in the way of the link to the current output", link)
			}
			continue
		}
		if err := os.Symlink(filepath.Join(snapshot.CurrentLink, name), link); err != nil {
			return err
		}
	}
	return nil
}

// crashPoint kills the process when STORYCLUST_CRASH names point: the
// crash tests use it to stop a run between the steps of its commit.
func crashPoint(point string) {
	if os.Getenv("STORYCLUST_CRASH") == point {
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {}
	}
}

// partitionWriter collects the rows of a scheduled run by table and
// partition.
type partitionWriter struct {
	articles    *partitions[table.ArticleRow]
	stories     *partitions[table.StoryRow]
	outlets     *partitions[table.StoryOutletRow]
	groups      *partitions[table.StoryGroupRow] // with --group-by
	storylines  *partitions[table.StorylineRow]
	lineage     *partitions[lineageRow]
	lineLineage *partitions[lineageRow]
	rejects     *partitions[table.RejectRow]
	storyAt     map[string]string    // story id -> partition, for its outlet rows
	lineAt      map[string]lineRowAt // storyline id -> its row
	keep        map[string]bool      // stories whose rows are not written again
	// lineSame holds the previous rows of the storylines that may keep
	// theirs (see sameStorylines), lineKept those that do.
	lineSame map[string]lineRowAt
	lineKept map[string]bool
}

func newPartitionWriter(keep map[string]bool, book *outletBook) *partitionWriter {
	var attrs []string
	if book != nil {
		attrs = book.file.Attributes
	}
	w := &partitionWriter{
		articles: newPartitions(partitions[table.ArticleRow]{
			name: "articles", schema: table.ArticlesSchema, append: (*table.Table).AppendArticle, read: table.ReadArticles,
			key: func(a table.ArticleRow) string { return a.ArticleID },
			less: func(a, b table.ArticleRow) int {
				return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.ArticleID, b.ArticleID))
			},
		}),
		stories: newPartitions(partitions[table.StoryRow]{
			name: "stories", schema: table.StoriesSchema, append: (*table.Table).AppendStory, read: table.ReadStories,
			key: func(s table.StoryRow) string { return s.StoryID },
			less: func(a, b table.StoryRow) int {
				return cmp.Or(a.First.Compare(b.First), cmp.Compare(a.StoryID, b.StoryID))
			},
		}),
		outlets: newPartitions(partitions[table.StoryOutletRow]{
			name: "story_outlets", schema: table.StoryOutletsSchemaWith(attrs), append: (*table.Table).AppendStoryOutlet,
			read: func(path string) ([]table.StoryOutletRow, error) { return table.ReadStoryOutletsWith(path, attrs) },
			key:  func(o table.StoryOutletRow) string { return o.StoryID },
			less: func(a, b table.StoryOutletRow) int { return cmp.Compare(a.StoryID, b.StoryID) },
		}),
		storylines: newPartitions(partitions[table.StorylineRow]{
			name: "storylines", schema: table.StorylinesSchema, append: (*table.Table).AppendStoryline, read: table.ReadStorylines,
			key: func(l table.StorylineRow) string { return l.StorylineID },
			less: func(a, b table.StorylineRow) int {
				return cmp.Or(a.First.Compare(b.First), cmp.Compare(a.StorylineID, b.StorylineID))
			},
		}),
		// Lineage and rejects only gain a partition per run.
		lineage:     newPartitions(partitions[lineageRow]{name: "story_lineage", schema: lineageSchema, append: appendLineage}),
		lineLineage: newPartitions(partitions[lineageRow]{name: "storyline_lineage", schema: storylineLineageSchema, append: appendLineage}),
		rejects:     newPartitions(partitions[table.RejectRow]{name: "rejects", schema: table.RejectsSchema, append: (*table.Table).AppendReject}),
		storyAt:     map[string]string{},
		lineAt:      map[string]lineRowAt{},
		lineKept:    map[string]bool{},
		keep:        keep,
	}
	if book != nil && book.group >= 0 {
		w.groups = newPartitions(partitions[table.StoryGroupRow]{
			name: "story_groups", schema: table.StoryGroupsSchema, append: (*table.Table).AppendStoryGroup, read: table.ReadStoryGroups,
			key:  func(g table.StoryGroupRow) string { return g.StoryID },
			less: func(a, b table.StoryGroupRow) int { return cmp.Compare(a.StoryID, b.StoryID) },
		})
	}
	return w
}

func (w *partitionWriter) sink() rowSink {
	return rowSink{
		article: func(a table.ArticleRow) {
			if !w.keep[a.StoryID] {
				w.articles.add(dateKey(a.Published), a)
			}
		},
		story: func(s table.StoryRow) {
			if !w.keep[s.StoryID] {
				w.storyAt[s.StoryID] = dateKey(s.First)
				w.stories.add(dateKey(s.First), s)
			}
		},
		storyOutlet: func(o table.StoryOutletRow) {
			if !w.keep[o.StoryID] {
				w.outlets.add(w.storyAt[o.StoryID], o)
			}
		},
		storyGroup: func(g table.StoryGroupRow) {
			if !w.keep[g.StoryID] {
				w.groups.add(w.storyAt[g.StoryID], g)
			}
		},
		storyline: func(l table.StorylineRow) {
			if prev, ok := w.lineSame[l.StorylineID]; ok && prev.Stories == l.NStories && prev.Articles == l.NArticles {
				w.lineAt[l.StorylineID], w.lineKept[l.StorylineID] = prev, true
				return
			}
			w.lineAt[l.StorylineID] = lineRowAt{dateKey(l.First), l.NStories, l.NArticles}
			w.storylines.add(dateKey(l.First), l)
		},
	}
}

func (w *partitionWriter) write(prev, next string, meta map[string]string) error {
	if err := w.articles.write(prev, next, meta); err != nil {
		return err
	}
	if err := w.stories.write(prev, next, meta); err != nil {
		return err
	}
	if err := w.outlets.write(prev, next, meta); err != nil {
		return err
	}
	if w.groups != nil {
		if err := w.groups.write(prev, next, meta); err != nil {
			return err
		}
	}
	if err := w.storylines.write(prev, next, meta); err != nil {
		return err
	}
	if err := w.lineage.write(prev, next, meta); err != nil {
		return err
	}
	if err := w.lineLineage.write(prev, next, meta); err != nil {
		return err
	}
	return w.rejects.write(prev, next, meta)
}

// partitions is one table of the output of scheduled runs: the rows this
// run adds, by partition, and which rows of the previous version they
// replace. A table whose partitions are only added (one per run) needs no
// read, key or less.
type partitions[R any] struct {
	name   string
	schema *arrow.Schema
	append func(*table.Table, R)
	read   func(string) ([]R, error)
	key    func(R) string   // the row's id
	less   func(a, b R) int // the order of rows in a partition file
	// patch, if set, is applied to the previous version's rows that are
	// kept, with their partition; it returns the row and its partition.
	patch func(r R, part string) (R, string)
	rows  map[string][]R  // partition -> rows this run adds
	touch map[string]bool // partitions of the previous version that may change
	drop  map[string]bool // ids of the previous version's rows that are replaced
}

func newPartitions[R any](p partitions[R]) *partitions[R] {
	p.rows, p.touch, p.drop = map[string][]R{}, map[string]bool{}, map[string]bool{}
	return &p
}

func (p *partitions[R]) add(part string, r R) { p.rows[part] = append(p.rows[part], r) }

// partFile is the name of the one file of each partition.
const partFile = "part-0.parquet"

// write writes the table's new version into next: the previous version's
// partitions (in prev; "" when there is none) that this run touches or
// adds to are read, their replaced rows dropped and the new rows added;
// the others are linked unchanged. Every table has its folder, empty or
// not.
func (p *partitions[R]) write(prev, next string, meta map[string]string) error {
	dir := filepath.Join(next, p.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old := map[string]bool{} // partitions of the previous version
	if prev != "" {
		entries, err := os.ReadDir(filepath.Join(prev, p.name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			old[e.Name()] = true
		}
	}
	rows := map[string][]R{}
	rewrite := map[string]bool{}
	var queue []string
	for part := range p.touch {
		queue = append(queue, part)
	}
	for part := range p.rows {
		queue = append(queue, part)
	}
	slices.Sort(queue)
	for len(queue) > 0 {
		part := queue[0]
		queue = queue[1:]
		if rewrite[part] {
			continue
		}
		rewrite[part] = true
		if !old[part] {
			continue
		}
		kept, err := p.read(filepath.Join(prev, p.name, part, partFile))
		if err != nil {
			return err
		}
		for _, r := range kept {
			if p.drop[p.key(r)] {
				continue
			}
			to := part
			if p.patch != nil {
				r, to = p.patch(r, part)
			}
			rows[to] = append(rows[to], r)
			if !rewrite[to] {
				queue = append(queue, to) // a patched row moved
			}
		}
	}
	for part, rs := range p.rows {
		rows[part] = append(rows[part], rs...)
	}
	for part := range old {
		if !rewrite[part] {
			if err := os.Mkdir(filepath.Join(dir, part), 0o755); err != nil {
				return err
			}
			if err := os.Link(filepath.Join(prev, p.name, part, partFile), filepath.Join(dir, part, partFile)); err != nil {
				return err
			}
		}
	}
	// A partition all of whose rows left is not in rows: it is gone. An
	// empty one is written only when this run added it as such (its
	// lineage or rejects).
	for part, rs := range rows {
		if p.less != nil {
			slices.SortStableFunc(rs, p.less)
		}
		t := table.New("part-0", p.schema)
		t.Snappy = true
		for _, r := range rs {
			p.append(t, r)
		}
		pdir := filepath.Join(dir, part)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return err
		}
		if err := t.Write(pdir, table.Parquet, meta); err != nil {
			return err
		}
	}
	return nil
}
