package pipeline

import (
	"context"
	"fmt"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
)

// EvalResult scores the stories of one labelled file against its gold labels.
type EvalResult struct {
	File  string `json:"file"`
	Grain Grain  `json:"grain"`
	cluster.Scores
	Rejected int `json:"rejected"`
}

// Grain is the level at which an evaluation scores the output.
type Grain string

const (
	GrainStory     Grain = "story"     // stories, against event labels
	GrainStoryline Grain = "storyline" // storylines, against topic labels
)

// Evaluate clusters the labelled JSONL file with cfg (or, when predDir is
// not empty, takes the groups of the run written there) and scores its
// stories or storylines (grain) against the file's label field. Gold
// articles that the job rejected or dropped count as singletons.
func Evaluate(ctx context.Context, cfg Config, file, label string, grain Grain, predDir string) (*EvalResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.EnsureDefaults()
	fields, _ := data.ParseFieldMap(cfg.Fields)
	goldIDs, goldLabels, err := data.ReadGold(file, label, fields)
	if err != nil {
		return nil, err
	}
	if len(goldIDs) == 0 {
		return nil, fmt.Errorf("%w: %s: no rows with an id and a %q label", ErrInput, file, label)
	}
	storyOf := map[string]string{}
	res := &EvalResult{File: file, Grain: grain}
	if predDir != "" {
		ids, stories, err := table.ReadAssignments(predDir, grain == GrainStoryline)
		if err != nil {
			return nil, err
		}
		for i, id := range ids {
			storyOf[id] = stories[i]
		}
	} else {
		srcs, _, err := sources([]string{file})
		if err != nil {
			return nil, err
		}
		cfg.Progress = nil
		r, err := process(ctx, cfg, srcs, nil, nil)
		if err != nil {
			return nil, err
		}
		res.Rejected = r.manifest.Counts.Rejected
		for s, st := range r.stories {
			group := s
			if grain == GrainStoryline {
				group = r.storylineOf[s]
			}
			for _, i := range st.Members {
				storyOf[r.ids[i]] = fmt.Sprint(group)
			}
		}
	}
	pred := make([]string, len(goldIDs))
	for i, id := range goldIDs {
		s, ok := storyOf[id]
		if !ok {
			s = "missing:" + id // not clustered: a singleton
		}
		pred[i] = s
	}
	res.Scores = cluster.Score(goldLabels, pred)
	return res, nil
}

// Agreement is how far the stories of one output agree with those of a
// reference output, over the articles both hold.
type Agreement struct {
	Reference string `json:"reference"`
	Other     string `json:"other"`
	// OnlyReference and OnlyOther count articles in one output only.
	OnlyReference int `json:"only_reference"`
	OnlyOther     int `json:"only_other"`
	cluster.Scores
}

// Compare scores the stories (or storylines, by grain) in the output
// directory other against those in reference as if they were gold labels:
// B-cubed F1 is 1 when the two group the articles alike, whatever the ids.
func Compare(reference, other string, grain Grain) (*Agreement, error) {
	lines := grain == GrainStoryline
	refIDs, refStories, err := table.ReadAssignments(reference, lines)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", reference, err)
	}
	ids, stories, err := table.ReadAssignments(other, lines)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", other, err)
	}
	storyOf := make(map[string]string, len(ids))
	for i, id := range ids {
		storyOf[id] = stories[i]
	}
	a := &Agreement{Reference: reference, Other: other}
	var gold, pred []string
	for i, id := range refIDs {
		s, ok := storyOf[id]
		if !ok {
			a.OnlyReference++
			continue
		}
		gold, pred = append(gold, refStories[i]), append(pred, s)
		delete(storyOf, id)
	}
	a.OnlyOther = len(storyOf)
	a.Scores = cluster.Score(gold, pred)
	return a, nil
}
