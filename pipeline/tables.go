package pipeline

import (
	"cmp"
	"slices"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/vectorize"
)

// storyID names a story by its earliest article, so that the id does not
// change when later articles join it.
func storyID(firstArticleID string) string { return "s-" + shortHash(firstArticleID)[:16] }

// buildTables turns the clustered articles into the articles and stories
// tables, fills the story counts and the top stories of m, and returns the
// tables in output order.
func buildTables(articles []data.Article, ids []string, vec *vectorize.Result, stories []cluster.Story, m *Manifest) []*data.Table {
	at := data.NewTable("articles", data.ArticlesSchema)
	st := data.NewTable("stories", data.StoriesSchema)
	storyOf := make([]int, len(articles))
	sim := make([]float32, len(articles))
	sids := make([]string, len(stories))
	var top []StorySummary
	for s, story := range stories {
		sids[s] = storyID(ids[story.Members[0]])
		outlets := map[string]bool{}
		var first, last time.Time
		for k, i := range story.Members {
			storyOf[i], sim[i] = s, story.Similarity[k]
			if o := articles[i].Outlet; o != "" {
				outlets[o] = true
			}
			if t := articles[i].Published; !t.IsZero() {
				if first.IsZero() || t.Before(first) {
					first = t
				}
				if t.After(last) {
					last = t
				}
			}
		}
		names := make([]string, 0, len(outlets))
		for o := range outlets {
			names = append(names, o)
		}
		slices.Sort(names)
		terms := make([]string, len(story.TopTerms))
		for k, t := range story.TopTerms {
			terms[k] = vec.Terms[t]
		}
		rep := story.Representative
		st.AppendStory(data.StoryRow{
			StoryID: sids[s], Label: articles[rep].Title, TopTerms: terms,
			NArticles: len(story.Members), NOutlets: len(names), Outlets: names,
			First: first, Last: last, RepresentativeArticleID: ids[rep], Cohesion: story.Cohesion,
		})
		m.Counts.Stories++
		if len(names) > 1 {
			m.Counts.CrossOutletStories++
		}
		if len(story.Members) == 1 {
			m.Counts.Singletons++
		}
		top = append(top, StorySummary{StoryID: sids[s], Label: articles[rep].Title, NArticles: len(story.Members), NOutlets: len(names)})
	}
	slices.SortStableFunc(top, func(a, b StorySummary) int {
		return cmp.Or(cmp.Compare(b.NOutlets, a.NOutlets), cmp.Compare(b.NArticles, a.NArticles), cmp.Compare(a.StoryID, b.StoryID))
	})
	m.Top = top[:min(5, len(top))]
	for i, a := range articles {
		at.AppendArticle(data.ArticleRow{
			ArticleID: ids[i], StoryID: sids[storyOf[i]], Outlet: a.Outlet, Published: a.Published,
			Title: a.Title, URL: a.URL, Language: vec.Languages[i], Similarity: sim[i],
			SourceFile: a.SourceFile, SourceLine: a.SourceLine,
		})
	}
	return []*data.Table{at, st}
}
