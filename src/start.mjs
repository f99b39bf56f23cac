/**
 * `npm start`: builds dist/ when a source file or the installed packages changed since the last
 * build (so a fresh clone needs no separate build step), then runs Jamii from it in this same
 * process. Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { build, isBuildStale } from './build.mjs';

process.setSourceMapsEnabled(true);
if (isBuildStale()) await build();
await import('../dist/main.js');
