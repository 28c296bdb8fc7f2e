// Command pulumi-resource-kubernetes is knstack's build of the Pulumi Kubernetes provider.
//
// Why this wrapper exists: upstream's main package embeds schema-embed.json and
// terraform-mapping-embed.json, which `go generate` writes and git ignores, so that package
// cannot be built from the Go module cache. This main does the same thing with the
// schema.json and terraform-mapping.json that ship in the provider module: the bootstrap
// (scripts/bootstrap-tools.sh) copies them next to this file (gitignored) before building,
// stamps the schema's version, and sets version.Version with -ldflags.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var pulumiSchema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
