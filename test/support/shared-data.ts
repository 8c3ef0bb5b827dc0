/**
 * Where the shared public data (traces, price catalogs) lives: ../shared/data beside the
 * project, as on the development machines and in CI, or wherever CAPSIM_SHARED_DATA says.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CANDIDATES = [process.env['CAPSIM_SHARED_DATA'], '../shared/data', '../../shared/data', '/work/shared/data'].filter((p): p is string => Boolean(p));

const FOUND = CANDIDATES.find((p) => existsSync(join(p, 'traces')) && existsSync(join(p, 'prices')));

export const SHARED_DATA = resolve(FOUND ?? '../shared/data');

/**
 * Whether the shared data is here. CI has it; a checkout without it skips (and names) the
 * tests that read it rather than failing on a missing file.
 */
export const HAVE_SHARED_DATA = FOUND !== undefined;
if (!HAVE_SHARED_DATA) console.warn(`capsim tests: shared data not found (looked in ${CANDIDATES.join(', ')}); tests of real traces and price catalogs are skipped`);

export const sharedFile = (...parts: string[]) => join(SHARED_DATA, ...parts);
