package data

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Field is one of the article fields a reader fills.
type Field int

const (
	FieldID Field = iota
	FieldTitle
	FieldText
	FieldOutlet
	FieldPublished
	FieldURL
	FieldLanguage
	numFields
)

var fieldNames = [numFields]string{"id", "title", "text", "outlet", "published", "url", "language"}

func (f Field) String() string { return fieldNames[f] }

// fieldAliases lists, per field and in order of preference, the column names
// that commonly carry it. Matching ignores case and surrounding space.
var fieldAliases = [numFields][]string{
	FieldID:        {"id", "article_id", "guid", "uuid", "doc_id", "docid", "_id", "story_id", "item_id"},
	FieldTitle:     {"title", "headline", "headline_text", "head", "title_text", "name"},
	FieldText:      {"text", "maintext", "body", "content", "article", "article_text", "body_text", "full_text", "fulltext", "story_text", "text_content", "description", "summary", "excerpt", "abstract", "lead"},
	FieldOutlet:    {"outlet", "source", "publisher", "source_domain", "publication", "media_name", "media", "site", "site_name", "domain", "source_name", "news_source", "newspaper", "feed"},
	FieldPublished: {"published", "date", "date_publish", "publish_date", "published_at", "publishedat", "publication_date", "pub_date", "pubdate", "published_date", "date_published", "timestamp", "datetime", "time", "created_at", "date_time", "seendate", "dateadded", "isodate"},
	FieldURL:       {"url", "link", "source_url", "sourceurl", "href", "article_url", "permalink"},
	FieldLanguage:  {"language", "lang", "locale"},
}

// memberNames are the members of a nested object or struct that stand for
// the object itself when a column name or alias names the object: NewsAPI's
// source.name, MongoDB exports' _id.$oid and date.$date, feeds' title.#text.
var memberNames = []string{"name", "title", "text", "value", "#text", "$date", "$oid", "$numberlong"}

// FieldMap maps input column names to article fields. The zero value maps the
// common spellings in fieldAliases; Set pins a field to one column name.
type FieldMap struct {
	override [numFields]string
}

// Set pins field to the column named col ("text", "body").
func (m *FieldMap) Set(field, col string) error {
	for f, name := range fieldNames {
		if name == strings.ToLower(strings.TrimSpace(field)) {
			m.override[f] = strings.ToLower(strings.TrimSpace(col))
			return nil
		}
	}
	return fmt.Errorf("unknown field %q (want one of %s)", field, strings.Join(fieldNames[:], ", "))
}

// ParseFieldMap builds a FieldMap from "field=column" pairs.
func ParseFieldMap(pairs []string) (FieldMap, error) {
	var m FieldMap
	for _, p := range pairs {
		field, col, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(col) == "" {
			return m, fmt.Errorf("field mapping %q: want field=column", p)
		}
		if err := m.Set(field, col); err != nil {
			return m, err
		}
	}
	return m, nil
}

// Overrides returns the pinned mappings as sorted "field=column" pairs.
func (m FieldMap) Overrides() []string {
	var out []string
	for f, col := range m.override {
		if col != "" {
			out = append(out, fieldNames[f]+"="+col)
		}
	}
	sort.Strings(out)
	return out
}

// resolve returns, per field, the index in names of the column that carries
// it, or -1. names are column names as found in the input; a member of a
// nested object or struct is named by its path ("source.name"). A column
// or alias that names an object resolves to its member named in
// memberNames.
func (m FieldMap) resolve(names []string) [numFields]int {
	pos := make(map[string]int, len(names))
	for i, n := range names {
		key := strings.ToLower(strings.TrimSpace(n))
		if _, dup := pos[key]; !dup {
			pos[key] = i
		}
	}
	find := func(col string) (int, bool) {
		if i, ok := pos[col]; ok {
			return i, true
		}
		for _, mem := range memberNames {
			if i, ok := pos[col+"."+mem]; ok {
				return i, true
			}
		}
		return -1, false
	}
	var idx [numFields]int
	for f := range numFields {
		idx[f] = -1
		if col := m.override[f]; col != "" {
			idx[f], _ = find(col)
			continue
		}
		for _, alias := range fieldAliases[f] {
			if i, ok := find(alias); ok {
				idx[f] = i
				break
			}
		}
	}
	return idx
}

// Missing returns the pinned mappings whose column is not among names
// (column names as resolve takes them), as "field=column" pairs.
func (m FieldMap) Missing(names []string) []string {
	idx := m.resolve(names)
	var out []string
	for f, col := range m.override {
		if col != "" && idx[f] < 0 {
			out = append(out, fieldNames[f]+"="+col)
		}
	}
	return out
}

// resolveLast is resolve for the keys of one JSON object as written, which
// may repeat: a repeated key stands for its last value, and the distinct
// keys resolve in sorted order, so that spellings of one column ("Title",
// "title") resolve the same way every time. The indexes are into keys.
func (m FieldMap) resolveLast(keys []string) [numFields]int {
	last := make(map[string]int, len(keys))
	for i, k := range keys {
		last[k] = i
	}
	distinct := make([]string, 0, len(last))
	for k := range last {
		distinct = append(distinct, k)
	}
	slices.Sort(distinct)
	idx := m.resolve(distinct)
	for f, i := range idx {
		if i >= 0 {
			idx[f] = last[distinct[i]]
		}
	}
	return idx
}

// mapping renders idx (from resolve over names) as "field=column" pairs in
// the order of the fields, the form --field takes.
func mapping(idx [numFields]int, names []string) []string {
	var out []string
	for f, i := range idx {
		if i >= 0 {
			out = append(out, fieldNames[f]+"="+names[i])
		}
	}
	return out
}

// fieldValues holds the raw string value of each field of one row.
type fieldValues [numFields]string
