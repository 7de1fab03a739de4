// `npm run gen:openapi`: regenerates apiserver/openapi/generated-schemas.ts from the installed devDependencies.

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { emitModule, GENERATED_PATH } from './emit.js';
import { generateSchemas } from './schemas.js';
import { loadSources } from './sources.js';

/** Generates the schemas and writes the module into the source tree (`root`: the repository). */
export async function main(root: string): Promise<void> {
  const src = await loadSources();
  const gen = generateSchemas(src);
  for (const note of gen.notes) process.stderr.write(`note: ${note}\n`);
  const path = `${root}/${GENERATED_PATH}`;
  await writeFile(path, emitModule(gen, src));
  process.stdout.write(`wrote ${GENERATED_PATH}: ${Object.keys(gen.schemas).length} schemas\n`);
}

// Run from dist/apiserver/openapi/generate/main.js: the repository root is four levels up.
await main(fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, ''));
