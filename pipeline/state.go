package pipeline

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline/snapshot"
	"github.com/storyclust/storyclust/vectorize"
)

// state is what scheduled runs carry from one run to the next, in the
// state directory's published version:
//
//   - state.json: the run that wrote it, the output directory it belongs
//     to, the horizon (the latest publication time seen) and the number of
//     articles counted in the document frequencies;
//   - live.parquet: the live articles, with their texts and stories. A
//     story is live while its latest dated article is within the window
//     before the horizon; all its articles are kept, so that the next run
//     clusters them again together with the new ones. This is what bounds
//     the state by the window;
//   - seen.parquet: the id and content digest of every article written,
//     and the partition of the articles table that holds it, so that an
//     article is never added twice and a changed one is found. It grows
//     with the corpus (docs/SCHEDULED.md measures it);
//   - docfreq.parquet: in how many articles each term occurred, so that
//     idf weighs terms over everything seen, not only over one run;
//   - storylines.parquet: the open storylines, with the centroid of their
//     closed stories (see lineRow). A storyline is open while it has a
//     live story or its latest dated article is within the storyline
//     window before the horizon. States written before storylines lack it.
type state struct {
	info    stateInfo
	live    []liveRow
	seen    map[string]seenRow
	docFreq *vectorize.DocFreq
	lines   []lineRow
}

// stateInfo is state.json.
type stateInfo struct {
	RunID         string `json:"run_id,omitempty"`
	PreviousRunID string `json:"previous_run_id,omitempty"`
	Output        string `json:"output"`
	// Horizon is the latest publication time seen, up to a day after the
	// run that saw it (later dates are taken as errors).
	Horizon time.Time `json:"horizon"`
	// Params are the parameters that shape the stories, as the runs so
	// far used them; nil in states written before they were recorded.
	Params       *storyParams `json:"parameters,omitempty"`
	Documents    int          `json:"documents"`
	LiveArticles int          `json:"live_articles"`
	LiveStories  int          `json:"live_stories"`
	SeenArticles int          `json:"seen_articles"`
	// OpenStorylines counts the storylines later stories may still join.
	OpenStorylines int `json:"open_storylines"`
}

const stateFile = "state.json"

// storyParams are the parameters that shape stories: a scheduled run that
// changes them moves the articles of live stories to other stories.
type storyParams struct {
	Threshold   float64 `json:"threshold"`
	Window      string  `json:"window"`
	TitleWeight float64 `json:"title_weight"`
	// Outlets identifies the outlets file and its grouping (see
	// outletBook.params), empty without one: another file renames
	// outlets and changes the columns of story_outlets.
	Outlets string `json:"outlets,omitempty"`
	// MinZ is the threshold of story_outlets' distinctive terms; zero in
	// states written before it was recorded, which any value matches.
	MinZ float64 `json:"min_z,omitempty"`
}

func paramsOf(cfg Config, book *outletBook) *storyParams {
	return &storyParams{Threshold: cfg.Threshold, Window: cfg.Window.String(), TitleWeight: cfg.TitleWeight, Outlets: book.params(), MinZ: cfg.MinZ}
}

// changes lists, as "flag old → new", how p differs from q.
func (p *storyParams) changes(q *storyParams) []string {
	var out []string
	if p.Threshold != q.Threshold {
		out = append(out, fmt.Sprintf("--threshold %v → %v", p.Threshold, q.Threshold))
	}
	if p.Window != q.Window {
		out = append(out, fmt.Sprintf("--window %s → %s", p.Window, q.Window))
	}
	if p.TitleWeight != q.TitleWeight {
		out = append(out, fmt.Sprintf("--title-weight %v → %v", p.TitleWeight, q.TitleWeight))
	}
	if p.MinZ != 0 && p.MinZ != q.MinZ {
		out = append(out, fmt.Sprintf("--min-z %v → %v", p.MinZ, q.MinZ))
	}
	if p.Outlets != q.Outlets {
		out = append(out, fmt.Sprintf("--outlets %s → %s", cmp.Or(p.Outlets, "none"), cmp.Or(q.Outlets, "none")))
	}
	return out
}

// loadState reads the published state of the state directory, which must
// belong to the output directory out (absolute). When the last run was
// killed after it published its state but before it published its output,
// the output is published now: output and state are always of one run.
func loadState(stateDir, out snapshot.Dir) (*state, error) {
	st := &state{seen: map[string]seenRow{}, docFreq: &vectorize.DocFreq{Terms: map[string]int{}}}
	st.info.Output = string(out)
	run, err := stateDir.Current()
	if err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, string(stateDir), err)
	}
	outRun, err := out.Current()
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrOutput, string(out), err)
	}
	if run == "" {
		if outRun != "" {
			return nil, fmt.Errorf("%w: %q holds the output of scheduled runs with another state directory; pass that one, or write to another directory", ErrOutput, string(out))
		}
		if _, err := os.Stat(filepath.Join(string(out), "articles.parquet")); err == nil {
			return nil, fmt.Errorf("%w: %q holds the output of a one-off run; scheduled runs need a directory of their own", ErrOutput, string(out))
		}
		stateDir.Prune()
		out.Prune()
		return st, nil
	}
	dir := stateDir.Version(run)
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err == nil {
		err = json.Unmarshal(b, &st.info)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, string(stateDir), err)
	}
	if st.info.Output != string(out) {
		return nil, fmt.Errorf("%w: state %q belongs to the output %q, not %q", ErrOutput, string(stateDir), st.info.Output, string(out))
	}
	if outRun != run {
		if _, err := os.Stat(filepath.Join(out.Version(run), manifestFile)); err != nil {
			return nil, fmt.Errorf("%w: state %q is at run %s but its output in %q is missing", ErrOutput, string(stateDir), run, string(out))
		}
		if err := out.Publish(run); err != nil {
			return nil, fmt.Errorf("%w: publish run %s in %q: %w", ErrOutput, run, string(out), err)
		}
	}
	stateDir.Prune(run, st.info.PreviousRunID)
	out.Prune(run, st.info.PreviousRunID)

	if st.live, err = readLive(filepath.Join(dir, "live.parquet")); err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, string(stateDir), err)
	}
	seen, err := readSeen(filepath.Join(dir, "seen.parquet"))
	if err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, string(stateDir), err)
	}
	for _, s := range seen {
		st.seen[s.ArticleID] = s
	}
	if st.docFreq.Terms, err = readDocFreq(filepath.Join(dir, "docfreq.parquet")); err != nil {
		return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, string(stateDir), err)
	}
	st.docFreq.Docs = st.info.Documents
	if path := filepath.Join(dir, "storylines.parquet"); !missing(path) {
		if st.lines, err = readLines(path); err != nil {
			return nil, fmt.Errorf("%w: state %q: %w", ErrOutput, string(stateDir), err)
		}
	}
	return st, nil
}

// missing reports whether path does not exist.
func missing(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// carried is how the articles of a scheduled run relate to the state.
type carried struct {
	counted      []bool   // per article: carried from the state, text counted in its document frequencies
	digest       []string // per article: digest of its content
	previous     []string // per article: its story in the state, or ""
	previousLine []string // per article: its storyline in the state, or ""
	updated      []bool   // per article: carried from the state with new content
	// frozen are articles seen before, with new content, whose story is no
	// longer live: their rows are updated where they are.
	frozen map[string]frozenUpdate
}

type frozenUpdate struct {
	article data.Article
	digest  string
}

// merge replaces r's articles (as read, deduplicated) with the articles to
// cluster: the new ones, the changed ones and the state's live ones, in
// canonical order. Articles seen before with the same content are dropped
// and counted.
func (st *state) merge(r *processed) *carried {
	c := &carried{frozen: map[string]frozenUpdate{}}
	counts := &r.manifest.Counts
	type entry struct {
		a                            data.Article
		id, digest, before, lineFrom string
		counted, updated             bool
	}
	liveAt := make(map[string]int, len(st.live))
	for k, l := range st.live {
		liveAt[l.Article.ID] = k
	}
	entries := make([]entry, 0, len(r.articles)+len(st.live))
	replaced := map[string]bool{}
	var updated []string // the first ids, for the manifest
	for i, a := range r.articles {
		id, d := r.ids[i], contentDigest(&a)
		old, seen := st.seen[id]
		switch {
		case !seen:
			entries = append(entries, entry{a, id, d, "", "", false, false})
		case old.Digest == d:
			counts.AlreadySeen++
		default:
			counts.Updated++
			if counts.Updated <= maxShownRejects {
				updated = append(updated, id)
			}
			if k, live := liveAt[id]; live {
				entries = append(entries, entry{a, id, d, st.live[k].StoryID, st.live[k].StorylineID, true, true})
				replaced[id] = true
			} else {
				c.frozen[id] = frozenUpdate{a, d}
			}
		}
	}
	counts.Clustered -= counts.AlreadySeen
	if counts.Updated > 0 {
		note := fmt.Sprintf("%d articles written by earlier runs came again with new content and were updated: %s", counts.Updated, strings.Join(updated, ", "))
		if counts.Updated > len(updated) {
			note += ", …"
		}
		r.manifest.Notes = append(r.manifest.Notes, note)
	}
	for _, l := range st.live {
		if !replaced[l.Article.ID] {
			entries = append(entries, entry{l.Article, l.Article.ID, l.Digest, l.StoryID, l.StorylineID, true, false})
			counts.Carried++
		}
	}
	slices.SortFunc(entries, func(x, y entry) int { return canonical(&x.a, &y.a, x.id, y.id) })
	n := len(entries)
	r.articles, r.ids = make([]data.Article, n), make([]string, n)
	c.counted, c.digest, c.previous, c.updated = make([]bool, n), make([]string, n), make([]string, n), make([]bool, n)
	c.previousLine = make([]string, n)
	for i, e := range entries {
		r.articles[i], r.ids[i] = e.a, e.id
		c.counted[i], c.digest[i], c.previous[i], c.updated[i] = e.counted, e.digest, e.before, e.updated
		c.previousLine[i] = e.lineFrom
	}
	return c
}

// contentDigest tells whether an article with a known id has changed.
func contentDigest(a *data.Article) string {
	pub := ""
	if !a.Published.IsZero() {
		pub = a.Published.UTC().Format(time.RFC3339Nano)
	}
	return shortHash(a.Outlet + "\x00" + pub + "\x00" + a.Title + "\x00" + a.Text + "\x00" + a.URL + "\x00" + a.Language)
}

// dateKey is the partition of a publication time: its UTC date.
func dateKey(t time.Time) string {
	if t.IsZero() {
		return "date=undated"
	}
	return "date=" + t.UTC().Format(time.DateOnly)
}

// save writes the state as of run into dir.
func (st *state) save(dir string, meta map[string]string) error {
	b, err := json.MarshalIndent(st.info, "", "  ")
	if err != nil {
		return err
	}
	if err := table.WriteFileAtomic(filepath.Join(dir, stateFile), append(b, '\n')); err != nil {
		return err
	}
	live := table.New("live", liveSchema)
	for _, l := range st.live {
		appendLive(live, l)
	}
	seen := table.New("seen", seenSchema)
	ids := make([]string, 0, len(st.seen))
	for id := range st.seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		appendSeen(seen, st.seen[id])
	}
	df := table.New("docfreq", docFreqSchema)
	terms := make([]string, 0, len(st.docFreq.Terms))
	for t := range st.docFreq.Terms {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	for _, t := range terms {
		appendDocFreq(df, t, st.docFreq.Terms[t])
	}
	lines := table.New("storylines", lineSchema)
	for _, l := range st.lines {
		appendLine(lines, l)
	}
	for _, t := range []*table.Table{live, seen, df, lines} {
		if err := t.Write(dir, table.Parquet, meta); err != nil {
			return err
		}
	}
	return nil
}
