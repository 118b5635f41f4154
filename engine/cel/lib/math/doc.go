// Package math is Kyverno's `math` CEL library: math.round(double, int) rounds a number to the given count of
// decimal places, half away from zero (math.round(3.14159, 2) is 3.14; a negative count rounds to tens, hundreds,
// ...). It adds this overload to the one-argument math.round of cel-go's math extension.
package math
