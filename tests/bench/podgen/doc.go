// Command podgen writes N generated Pods, as one multi-document YAML file named pods.yaml, into a folder.
//
//	go run ./tests/bench/podgen -n 1000 -seed 1 -o DIR
//
// The same flags always produce the same bytes. See package gen for what the Pods look like.
//
// Flags: -n count (1000), -seed (1), -violations share of Pods breaking one Pod Security control (0.75), -o folder (.).
package main
