package oracle_test

import (
	"fmt"
	"strings"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }

func hasPrefix(s, prefix string) bool { return strings.HasPrefix(s, prefix) }
