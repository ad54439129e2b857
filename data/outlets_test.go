package data

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// An outlets file as a spreadsheet saves it: a byte-order mark, quoted
// fields, spaces after commas, a blank attribute.
const outletsCSV = "\uFEFFoutlet,aliases,lean,country\r\n" +
	"New York Times,\"nytimes.com|NYT|The New York Times\",left,US\r\n" +
	"Fox News,\"foxnews.com | Fox News (Online News)\",right,US\r\n" +
	"CNN, \"CNN (Opinion)|cnn.com\",left,\r\n" +
	"Reuters,,center,UK\r\n"

func writeOutlets(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outlets.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadOutlets(t *testing.T) {
	o, err := ReadOutlets(writeOutlets(t, outletsCSV))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Attributes, []string{"lean", "country"}) {
		t.Errorf("attributes %q, want lean, country", o.Attributes)
	}
	if len(o.List) != 4 {
		t.Fatalf("%d outlets, want 4", len(o.List))
	}
	cnn := o.List[2]
	if cnn.Name != "CNN" || !slices.Equal(cnn.Aliases, []string{"CNN (Opinion)", "cnn.com"}) || !slices.Equal(cnn.Values, []string{"left", ""}) || cnn.Line != 4 {
		t.Errorf("CNN read as %+v", cnn)
	}
	for input, want := range map[string]string{
		"New York Times":                        "New York Times",
		"new  york times":                       "New York Times",
		"THE NEW YORK TIMES":                    "New York Times",
		"nytimes.com":                           "New York Times",
		"www.nytimes.com":                       "New York Times",
		"https://thecaucus.blogs.nytimes.com/x": "New York Times",
		"Fox News (Online News)":                "Fox News",
		"foxnews.com":                           "Fox News",
		"cnn (opinion)":                         "CNN",
		"edition.cnn.com":                       "CNN",
		"reuters":                               "Reuters",
	} {
		i, ok := o.Resolve(input)
		if !ok || o.List[i].Name != want {
			t.Errorf("Resolve(%q) = %d, %v; want %q", input, i, ok, want)
		}
	}
	for _, input := range []string{"reuters.com", "Breitbart", "CNN Opinion", "", "nytimes.co.uk"} {
		if i, ok := o.Resolve(input); ok {
			t.Errorf("Resolve(%q) = %q, want no outlet", input, o.List[i].Name)
		}
	}
}

func TestReadOutletsErrors(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"no outlet column", "name,lean\nCNN,left\n", ":1: no \"outlet\" column (the header is name,lean)"},
		{"empty", "", ":1: empty file"},
		{"unnamed column", "outlet,,lean\nCNN,x,left\n", ":1: column 2 has no name"},
		{"column twice", "outlet,lean,Lean\nCNN,left,left\n", ":1: column \"Lean\" twice"},
		{"outlet twice", "outlet,lean\nCNN,left\nReuters,center\ncnn,left\n", ":4: outlet \"cnn\" twice (line 2)"},
		{"alias of another", "outlet,aliases\nCNN,CNN (Opinion)\nFox News,cnn (opinion)\n", ":3: \"cnn (opinion)\" already names \"CNN\" (line 2)"},
		{"domain of another", "outlet,aliases\nCNN,cnn.com\nCNN International,edition.cnn.com\n", ":3: \"edition.cnn.com\" is the domain cnn.com, which already names \"CNN\" (line 2)"},
		{"no name", "outlet,lean\nCNN,left\n,right\n", ":3: no outlet name"},
		{"ragged row", "outlet,lean\nCNN,left\nFox,right,extra\n", ":3: wrong number of fields"},
		{"bad quote", "outlet,lean\nCNN,left\n\"Fox,right\n", ":3: extraneous or missing \" in quoted-field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeOutlets(t, c.text)
			_, err := ReadOutlets(path)
			if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), path+c.want) {
				t.Errorf("error %v, want one with %q", err, path+c.want)
			}
		})
	}
	if _, err := ReadOutlets(filepath.Join(t.TempDir(), "missing.csv")); err == nil || !errors.Is(err, ErrInput) {
		t.Errorf("a missing file: error %v", err)
	}
}
