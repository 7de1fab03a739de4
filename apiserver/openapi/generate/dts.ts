// A reader for the declaration files the generator learns from: classes, interfaces and type aliases with their JSDoc.

/** One member of a class or interface: its name, whether it is optional, its type text and its JSDoc text. */
export interface DtsMember {
  name: string;
  optional: boolean;
  type: string;
  doc?: string;
}

/** One declaration: `export declare class`, `export interface` or `export type`. */
export interface DtsDeclaration {
  kind: 'class' | 'interface' | 'type';
  name: string;
  doc?: string;
  members: DtsMember[];
  /** The aliased type of a `type` declaration. */
  type?: string;
}

/**
 * The text of a JSDoc block: `/**`, `*\/` and each line's leading `*` removed, lines joined with `\n` (so the
 * blank lines that separate paragraphs come back as `\n\n`).
 */
export function jsdocText(block: string): string {
  const inner = block.replace(/^\s*\/\*\*/, '').replace(/\*\/\s*$/, '');
  const lines = inner.split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.join('\n').replace(/\*\\\//g, '*/').trim();
}

const DECLARATION = /^export (?:declare )?(class|interface) (\w+)\s*\{/;
const TYPE_ALIAS = /^export (?:declare )?type (\w+)\s*=\s*(.+);$/;
const MEMBER = /^(?:readonly\s+)?'?([\w$-]+)'?(\?)?:\s*(.*)$/;

function depthChange(line: string): number {
  let d = 0;
  for (const c of line) {
    if (c === '{') d++;
    else if (c === '}') d--;
  }
  return d;
}

/**
 * Parses the declarations of a `.d.ts` text. Invariants (the two generated styles read here, openapi-generator's
 * and kubernetes-types'): a JSDoc block precedes what it documents; members sit one per statement at depth 1 of
 * their declaration and end with `;` at that depth; `static` members and constructors are not fields.
 */
export function parseDts(text: string): DtsDeclaration[] {
  const lines = text.split('\n');
  const out: DtsDeclaration[] = [];
  let doc: string | undefined;
  let current: DtsDeclaration | undefined;
  let depth = 0;
  let pending: { member: DtsMember; depth: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('/**')) {
      let block = line;
      while (!block.includes('*/') && i + 1 < lines.length) block += `\n${lines[++i]!}`;
      doc = jsdocText(block);
      continue;
    }
    if (pending) {
      pending.member.type += ` ${line}`;
      pending.depth += depthChange(line);
      if (pending.depth === 0 && line.endsWith(';')) {
        pending.member.type = pending.member.type.replace(/;$/, '').replace(/\s+/g, ' ').trim();
        current!.members.push(pending.member);
        pending = undefined;
      }
      continue;
    }
    if (!current) {
      const decl = DECLARATION.exec(line);
      if (decl) {
        current = { kind: decl[1] as 'class' | 'interface', name: decl[2]!, members: [] };
        if (doc !== undefined) current.doc = doc;
        depth = depthChange(line);
        if (depth === 0) {
          out.push(current);
          current = undefined;
        }
      } else {
        const alias = TYPE_ALIAS.exec(line);
        if (alias) {
          const d: DtsDeclaration = { kind: 'type', name: alias[1]!, members: [], type: alias[2]! };
          if (doc !== undefined) d.doc = doc;
          out.push(d);
        }
      }
      doc = undefined;
      continue;
    }
    if (depth === 1 && line === '}') {
      out.push(current);
      current = undefined;
      depth = 0;
      doc = undefined;
      continue;
    }
    const m = depth === 1 && !line.startsWith('static ') && !line.startsWith('constructor') ? MEMBER.exec(line) : null;
    if (m) {
      const member: DtsMember = { name: m[1]!, optional: m[2] === '?', type: m[3]! };
      if (doc !== undefined) member.doc = doc;
      doc = undefined;
      const d = depthChange(line);
      if (d === 0 && line.endsWith(';')) {
        member.type = member.type.replace(/;$/, '').trim();
        current.members.push(member);
      } else {
        pending = { member, depth: d };
      }
      continue;
    }
    depth += depthChange(line);
    doc = undefined;
  }
  return out;
}
