package pipeline

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/vectorize"
)

// DefaultGroupMinOutlets is how many outlets of one group a story needs,
// with no outlet of another group, to be marked only_group.
const DefaultGroupMinOutlets = 2

// maxUnlisted is how many of the outlets an outlets file does not list the
// manifest names; the outlets table has them all.
const maxUnlisted = 50

// outletBook is a run's outlets file, resolved against its articles.
type outletBook struct {
	file  *data.Outlets
	group int // the index of the --group-by attribute, -1 for none
	// inputs holds, per outlet of the file, the input names that became
	// its name; attrs the attributes of each outlet of the file by name.
	inputs []map[string]bool
	attrs  map[string][]string
	min    int    // GroupMinOutlets
	digest string // the file's SHA-256, in hex
}

// params identifies the book in a state's parameters: the file's
// SHA-256, and the grouping; empty for none.
func (b *outletBook) params() string {
	if b == nil {
		return ""
	}
	p := "sha256:" + b.digest
	if b.group >= 0 {
		p += fmt.Sprintf(" group-by %s min %d", b.file.Attributes[b.group], b.min)
	}
	return p
}

// loadOutlets reads cfg's outlets file, if it has one. An attribute may
// not be named as a column that story_outlets or outlets has already, and
// --group-by must name an attribute.
func loadOutlets(cfg Config) (*outletBook, error) {
	if cfg.Outlets == "" {
		return nil, nil
	}
	// One read: the digest is of the file parsed.
	content, err := os.ReadFile(cfg.Outlets)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", data.ErrInput, err)
	}
	f, err := data.ParseOutlets(bytes.NewReader(content), cfg.Outlets)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	taken := map[string]bool{}
	for _, s := range []*arrow.Schema{table.StoryOutletsSchema, table.OutletsSchema} {
		for _, fld := range s.Fields() {
			taken[fld.Name] = true
		}
	}
	b := &outletBook{file: f, group: -1, inputs: make([]map[string]bool, len(f.List)), attrs: map[string][]string{}, min: cfg.GroupMinOutlets,
		digest: hex.EncodeToString(sum[:])}
	for k, a := range f.Attributes {
		if taken[strings.ToLower(a)] {
			return nil, fmt.Errorf("%w: %s:1: column %q: story_outlets or outlets has a column of that name; rename it", data.ErrInput, cfg.Outlets, a)
		}
		if cfg.GroupBy != "" && strings.EqualFold(a, cfg.GroupBy) {
			b.group = k
		}
	}
	if cfg.GroupBy != "" && b.group < 0 {
		return nil, fmt.Errorf("%w: group by %q: %s has no such column (its attributes: %s)", ErrConfig, cfg.GroupBy, cfg.Outlets, strings.Join(f.Attributes, ", "))
	}
	for i, o := range f.List {
		b.inputs[i] = map[string]bool{}
		b.attrs[o.Name] = o.Values
	}
	return b, nil
}

// OutletCounts says how the articles' outlets matched the outlets file:
// Listed + Unlisted + NoOutlet is the articles clustered.
type OutletCounts struct {
	File     string `json:"file"`
	Listed   int    `json:"listed_articles"`
	Unlisted int    `json:"unlisted_articles"`
	NoOutlet int    `json:"no_outlet_articles"`
	// UnlistedOutlets counts the outlets the file does not list, and
	// FirstUnlisted names those with the most articles.
	UnlistedOutlets int           `json:"unlisted_outlets"`
	FirstUnlisted   []OutletCount `json:"first_unlisted,omitempty"`
	// ComparedStories counts, with --group-by, the stories that two or
	// more groups covered: those the framing table compares the groups in.
	ComparedStories int `json:"compared_stories,omitempty"`
}

// OutletCount is an outlet and its articles.
type OutletCount struct {
	Outlet   string `json:"outlet"`
	Articles int    `json:"articles"`
}

// resolve gives each article the canonical name of its outlet, if the file
// lists it, and counts how they matched.
func (b *outletBook) resolve(articles []data.Article, path string) *OutletCounts {
	c := &OutletCounts{File: path}
	unlisted := map[string]int{}
	// Outlets repeat: each name is resolved once.
	resolved := map[string]int{}
	for i := range articles {
		a := &articles[i]
		if a.Outlet == "" {
			c.NoOutlet++
			continue
		}
		k, seen := resolved[a.Outlet]
		if !seen {
			var listed bool
			if k, listed = b.file.Resolve(a.Outlet); !listed {
				k = -1
			}
			resolved[a.Outlet] = k
		}
		if k < 0 {
			c.Unlisted++
			unlisted[a.Outlet]++
			continue
		}
		c.Listed++
		b.inputs[k][a.Outlet] = true
		a.Outlet = b.file.List[k].Name
	}
	c.UnlistedOutlets = len(unlisted)
	for o, n := range unlisted {
		c.FirstUnlisted = append(c.FirstUnlisted, OutletCount{o, n})
	}
	slices.SortFunc(c.FirstUnlisted, func(x, y OutletCount) int {
		return cmp.Or(cmp.Compare(y.Articles, x.Articles), cmp.Compare(x.Outlet, y.Outlet))
	})
	c.FirstUnlisted = c.FirstUnlisted[:min(len(c.FirstUnlisted), maxUnlisted)]
	return c
}

// outletTally counts, per outlet, the articles and stories of the
// story_outlets rows it is shown, and emits the outlets table from them.
type outletTally struct {
	articles, stories map[string]int
}

func newOutletTally() *outletTally {
	return &outletTally{articles: map[string]int{}, stories: map[string]int{}}
}

func (t *outletTally) add(o *table.StoryOutletRow) {
	t.articles[o.Outlet] += o.NArticles
	t.stories[o.Outlet]++
}

// emit emits the outlets of the file, in its order, then those the
// inputs named that it does not list, by name.
func (t *outletTally) emit(b *outletBook, emit func(table.OutletRow)) {
	listed := map[string]bool{}
	for k, o := range b.file.List {
		listed[o.Name] = true
		names := make([]string, 0, len(b.inputs[k]))
		for n := range b.inputs[k] {
			names = append(names, n)
		}
		slices.Sort(names)
		emit(table.OutletRow{
			Outlet: o.Name, Listed: true, Aliases: o.Aliases, InputNames: names,
			NArticles: t.articles[o.Name], NStories: t.stories[o.Name], Attributes: o.Values,
		})
	}
	var others []string
	for o := range t.articles {
		if !listed[o] {
			others = append(others, o)
		}
	}
	slices.Sort(others)
	for _, o := range others {
		emit(table.OutletRow{Outlet: o, InputNames: []string{o}, NArticles: t.articles[o], NStories: t.stories[o]})
	}
}

// storyGroups returns the story_groups rows of one story from its outlet
// rows: per value of the grouping attribute, in order of value, its
// outlets and articles, then those of the outlets without a value (a null
// group). The one group that covers a story, with at least b.min outlets
// and no outlet of another group, is marked OnlyGroup; outlets without a
// value do not count against it.
func (b *outletBook) storyGroups(sid string, outlets []table.StoryOutletRow) []table.StoryGroupRow {
	byGroup := map[string]*table.StoryGroupRow{}
	for _, o := range outlets {
		g := ""
		if vals := b.attrs[o.Outlet]; vals != nil {
			g = vals[b.group]
		}
		row := byGroup[g]
		if row == nil {
			row = &table.StoryGroupRow{StoryID: sid, Group: g}
			byGroup[g] = row
		}
		row.NOutlets++
		row.NArticles += o.NArticles
	}
	rows := make([]table.StoryGroupRow, 0, len(byGroup))
	for _, r := range byGroup {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(x, y table.StoryGroupRow) int {
		if (x.Group == "") != (y.Group == "") {
			return cmp.Compare(y.Group, x.Group) // the null group last
		}
		return cmp.Compare(x.Group, y.Group)
	})
	known := len(rows)
	if _, ok := byGroup[""]; ok {
		known--
	}
	if known == 1 && rows[0].NOutlets >= b.min {
		rows[0].OnlyGroup = true
	}
	return rows
}

// framingTerms is how many terms the framing table lists per group at
// most.
const framingTerms = 100

// pooledFraming compares the groups of the --group-by attribute within the
// stories that two or more of them covered (see cluster.Pooled), by the
// terms' stems and two-word phrases (bg their uses in the run), emits the terms and phrases of each group at r.minZ or above,
// groups in order of value, and returns how many stories it compared.
// Articles of outlets without a value take no part.
func pooledFraming(r *processed, b *outletBook, bg *cluster.Background, emit func(table.FramingRow)) int {
	var values []string
	groupOf := map[string]int{}
	for _, o := range b.file.List {
		if v := o.Values[b.group]; v != "" && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	slices.Sort(values)
	for _, o := range b.file.List {
		if v := o.Values[b.group]; v != "" {
			groupOf[o.Name] = slices.Index(values, v)
		}
	}
	vocab := bg.Vocab()
	accs := make([]*cluster.Accumulator, len(values))
	for g := range accs {
		accs[g] = cluster.NewAccumulator(vocab)
	}
	pooled := bg.NewPooled(len(values))
	counts := make([]vectorize.Vector, len(values))
	for _, st := range r.stories {
		for _, i := range st.Members {
			if g, ok := groupOf[r.articles[i].Outlet]; ok {
				r.addTerms(accs[g], i)
			}
		}
		for g, acc := range accs {
			counts[g] = acc.Vector()
			acc.Reset()
		}
		pooled.AddStory(counts)
	}
	for g, v := range values {
		for _, t := range pooled.Terms(g, framingTerms, r.minZ) {
			emit(table.FramingRow{
				Group: v, Term: r.distinctiveName(t.Term), Z: t.Z, LogOdds: t.LogOdds,
				NStories: t.Stories, CountGroup: t.Own, Others: t.Other,
			})
		}
	}
	return pooled.Stories
}
