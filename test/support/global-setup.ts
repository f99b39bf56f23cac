/**
 * Before any test file runs: the bundle in dist/ is current. The child-process tests run it
 * (`node dist/main.js`, what `npm start` and the Docker image run), not the TypeScript sources.
 */
import { build, isBuildStale } from '../../src/build.mjs';

export default async function setup(): Promise<void> {
  if (isBuildStale()) await build();
}
