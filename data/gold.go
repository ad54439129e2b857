package data

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
)

// ReadGold reads the gold story label of every row of a labelled JSONL file
// (such as the development sets): the row's id, as FieldMap maps it, and the
// value of the field named label. Rows without an id or a label, and lines
// that are not JSON objects, are skipped.
func ReadGold(path, label string, fields FieldMap) (ids, labels []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), DefaultMaxArticleBytes)
	for sc.Scan() {
		var obj map[string]json.RawMessage
		if json.Unmarshal(sc.Bytes(), &obj) != nil {
			continue
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		idx := fields.resolve(keys)
		if idx[FieldID] < 0 {
			continue
		}
		id, err1 := jsonScalar(obj[keys[idx[FieldID]]])
		lab, err2 := jsonScalar(obj[label])
		if err1 != nil || err2 != nil || id == "" || lab == "" {
			continue
		}
		ids = append(ids, id)
		labels = append(labels, lab)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return ids, labels, nil
}

// assignmentsSchema is the part of ArticlesSchema that ReadAssignments reads.
var assignmentsSchema = arrow.NewSchema(ArticlesSchema.Fields()[:2], nil)

// ReadAssignments reads the article_id and story_id columns of the
// articles table in dir.
func ReadAssignments(dir string) (articleIDs, storyIDs []string, err error) {
	type pair struct{ article, story string }
	pairs, err := readTable(dir, "articles", func(path string) ([]pair, error) {
		var ps []pair
		err := readRows(path, assignmentsSchema, func(c cols, i int) {
			ps = append(ps, pair{c.str("article_id", i), c.str("story_id", i)})
		})
		return ps, err
	})
	for _, p := range pairs {
		articleIDs = append(articleIDs, p.article)
		storyIDs = append(storyIDs, p.story)
	}
	return articleIDs, storyIDs, err
}
