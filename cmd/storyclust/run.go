package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/dustin/go-humanize"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline"
	"github.com/storyclust/storyclust/vectorize"
)

type runCommand struct {
	stdout, stderr io.Writer
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// Run parses the run flags and runs the job.
func (c *runCommand) Run(ctx context.Context, args []string) error {
	var cfg pipeline.Config
	var format string
	var fields stringList
	var quiet bool
	var cpuProfile string
	fs := flag.NewFlagSet("storyclust run", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&cfg.Out, "out", "out", "output `directory`")
	fs.StringVar(&format, "format", "parquet", "output format: parquet, or arrow (Arrow IPC files with the same schemas)")
	fs.BoolVar(&cfg.ChangeParameters, "change-parameters", false, "with --state: accept a --threshold, --window, --title-weight, --min-z or --outlets file other than the state's (its live stories are formed anew; the manifest records the change)")
	fs.StringVar(&cfg.State, "state", "", "state `directory` of scheduled runs: each run adds its articles to the stories of the runs before, and --out holds the accumulated output as Hive partitions")
	jobFlags(fs, &cfg, &fields)
	fs.StringVar(&cfg.Outlets, "outlets", "", "outlets `file`: a CSV with an outlet column (the canonical name), an optional aliases column (names or domains, separated by |) and any other columns as attributes (lean, country…); the inputs' outlets it lists take its names, its attributes become columns of story_outlets, and one-off runs write an outlets table")
	fs.Float64Var(&cfg.MinZ, "min-z", cluster.DefaultMinScore, "smallest z-score of a term that story_outlets lists as distinctive of an outlet (1.96: a difference unlikely by chance at 5%, two-sided); an outlet with none lists none")
	fs.StringVar(&cfg.GroupBy, "group-by", "", "with --outlets: an `attribute` (such as lean) by which each story's coverage is counted in a story_groups table")
	fs.IntVar(&cfg.GroupMinOutlets, "group-min-outlets", pipeline.DefaultGroupMinOutlets, "with --group-by: how many outlets of one group a story needs, with none of another, to be marked only_group")
	fs.BoolVar(&quiet, "quiet", false, "print no progress")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to `file` (for go tool pprof)")
	var memLimit memoryLimit
	fs.Var(&memLimit, "memory-limit", "soft limit on the memory the job holds, as `bytes` (5GiB, 6GB): the garbage collector works harder as the heap nears it, trading some time for a lower peak; it is not a cap, a job that needs more still finishes (default: none, or GOMEMLIMIT)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: storyclust run [flags] [INPUT ...]

Reads news articles, groups coverage of the same event from different outlets
into stories and stories that continue one another into storylines, and
writes the articles, stories, story_outlets, storylines and rejects tables
plus _manifest.json to the output directory.

INPUT is a file, a directory (walked recursively) or - (JSONL on standard
input). Formats are told by extension, .gz for any: .jsonl/.ndjson/.json,
.csv, .tsv, .parquet, .txt (one article per file). With no INPUT the sample
corpus embedded in the binary is used.

With --state, runs are scheduled runs (from cron): each adds its articles to
the stories of the runs before, which keep their ids, and --out holds the
output of all runs as one dataset of Hive partitions (articles/date=…/,
stories/date=…/, story_outlets/date=…/, storylines/date=…/,
story_lineage/run=…/, storyline_lineage/run=…/, rejects/run=…/) that a run
replaces as a whole. Articles seen before are not added again; changed ones
are updated.

Flags:
`)
		fs.PrintDefaults()
	}
	inputs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	cfg.Inputs = inputs
	cfg.Format = table.Format(format)
	cfg.Fields = fields
	cfg.Version = version()
	if !quiet {
		cfg.Progress = c.stderr
	}
	if memLimit > 0 {
		debug.SetMemoryLimit(int64(memLimit))
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("%w: --cpuprofile: %w", errUsage, err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	m, err := pipeline.Run(ctx, cfg)
	if err != nil {
		return err
	}
	printSummary(c.stdout, cfg.Out, m)
	if m.Counts.Clustered == 0 && m.Counts.AlreadySeen == 0 {
		// The tables are written, and the rejects say why; a script must
		// not take the run for a success.
		return fmt.Errorf("no article could be clustered: %d read, %d rejected; the rejects table in %s says why", m.Counts.Read, m.Counts.Rejected, cfg.Out)
	}
	return nil
}

// jobFlags binds the flags that shape clustering, shared by run and eval.
func jobFlags(fs *flag.FlagSet, cfg *pipeline.Config, fields *stringList) {
	fs.Float64Var(&cfg.Threshold, "threshold", cluster.DefaultThreshold, "mean `similarity` at which articles join one story: the cosine for two long undated articles; headlines and articles published close together need less (scaled by length and time apart), so values above 1 are meaningful; higher makes smaller, tighter stories")
	fs.DurationVar(&cfg.Window, "window", cluster.DefaultWindow, "how far apart two dated articles may be and still share a story, and the scale of the time factor (articles without a date are compared with all)")
	fs.Float64Var(&cfg.StorylineThreshold, "storyline-threshold", cluster.DefaultStorylineThreshold, "cosine between the centroids of two storylines (decayed by the time between them) at which they join: stories that continue one another over weeks; higher makes more, narrower storylines")
	fs.DurationVar(&cfg.StorylineWindow, "storyline-window", cluster.DefaultStorylineWindow, "how far apart in time two storylines may be and still join; their similarity decays to half over it")
	fs.Float64Var(&cfg.TitleWeight, "title-weight", vectorize.DefaultTitleWeight, "how many times a title word counts against a body word")
	fs.Var(fields, "field", "map an input column to a field, as `field=column` (fields: id, title, text, outlet, published, url, language); repeatable")
	fs.IntVar(&cfg.Year, "year", 0, "`year` for dateline dates without one, unless the file name holds a YYYY-MM-DD date (default: the file's modification time)")
	fs.BoolVar(&cfg.Strict, "strict", false, "reject rows whose date cannot be parsed, is ambiguous or is implausible (default: keep them without a date, counted)")
	fs.StringVar(&cfg.DateOrder, "date-order", "", "read slash dates such as 03/04/2021 as `dmy` or mdy (default: only those whose numbers tell, the others kept undated and counted)")
	fs.StringVar(&cfg.Encoding, "encoding", "", "`name` of the text inputs' encoding (windows-1252, latin1, iso-8859-15, shift_jis…; default: UTF-8, UTF-16 by its byte order mark, or Windows-1252 detected per file)")
	fs.StringVar(&cfg.Delimiter, "delimiter", "", "CSV field separator, one `character` or tab (default: sniffed from each file's header)")
	fs.IntVar(&cfg.MaxArticleBytes, "max-article-bytes", data.DefaultMaxArticleBytes, "reject rows and text files larger than this many `bytes`")
	fs.Int64Var(&cfg.MaxInputBytes, "max-input-bytes", data.DefaultMaxInputBytes, "stop reading an input that expands (decompressed) beyond this many `bytes`; the rest is not read and the rejects say so")
	fs.IntVar(&cfg.MaxRows, "max-rows", data.DefaultMaxRows, "stop reading an input after this many `rows`; the rest is not read and the rejects say so")
	fs.IntVar(&cfg.Workers, "workers", 0, "goroutines for reading and analysis (default: the number of CPUs)")
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, which it returns.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func printSummary(w io.Writer, out string, m *pipeline.Manifest) {
	abs, err := filepath.Abs(out)
	if err != nil {
		abs = out
	}
	c := m.Counts
	fmt.Fprintf(w, "wrote %s: %s, _manifest.json\n", abs, strings.Join(m.Outputs, ", "))
	fmt.Fprintf(w, "articles read:        %d (%d clustered, %d rejected, %d duplicates dropped)\n", c.Read, c.Clustered, c.Rejected, c.DuplicatesDropped)
	if m.RunID != "" {
		fmt.Fprintf(w, "run %s:           %d seen before, %d updated, %d carried from earlier runs\n", m.RunID, c.AlreadySeen, c.Updated, c.Carried)
	}
	fmt.Fprintf(w, "stories:              %d (%d single articles)\n", c.Stories, c.Singletons)
	fmt.Fprintf(w, "cross-outlet stories: %d\n", c.CrossOutletStories)
	fmt.Fprintf(w, "rejects:              %d\n", c.Rejected)
	if o := m.Outlets; o != nil {
		fmt.Fprintf(w, "outlets file:         %d articles of listed outlets, %d of %d unlisted outlets, %d without an outlet\n", o.Listed, o.Unlisted, o.UnlistedOutlets, o.NoOutlet)
		for i, u := range o.FirstUnlisted {
			if i == 3 {
				fmt.Fprintf(w, "  … the outlets table lists them all\n")
				break
			}
			fmt.Fprintf(w, "  not listed: %s (%d articles)\n", clip(u.Outlet, 80), u.Articles)
		}
	}
	for i, r := range m.FirstRejects {
		if i == 3 {
			fmt.Fprintf(w, "  … %d more in rejects%s\n", c.Rejected-3, filepath.Ext(m.Outputs[0]))
			break
		}
		fmt.Fprintf(w, "  %s\n", clip(r, 200))
	}
	// How each input was read, so that a wrong mapping shows at once.
	const maxShown = 5
	for i, in := range m.Inputs {
		if i == maxShown {
			fmt.Fprintf(w, "  … %d more inputs in _manifest.json\n", len(m.Inputs)-maxShown)
			break
		}
		if i == 0 {
			fmt.Fprintln(w, "inputs (field=column; dates):")
		}
		enc := ""
		if in.Encoding != "" && in.Encoding != "utf-8" {
			enc = "; " + in.Encoding
		}
		fmt.Fprintf(w, "  %s: %s; dates: %s%s\n", clip(in.Path, 60), clip(strings.Join(in.Fields, ", "), 140), in.Dates, enc)
	}
	if len(m.Top) > 0 {
		fmt.Fprintln(w, "stories with the most outlets:")
		for _, s := range m.Top {
			fmt.Fprintf(w, "  %4d outlets %5d articles  %s\n", s.NOutlets, s.NArticles, clip(s.Label, 90))
		}
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// memoryLimit is the value of --memory-limit: a size in bytes, written as
// 5GiB, 6GB or 6000000000.
type memoryLimit uint64

func (m *memoryLimit) String() string {
	if *m == 0 {
		return ""
	}
	return humanize.IBytes(uint64(*m))
}

func (m *memoryLimit) Set(s string) error {
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return fmt.Errorf("memory limit %q: want a size such as 5GiB or 6GB", s)
	}
	*m = memoryLimit(n)
	return nil
}
