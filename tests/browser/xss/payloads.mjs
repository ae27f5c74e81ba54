// The XSS corpus (tests/corpus/xss, copies of the shared corpus) and the subsets a run takes.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../harness.mjs';

const DIR = path.join(REPO, 'tests', 'corpus', 'xss');

/**
 * Every payload, in the corpus' order: 6,886 single-line ones (one per line, taken as they are:
 * a line's TAB, NBSP or control byte is part of the payload), then 56 multi-line ones.
 */
export function corpus() {
  const single = fs.readFileSync(path.join(DIR, 'xss-payloads.all.txt'), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const multi = fs.readFileSync(path.join(DIR, 'xss-payloads.multiline.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).payload);
  return [
    ...single.map((text) => ({ text, kind: 'single-line' })),
    ...multi.map((text) => ({ text, kind: 'multi-line' }))
  ];
}

/**
 * The quick subset: every 40th single-line payload, every Markdown-syntax one (links, images,
 * autolinks: the part of the corpus aimed at a markdown renderer like ours), and every 4th
 * multi-line one. About 250 payloads, the same ones every run.
 */
export function quick(all) {
  let line = 0;
  let block = 0;
  return all.filter((p) => {
    if (p.kind === 'multi-line') return block++ % 4 === 0;
    return line++ % 40 === 0 || /\]\(|^!?\[|^<[a-z]+:/i.test(p.text);
  });
}
