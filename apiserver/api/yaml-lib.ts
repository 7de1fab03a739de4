// The YAML library, loaded when something first reads or writes YAML.
//
// kubectl and the components send JSON, and the components read the JSON kubeconfig `kubeling up` writes for them,
// so most processes never need YAML; loading it costs about 30 ms and 5 MB of each one's start-up. The library is a
// CommonJS package, so it loads synchronously at its first use.

import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

/** The `yaml` package's exports. */
export function yamlLib(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
