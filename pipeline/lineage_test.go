package pipeline

import (
	"fmt"
	"slices"
	"testing"

	"github.com/storyclust/storyclust/cluster"
)

func TestNameStories(t *testing.T) {
	ids := []string{"a0", "a1", "a2", "a3", "a4", "a5", "a6"}
	stories := func(groups ...[]int) []cluster.Story {
		var ss []cluster.Story
		for _, g := range groups {
			ss = append(ss, cluster.Story{Members: g})
		}
		return ss
	}
	cases := []struct {
		name     string
		previous []string
		stories  []cluster.Story
		want     []string // story ids
		lineage  []string // "story<-previous relation overlap"
	}{{
		name:     "unchanged and grown",
		previous: []string{"S", "S", "T", "", "", "", ""},
		stories:  stories([]int{0, 1}, []int{2, 3}, []int{4}),
		want:     []string{"S", "T", storyID("a4")},
		lineage:  []string{"T<-T continue 1.00", storyID("a4") + "<- new 0.00"},
	}, {
		name:     "merge: the larger share keeps its id",
		previous: []string{"S", "S", "T", "", "", "", ""},
		stories:  stories([]int{0, 1, 2, 3}),
		want:     []string{"S"},
		lineage:  []string{"S<-S continue 1.00", "S<-T merge 1.00"},
	}, {
		name:     "split: the part with most articles keeps the id",
		previous: []string{"S", "S", "S", "", "", "", ""},
		stories:  stories([]int{0}, []int{1, 2}),
		want:     []string{storyID("a0@S"), "S"},
		lineage:  []string{storyID("a0@S") + "<-S split 0.33", "S<-S continue 0.67"},
	}, {
		name:     "new stories only",
		previous: []string{"", "", "", "", "", "", ""},
		stories:  stories([]int{0, 2}, []int{1}),
		want:     []string{storyID("a0"), storyID("a1")},
		lineage:  []string{storyID("a0") + "<- new 0.00", storyID("a1") + "<- new 0.00"},
	}, {
		name: "a split that would reuse a live id gets another",
		// a0 left story S once and formed story X (named after a0 and S);
		// a0 is back in S and leaves it again while X lives on.
		previous: []string{"S", "S", storyID("a0@S"), "S", "", "", ""},
		stories:  stories([]int{0}, []int{1, 3}, []int{2}),
		want:     []string{storyID("a0@S#2"), "S", storyID("a0@S")},
		lineage:  []string{storyID("a0@S#2") + "<-S split 0.33", "S<-S continue 0.67"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sids, lineage := nameStories("000002", ids, c.stories, c.previous)
			if !slices.Equal(sids, c.want) {
				t.Errorf("ids %v, want %v", sids, c.want)
			}
			var got []string
			for _, l := range lineage {
				got = append(got, fmt.Sprintf("%s<-%s %s %.2f", l.ID, l.PreviousID, l.Relation, l.Overlap))
				if l.RunID != "000002" {
					t.Errorf("run id %q", l.RunID)
				}
			}
			if !slices.Equal(got, c.lineage) {
				t.Errorf("lineage %q, want %q", got, c.lineage)
			}
		})
	}
}
