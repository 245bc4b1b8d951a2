import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { VERSION } from '../src/version.js';

it('VERSION is package.json’s version (the instrumentation scope version of tracewise’s spans)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
