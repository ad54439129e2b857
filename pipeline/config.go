package pipeline

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/vectorize"
)

// Config is one run of the job. The zero value runs on the embedded sample
// with the default parameters and writes Parquet to ./out.
type Config struct {
	// Inputs are files, directories (walked recursively) or "-" for JSONL on
	// standard input. Empty means the embedded sample corpus.
	Inputs []string
	// Out is the output directory; empty means "out".
	Out string
	// Format of the output tables; empty means Parquet.
	Format table.Format

	// Threshold is the mean calibrated similarity at which groups of articles
	// merge into one story; zero means cluster.DefaultThreshold. Calibrated
	// similarities of short or simultaneous articles exceed their cosine, so
	// values above 1 are meaningful too.
	Threshold float64
	// Window is how far apart two dated articles may be and still share a
	// story; zero means cluster.DefaultWindow.
	Window time.Duration
	// StorylineThreshold is the decayed centroid cosine at which stories
	// join one storyline, and StorylineWindow the storyline's horizon;
	// zero means cluster.DefaultStorylineThreshold and
	// cluster.DefaultStorylineWindow (see cluster.Storylines).
	StorylineThreshold float64
	StorylineWindow    time.Duration
	// TitleWeight is how much a title token counts against a body token;
	// zero means vectorize.DefaultTitleWeight.
	TitleWeight float64

	// Fields pins input columns to article fields ("text=body").
	Fields []string
	// Year completes dateline dates without a year; zero takes the file's.
	Year int
	// Strict rejects rows whose date cannot be parsed, is ambiguous or is
	// implausible.
	Strict bool
	// DateOrder reads slash dates whose numbers do not tell day from
	// month: "dmy", "mdy", or empty to leave those undated and counted.
	DateOrder string
	// Delimiter separates CSV fields; empty sniffs it per file.
	Delimiter string
	// Encoding of text inputs; empty detects UTF-8, UTF-16 or
	// Windows-1252 per file.
	Encoding string
	// MaxArticleBytes rejects larger rows; zero means data.DefaultMaxArticleBytes.
	MaxArticleBytes int
	// MaxInputBytes and MaxRows end an input that expands beyond them;
	// zero means data.DefaultMaxInputBytes and data.DefaultMaxRows.
	MaxInputBytes int64
	MaxRows       int

	// Outlets is an outlets file (see data.ReadOutlets): the inputs'
	// outlet names that it lists, by name, alias or domain, become its
	// canonical names, and its attributes become columns of story_outlets
	// and, in one-off runs, of an outlets table.
	Outlets string
	// MinZ is the smallest z-score of a term story_outlets lists as
	// distinctive of an outlet; zero means cluster.DefaultMinScore.
	MinZ float64
	// GroupBy names an attribute of the outlets file by which each story's
	// coverage is counted in a story_groups table; GroupMinOutlets is how
	// many outlets of one group a story needs, covered by that group only,
	// to be marked only_group (zero means DefaultGroupMinOutlets).
	GroupBy         string
	GroupMinOutlets int

	// State is the state directory of scheduled runs; empty means a
	// one-off run. With a state, each run adds its articles to the stories
	// of the runs before, and Out holds their accumulated output as Hive
	// partitions (see runScheduled).
	State string
	// ChangeParameters lets a scheduled run use other story parameters
	// (threshold, window, title weight) than the runs before it on the
	// same state; the manifest records the change.
	ChangeParameters bool

	// Workers bounds parallelism; zero means GOMAXPROCS.
	Workers int
	// Progress receives progress output (a bar when it is a terminal, plain
	// lines otherwise); nil means none.
	Progress io.Writer
	// Version is recorded in the manifest and the tables' metadata.
	Version string
}

// EnsureDefaults sets c's zero fields to their defaults and returns c:
// those of the story parameters and the article bound as the packages
// that use them (cluster, vectorize, data) set them. Run and Eval apply it
// to the configuration they are given.
func (c *Config) EnsureDefaults() *Config {
	if c.Out == "" {
		c.Out = "out"
	}
	if c.Format == "" {
		c.Format = table.Parquet
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	cc := (&cluster.Config{Threshold: c.Threshold, Window: c.Window}).EnsureDefaults()
	c.Threshold, c.Window = cc.Threshold, cc.Window
	sc := (&cluster.StorylineConfig{Threshold: c.StorylineThreshold, Window: c.StorylineWindow}).EnsureDefaults()
	c.StorylineThreshold, c.StorylineWindow = sc.Threshold, sc.Window
	if c.TitleWeight == 0 {
		c.TitleWeight = (&vectorize.Config{}).EnsureDefaults().TitleWeight
	}
	c.MaxArticleBytes = (&data.Options{MaxArticleBytes: c.MaxArticleBytes}).EnsureDefaults().MaxArticleBytes
	if c.MinZ == 0 {
		c.MinZ = cluster.DefaultMinScore
	}
	if c.GroupMinOutlets == 0 {
		c.GroupMinOutlets = DefaultGroupMinOutlets
	}
	return c
}

// delimiter reads a CSV field separator: one character, or "tab".
func delimiter(s string) (rune, error) {
	switch r := []rune(s); {
	case s == "":
		return 0, nil
	case s == "tab" || s == `\t`:
		return '\t', nil
	case len(r) == 1 && r[0] != '"' && r[0] != '\n' && r[0] != '\r':
		return r[0], nil
	}
	return 0, fmt.Errorf("delimiter %q: want one character, or tab", s)
}

// ErrConfig marks an invalid configuration.
var ErrConfig = errors.New("invalid configuration")

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if c.Format != "" && c.Format != table.Parquet && c.Format != table.Arrow {
		errs = append(errs, fmt.Errorf("format %q: want parquet or arrow", c.Format))
	}
	if c.Threshold < 0 {
		errs = append(errs, fmt.Errorf("threshold %v: want a positive number", c.Threshold))
	}
	if c.Window < 0 {
		errs = append(errs, fmt.Errorf("window %v: want a positive duration", c.Window))
	}
	if c.StorylineThreshold < 0 {
		errs = append(errs, fmt.Errorf("storyline threshold %v: want a positive number", c.StorylineThreshold))
	}
	if c.StorylineWindow < 0 {
		errs = append(errs, fmt.Errorf("storyline window %v: want a positive duration", c.StorylineWindow))
	}
	if c.TitleWeight < 0 {
		errs = append(errs, fmt.Errorf("title weight %v: want a positive number", c.TitleWeight))
	}
	if c.MaxInputBytes < 0 || c.MaxRows < 0 {
		errs = append(errs, fmt.Errorf("max input bytes %d, max rows %d: want positive numbers", c.MaxInputBytes, c.MaxRows))
	}
	if c.MaxArticleBytes < 0 {
		errs = append(errs, fmt.Errorf("max article bytes %d: want a positive number", c.MaxArticleBytes))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers %d: want a positive number", c.Workers))
	}
	if c.GroupBy != "" && c.Outlets == "" {
		errs = append(errs, fmt.Errorf("group by %q: an attribute of the outlets file, which needs --outlets", c.GroupBy))
	}
	if c.MinZ < 0 {
		errs = append(errs, fmt.Errorf("min z %v: want a positive number", c.MinZ))
	}
	if c.GroupMinOutlets < 0 {
		errs = append(errs, fmt.Errorf("group min outlets %d: want a positive number", c.GroupMinOutlets))
	}
	if c.State != "" && c.Format == table.Arrow {
		errs = append(errs, errors.New("format arrow: scheduled runs (a state directory) write Parquet only"))
	}
	if c.Year < 0 || c.Year > 9999 {
		errs = append(errs, fmt.Errorf("year %d: want a four-digit year", c.Year))
	}
	if _, err := data.ParseDateOrder(c.DateOrder); err != nil {
		errs = append(errs, err)
	}
	if c.Encoding != "" {
		if err := data.CheckEncoding(c.Encoding); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := delimiter(c.Delimiter); err != nil {
		errs = append(errs, err)
	}
	if _, err := data.ParseFieldMap(c.Fields); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrConfig, errors.Join(errs...))
	}
	return nil
}
