package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/pipeline"
)

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var set settings
	var inputs, fields stringList
	var out string
	// storyclust's flags, listed apart from Beam's in the usage.
	ours := flag.NewFlagSet("storyclust-beam", flag.ExitOnError)
	ours.Var(&inputs, "input", "input `file`, folder or glob (gs://, s3:// too); repeatable")
	ours.StringVar(&out, "out", "", "output `directory` (gs://, s3:// too)")
	ours.StringVar(&set.Shard, "shard", "week", "shard the articles by publication `week` or month")
	ours.Float64Var(&set.Threshold, "threshold", 0, "story threshold (default as storyclust run)")
	ours.DurationVar(&set.Window, "window", 0, "story window, and the shards' overlap (default as storyclust run)")
	ours.Float64Var(&set.StorylineThreshold, "storyline-threshold", 0, "storyline threshold (default as storyclust run)")
	ours.DurationVar(&set.StorylineWindow, "storyline-window", 0, "storyline window (default as storyclust run)")
	ours.Float64Var(&set.TitleWeight, "title-weight", 0, "weight of a title token (default as storyclust run)")
	ours.Var(&fields, "field", "map an input `column` to a field (text=body); repeatable")
	ours.IntVar(&set.Year, "year", 0, "year of dateline dates without one")
	ours.BoolVar(&set.Strict, "strict", false, "reject rows whose date cannot be read")
	ours.StringVar(&set.DateOrder, "date-order", "", "read ambiguous slash dates as `dmy` or mdy")
	ours.StringVar(&set.Delimiter, "delimiter", "", "CSV `delimiter` (sniffed by default)")
	ours.StringVar(&set.Encoding, "encoding", "", "text `encoding` (detected by default)")
	ours.IntVar(&set.Workers, "shard-workers", runtime.GOMAXPROCS(0), "goroutines that cluster one shard")
	cpuProfile := ours.String("cpuprofile", "", "write a CPU profile of this process to `file` (for go tool pprof)")
	ours.VisitAll(func(f *flag.Flag) { flag.Var(f.Value, f.Name, f.Usage) })
	flag.Usage = func() {
		w := flag.CommandLine.Output()
		fmt.Fprint(w, `Usage: storyclust-beam --input PATH [--input PATH...] --out DIR [flags] [Beam flags]

Runs storyclust's job as an Apache Beam pipeline: the articles are cut into
shards by week or month, each clustered on a worker, and the stories that
cross a seam stitched into one. Prism runs it in this process by default;
--runner universal --endpoint HOST:PORT submits it to a job server (Flink,
Spark, Prism), and --runner dataflow to Dataflow. See docs/BACKFILL.md.

Flags:
`)
		ours.SetOutput(w)
		ours.PrintDefaults()
		fmt.Fprint(w, "\nBeam's flags (runner, endpoint, environment_type, project, region, ...):\n")
		beamFlags := flag.NewFlagSet("beam", flag.ContinueOnError)
		flag.VisitAll(func(f *flag.Flag) {
			if ours.Lookup(f.Name) == nil {
				beamFlags.Var(f.Value, f.Name, f.Usage)
			}
		})
		beamFlags.SetOutput(w)
		beamFlags.PrintDefaults()
	}
	flag.Parse()
	set.Fields = fields
	set.Version = version()
	beam.Init()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "storyclust-beam: --cpuprofile:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(context.Background(), set, inputs, out); err != nil {
		fmt.Fprintln(os.Stderr, "storyclust-beam:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// run checks the flags, lists the inputs and runs the pipeline.
func run(ctx context.Context, set settings, patterns []string, out string) error {
	if len(patterns) == 0 || out == "" {
		flag.Usage()
		return errors.New("give --input and --out")
	}
	if err := set.check(); err != nil {
		return err
	}
	inputs, err := list(ctx, patterns)
	if err != nil {
		return err
	}
	o, err := newOutput(out)
	if err != nil {
		return err
	}
	c, err := runPipeline(ctx, set, inputs, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "storyclust-beam: wrote %s: %s\n", out, c)
	return nil
}

// check checks the settings and sets the defaults of those not given.
func (set *settings) check() error {
	if set.Shard != "week" && set.Shard != "month" {
		return fmt.Errorf("--shard %q: want week or month", set.Shard)
	}
	cfg := set.config()
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg.EnsureDefaults()
	set.Threshold, set.Window, set.TitleWeight = cfg.Threshold, cfg.Window, cfg.TitleWeight
	set.StorylineThreshold, set.StorylineWindow, set.Workers = cfg.StorylineThreshold, cfg.StorylineWindow, cfg.Workers
	if set.Window >= 28*24*time.Hour || set.Shard == "week" && set.Window >= 7*24*time.Hour {
		return fmt.Errorf("--window %s: a shard's overlap must be shorter than the shard", set.Window)
	}
	if set.Now.IsZero() {
		set.Now = time.Now().UTC().Truncate(time.Second)
	}
	return nil
}

// seams is what the seams between shards cost a run, from its metrics.
type seams struct {
	Articles int64 // articles two shards hold
	Stitched int64 // stories that continue one of the shard before
	Stitch   time.Duration
}

func (s seams) String() string {
	return fmt.Sprintf("%d articles on the seams between shards; %d stories continue one of the shard before; the stitch took %s",
		s.Articles, s.Stitched, s.Stitch.Round(time.Microsecond))
}

// runPipeline runs the backfill of inputs into o on the runner of the
// --runner flag (Prism in process when it is not given), and returns
// what its seams cost, as far as the runner reports metrics.
func runPipeline(ctx context.Context, set settings, inputs []input, o output) (seams, error) {
	p, s := beam.NewPipelineWithRoot()
	build(s, set, inputs, o)
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		if o.Run != "" {
			// The version is never published. Removing it is the best
			// that can be done here (a worker may still be writing); the
			// next run's version takes its place and prunes the rest.
			os.RemoveAll(o.Dir)
		}
		return seams{}, err
	}
	var c seams
	if res == nil {
		return c, nil
	}
	m := res.Metrics().AllMetrics()
	for _, r := range m.Counters() {
		if r.Name() == "seam_articles" {
			c.Articles += r.Result()
		}
	}
	for _, r := range m.Distributions() {
		switch r.Name() {
		case "stitch_us":
			c.Stitch = max(c.Stitch, time.Duration(r.Result().Max)*time.Microsecond)
		case "stitched":
			c.Stitched = max(c.Stitched, r.Result().Max)
		}
	}
	return c, nil
}

// list expands the inputs into files, numbered in the order storyclust run
// would read them: local paths as it expands them (folders walked in
// lexical order, files of unknown kinds skipped), others as globs of
// Beam's file systems, sorted.
func list(ctx context.Context, patterns []string) ([]input, error) {
	var files []string
	for _, p := range patterns {
		if !remote(p) {
			srcs, _, err := data.Sources([]string{p})
			if err != nil {
				return nil, err
			}
			for _, s := range srcs {
				files = append(files, s.Name)
			}
			continue
		}
		fs, err := filesystem.New(ctx, p)
		if err != nil {
			return nil, err
		}
		names, err := fs.List(ctx, p)
		fs.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", pipeline.ErrInput, p, err)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%w: %s: no file matches", pipeline.ErrInput, p)
		}
		sort.Strings(names)
		files = append(files, names...)
	}
	inputs := make([]input, len(files))
	for i, f := range files {
		inputs[i] = input{Index: i, Path: f}
	}
	return inputs, nil
}

// version is the storyclust module's version this binary was built with.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				return "beam " + s.Value[:7]
			}
		}
	}
	return "beam " + filepath.Base(os.Args[0])
}
