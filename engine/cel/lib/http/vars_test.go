package http

import "github.com/google/cel-go/cel"

func varCA() cel.EnvOption { return cel.Variable("ca", cel.StringType) }
