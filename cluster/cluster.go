package cluster

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/storyclust/storyclust/vectorize"
)

// Config sets how stories are formed. The zero value gives the defaults.
type Config struct {
	// Threshold is the mean calibrated similarity at which two groups
	// merge: the cosine for two long undated articles, less for shorter or
	// dated ones (see calibrate). Zero means DefaultThreshold.
	Threshold float64
	// Window is how far apart in time two dated articles may be and still
	// be compared. Zero means DefaultWindow.
	Window time.Duration
	// MaxPostings bounds how many of the most recent postings in the window
	// each query term scans for candidates. Zero means DefaultMaxPostings.
	MaxPostings int
	// MaxCandidates bounds how many earlier items each item is compared
	// with exactly: those sharing the most weight with it. Zero means
	// DefaultMaxCandidates.
	MaxCandidates int
	// TopTerms is how many terms summarise a story. Zero means
	// DefaultTopTerms.
	TopTerms int
	// CentroidTerms is how many of its centroid's heaviest terms each
	// story keeps in Story.Centroid; zero keeps none.
	CentroidTerms int
	// Workers is the number of goroutines that search candidates and
	// start the linkage (see averageLink); zero means one. The result does
	// not depend on it.
	Workers int
	// Done, when not nil, counts the items searched for candidates so far,
	// for progress reports.
	Done *atomic.Int64
	// Reweigh, when not nil, lets Cluster drop the items' vectors (set
	// them to empty in the items given) once the candidates are found,
	// and get them back for the summaries: it is called once, after the
	// linkage, and returns the vectors in item order. The linkage needs
	// only the edges, and it is the peak of a run's memory, where the
	// weights would come on top (make bench's peak RSS).
	Reweigh func() ([]vectorize.Vector, error)
}

const (
	DefaultThreshold     = 0.2
	DefaultWindow        = 72 * time.Hour
	DefaultMaxPostings   = 1000
	DefaultMaxCandidates = 60
	DefaultTopTerms      = 10
)

// edgeFraction sets the smallest similarity kept as an edge, as a fraction
// of the threshold: pairs below it count as zero in the group means.
const edgeFraction = 0.6

// EnsureDefaults sets c's zero fields to their defaults and returns c;
// Cluster applies it to the configuration it is given.
func (c *Config) EnsureDefaults() *Config {
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.MaxPostings == 0 {
		c.MaxPostings = DefaultMaxPostings
	}
	if c.MaxCandidates == 0 {
		c.MaxCandidates = DefaultMaxCandidates
	}
	if c.TopTerms == 0 {
		c.TopTerms = DefaultTopTerms
	}
	return c
}

// longTerms is the number of distinct terms from which an item is long
// (an excerpt or a full text; headlines have fewer) in the candidate
// search of stories: a pair with a long item is an edge only if the two
// share two terms or more. The calibration makes a shared word decisive
// for a headline (see calibrate), which is right between headlines, but
// between a headline and a long text it lets one word that the text uses
// in passing join them: in a dense window some unrelated text always has
// the headline's rarest word, and the headline then brings its story into
// that text's. Reports of one event share more than a word: the
// headline's names and key words recur in the text. make bench (the
// synthetic corpora's density) and make eval (the dev sets) measure it;
// docs/QUALITY.md.
const longTerms = 40

// search is the candidate search of c (with its defaults set).
func (c Config) search() Search {
	return Search{
		Window: c.Window, MinSim: c.Threshold * edgeFraction, LongTerms: longTerms,
		MaxPostings: c.MaxPostings, MaxCandidates: c.MaxCandidates,
		Workers: c.Workers, Done: c.Done,
	}
}

// Cluster groups items (in canonical order) into stories.
func Cluster(ctx context.Context, items []Item, cfg Config) ([]Story, error) {
	cfg.EnsureDefaults()
	edges, err := candidateBlocks(ctx, items, cfg.search())
	if err != nil {
		return nil, err
	}
	langs := make([]string, len(items))
	times := make([]int64, len(items))
	for i := range items {
		langs[i] = items[i].Lang
		times[i] = noDate
		if !items[i].Time.IsZero() {
			times[i] = items[i].Time.Unix()
		}
		if cfg.Reweigh != nil {
			items[i].Vec = vectorize.Vector{}
		}
	}
	labels, err := averageLink(ctx, linkItems{langs, times, int64(bridgeWindows * cfg.Window / time.Second)}, edges, cfg.Threshold, cfg.Workers)
	if err != nil {
		return nil, err
	}
	if cfg.Reweigh != nil {
		vecs, err := cfg.Reweigh()
		if err != nil {
			return nil, err
		}
		for i := range items {
			items[i].Vec = vecs[i]
		}
	}
	return Summarize(items, labels, cfg.TopTerms, cfg.CentroidTerms, cfg.Workers), nil
}

// bridgeWindows is how many windows apart the dated articles of two groups
// may lie and the groups still join through undated ones (see apart): a
// story's undated articles may continue it over weeks, not over years.
const bridgeWindows = 10
