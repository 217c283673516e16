package catalog

// CheckDecimal validates a decimal string as the API takes it for per-unit
// prices and credit amounts: plain digits, at most intDigits before the
// point and fracDigits after it, never through float64. It reports whether
// s is well-formed and whether its value is greater than zero.
func CheckDecimal(s string, intDigits, fracDigits int) (ok, positive bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if s[i] != '0' {
			positive = true
		}
		i++
	}
	if i == 0 || i > intDigits {
		return false, false
	}
	if i == len(s) {
		return true, positive
	}
	if s[i] != '.' {
		return false, false
	}
	j := i + 1
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		if s[j] != '0' {
			positive = true
		}
		j++
	}
	if j != len(s) || j == i+1 || j-i-1 > fracDigits {
		return false, false
	}
	return true, positive
}
