package bundle

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// PasswordEnv is the environment variable holding the password of an encrypted key, as for cosign.
const PasswordEnv = "COSIGN_PASSWORD"

// EnvOrTerminalPassword returns a password function for an encrypted key: the value of COSIGN_PASSWORD when it is
// set (even empty), else a prompt on w answered on stdin when stdin is a terminal, else an error.
func EnvOrTerminalPassword(stdin *os.File, w io.Writer) func() ([]byte, error) {
	return func() ([]byte, error) {
		if pw, ok := os.LookupEnv(PasswordEnv); ok {
			return []byte(pw), nil
		}
		fd := int(stdin.Fd())
		if !term.IsTerminal(fd) {
			return nil, errors.New("the key is encrypted: set " + PasswordEnv + " or run in a terminal")
		}
		fmt.Fprint(w, "Enter password for private key: ")
		pw, err := term.ReadPassword(fd)
		fmt.Fprintln(w)
		if err != nil {
			return nil, fmt.Errorf("reading the password: %w", err)
		}
		return pw, nil
	}
}
