/**
 * The generated documents are current: docs/fault-matrix.md and SECURITY.md's summary equal what
 * `npm run docs:generate` would write. Reads only: no test writes a tracked file.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FAULT_MATRIX_FILE, SECURITY_FILE, renderFaultMatrix, withSecuritySummary } from './faultMatrixReport';

const root = path.join(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const STALE = 'stale: run `npm run docs:generate` and commit the result';

describe('generated documents', () => {
  it(`${FAULT_MATRIX_FILE} lists every cell of the fault matrix as it is defined`, () => {
    assert.ok(read(FAULT_MATRIX_FILE) === renderFaultMatrix(), `${FAULT_MATRIX_FILE} is ${STALE}`);
  });

  it(`${SECURITY_FILE} quotes the fault matrix's current summary`, () => {
    const text = read(SECURITY_FILE);
    assert.ok(text === withSecuritySummary(text), `${SECURITY_FILE} is ${STALE}`);
  });
});
