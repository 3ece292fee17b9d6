/**
 * docs/architecture.md is a map that cannot go stale: every path it names exists, every symbol it names
 * is defined in the file it names, every file under src/ has its row and every folder its heading.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const DOC = 'docs/architecture.md';
const doc = fs.readFileSync(path.join(root, DOC), 'utf8');
const exists = (rel: string) => fs.existsSync(path.join(root, rel));
const source = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const escape = (s: string) => s.replace(/[$]/g, '\\$');

/** True when `file` defines `name` or re-exports it (`export { name } from`, `export * from` a file that does). */
function definesIn(file: string, name: string): boolean {
  if (!exists(file)) return false;
  const text = source(file);
  if (defines(text, name)) return true;
  if (name.includes('.')) return false;
  if (new RegExp(`export\\s*(?:type\\s*)?\\{[^}]*\\b${escape(name)}\\b[^}]*\\}`).test(text)) return true;
  return [...text.matchAll(/export \* from '(\.[^']+)'/g)].some((m) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
    return definesIn(`${target}.ts`, name) || definesIn(`${target}/index.ts`, name);
  });
}

/** True when `file` defines `name` (`Class.member`: the class or interface, and a member of that name). */
export function defines(text: string, name: string): boolean {
  const [owner, member] = name.split('.');
  const top = new RegExp(
    `(?:^|\\n)\\s*(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?` +
      `(?:function\\*?|class|interface|type|const|let|enum)\\s+${escape(owner)}\\b`,
  );
  if (!top.test(text)) return false;
  if (member === undefined) return true;
  const m = new RegExp(
    `\\n\\s+(?:(?:public|private|protected|readonly|static|async|override|get|set)\\s+)*\\*?${escape(member)}\\s*[(<:?=]`,
  );
  return m.test(text);
}

/** Every file and folder under src/, relative to the repository. */
function walk(dir: string, files: string[] = [], dirs: string[] = []): { files: string[]; dirs: string[] } {
  dirs.push(`${dir}/`);
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(rel, files, dirs);
    else if (e.name.endsWith('.ts')) files.push(rel);
  }
  return { files, dirs };
}

interface Row {
  readonly file: string;
  readonly symbols: string[];
}

/** The "Rooms" tables: a `### \`src/dir/\`` heading, then `| file.ts | what | \`Symbol\`, … |` rows. */
function rooms(): { headings: string[]; rows: Row[] } {
  const headings: string[] = [];
  const rows: Row[] = [];
  let room: string | undefined;
  for (const line of doc.split('\n')) {
    const h = /^#{2,3}\s+(?:`([^`]+)`)?/.exec(line);
    if (h) {
      room = h[1];
      if (room) headings.push(room);
      continue;
    }
    const r = /^\|\s*([\w.]+\.ts)\s*\|(.*)\|\s*$/.exec(line);
    if (r && room) {
      const cells = r[2].split('|');
      const symbols = [...cells[cells.length - 1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      rows.push({ file: room + r[1], symbols });
    }
  }
  return { headings, rows };
}

/** Prose references: `` `Symbol` (src/path.ts …) `` or `` `Class.member` (src/path.ts …) ``. */
function proseRefs(): Array<{ symbol: string; file: string }> {
  return [...doc.matchAll(/`(?!reactions\.)([A-Za-z_$][\w$]*(?:\.[\w$]+)?)`\s*\((src\/[\w./-]+?\.ts)\b/g)].map((m) => ({
    symbol: m[1],
    file: m[2],
  }));
}

describe('docs/architecture.md', () => {
  const { files, dirs } = walk('src');
  const { headings, rows } = rooms();

  it('names rooms and files that exist', () => {
    const named = [...doc.matchAll(/(?<![\w/.])((?:src|test|docs|scripts|bench)\/[\w./-]*[\w/])/g)].map((m) => m[1]);
    assert.ok(named.length > 50, 'the map names its files');
    const missing = [...new Set(named)].filter((p) => !exists(p));
    assert.deepStrictEqual(missing, [], `${DOC} names paths that do not exist`);
  });

  it('every symbol of the room tables is defined in its file', () => {
    assert.ok(rows.length > 0);
    const wrong = rows.flatMap((r) => r.symbols.filter((s) => !definesIn(r.file, s)).map((s) => `${r.file} → ${s}`));
    assert.deepStrictEqual(wrong, [], `${DOC} names symbols its files do not define`);
  });

  it('every symbol the walks name is defined in the file named beside it', () => {
    const refs = proseRefs();
    assert.ok(refs.length > 30, 'the walks name their symbols');
    const wrong = refs.filter((r) => !definesIn(r.file, r.symbol));
    assert.deepStrictEqual(
      wrong.map((r) => `${r.file} → ${r.symbol}`),
      [],
      `${DOC} names symbols its files do not define`,
    );
  });

  it('covers every room: each folder of src/ has a heading, each file a row', () => {
    assert.deepStrictEqual(
      dirs.filter((d) => !headings.includes(d)),
      [],
      'folders without a heading',
    );
    const listed = new Set(rows.map((r) => r.file));
    assert.deepStrictEqual(
      files.filter((f) => !listed.has(f)),
      [],
      'files without a row',
    );
  });

  it('names no line numbers (they go stale with every edit)', () => {
    assert.deepStrictEqual(doc.match(/\.ts:\d+/g) ?? [], []);
  });

  it('the symbol check tells a defined symbol from a missing one', () => {
    const text = 'export class A {\n  private async go(x: number) {}\n  readonly n = 1;\n}\nexport function f() {}\n';
    assert.ok(defines(text, 'A') && defines(text, 'f') && defines(text, 'A.go') && defines(text, 'A.n'));
    assert.ok(!defines(text, 'B') && !defines(text, 'A.stop') && !defines(text, 'fo'));
  });
});
