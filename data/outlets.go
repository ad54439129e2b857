package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Outlets is what a researcher knows of the outlets: for each, its
// canonical name, the names and domains the inputs may give for it
// (aliases), and attributes such as lean, country or owner.
type Outlets struct {
	// Attributes are the names of the attribute columns, in the file's
	// order.
	Attributes []string
	// List holds the outlets in the file's order.
	List []Outlet
	// byName and byDomain index List by folded name or alias, and by the
	// registered domain of a name or alias that is a host name or URL.
	byName, byDomain map[string]int
}

// Outlet is one outlet of an Outlets file.
type Outlet struct {
	Name    string
	Aliases []string
	// Values are the attributes' values, as Outlets.Attributes; empty when
	// the file leaves one blank.
	Values []string
	Line   int
}

// Column names of an outlets file with a meaning of their own.
const (
	OutletColumn  = "outlet"
	AliasesColumn = "aliases"
)

// ReadOutlets reads an outlets file: a CSV file with a header, whose
// "outlet" column is the canonical name, whose optional "aliases" column
// lists other names or domains of the outlet separated by "|", and whose
// other columns are attributes. Every error names the file and line.
func ReadOutlets(path string) (*Outlets, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	defer f.Close()
	return ParseOutlets(f, path)
}

// ParseOutlets reads an outlets file (see ReadOutlets) from r; file names
// it in errors.
func ParseOutlets(r io.Reader, file string) (*Outlets, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%w: %s:%d: %s", ErrInput, file, line, fmt.Sprintf(format, args...))
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(1, "empty file: want a header with an %q column", OutletColumn)
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF") // as spreadsheets save
	}
	o := &Outlets{byName: map[string]int{}, byDomain: map[string]int{}}
	nameCol, aliasCol := -1, -1
	var attrCols []int
	seen := map[string]bool{}
	for k, h := range header {
		h = strings.TrimSpace(h)
		switch key := strings.ToLower(h); {
		case h == "":
			return nil, fail(1, "column %d has no name", k+1)
		case seen[key]:
			return nil, fail(1, "column %q twice", h)
		case key == OutletColumn:
			nameCol = k
		case key == AliasesColumn:
			aliasCol = k
		default:
			attrCols = append(attrCols, k)
			o.Attributes = append(o.Attributes, h)
		}
		seen[strings.ToLower(h)] = true
	}
	if nameCol < 0 {
		return nil, fail(1, "no %q column (the header is %s)", OutletColumn, strings.Join(header, ","))
	}
	// Where each name and domain was given, for the errors.
	nameAt, domainAt := map[string]int{}, map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		name := strings.TrimSpace(rec[nameCol])
		if name == "" {
			return nil, fail(line, "no outlet name")
		}
		idx := len(o.List)
		out := Outlet{Name: name, Line: line}
		claim := func(s string) error {
			key := foldName(s)
			if j, ok := o.byName[key]; ok && j != idx {
				return fail(line, "%q already names %q (line %d)", s, o.List[j].Name, nameAt[key])
			}
			o.byName[key], nameAt[key] = idx, line
			if d, ok := OutletFromHost(s); ok {
				if j, ok := o.byDomain[d]; ok && j != idx {
					return fail(line, "%q is the domain %s, which already names %q (line %d)", s, d, o.List[j].Name, domainAt[d])
				}
				o.byDomain[d], domainAt[d] = idx, line
			}
			return nil
		}
		if j, ok := o.byName[foldName(name)]; ok && foldName(o.List[j].Name) == foldName(name) {
			return nil, fail(line, "outlet %q twice (line %d)", name, o.List[j].Line)
		}
		if err := claim(name); err != nil {
			return nil, err
		}
		if aliasCol >= 0 {
			for a := range strings.SplitSeq(rec[aliasCol], "|") {
				if a = strings.TrimSpace(a); a == "" {
					continue
				}
				if err := claim(a); err != nil {
					return nil, err
				}
				out.Aliases = append(out.Aliases, a)
			}
		}
		for _, k := range attrCols {
			out.Values = append(out.Values, strings.TrimSpace(rec[k]))
		}
		o.List = append(o.List, out)
	}
	return o, nil
}

// csvError is err of encoding/csv with the file named, as file:line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: %s:%d: %w", ErrInput, file, pe.Line, pe.Err)
	}
	return fmt.Errorf("%w: %s: %w", ErrInput, file, err)
}

// foldName is the form in which names match: lower case, white space
// collapsed to single spaces.
func foldName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Resolve returns the index in List of the outlet that name stands for: the
// outlet whose name or alias it is, case and spacing aside, or, for a host
// name or URL, the outlet with an alias or name of the same registered
// domain. ok is false when the file has no such outlet.
func (o *Outlets) Resolve(name string) (int, bool) {
	if i, ok := o.byName[foldName(name)]; ok {
		return i, true
	}
	if d, ok := OutletFromHost(strings.TrimSpace(name)); ok {
		i, ok := o.byDomain[d]
		return i, ok
	}
	return -1, false
}
