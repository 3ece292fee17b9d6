/**
 * `npm run docs:generate`: writes docs/fault-matrix.md and SECURITY.md's summary of it from the fault
 * matrix's definition. test/unit/generated-docs.test.ts fails when the committed text is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  FAULT_MATRIX_FILE,
  SECURITY_FILE,
  renderFaultMatrix,
  withSecuritySummary,
} from '../test/unit/faultMatrixReport';

const root = path.join(__dirname, '..');
function write(rel: string, text: string): void {
  const file = path.join(root, rel);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (before === text) return console.log(`${rel}: up to date`);
  fs.writeFileSync(file, text);
  console.log(`${rel}: written`);
}

write(FAULT_MATRIX_FILE, renderFaultMatrix());
write(SECURITY_FILE, withSecuritySummary(fs.readFileSync(path.join(root, SECURITY_FILE), 'utf8')));
