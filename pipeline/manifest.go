package pipeline

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
)

// Manifest describes one run: what was read, with which parameters, what came
// out, and how long each stage took. It is written last, as _manifest.json.
//
// The counts add up: Read = Clustered + Rejected + DuplicatesDropped +
// AlreadySeen.
type Manifest struct {
	Version   string `json:"version"`
	StartedAt string `json:"started_at"`
	// RunID numbers scheduled runs on one state directory; empty for a
	// one-off run.
	RunID         string `json:"run_id,omitempty"`
	PreviousRunID string `json:"previous_run_id,omitempty"`
	// ParametersChanged lists how this scheduled run's parameters differ
	// from those of the runs before (accepted with ChangeParameters).
	ParametersChanged []string      `json:"parameters_changed,omitempty"`
	State             string        `json:"state,omitempty"`
	Parameters        Parameters    `json:"parameters"`
	Inputs            []InputRecord `json:"inputs"`
	Skipped           []string      `json:"skipped_files,omitempty"`
	Counts            Counts        `json:"counts"`
	// Outlets says how the inputs' outlets matched the outlets file, when
	// the run had one.
	Outlets *OutletCounts  `json:"outlets,omitempty"`
	Seconds []StageTime    `json:"seconds"`
	Outputs []string       `json:"outputs"`
	Top     []StorySummary `json:"top_stories"`
	// FirstRejects shows the first rejects as "file:line: reason"; the
	// rejects table has them all.
	FirstRejects []string `json:"first_rejects,omitempty"`
	Notes        []string `json:"notes,omitempty"`
}

// Parameters are the settings that shape the output.
type Parameters struct {
	Threshold          float64  `json:"threshold"`
	Window             string   `json:"window"`
	StorylineThreshold float64  `json:"storyline_threshold"`
	StorylineWindow    string   `json:"storyline_window"`
	TitleWeight        float64  `json:"title_weight"`
	Format             string   `json:"format"`
	Fields             []string `json:"fields,omitempty"`
	Year               int      `json:"year,omitempty"`
	Strict             bool     `json:"strict"`
	DateOrder          string   `json:"date_order,omitempty"`
	Delimiter          string   `json:"delimiter,omitempty"`
	Encoding           string   `json:"encoding,omitempty"`
	MaxArticleBytes    int      `json:"max_article_bytes"`
	Sample             bool     `json:"embedded_sample"`
	MinZ               float64  `json:"min_z"`
	Outlets            string   `json:"outlets,omitempty"`
	GroupBy            string   `json:"group_by,omitempty"`
	GroupMinOutlets    int      `json:"group_min_outlets,omitempty"`
}

// InputRecord is one input file.
type InputRecord struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Error  string `json:"error,omitempty"` // why the file stopped early, if it did
	// Fields says which column became which field ("title=headline_text"),
	// and Dates how the file's dates were read: a wrong mapping shows here
	// first.
	Fields []string `json:"fields,omitempty"`
	// Encoding says how the text was decoded ("windows-1252 (detected)").
	Encoding string     `json:"encoding,omitempty"`
	Dates    DateCounts `json:"dates"`
}

// DateCounts counts an input's articles by how their date was read.
type DateCounts struct {
	WithZone     int `json:"with_zone,omitempty"`
	AssumedUTC   int `json:"assumed_utc,omitempty"`
	YearInferred int `json:"year_inferred,omitempty"`
	FromFileName int `json:"from_file_name,omitempty"`
	Unparsable   int `json:"unparsable,omitempty"`
	Ambiguous    int `json:"ambiguous,omitempty"`
	Implausible  int `json:"implausible,omitempty"`
	Undated      int `json:"undated,omitempty"`
}

// add counts a.
func (c *DateCounts) add(a *data.Article) {
	switch {
	case a.DateNote == data.DateAssumedUTC:
		c.AssumedUTC++
	case a.DateNote == data.DateYearInferred:
		c.YearInferred++
	case a.DateNote == data.DateFromFileName:
		c.FromFileName++
	case a.DateNote == data.DateUnparsable:
		c.Unparsable++
	case a.DateNote == data.DateAmbiguous:
		c.Ambiguous++
	case a.DateNote == data.DateImplausible:
		c.Implausible++
	case !a.Published.IsZero():
		c.WithZone++
	}
	if a.Published.IsZero() {
		c.Undated++
	}
}

// String says the counts in a few words: "2 without a zone (taken as
// UTC), 1 undated".
func (c DateCounts) String() string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{
		{c.WithZone, "with a zone"}, {c.AssumedUTC, "without a zone (taken as UTC)"}, {c.YearInferred, "year inferred"}, {c.FromFileName, "from the file name"},
		{c.Unparsable, "unparsable"}, {c.Ambiguous, "ambiguous day/month"}, {c.Implausible, "implausible"}, {c.Undated, "undated"},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Counts are the run's article counts.
type Counts struct {
	Read int `json:"read"`
	// Clustered counts the articles read that this run wrote: in a
	// scheduled run, the new ones and the Updated ones.
	Clustered         int `json:"clustered"`
	Rejected          int `json:"rejected"`
	DuplicatesDropped int `json:"duplicates_dropped"`
	// ContentDuplicates counts the articles of an outlet with the title
	// and text of an earlier article of the same outlet and story under
	// another id: written with duplicate_of naming it.
	ContentDuplicates int `json:"content_duplicates"`
	// AlreadySeen counts articles an earlier scheduled run wrote with the
	// same content: they are not added again. Updated counts those whose
	// content changed: their rows are replaced. Carried counts the live
	// articles of earlier runs that were clustered again with this run's.
	AlreadySeen int `json:"already_seen,omitempty"`
	Updated     int `json:"updated,omitempty"`
	Carried     int `json:"carried_from_state,omitempty"`

	Undated           int `json:"undated"`
	DatesAssumedUTC   int `json:"dates_assumed_utc"`
	DatesYearInferred int `json:"dates_year_inferred"`
	DatesUnparsable   int `json:"dates_unparsable"`
	// DatesAmbiguous counts slash dates that could be day/month or
	// month/day; DatesImplausible dates before 1900 or more than a day
	// after the run. Both leave the article undated.
	DatesAmbiguous   int `json:"dates_ambiguous"`
	DatesImplausible int `json:"dates_implausible"`
	// DatesFromFileName counts text files without a dated dateline whose
	// date was taken from a YYYY-MM-DD in their name.
	DatesFromFileName int `json:"dates_from_file_name"`
	// OutletsFromURL counts articles without an outlet whose outlet was
	// taken from their URL's registered domain.
	OutletsFromURL int `json:"outlets_from_url"`
	// LanguageGiven, LanguageDetected and LanguageUnknown count the
	// articles whose language the input gave, was detected from their
	// text, or could not be told (null in the articles table).
	LanguageGiven    int `json:"language_given"`
	LanguageDetected int `json:"language_detected"`
	LanguageUnknown  int `json:"language_unknown"`
	EmptyVectors     int `json:"empty_vectors"`

	Stories            int `json:"stories"`
	CrossOutletStories int `json:"cross_outlet_stories"`
	Storylines         int `json:"storylines"`
	Singletons         int `json:"singleton_stories"`
	WireCopies         int `json:"wire_copies"`
}

// StageTime is the wall time of one stage.
type StageTime struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// StorySummary names one story for the run summary.
type StorySummary struct {
	StoryID   string `json:"story_id"`
	Label     string `json:"label"`
	NArticles int    `json:"n_articles"`
	NOutlets  int    `json:"n_outlets"`
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

// manifestFile is the manifest's name in the output directory.
const manifestFile = "_manifest.json"

// writeManifest writes m to dir/_manifest.json through a temporary file.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := table.WriteFileAtomic(filepath.Join(dir, manifestFile), append(b, '\n')); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
