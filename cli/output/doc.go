// Package output holds what the CLI commands share to print results: an aligned text table.
package output
