package data

import (
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// OutletFromHost returns the outlet named by a host name or URL: its
// registered domain, lower case ("www.nytimes.com", "mobile.nytimes.com",
// "https://thecaucus.blogs.nytimes.com/2012/…" are all "nytimes.com";
// "x.blogspot.com" stays itself, blogspot.com being a public suffix). ok is
// false when s is not a host name or URL (an outlet's name, such as "The
// New York Times" or "Reuters"), which is left as it is.
func OutletFromHost(s string) (outlet string, ok bool) {
	host := s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return s, false
		}
		host = u.Hostname()
	} else if i := strings.IndexByte(host, '/'); i > 0 {
		host = host[:i] // "nytimes.com/section"
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if !isHostName(host) {
		return s, false
	}
	if suffix, icann := publicsuffix.PublicSuffix(host); !icann && !strings.Contains(suffix, ".") {
		return s, false // no known top-level domain: "Boing.Boing" is a name
	}
	domain, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return s, false
	}
	return domain, true
}

// isHostName reports whether s has the shape of a DNS name with at least
// two labels: letters, digits and hyphens, separated by dots.
func isHostName(s string) bool {
	if len(s) < 4 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	// The last label is a top-level domain: not all digits (an IP
	// address, or a number such as 3.14).
	last := s[strings.LastIndexByte(s, '.')+1:]
	return strings.Trim(last, "0123456789") != ""
}
